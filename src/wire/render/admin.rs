//! What only the support team reads: the instance settings and the audit log.

use serde_json::{json, Value};

use super::stub;
use crate::db::audit::Entry;
use crate::db::settings::Kind;
use crate::wire::ts;

/// The instance settings, each `{id, name, value}`: flags as booleans, texts as text.
pub fn settings(all: &[(&'static str, Kind, String)]) -> Vec<Value> {
    all.iter()
        .map(|(name, kind, value)| {
            let value = match kind {
                Kind::Flag => json!(value == "true"),
                Kind::Text => json!(value),
            };
            json!({ "id": name, "name": name, "value": value, "resource_type": "setting" })
        })
        .collect()
}

/// One change in the audit log, with the row before and after it.
pub fn audit_entry(e: &Entry) -> Value {
    json!({
        "id": e.id,
        "actor": e.actor_id.map(|id| stub("user_minimal", id)),
        "action": e.action,
        "object_type": e.resource_type,
        "object_id": e.resource_id,
        "before": e.before,
        "after": e.after,
        "created_at": ts(Some(e.created_at)),
        "resource_type": "audit_log_entry",
    })
}
