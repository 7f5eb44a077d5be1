//! How each resource looks on the wire (snake_case, related resources as
//! stubs), and [`load`], which renders any stub's full resource for `include`.
//! What a customer may not see (status, priority, type, hidden fields) is
//! decided here, from the [`View`], so no handler can forget it.

use serde::Serialize;
use serde_json::{json, Value};

use std::sync::Arc;

use crate::db::catalog::Catalog;
use crate::db::conversations::{Conversation, ReadMarker};
use crate::db::fields::{Field, FieldOption, Form, LocaleField};
use crate::db::files::FileRow;
use crate::db::lookups::{CaseType, Priority, RoleRow, Status, Team};
use crate::db::messages::Message;
use crate::db::ratings::Rating;
use crate::db::settings::Settings;
use crate::db::users::User;
use crate::db::Conn;
use crate::db::{conversations, fields, ratings, users};
use crate::error::ApiError;

/// Who the output is for.
#[derive(Debug, Clone)]
pub struct View {
    /// Base of every `resource_url`, without a trailing slash.
    pub base_url: String,
    /// Staff see everything; customers get the restricted view.
    pub staff: bool,
    /// The acting user, for `read_marker`.
    pub user_id: Option<i64>,
    /// The user the caller has proven to be (see `Caller::proven_user`): only
    /// they, and staff, see a customer's activity times and presence channel.
    pub me: Option<i64>,
    /// Instance settings.
    pub settings: Settings,
    /// The reference tables (statuses, teams, fields, ...).
    pub catalog: Arc<Catalog>,
}

impl View {
    fn url(&self, path: &str) -> String {
        format!("{}/api/v1/{path}", self.base_url)
    }
}

/// ISO-8601 in UTC with an explicit offset and seconds precision, or `null`.
pub fn ts(t: Option<i64>) -> Value {
    t.and_then(Ts::text).map_or(Value::Null, Value::String)
}

/// A time on the wire, from Unix seconds: `2026-11-25T08:00:00+00:00`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ts(pub i64);

impl Ts {
    /// The wire text; `None` outside the years chrono can represent.
    pub fn text(t: i64) -> Option<String> {
        let mut buf = [0u8; 25];
        match Ts(t).write_fast(&mut buf) {
            Some(text) => Some(text.to_owned()),
            None => chrono::DateTime::from_timestamp(t, 0).map(|d| d.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()),
        }
    }

    /// Formats years 0000–9999 by hand (the common case, and hot: every
    /// resource carries several times).
    fn write_fast(self, buf: &mut [u8; 25]) -> Option<&str> {
        const MAX: i64 = 253_402_300_799; // 9999-12-31T23:59:59
        const MIN: i64 = -62_167_219_200; // 0000-01-01T00:00:00
        if !(MIN..=MAX).contains(&self.0) {
            return None;
        }
        let (days, secs) = (self.0.div_euclid(86_400), self.0.rem_euclid(86_400));
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        let mut put = |at: usize, value: i64, width: usize| {
            let mut v = value;
            for i in (0..width).rev() {
                buf[at + i] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        put(0, year, 4);
        put(5, month, 2);
        put(8, day, 2);
        put(11, secs / 3_600, 2);
        put(14, secs / 60 % 60, 2);
        put(17, secs % 60, 2);
        for (at, ch) in [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')] {
            buf[at] = ch;
        }
        buf[19..].copy_from_slice(b"+00:00");
        std::str::from_utf8(&buf[..]).ok()
    }
}

impl Serialize for Ts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 25];
        match self.write_fast(&mut buf) {
            Some(text) => s.serialize_str(text),
            None => match Ts::text(self.0) {
                Some(text) => s.serialize_str(&text),
                None => s.serialize_none(),
            },
        }
    }
}

/// A related resource by reference: `{"id", "resource_type"}`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Stub {
    id: i64,
    resource_type: &'static str,
}

impl Stub {
    fn of(resource_type: &'static str, id: i64) -> Stub {
        Stub { id, resource_type }
    }

    fn user(id: Option<i64>) -> Option<Stub> {
        id.map(|id| Stub::of("user_minimal", id))
    }
}

/// A related resource as a stub: `{id, resource_type}`.
pub fn stub(kind: &str, id: i64) -> Value {
    json!({ "id": id, "resource_type": kind })
}

fn locale_stubs(ids: &[i64]) -> Vec<Value> {
    ids.iter().map(|id| stub("locale_field", *id)).collect()
}

fn user_stub(id: Option<i64>) -> Value {
    id.map_or(Value::Null, |id| stub("user_minimal", id))
}

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

