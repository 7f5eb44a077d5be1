//! Conversations and messages on the wire, with their attachments.

use serde::Serialize;
use serde_json::{json, Value};

use super::{Stub, View};
use crate::db::conversations::{Conversation, Decorated};
use crate::db::files::FileRow;
use crate::db::messages::Message;
use crate::wire::{ts, Ts};

/// A conversation on the wire.
#[derive(Debug, Clone, Serialize)]
pub struct ConversationOut {
    id: i64,
    uuid: String,
    legacy_id: Option<String>,
    subject: String,
    channel: String,
    requester: Option<Stub>,
    creator: Option<Stub>,
    last_replier: Option<Stub>,
    last_agent_replier: Option<Stub>,
    assigned_team: Option<TeamStub>,
    assigned_agent: Option<Stub>,
    status: Option<Stub>,
    is_closed: bool,
    priority: Option<Stub>,
    #[serde(rename = "type")]
    kind: Option<Stub>,
    read_marker: Option<Stub>,
    custom_fields: Vec<FieldValueOut>,
    last_message_status: Option<String>,
    last_message_preview: Option<String>,
    realtime_channel: String,
    last_replied_at: Option<Ts>,
    created_at: Ts,
    updated_at: Ts,
    resource_type: &'static str,
    resource_url: String,
}

/// A team by reference: a stub with the team's `legacy_id`.
#[derive(Debug, Clone, Serialize)]
struct TeamStub {
    id: i64,
    legacy_id: Option<String>,
    resource_type: &'static str,
}

/// One custom field's value on a conversation.
#[derive(Debug, Clone, Serialize)]
struct FieldValueOut {
    field: Stub,
    value: String,
    resource_type: &'static str,
}

/// A conversation as `view` may see it, from its row and what `db` read
/// beside it for this reader (see `db::conversations::decorate`).
pub fn conversation(view: &View, c: Decorated) -> ConversationOut {
    let team = c.row.assigned_team_id.and_then(|id| {
        let legacy_id = view.catalog.teams.get(&id)?.legacy_id.clone();
        Some(TeamStub { id, legacy_id, resource_type: "team" })
    });
    let marker = c.read_marker_id.map(|id| Stub::of("read_marker", id));
    conversation_out(view, c.row, team, marker, c.field_values)
}

/// Conversations as `view` may see them.
pub fn conversations(view: &View, rows: Vec<Decorated>) -> Vec<ConversationOut> {
    rows.into_iter().map(|c| conversation(view, c)).collect()
}

fn conversation_out(
    view: &View,
    c: Conversation,
    assigned_team: Option<TeamStub>,
    read_marker: Option<Stub>,
    values: Vec<(i64, String)>,
) -> ConversationOut {
    let s = &view.settings;
    let show = |visible: bool, v: Option<Stub>| if view.staff || visible { v } else { None };
    ConversationOut {
        id: c.id,
        is_closed: c.is_closed(),
        requester: Stub::user(Some(c.requester_id)),
        creator: Stub::user(Some(c.creator_id)),
        last_replier: Stub::user(c.last_replier_id),
        last_agent_replier: Stub::user(c.last_agent_replier_id),
        assigned_team,
        assigned_agent: Stub::user(c.assigned_agent_id),
        status: show(s.customers_see_status, Some(Stub::of("case_status", c.status_id))),
        priority: show(s.customers_see_priority, c.priority_id.map(|id| Stub::of("case_priority", id))),
        kind: show(s.customers_see_type, c.type_id.map(|id| Stub::of("case_type", id))),
        read_marker,
        custom_fields: values
            .into_iter()
            .map(|(field_id, value)| FieldValueOut {
                field: Stub::of("conversation_field", field_id),
                value,
                resource_type: "conversation_field_value",
            })
            .collect(),
        last_replied_at: c.last_replied_at.map(Ts),
        created_at: Ts(c.created_at),
        updated_at: Ts(c.updated_at),
        resource_type: "conversation",
        resource_url: view.url(&format!("conversations/{}", c.id)),
        uuid: c.uuid,
        legacy_id: c.legacy_id,
        subject: c.subject,
        channel: c.channel,
        last_message_status: c.last_message_status,
        last_message_preview: c.last_message_preview,
        realtime_channel: c.realtime_channel,
    }
}

/// A message on the wire.
#[derive(Debug, Clone, Serialize)]
pub struct MessageOut {
    id: i64,
    uuid: String,
    client_id: Option<String>,
    subject: String,
    channel: String,
    content_text: String,
    content_html: String,
    creator: Option<Stub>,
    attachments: Vec<AttachmentOut>,
    download_all: Option<String>,
    source: String,
    metadata: Value,
    message_status: String,
    message_status_reject_type: Option<String>,
    message_status_reject_reason: Option<String>,
    message_status_updated_at: Option<Ts>,
    created_at: Ts,
    updated_at: Ts,
    resource_type: &'static str,
    resource_url: String,
    /// Staff only: the mail it came or went as.
    #[serde(skip_serializing_if = "Option::is_none")]
    mail: Option<super::mail::MessageMailOut>,
}

