//! The agents' desk on the wire: notes and search results. Staff only;
//! handlers never render these for anyone else.

use serde_json::{json, Value};

use super::conversations::attachment_under;
use super::{stub, user_stub, View};
use crate::db::files::FileRow;
use crate::db::macros::Macro;
use crate::db::notes::Note;
use crate::db::notifications::{Notification, Preference};
use crate::db::search::{MARK_END, MARK_START};
use crate::wire::{text_to_html, ts};

/// A note, with its attachments.
pub fn note(view: &View, n: &Note, files: &[FileRow]) -> Value {
    let base = format!("conversations/{}/notes/{}", n.conversation_id, n.id);
    json!({
        "id": n.id,
        "uuid": n.uuid,
        "conversation": stub("conversation", n.conversation_id),
        "creator": user_stub(Some(n.creator_id)),
        "client_id": n.client_id,
        "body_text": n.body_text,
        "body_html": n.body_html,
        "mentions": n.mentions.iter().map(|id| stub("user_minimal", *id)).collect::<Vec<_>>(),
        "attachments": files.iter().map(|f| attachment_under(view, &base, f)).collect::<Vec<_>>(),
        "created_at": ts(Some(n.created_at)),
        "updated_at": ts(Some(n.updated_at)),
        "resource_type": "note",
        "resource_url": view.url(&base),
    })
}

/// Marked snippet text as HTML on one line: escaped, each match in `<em>`.
pub fn snippet_html(marked: &str) -> String {
    let line = marked.split_whitespace().collect::<Vec<_>>().join(" ");
    text_to_html(&line).replace(MARK_START, "<em>").replace(MARK_END, "</em>")
}

/// One search result (Kayako's shape): what was found (`resource`: the
/// type's singular, `data`: its stub, which `include` expands), a title,
/// the highlighted snippet, and `relevance` when ranked (higher is better).
pub fn search_result(
    view: &View,
    kind: &'static str,
    id: i64,
    title: &str,
    snippet: Option<&str>,
    relevance: Option<f64>,
) -> Value {
    let (path, stub_kind) = match kind {
        "conversation" => ("conversations", "conversation"),
        "organization" => ("organizations", "organization"),
        _ => ("users", "user"),
    };
    json!({
        "id": id,
        "resource": kind,
        "title": title,
        "snippet": snippet.map(snippet_html),
        "relevance": relevance,
        "data": stub(stub_kind, id),
        "resource_type": "search_result",
        "resource_url": view.url(&format!("{path}/{id}")),
    })
}

/// A saved reply: its text, and the changes using it applies (stubs);
/// `filled`, when asked for a conversation, is the text as it would be sent.
pub fn macro_out(view: &View, m: &Macro, filled: Option<&str>) -> Value {
    let maybe = |kind: &str, id: Option<i64>| id.map_or(Value::Null, |id| stub(kind, id));
    let mut out = json!({
        "id": m.id,
        "title": m.title,
        "reply_text": m.reply_text,
        "is_shared": m.owner_id.is_none(),
        "owner": user_stub(m.owner_id),
        "changes": {
            "status": maybe("case_status", m.status_id),
            "priority": maybe("case_priority", m.priority_id),
            "assigned_agent": maybe("user_minimal", m.assigned_agent_id),
            "assigned_team": maybe("team", m.assigned_team_id),
        },
        "usage_count": m.usage_count,
        "last_used_at": ts(m.last_used_at),
        "created_at": ts(Some(m.created_at)),
        "updated_at": ts(Some(m.updated_at)),
        "resource_type": "macro",
        "resource_url": view.url(&format!("macros/{}", m.id)),
    });
    if let Some(text) = filled {
        out["reply_filled"] = json!(text);
    }
    out
}

/// One item of an agent's feed.
pub fn notification(n: &Notification) -> Value {
    json!({
        "id": n.id,
        "notification_type": n.kind,
        "conversation": n.conversation_id.map_or(Value::Null, |id| stub("conversation", id)),
        "actor": user_stub(n.actor_id),
        "summary": n.summary,
        "is_read": n.read_at.is_some(),
        "read_at": ts(n.read_at),
        "created_at": ts(Some(n.created_at)),
        "resource_type": "notification",
    })
}

/// One of an agent's notification preferences, as Kayako names them.
pub fn notification_preference(p: &Preference) -> Value {
    json!({
        "notification_type": p.kind,
        "channel_desktop": p.desktop,
        "channel_email": p.email,
        "channel_mobile": p.mobile,
        "resource_type": "notification_preference",
    })
}
