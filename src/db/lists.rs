//! Conversation lists: the query behind `GET /conversations`, and the memo
//! that keeps it cheap at any size. A list is ordered newest first
//! (`created_at DESC, id DESC`, the `conversations_by_created` index); its
//! total and where each page starts are remembered per query while
//! [`Db::lists_generation`](super::Db::lists_generation) stays the same, so a
//! repeated page costs one index seek and `LIMIT`, and the total no `COUNT(*)`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use rusqlite::params_from_iter;
use rusqlite::types::Value as SqlValue;

use super::conversations::{from_row, Conversation, ListFilter, Visibility, COLUMNS};
use crate::db::{Conn, Error};

/// One list query: the visibility predicate and filters, with their arguments.
#[derive(Debug, Clone)]
pub struct ListQuery {
    cond: String,
    args: Vec<SqlValue>,
    ordered: bool,
}

impl ListQuery {
    /// The conversations `vis` shows that pass `filter`.
    pub fn new(vis: &Visibility, filter: &ListFilter) -> ListQuery {
        let mut args = Vec::new();
        let mut cond = vis.predicate(&mut args, true);
        let push = |args: &mut Vec<SqlValue>, v: SqlValue| {
            args.push(v);
            args.len()
        };
        match filter.statuses.as_deref() {
            None => {}
            Some([]) => cond.push_str(" AND 0"),
            Some([one]) => {
                let n = push(&mut args, SqlValue::Integer(*one));
                cond.push_str(&format!(" AND c.status_id = ?{n}"));
            }
            Some(many) => {
                let n = push(&mut args, SqlValue::Text(super::id_array(many.iter().copied())));
                cond.push_str(&format!(" AND c.status_id IN (SELECT value FROM json_each(?{n}))"));
            }
        }
        if let Some(level) = filter.max_priority_level {
            let n = push(&mut args, SqlValue::Integer(level));
            cond.push_str(&format!(" AND c.priority_id IN (SELECT id FROM case_priorities WHERE level <= ?{n})"));
        }
        for (column, wanted) in
            [("assigned_agent_id", filter.assigned_agent), ("assigned_team_id", filter.assigned_team)]
        {
            match wanted {
                None => {}
                Some(None) => cond.push_str(&format!(" AND c.{column} IS NULL")),
                Some(Some(id)) => {
                    let n = push(&mut args, SqlValue::Integer(id));
                    cond.push_str(&format!(" AND c.{column} = ?{n}"));
                }
            }
        }
        if let Some(priority) = filter.priority_id {
            let n = push(&mut args, SqlValue::Integer(priority));
            cond.push_str(&format!(" AND c.priority_id = ?{n}"));
        }
        if let Some(ids) = &filter.ids {
            let n = push(&mut args, SqlValue::Text(super::id_array(ids.iter().copied())));
            cond.push_str(&format!(" AND c.id IN (SELECT value FROM json_each(?{n}))"));
        }
        if let Some(requester) = filter.requester {
            let n = push(&mut args, SqlValue::Integer(requester));
            cond.push_str(&format!(" AND c.requester_id = ?{n}"));
        }
        // Every row an index visits qualifies, in list order: the staff's
        // whole list or one single-valued filter of it, or a customer's own.
        let single_filter = [
            filter.statuses.as_ref().is_some_and(|s| s.len() == 1),
            filter.assigned_agent.is_some(),
            filter.assigned_team.is_some(),
            filter.priority_id.is_some(),
            filter.requester.is_some(),
        ];
        let filters = single_filter.iter().filter(|f| **f).count();
        let unindexed = filter.max_priority_level.is_some()
            || filter.statuses.as_ref().is_some_and(|s| s.len() > 1)
            || filter.ids.is_some();
        let ordered = !unindexed
            && match vis {
                Visibility::All => filters <= 1,
                Visibility::Requester { org: None, .. } | Visibility::One(_) | Visibility::Nothing => filters == 0,
                _ => false,
            };
        ListQuery { cond, args, ordered }
    }

