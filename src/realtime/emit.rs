//! The events Parley publishes, each appended to the log inside the caller's
//! write transaction. Payloads carry nothing a customer who can see the
//! conversation may not see: a changed conversation names its changed fields,
//! and clients fetch the conversation to see the values their role may see.

use serde_json::{json, Value};

use crate::db::Conn;
use crate::db::{self, events};
use crate::wire::render::MessageOut;

/// A message was added (`message` is the rendered message resource).
pub fn message_created(
    tx: &Conn,
    channel: &str,
    conversation_id: i64,
    message: &MessageOut,
    now: i64,
) -> db::Result<()> {
    #[derive(serde::Serialize)]
    struct Created<'a> {
        conversation_id: i64,
        message: &'a MessageOut,
    }
    events::append(tx, channel, "message.created", &Created { conversation_id, message }, now).map(drop)
}

/// A conversation was started (staff inboxes learn of it through `inbox`).
pub fn conversation_created(tx: &Conn, channel: &str, conversation_id: i64, now: i64) -> db::Result<()> {
    let data = json!({ "conversation_id": conversation_id });
    events::append(tx, channel, "conversation.created", &data, now).map(drop)
}

/// Who produced a receipt.
pub struct Reader<'a> {
    /// User id.
    pub id: i64,
    /// `CUSTOMER`, `AGENT`, ... (the role type).
    pub role: &'a str,
}

/// A message's status moved forward (`DELIVERED` or `SEEN`).
pub fn message_status(
    tx: &Conn,
    channel: &str,
    conversation_id: i64,
    message_id: i64,
    status: &str,
    reader: Reader,
    now: i64,
) -> db::Result<()> {
    let data = json!({
        "conversation_id": conversation_id,
        "message_id": message_id,
        "message_status": status,
        "message_status_updated_at": crate::wire::ts(Some(now)),
        "reader": { "id": reader.id, "resource_type": "user_minimal", "role": reader.role },
    });
    events::append(tx, channel, "message.status_changed", &data, now).map(drop)
}

/// The key of a `conversation.updated` in the log that names the changed
/// fields customers may not see; it never reaches a client (see
/// [`super::Outgoing::json_for`]).
pub const STAFF_ONLY: &str = "staff_only";

/// A conversation changed; `changed` names the fields, `hidden` those of
/// them customers may not see.
pub fn conversation_updated(
    tx: &Conn,
    channel: &str,
    conversation_id: i64,
    changed: &[&str],
    hidden: &[&str],
    now: i64,
) -> db::Result<()> {
    if changed.is_empty() {
        return Ok(());
    }
    let mut data = json!({
        "conversation_id": conversation_id,
        "changed": changed,
        "updated_at": crate::wire::ts(Some(now)),
    });
    let hidden: Vec<&str> = hidden.iter().copied().filter(|h| changed.contains(h)).collect();
    if !hidden.is_empty() {
        data[STAFF_ONLY] = json!(hidden);
    }
    events::append(tx, channel, "conversation.updated", &data, now).map(drop)
}

/// A rating was added (`rating.created`) or changed (`rating.updated`).
pub fn rating(tx: &Conn, channel: &str, kind: &str, conversation_id: i64, rating: Value, now: i64) -> db::Result<()> {
    let data = json!({ "conversation_id": conversation_id, "rating": rating });
    events::append(tx, channel, kind, &data, now).map(drop)
}

/// A staff member came online or went offline.
pub fn presence(tx: &Conn, channel: &str, user_id: i64, online: bool, now: i64) -> db::Result<()> {
    let data = json!({
        "user_id": user_id,
        "status": if online { "online" } else { "offline" },
        "last_seen_at": crate::wire::ts(Some(now)),
    });
    events::append(tx, channel, if online { "presence.online" } else { "presence.offline" }, &data, now).map(drop)
}

/// What became of a message sent by mail: `SENT`, `BOUNCED` or `FAILED`
/// (the last two also make it `REJECTED`). Staff only: it goes to the inbox
/// channel, never to the conversation's.
pub fn message_delivery(tx: &Conn, conversation_id: i64, message_id: i64, delivery: &str, now: i64) -> db::Result<()> {
    let data = json!({ "conversation_id": conversation_id, "message_id": message_id, "delivery": delivery });
    events::append(tx, super::INBOX, "message.delivery", &data, now).map(drop)
}

/// A note was written or changed (`note.created`, `note.updated`). Staff
/// only: it goes to the inbox channel, never to the conversation's.
pub fn note(tx: &Conn, conversation_id: i64, kind: &str, note: &Value, now: i64) -> db::Result<()> {
    let data = json!({ "conversation_id": conversation_id, "note": note });
    events::append(tx, super::INBOX, kind, &data, now).map(drop)
}
