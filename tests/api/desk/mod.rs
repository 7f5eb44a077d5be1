//! The agents' desk: search, private notes, saved replies, notifications,
//! and the colleague presence that prevents double replies.

mod macros;
mod notes;
mod notifications;
mod search;
mod viewers;

use serde_json::Value;

use crate::helpers::*;

/// `GET /search` as `session` for `query` (and `extra` query parameters).
pub fn search(app: &TestApp, session: &str, query: &str, extra: &str) -> Resp {
    let q = serde_urlencoded::to_string([("query", query)]).expect("query");
    app.get(&format!("/api/v1/search?{q}&{extra}")).session(session).send()
}

/// The ids of the conversations a search finds.
pub fn found(app: &TestApp, session: &str, query: &str) -> Vec<i64> {
    let r = search(app, session, query, "resources=conversations&limit=100");
    assert_eq!(r.status, 200, "search {query:?}: {}", r.text);
    hits(&r.body).iter().map(|h| h["id"].as_i64().expect("id")).collect()
}

/// The hits of a search answer.
pub fn hits(body: &Value) -> Vec<Value> {
    body["data"].as_array().cloned().unwrap_or_default()
}

/// Posts a message as `session` on conversation `id`; its id.
pub fn reply(app: &TestApp, session: &str, id: i64, text: &str) -> i64 {
    let r = app
        .post(&format!("/api/v1/conversations/{id}/messages"))
        .session(session)
        .json(&serde_json::json!({ "contents": text }))
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["data"]["id"].as_i64().expect("message id")
}

/// Writes a note as `session` on conversation `id`; the note.
pub fn note(app: &TestApp, session: &str, id: i64, text: &str) -> Value {
    let r = app
        .post(&format!("/api/v1/conversations/{id}/notes"))
        .session(session)
        .json(&serde_json::json!({ "contents": text }))
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["data"].clone()
}