    /// What tells this query apart from every other in the memo.
    fn key(&self) -> String {
        format!("{}|{:?}", self.cond, self.args)
    }
}

/// How many conversations the query holds (scans them: off the worker).
pub fn count(conn: &Conn, q: &ListQuery) -> Result<i64, Error> {
    let sql = format!("SELECT COUNT(*) FROM conversations c WHERE {}", q.cond);
    Ok(conn.prepare_cached(&sql)?.query_row(params_from_iter(q.args.iter()), |r| r.get(0))?)
}

/// A position in a list: the row at `position` (0-based) sorts at
/// `(created_at, id)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    /// 0-based position in the list.
    pub position: i64,
    /// The row's `created_at`.
    pub created_at: i64,
    /// The row's id.
    pub id: i64,
}

/// Up to `limit` conversations from position `offset`; with `from` (an anchor
/// at or before `offset`), the index is entered at the anchor instead of
/// stepping over every row before it.
pub fn page(
    conn: &Conn,
    q: &ListQuery,
    from: Option<Anchor>,
    offset: i64,
    limit: i64,
) -> Result<Vec<Conversation>, Error> {
    let mut args = q.args.clone();
    let mut cond = q.cond.clone();
    let mut skip = offset;
    if let Some(a) = from.filter(|a| a.position <= offset) {
        args.push(SqlValue::Integer(a.created_at));
        args.push(SqlValue::Integer(a.id));
        cond.push_str(&format!(" AND (c.created_at, c.id) <= (?{}, ?{})", args.len() - 1, args.len()));
        skip = offset - a.position;
    }
    args.push(SqlValue::Integer(limit));
    args.push(SqlValue::Integer(skip));
    let sql = format!(
        "SELECT {COLUMNS} FROM conversations c WHERE {cond}
         ORDER BY c.created_at DESC, c.id DESC LIMIT ?{} OFFSET ?{}",
        args.len() - 1,
        args.len()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args.iter()), from_row)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Most rows a page may step over on a worker thread; farther from the
/// nearest anchor, the page is read on the blocking pool.
pub const MAX_STEP_ON_WORKER: i64 = 1_000;
/// Queries the memo keeps; beyond it the memo starts over.
const MAX_QUERIES: usize = 512;
/// Anchors kept per query; beyond it the nearest the start goes first.
const MAX_ANCHORS: usize = 64;

/// What the memo knows of one query, valid for one generation.
#[derive(Debug)]
struct Known {
    generation: u64,
    total: Option<i64>,
    anchors: BTreeMap<i64, Anchor>,
}

/// What a page needs that the memo may already know.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Whether the query walks an index in list order (see [`ListQuery::new`]).
    pub ordered: bool,
    /// The total, if known.
    pub total: Option<i64>,
    /// The nearest anchor at or before the page's offset.
    pub from: Option<Anchor>,
}

impl Plan {
    /// Whether the page is bounded work: a known total, an index that yields
    /// the list in order, and few rows to step over.
    pub fn is_bounded(&self, offset: i64) -> bool {
        let start = self.from.map_or(0, |a| a.position);
        self.ordered && self.total.is_some() && offset - start <= MAX_STEP_ON_WORKER
    }
}

/// Totals and page anchors of recent list queries, for the generation of
/// lists they were read in.
#[derive(Debug, Default)]
pub struct ListMemo {
    known: Mutex<HashMap<String, Known>>,
}

impl ListMemo {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Known>> {
        self.known.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What is known of `q` at `generation` for a page at `offset`.
    pub fn plan(&self, q: &ListQuery, generation: u64, offset: i64) -> Plan {
        let known = self.lock();
        match known.get(&q.key()).filter(|k| k.generation == generation) {
            Some(k) => Plan {
                ordered: q.ordered,
                total: k.total,
                from: k.anchors.range(..=offset).next_back().map(|(_, a)| *a),
            },
            None => Plan { ordered: q.ordered, total: None, from: None },
        }
    }