/// A conversation as `view` may see it.
pub fn conversation(conn: &Conn, view: &View, c: Conversation) -> Result<ConversationOut, ApiError> {
    let mut out = conversations(conn, view, vec![c])?;
    out.pop().ok_or_else(|| ApiError::Internal("a rendered conversation went missing".into()))
}

/// Conversations as `view` may see them; what they refer to (teams, the
/// caller's read markers, field values) is read in one query each, whatever
/// the number of rows.
pub fn conversations(conn: &Conn, view: &View, rows: Vec<Conversation>) -> Result<Vec<ConversationOut>, ApiError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids = crate::db::IdsIn::of(rows.iter().map(|c| c.id));
    let markers = match view.user_id {
        Some(uid) => conversations::marker_ids_of(conn, &ids, uid)?,
        None => Default::default(),
    };
    let mut values = fields::values_of(conn, &ids, &view.catalog.fields, !view.staff)?;
    Ok(rows
        .into_iter()
        .map(|c| {
            let team = c.assigned_team_id.and_then(|id| {
                let legacy_id = view.catalog.teams.get(&id)?.legacy_id.clone();
                Some(TeamStub { id, legacy_id, resource_type: "team" })
            });
            let marker = markers.get(&c.id).map(|id| Stub::of("read_marker", *id));
            let fields = values.remove(&c.id).unwrap_or_default();
            conversation_out(view, c, team, marker, fields)
        })
        .collect())
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
}

