//! `include` (conventions §5): stubs whose type is named are replaced inline
//! by the full resource, and stubs inside expanded resources too, up to
//! [`MAX_DEPTH`] levels. The expansion reads nothing itself: [`Expansion::wanted`]
//! says which rows it still needs, the caller reads them (in one snapshot)
//! and hands them to [`Expansion::loaded`], and once nothing is wanted,
//! [`Expansion::apply`] rewrites the response. Catalog resources are rendered
//! from the [`View`] at once. A stub was already in a response the caller may
//! see, so no further check is needed, except that what customers may not
//! see stays hidden.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::render::{self, View};
use crate::db::conversations::Decorated;
use crate::db::manage::Organization;
use crate::db::markers::ReadMarker;
use crate::db::ratings::Rating;
use crate::db::users::User;

/// How many levels of stubs inside expanded resources are expanded too.
pub const MAX_DEPTH: usize = 3;

/// A row the expansion needs, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// A user.
    User(i64),
    /// A read marker.
    ReadMarker(i64),
    /// A conversation, decorated for the view's reader.
    Conversation(i64),
    /// A rating.
    Rating(i64),
    /// An organization.
    Organization(i64),
}

/// A row read for a [`Need`].
#[derive(Debug)]
pub enum Row {
    /// A user.
    User(User),
    /// A read marker.
    ReadMarker(ReadMarker),
    /// A conversation with what its wire form needs.
    Conversation(Box<Decorated>),
    /// A rating.
    Rating(Rating),
    /// An organization.
    Organization(Organization),
}