    /// Records what a read at `generation` found: the total and the first row
    /// of the page at `offset`.
    pub fn learn(&self, q: &ListQuery, generation: u64, total: i64, offset: i64, first: Option<&Conversation>) {
        let mut known = self.lock();
        if known.len() >= MAX_QUERIES {
            known.clear();
        }
        let k = known.entry(q.key()).or_insert_with(|| Known { generation, total: None, anchors: BTreeMap::new() });
        if k.generation != generation {
            if k.generation > generation {
                return; // a newer read already replaced what this one saw
            }
            *k = Known { generation, total: None, anchors: BTreeMap::new() };
        }
        k.total = Some(total);
        if let Some(c) = first {
            k.anchors.insert(offset, Anchor { position: offset, created_at: c.created_at, id: c.id });
            while k.anchors.len() > MAX_ANCHORS {
                k.anchors.pop_first();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(created_at: i64, id: i64) -> Conversation {
        Conversation {
            id,
            uuid: String::new(),
            legacy_id: None,
            subject: String::new(),
            channel: String::new(),
            requester_id: 1,
            creator_id: 1,
            last_replier_id: None,
            last_agent_replier_id: None,
            assigned_team_id: None,
            assigned_agent_id: None,
            status_id: 1,
            status_kind: String::new(),
            priority_id: None,
            type_id: None,
            form_id: None,
            realtime_channel: String::new(),
            last_message_status: None,
            last_message_preview: None,
            last_replied_at: None,
            created_at,
            updated_at: created_at,
        }
    }

    #[test]
    fn what_the_memo_knows_holds_for_one_generation_only() {
        let memo = ListMemo::default();
        let q = ListQuery::new(&Visibility::All, &ListFilter::default());
        memo.learn(&q, 7, 120, 50, Some(&row(1_000, 70)));
        let plan = memo.plan(&q, 7, 60);
        assert_eq!(plan.total, Some(120));
        assert_eq!(plan.from, Some(Anchor { position: 50, created_at: 1_000, id: 70 }));
        assert!(memo.plan(&q, 7, 40).from.is_none(), "an anchor after the offset is no use");
        let stale = memo.plan(&q, 8, 60);
        assert!(stale.total.is_none() && stale.from.is_none());
        // An older read never overwrites a newer one.
        memo.learn(&q, 8, 121, 0, Some(&row(2_000, 90)));
        memo.learn(&q, 7, 120, 50, Some(&row(1_000, 70)));
        assert_eq!(memo.plan(&q, 8, 60).total, Some(121));
    }

    #[test]
    fn only_index_ordered_lists_are_bounded() {
        let unfiltered = ListQuery::new(&Visibility::All, &ListFilter::default());
        assert!(unfiltered.ordered);
        let one = ListFilter { assigned_agent: Some(None), ..ListFilter::default() };
        assert!(ListQuery::new(&Visibility::All, &one).ordered);
        let two = ListFilter { assigned_agent: Some(Some(3)), priority_id: Some(1), ..ListFilter::default() };
        assert!(!ListQuery::new(&Visibility::All, &two).ordered);
        let kinds = ListFilter { statuses: Some(vec![1, 2]), ..ListFilter::default() };
        assert!(!ListQuery::new(&Visibility::All, &kinds).ordered);
        let device = Visibility::Device { fingerprint: "f".into(), owner: None };
        assert!(!ListQuery::new(&device, &ListFilter::default()).ordered);
    }

    #[test]
    fn a_far_page_without_an_anchor_is_not_worker_work() {
        let near = Plan { ordered: true, total: Some(10), from: None };
        assert!(near.is_bounded(MAX_STEP_ON_WORKER));
        assert!(!near.is_bounded(MAX_STEP_ON_WORKER + 1));
        let anchored =
            Plan { ordered: true, total: Some(10), from: Some(Anchor { position: 90_000, created_at: 1, id: 1 }) };
        assert!(anchored.is_bounded(90_010));
        assert!(!Plan { ordered: true, total: None, from: None }.is_bounded(0), "an unknown total needs a count");
        assert!(!Plan { ordered: false, ..near }.is_bounded(0), "a sort or a filtering scan is never worker work");
    }
}
