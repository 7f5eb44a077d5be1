//! Phoenix frames as Kayako's SDKs speak them: a client's frame parsed (serializer
//! `1.0.0`, JSON objects, or `2.0.0`, JSON arrays), a server's frame encoded
//! the same way, and the payloads of the events they read.

use serde_json::{json, Map, Value};

use crate::db::users;

/// A client frame.
pub(super) struct Frame {
    pub(super) join_ref: Option<String>,
    pub(super) msg_ref: Option<String>,
    pub(super) topic: String,
    pub(super) event: String,
    pub(super) payload: Value,
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(super) fn parse(text: &str) -> Option<(Frame, bool)> {
    match serde_json::from_str::<Value>(text).ok()? {
        Value::Array(a) if a.len() == 5 => Some((
            Frame {
                join_ref: text_of(&a[0]),
                msg_ref: text_of(&a[1]),
                topic: a[2].as_str()?.to_owned(),
                event: a[3].as_str()?.to_owned(),
                payload: a[4].clone(),
            },
            true,
        )),
        Value::Object(o) => Some((
            Frame {
                join_ref: o.get("join_ref").and_then(text_of),
                msg_ref: o.get("ref").and_then(text_of),
                topic: o.get("topic")?.as_str()?.to_owned(),
                event: o.get("event")?.as_str()?.to_owned(),
                payload: o.get("payload").cloned().unwrap_or(json!({})),
            },
            false,
        )),
        _ => None,
    }
}

/// One server frame as text: serializer `2.0.0` (`arrays`) or `1.0.0`.
pub(super) fn encode(
    arrays: bool,
    join_ref: Option<&str>,
    msg_ref: Option<&str>,
    topic: &str,
    event: &str,
    payload: Value,
) -> String {
    if arrays {
        json!([join_ref, msg_ref, topic, event, payload]).to_string()
    } else {
        let mut frame = json!({ "topic": topic, "event": event, "payload": payload, "ref": msg_ref });
        // Older clients (Kayako's Android SDK) read exactly four keys.
        if let Some(join_ref) = join_ref {
            frame["join_ref"] = json!(join_ref);
        }
        frame.to_string()
    }
}

/// A presence meta as Kayako's SDKs read it: `user` with name and avatar,
/// and the flags they show (no `phx_ref` yet).
pub(super) fn meta(base: &str, user: &users::User, foreground: bool, last_active_ms: i64) -> Value {
    json!({
        "user": { "id": user.id, "full_name": user.full_name, "avatar": crate::wire::render::avatar_url(base, &user.avatar_uuid) },
        "is_typing": false,
        "is_updating": false,
        "is_viewing": false,
        "is_foreground": foreground,
        "last_active_at": last_active_ms,
    })
}

pub(super) fn post(base: &str, conversation_id: i64, message_id: &Value) -> Value {
    let url = format!("{base}/conversations/{conversation_id}/messages/{message_id}");
    json!({
        "resource_type": "post",
        "resource_id": message_id,
        "resource_url": url,
        "customer_resource_url": url,
        "agent_resource_url": url,
    })
}

pub(super) fn change(base: &str, conversation_id: i64, names: &[&str]) -> Value {
    let changed: Map<String, Value> = names.iter().map(|n| ((*n).to_owned(), Value::Null)).collect();
    json!({
        "resource_type": "conversation",
        "resource_id": conversation_id,
        "resource_url": format!("{base}/conversations/{conversation_id}"),
        "changed_properties": changed,
    })
}
