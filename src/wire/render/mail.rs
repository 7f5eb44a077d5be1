//! The email channel's resources: mailboxes, the mail received, and the
//! mail side of a message (staff only).

use serde::Serialize;
use serde_json::{json, Value};

use super::{Stub, View};
use crate::db::mail::received::{MailRow, MessageMail};
use crate::db::mail::Mailbox;
use crate::wire::ts;

/// A mailbox (`mailbox`), in Kayako's shape.
pub fn mailbox(view: &View, m: &Mailbox) -> Value {
    json!({
        "id": m.id,
        "uuid": m.uuid,
        "service": "STANDARD",
        "encryption": "NONE",
        "address": m.address,
        "prefix": null,
        "smtp_type": null,
        "host": null,
        "port": null,
        "username": null,
        "preserve_mails": false,
        "brand": null,
        "is_default": m.is_default,
        "is_enabled": m.is_enabled,
        "created_at": ts(Some(m.created_at)),
        "updated_at": ts(Some(m.updated_at)),
        "resource_type": "mailbox",
        "resource_url": view.url(&format!("mailboxes/{}", m.id)),
    })
}

/// A mail received (`mail`), in Kayako's shape.
pub fn mail(view: &View, m: &MailRow) -> Value {
    let recipients: Value = serde_json::from_str(&m.recipients).unwrap_or_else(|_| json!({}));
    let to = recipients.get("to").and_then(Value::as_array).and_then(|a| a.first()).cloned();
    json!({
        "id": m.id,
        "from": m.from_address,
        "from_name": m.from_name,
        "to": to,
        "recipients": recipients,
        "subject": m.subject,
        "source": m.door,
        "is_suspended": m.status == "SUSPENDED",
        "status": m.status,
        "suspension_code": m.suspension_code,
        "reason": m.reason,
        "message_id": m.message_id,
        "size": m.size,
        "mailbox": m.mailbox_id.map(|id| json!({ "id": id, "resource_type": "mailbox" })),
        "case": m.conversation_id.map(|id| json!({ "id": id, "resource_type": "case" })),
        "case_post": m.post_id.map(|id| json!({ "id": id, "resource_type": "case_message" })),
        "created_at": ts(Some(m.created_at)),
        "resource_type": "mail",
        "resource_url": view.url(&format!("mails/{}", m.id)),
    })
}

/// The mail side of a message, as staff see it on the message (`mail`).
#[derive(Debug, Clone, Serialize)]
pub struct MessageMailOut {
    message_id: String,
    from: String,
    to: Vec<String>,
    cc: Vec<String>,
    quoted_text: Option<String>,
    quoted_html: Option<String>,
    automated: Option<String>,
    delivery: Option<String>,
    original: Option<Stub>,
}

/// The mail side of a message; `original` is the attachment holding the mail as received.
pub fn message_mail(m: MessageMail, original: Option<i64>) -> MessageMailOut {
    MessageMailOut {
        message_id: m.header_id,
        from: m.from_address,
        to: m.to,
        cc: m.cc,
        quoted_text: m.quoted_text,
        quoted_html: m.quoted_html,
        automated: m.automated,
        delivery: m.delivery,
        original: original.map(|id| Stub::of("attachment", id)),
    }
}