/// A message with its attachments.
pub fn message(view: &View, m: Message, attachments: Vec<FileRow>) -> MessageOut {
    let base = format!("conversations/{}/messages/{}", m.conversation_id, m.id);
    let metadata: Value = serde_json::from_str(&m.metadata).unwrap_or_else(|_| json!({}));
    let download_all = (!attachments.is_empty()).then(|| view.url(&format!("{base}/download_all")));
    MessageOut {
        id: m.id,
        creator: Stub::user(Some(m.creator_id)),
        attachments: attachments.iter().map(|a| attachment(view, m.conversation_id, m.id, a)).collect(),
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
        content_html: m.content_html,
        source: m.source,
        message_status: m.message_status,
        message_status_reject_type: m.reject_type,
        message_status_reject_reason: m.reject_reason,
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
    let at = format!("conversations/{conversation_id}/messages/{message_id}/attachments/{}", f.id);
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

/// Where a user's avatar is served.
pub fn avatar_url(base_url: &str, avatar_uuid: &str) -> String {
    format!("{base_url}/avatar/get/{avatar_uuid}")
}

/// The public face of a user (`user_minimal`).
pub fn user_minimal(view: &View, u: &User) -> Value {
    // A customer's comings and goings are theirs and the support team's business.
    let private = !view.staff && !u.role.is_staff() && view.me != Some(u.id);
    let activity = |t: Option<i64>| if private { Value::Null } else { ts(t) };
    json!({
        "id": u.id,
        "uuid": u.uuid,
        "full_name": u.full_name,
        "role": stub("role", u.role_id),
        "teams": u.team_ids.iter().map(|id| stub("team_minimal", *id)).collect::<Vec<_>>(),
        "avatar": avatar_url(&view.base_url, &u.avatar_uuid),
        "last_activity_at": activity(u.last_activity_at),
        "last_active_at": activity(u.last_active_at),
        "last_seen_at": activity(u.last_seen_at),
        "presence_channel": if private { Value::Null } else { Value::String(u.presence_channel.clone()) },
        "resource_type": "user_minimal",
        "resource_url": view.url(&format!("users/{}", u.id)),
    })
}

/// A user as staff see them: `user_minimal` with the email, whether they may
/// sign in, their role's type and their organization.
pub fn user_for_staff(view: &View, u: &User) -> Value {
    let mut data = user_minimal(view, u);
    data["email"] = json!(u.email);
    data["role_type"] = json!(u.role.as_str());
    data["is_enabled"] = json!(u.is_enabled);
    data["organization"] = json!(u.organization_id.map(|id| stub("organization", id)));
    data["created_at"] = ts(Some(u.created_at));
    data["updated_at"] = ts(Some(u.updated_at));
    data
}

/// An organization, with how many users it has.
pub fn organization(view: &View, o: &crate::db::manage::Organization) -> Value {
    json!({
        "id": o.id,
        "name": o.name,
        "member_count": o.member_count,
        "created_at": ts(Some(o.created_at)),
        "updated_at": ts(Some(o.updated_at)),
        "resource_type": "organization",
        "resource_url": view.url(&format!("organizations/{}", o.id)),
    })
}

/// A team (`team`, or `team_minimal` as users list them).
pub fn team(view: &View, t: &Team, kind: &str) -> Value {
    json!({
        "id": t.id,
        "legacy_id": t.legacy_id,
        "title": t.title,
        "member_count": t.member_count,
        "created_at": ts(Some(t.created_at)),
        "updated_at": ts(Some(t.updated_at)),
        "resource_type": kind,
        "resource_url": view.url(&format!("teams/{}", t.id)),
    })
}

/// A case status.
pub fn status(view: &View, s: &Status) -> Value {
    json!({
        "id": s.id,
        "label": s.label,
        "type": s.kind,
        "sort_order": s.sort_order,
        // Service-level clocks run while a conversation waits on the team
        // (NEW, OPEN and custom statuses), not on the customer or when done.
        "is_sla_active": !matches!(s.kind.as_str(), "PENDING" | "COMPLETED" | "CLOSED"),
        // Parley deletes no statuses: every one it lists is live.
        "is_deleted": false,
        "created_at": ts(Some(s.created_at)),
        "updated_at": ts(Some(s.updated_at)),
        "resource_type": "case_status",
        "resource_url": view.url(&format!("cases/statuses/{}", s.id)),
    })
}

/// A case priority.
pub fn priority(view: &View, p: &Priority) -> Value {
    json!({
        "id": p.id,
        "label": p.label,
        "level": p.level,
        "created_at": ts(Some(p.created_at)),
        "updated_at": ts(Some(p.updated_at)),
        "resource_type": "case_priority",
        "resource_url": view.url(&format!("cases/priorities/{}", p.id)),
    })
}

/// A case type.
pub fn case_type(view: &View, t: &CaseType) -> Value {
    json!({
        "id": t.id,
        "label": t.label,
        "type": t.kind,
        "created_at": ts(Some(t.created_at)),
        "updated_at": ts(Some(t.updated_at)),
        "resource_type": "case_type",
        "resource_url": view.url(&format!("cases/types/{}", t.id)),
    })
}

/// A role.
pub fn role(view: &View, r: &RoleRow) -> Value {
    json!({
        "id": r.id,
        "title": r.title,
        "type": r.kind,
        "created_at": ts(Some(r.created_at)),
        "updated_at": ts(Some(r.updated_at)),
        "resource_type": "role",
        "resource_url": view.url(&format!("roles/{}", r.id)),
    })
}

/// A read marker.
pub fn read_marker(m: &ReadMarker) -> Value {
    json!({
        "id": m.id,
        "last_read_post_id": m.last_read_post_id,
        "last_read_at": ts(m.last_read_at),
        "unread_count": m.unread_count,
        "created_at": ts(Some(m.created_at)),
        "updated_at": ts(Some(m.updated_at)),
        "resource_type": "read_marker",
    })
}

/// A custom field.
pub fn field(view: &View, f: &Field) -> Value {
    json!({
        "id": f.id,
        "fielduuid": f.fielduuid,
        "titles": locale_stubs(&f.title_ids),
        "type": f.kind,
        "key": f.key,
        "descriptions": locale_stubs(&f.description_ids),
        "is_required": f.is_required,
        "is_editable": f.is_editable,
        "is_system": f.is_system,
        "regular_expression": f.regular_expression,
        "options": f.option_ids.iter().map(|id| stub("field_option", *id)).collect::<Vec<_>>(),
        "created_at": ts(Some(f.created_at)),
        "updated_at": ts(Some(f.updated_at)),
        "resource_type": "conversation_field",
        "resource_url": view.url(&format!("conversations/fields/{}", f.id)),
    })
}

/// An option of a field.
pub fn field_option(o: &FieldOption) -> Value {
    json!({
        "id": o.id,
        "values": locale_stubs(&o.value_ids),
        "parent": o.parent_id.map(|id| stub("field_option", id)),
        "sort_order": o.sort_order,
        "created_at": ts(Some(o.created_at)),
        "updated_at": ts(Some(o.updated_at)),
        "resource_type": "field_option",
    })
}

/// A translation.
pub fn locale_field(view: &View, l: &LocaleField) -> Value {
    json!({
        "id": l.id,
        "locale": l.locale,
        "translation": l.translation,
        "created_at": ts(Some(l.created_at)),
        "updated_at": ts(Some(l.updated_at)),
        "resource_type": "locale_field",
        "resource_url": view.url(&format!("locales/fields/{}", l.id)),
    })
}

/// A conversation form.
pub fn form(view: &View, f: &Form) -> Value {
    json!({
        "id": f.id,
        "title": f.title,
        "titles": locale_stubs(&f.title_ids),
        "description": f.description,
        "descriptions": locale_stubs(&f.description_ids),
        // A disabled field takes no values: customers are not offered it.
        "fields": f
            .field_ids
            .iter()
            .filter(|id| view.staff || view.catalog.fields.get(id).is_none_or(|field| field.is_enabled))
            .map(|id| stub("conversation_field", *id))
            .collect::<Vec<_>>(),
        "brand": null,
        "created_at": ts(Some(f.created_at)),
        "updated_at": ts(Some(f.updated_at)),
        "resource_type": "conversation_form",
        "resource_url": view.url(&format!("conversations/forms/{}", f.id)),
    })
}

/// A field as admins see it: its customer view plus its switches.
pub fn case_field(view: &View, f: &Field) -> Value {
    let mut data = field(view, f);
    data["is_visible_to_customers"] = json!(f.is_visible_to_customers);
    data["is_enabled"] = json!(f.is_enabled);
    data["sort_order"] = json!(f.sort_order);
    data["resource_type"] = json!("case_field");
    data["resource_url"] = json!(view.url(&format!("cases/fields/{}", f.id)));
    data
}

/// A form as admins see it.
pub fn case_form(view: &View, f: &Form) -> Value {
    let mut data = form(view, f);
    data["sort_order"] = json!(f.sort_order);
    data["is_default"] = json!(f.is_default);
    data["resource_type"] = json!("case_form");
    data["resource_url"] = json!(view.url(&format!("cases/forms/{}", f.id)));
    data
}

/// A satisfaction rating.
pub fn rating(view: &View, r: &Rating) -> Value {
    json!({
        "id": r.id,
        "score": r.score,
        "comment": r.comment,
        "conversation": stub("conversation", r.conversation_id),
        "creator": user_stub(Some(r.creator_id)),
        "created_at": ts(Some(r.created_at)),
        "updated_at": ts(Some(r.updated_at)),
        "resource_type": "conversation_rating",
        "resource_url": view.url(&format!("cases/ratings/{}", r.id)),
    })
}

/// The full resource behind a stub of type `kind`, for `include`. The stub was
/// already in a response the caller may see, so no further check is needed,
/// except that customer-hidden fields stay hidden.
pub fn load(conn: &Conn, view: &View, kind: &str, id: i64) -> Result<Option<Value>, ApiError> {
    let catalog = &view.catalog;
    Ok(match kind {
        "user_minimal" | "user" => users::get(conn, id)?.map(|u| user_minimal(view, &u)),
        "team" | "team_minimal" => catalog.teams.get(&id).map(|t| team(view, t, kind)),
        "case_status" => catalog.statuses.get(&id).map(|s| status(view, s)),
        "case_priority" => catalog.priorities.get(&id).map(|p| priority(view, p)),
        "case_type" => catalog.types.get(&id).map(|t| case_type(view, t)),
        "role" => catalog.roles.get(&id).map(|r| role(view, r)),
        "read_marker" => conversations::read_marker(conn, id)?.map(|m| read_marker(&m)),
        "conversation_field" => {
            catalog.fields.get(&id).filter(|f| view.staff || f.is_visible_to_customers).map(|f| field(view, f))
        }
        "field_option" => catalog.options.get(&id).map(field_option),
        "locale_field" => catalog.locales.get(&id).map(|l| locale_field(view, l)),
        "conversation_form" => catalog.forms.get(&id).map(|f| form(view, f)),
        "conversation" => match conversations::get_visible(conn, &conversations::Visibility::All, id)? {
            Some(c) => Some(serde_json::to_value(conversation(conn, view, c)?)?),
            None => None,
        },
        "conversation_rating" => ratings::get(conn, id)?.map(|r| rating(view, &r)),
        // Organizations are named on users only to staff.
        "organization" if view.staff => {
            crate::db::manage::organization_by_id(conn, id)?.map(|o| organization(view, &o))
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrono_text(t: i64) -> Option<String> {
        chrono::DateTime::from_timestamp(t, 0).map(|d| d.format("%Y-%m-%dT%H:%M:%S+00:00").to_string())
    }

    #[test]
    fn times_read_exactly_as_chrono_writes_them() {
        let edges = [
            -62_167_219_200,
            -62_167_219_201,
            -1,
            0,
            1,
            86_399,
            86_400,
            951_782_400,
            951_868_799,
            1_700_000_000,
            4_102_444_800,
            253_402_300_799,
            253_402_300_800,
        ];
        let stride = (-62_167_219_200i64..253_402_300_799).step_by(7_919_993_017);
        for t in edges.into_iter().chain(stride) {
            assert_eq!(Ts::text(t), chrono_text(t), "{t}");
            assert_eq!(serde_json::to_value(Ts(t)).expect("json"), ts(Some(t)), "{t}");
        }
        assert_eq!(ts(None), Value::Null);
    }
}
