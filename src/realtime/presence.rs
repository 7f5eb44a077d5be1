//! Phoenix Presence for Kayako's mobile apps: who is present on each topic
//! across every Phoenix socket of this process, and the `presence_state` /
//! `presence_diff` payloads built from it. The sockets themselves (the
//! transport) are `api::realtime::phoenix`.

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::{json, Map, Value};

/// Who is present on each topic, across every socket: `phx_ref` → meta.
#[derive(Default)]
pub struct Presences {
    topics: Mutex<HashMap<String, HashMap<String, Value>>>,
    refs: std::sync::atomic::AtomicU64,
}

impl Presences {
    /// A `phx_ref` no other join of this process has.
    pub fn next_ref(&self) -> String {
        let n = self.refs.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        format!("p{n}")
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, HashMap<String, Value>>> {
        self.topics.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The meta under `phx_ref` on `topic`.
    pub fn meta(&self, topic: &str, phx_ref: &str) -> Option<Value> {
        self.lock().get(topic).and_then(|m| m.get(phx_ref).cloned())
    }

    /// Files `meta` under `phx_ref` on `topic`.
    pub fn put(&self, topic: &str, phx_ref: &str, meta: Value) {
        self.lock().entry(topic.to_owned()).or_default().insert(phx_ref.to_owned(), meta);
    }

    /// Replaces the meta under `old` by `meta` under `new`, in one step.
    pub fn replace(&self, topic: &str, old: &str, new: &str, meta: Value) {
        let mut topics = self.lock();
        let metas = topics.entry(topic.to_owned()).or_default();
        metas.remove(old);
        metas.insert(new.to_owned(), meta);
    }

    /// Takes the meta under `phx_ref` off `topic`.
    pub fn remove(&self, topic: &str, phx_ref: &str) -> Option<Value> {
        let mut topics = self.lock();
        let metas = topics.get_mut(topic)?;
        let removed = metas.remove(phx_ref);
        if metas.is_empty() {
            topics.remove(topic);
        }
        removed
    }

    /// `presence_state`: every meta on `topic`, grouped by user id.
    pub fn state(&self, topic: &str) -> Value {
        let topics = self.lock();
        let metas: Vec<Value> = topics.get(topic).map(|m| m.values().cloned().collect()).unwrap_or_default();
        grouped(metas)
    }
}

/// `{"<user id>": {"metas": [...]}}`.
pub fn grouped(metas: Vec<Value>) -> Value {
    let mut out = Map::new();
    for meta in metas {
        let key = meta["user"]["id"].to_string();
        let entry = out.entry(key).or_insert_with(|| json!({ "metas": [] }));
        if let Some(list) = entry["metas"].as_array_mut() {
            list.push(meta);
        }
    }
    Value::Object(out)
}

/// A `presence_diff` payload.
pub fn diff(joins: Vec<Value>, leaves: Vec<Value>) -> Value {
    json!({ "joins": grouped(joins), "leaves": grouped(leaves) })
}