/// A stub's type and id.
type Key = (&'static str, i64);

/// The types of resource a stub may stand for.
const KINDS: [&str; 16] = [
    "user_minimal",
    "user",
    "team",
    "team_minimal",
    "case_status",
    "case_priority",
    "case_type",
    "role",
    "read_marker",
    "conversation_field",
    "field_option",
    "locale_field",
    "conversation_form",
    "conversation",
    "conversation_rating",
    "organization",
];

/// One response's `include` expansion (see the module docs). It looks at
/// each resource once per depth it stands at: the response first, then each
/// full resource as soon as it is known, so every round reads only what the
/// last one found.
pub struct Expansion {
    includes: HashSet<String>,
    /// Each full resource, as rendered before its own stubs are expanded;
    /// `None` where there is none.
    known: HashMap<Key, Option<Value>>,
    /// Known resources still to look inside, with the depth of their stubs.
    frontier: Vec<(Key, usize)>,
    /// What has been, or is to be, looked inside (resource and depth).
    scheduled: HashSet<(Key, usize)>,
    /// Rows asked for, with the depths to look inside them at once they come.
    awaited: HashMap<Key, Vec<usize>>,
    /// Whether the response itself has been looked at.
    started: bool,
}

impl Expansion {
    /// An expansion of the stubs whose types `includes` names (`*`: all).
    pub fn new(includes: HashSet<String>) -> Expansion {
        Expansion {
            includes,
            known: HashMap::new(),
            frontier: Vec::new(),
            scheduled: HashSet::new(),
            awaited: HashMap::new(),
            started: false,
        }
    }

    /// The rows still needed, each once; empty when everything `data` refers
    /// to, down to [`MAX_DEPTH`], is known.
    pub fn wanted(&mut self, view: &View, data: &Value) -> Vec<(Key, Need)> {
        let mut wanted = Vec::new();
        if !self.started {
            self.started = true;
            self.look(view, data, 0, &mut wanted);
        }
        while let Some((key, depth)) = self.frontier.pop() {
            // Taken out while looked inside, so that what it refers to can be filed.
            let Some(Some(full)) = self.known.remove(&key) else { continue };
            self.look(view, &full, depth, &mut wanted);
            self.known.insert(key, Some(full));
        }
        wanted
    }

    /// Files the row read for `key` (`None`: there is none).
    pub fn loaded(&mut self, view: &View, key: Key, row: Option<Row>) {
        let full = row.and_then(|row| rendered(view, row));
        self.known.insert(key, full);
        for depth in self.awaited.remove(&key).unwrap_or_default() {
            self.frontier.push((key, depth));
        }
    }

    /// `data` with every stub replaced that can be.
    pub fn apply(&self, mut data: Value) -> Value {
        self.replace(&mut data, 0);
        data
    }

    fn expands(&self, kind: &str, depth: usize) -> bool {
        depth < MAX_DEPTH && (self.includes.contains("*") || self.includes.contains(kind))
    }

    /// Finds the stubs in `v` at `depth` that expand: known ones are scheduled
    /// to be looked inside, the others are wanted.
    fn look(&mut self, view: &View, v: &Value, depth: usize, wanted: &mut Vec<(Key, Need)>) {
        match v {
            Value::Array(items) => items.iter().for_each(|item| self.look(view, item, depth, wanted)),
            Value::Object(map) => {
                let Some(key) = stub(map) else {
                    for (name, child) in map {
                        // User-supplied maps hold no stubs of ours.
                        if name != "metadata" {
                            self.look(view, child, depth, wanted);
                        }
                    }
                    return;
                };
                if !self.expands(key.0, depth) || !self.scheduled.insert((key, depth + 1)) {
                    return;
                }
                // Inside a resource at the last depth, nothing expands: no need to look.
                let inside = depth + 1 < MAX_DEPTH;
                if let Entry::Vacant(slot) = self.known.entry(key) {
                    match need(view, key.0, key.1) {
                        Needed::Known(full) => {
                            slot.insert(full);
                        }
                        Needed::Row(need) => {
                            let first = !self.awaited.contains_key(&key);
                            let waiting = self.awaited.entry(key).or_default();
                            if inside {
                                waiting.push(depth + 1);
                            }
                            if first {
                                wanted.push((key, need));
                            }
                            return;
                        }
                    }
                }
                if inside {
                    self.frontier.push((key, depth + 1));
                }
            }
            _ => {}
        }
    }

    fn replace(&self, v: &mut Value, depth: usize) {
        match v {
            Value::Array(items) => items.iter_mut().for_each(|item| self.replace(item, depth)),
            Value::Object(map) => {
                let Some(key) = stub(map) else {
                    return self.replace_inside(v, depth);
                };
                if !self.expands(key.0, depth) {
                    return;
                }
                if let Some(Some(full)) = self.known.get(&key) {
                    let mut full = full.clone();
                    self.replace_inside(&mut full, depth + 1);
                    *v = full;
                }
            }
            _ => {}
        }
    }

    fn replace_inside(&self, v: &mut Value, depth: usize) {
        if let Value::Object(map) = v {
            for (key, child) in map.iter_mut() {
                if key != "metadata" {
                    self.replace(child, depth);
                }
            }
        }
    }
}

/// A stub is `{"id", "resource_type"}` (teams add `legacy_id`) and nothing
/// else, of a type in [`KINDS`] (a stub of another type never expands).
fn stub(v: &Map<String, Value>) -> Option<Key> {
    let kind = v.get("resource_type")?.as_str()?;
    let kind = KINDS.into_iter().find(|k| *k == kind)?;
    let id = v.get("id")?.as_i64()?;
    v.keys().all(|k| matches!(k.as_str(), "id" | "resource_type" | "legacy_id")).then_some((kind, id))
}

/// What expanding a stub of type `kind` takes.
enum Needed {
    /// Nothing more: the resource (or that there is none) is known now.
    Known(Option<Value>),
    /// A row to read.
    Row(Need),
}

fn need(view: &View, kind: &str, id: i64) -> Needed {
    if let Some(full) = render::from_catalog(view, kind, id) {
        return Needed::Known(full);
    }
    Needed::Row(match kind {
        "user_minimal" | "user" => Need::User(id),
        "read_marker" => Need::ReadMarker(id),
        "conversation" => Need::Conversation(id),
        "conversation_rating" => Need::Rating(id),
        // Organizations are named on users only to staff.
        "organization" if view.staff => Need::Organization(id),
        _ => return Needed::Known(None),
    })
}

/// A row as the resource its stub stands for.
fn rendered(view: &View, row: Row) -> Option<Value> {
    match row {
        Row::User(u) => Some(render::user_minimal(view, &u)),
        Row::ReadMarker(m) => Some(render::read_marker(&m)),
        Row::Conversation(c) => serde_json::to_value(render::conversation(view, *c)).ok(),
        Row::Rating(r) => Some(render::rating(view, &r)),
        Row::Organization(o) => Some(render::organization(view, &o)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bare_references_are_stubs() {
        let s = serde_json::json!({"id": 1, "resource_type": "team", "legacy_id": null});
        assert!(stub(s.as_object().expect("object")).is_some());
        let full = serde_json::json!({"id": 1, "resource_type": "team", "title": "Support"});
        assert!(stub(full.as_object().expect("object")).is_none());
    }
}