impl MessageOut {
    /// The message with its mail side, for staff (customers never get it).
    pub fn with_mail(mut self, view: &View, mail: Option<crate::db::mail::received::MessageMail>) -> MessageOut {
        if view.staff {
            if let Some(m) = mail {
                let original = self.attachments.iter().rev().find(|a| a.name == "original.eml").map(|a| a.id);
                self.mail = Some(super::mail::message_mail(m, original));
            }
        }
        self
    }
}

/// A message with its attachments.
pub fn message(view: &View, m: Message, attachments: Vec<FileRow>) -> MessageOut {
    let base = format!("conversations/{}/messages/{}", m.conversation_id, m.id);
    let metadata: Value = serde_json::from_str(&m.metadata).unwrap_or_else(|_| json!({}));
    let download_all = (!attachments.is_empty()).then(|| view.url(&format!("{base}/download_all")));
    let attachments: Vec<AttachmentOut> =
        attachments.iter().map(|a| attachment(view, m.conversation_id, m.id, a)).collect();
    // A mail's inline images are its own files.
    let mut content_html = m.content_html;
    for a in attachments.iter().filter(|a| a.content_id.is_some()) {
        let cid = a.content_id.as_deref().unwrap_or_default();
        content_html = content_html.replace(&format!("src=\"cid:{cid}\""), &format!("src=\"{}\"", a.url));
    }
    MessageOut {
        id: m.id,
        creator: Stub::user(Some(m.creator_id)),
        attachments,
        download_all,
        metadata,
        message_status_updated_at: m.message_status_updated_at.map(Ts),
        created_at: Ts(m.created_at),
        updated_at: Ts(m.updated_at),
        resource_type: "case_message",
        resource_url: view.url(&base),
        uuid: m.uuid,
        client_id: m.client_id,
        subject: m.subject,
        channel: m.channel,
        content_text: m.content_text,
        content_html,
        source: m.source,
        message_status: m.message_status,
        message_status_reject_type: m.reject_type,
        message_status_reject_reason: m.reject_reason,
        mail: None,
    }
}

/// A file attached to a message, on the wire.
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentOut {
    id: i64,
    name: String,
    size: i64,
    width: i64,
    height: i64,
    #[serde(rename = "type")]
    mime: String,
    content_id: Option<String>,
    alt: Option<String>,
    url: String,
    url_download: String,
    thumbnails: Vec<ThumbnailOut>,
    created_at: Ts,
    resource_type: &'static str,
    resource_url: String,
}

/// A thumbnail of an image attachment, on the wire.
#[derive(Debug, Clone, Serialize)]
struct ThumbnailOut {
    id: i64,
    name: String,
    size: i64,
    width: i64,
    height: i64,
    #[serde(rename = "type")]
    mime: String,
    url: String,
    created_at: Ts,
    resource_type: &'static str,
}

/// A file attached to a message, with every field of the reference.
pub fn attachment(view: &View, conversation_id: i64, message_id: i64, f: &FileRow) -> AttachmentOut {
    attachment_under(view, &format!("conversations/{conversation_id}/messages/{message_id}"), f)
}

/// A file attached to what lives at `holder` (a message's or a note's path).
pub(super) fn attachment_under(view: &View, holder: &str, f: &FileRow) -> AttachmentOut {
    let at = format!("{holder}/attachments/{}", f.id);
    AttachmentOut {
        id: f.id,
        name: f.name.clone(),
        size: f.size,
        width: f.width,
        height: f.height,
        mime: f.mime.clone(),
        content_id: f.content_id.clone(),
        alt: f.alt.clone(),
        url: view.url(&format!("{at}/url")),
        url_download: view.url(&format!("{at}/download")),
        thumbnails: f
            .thumbnails
            .iter()
            .map(|t| ThumbnailOut {
                id: t.id,
                name: f.name.clone(),
                size: t.size,
                width: t.width,
                height: t.height,
                mime: t.mime.clone(),
                url: view.url(&format!("{at}/thumbnails/{}", t.id)),
                created_at: Ts(t.created_at),
                resource_type: "thumbnail",
            })
            .collect(),
        created_at: Ts(f.created_at),
        resource_type: "attachment",
        resource_url: view.url(&at),
    }
}

/// An upload not yet (or already) attached, as `POST /files` answers it.
pub fn file(view: &View, f: &FileRow) -> Value {
    json!({
        "id": f.id,
        "name": f.name,
        "size": f.size,
        "width": f.width,
        "height": f.height,
        "type": f.mime,
        "is_attached": f.message_id.is_some(),
        "created_at": ts(Some(f.created_at)),
        "resource_type": "file",
        "resource_url": view.url(&format!("files/{}", f.id)),
    })
}
