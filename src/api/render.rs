//! How each resource looks on the wire (snake_case, related resources as
//! stubs), and [`load`], which renders any stub's full resource for `include`.
//! What a customer may not see (status, priority, type, hidden fields) is
//! decided here, from the [`View`], so no handler can forget it.

use rusqlite::Connection;
use serde_json::{json, Value};

use crate::db::conversations::{Conversation, ReadMarker};
use crate::db::fields::{Field, FieldOption, Form, LocaleField};
use crate::db::files::FileRow;
use crate::db::lookups::{CaseType, Priority, RoleRow, Status, Team};
use crate::db::messages::Message;
use crate::db::ratings::Rating;
use crate::db::settings::Settings;
use crate::db::users::User;
use crate::db::{conversations, fields, lookups, ratings, users};
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
}

impl View {
    fn url(&self, path: &str) -> String {
        format!("{}/api/v1/{path}", self.base_url)
    }
}

/// ISO-8601 in UTC with an explicit offset and seconds precision, or `null`.
pub fn ts(t: Option<i64>) -> Value {
    t.and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .map(|d| Value::String(d.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()))
        .unwrap_or(Value::Null)
}

fn stub(kind: &str, id: i64) -> Value {
    json!({ "id": id, "resource_type": kind })
}

fn locale_stubs(ids: &[i64]) -> Vec<Value> {
    ids.iter().map(|id| stub("locale_field", *id)).collect()
}

fn user_stub(id: Option<i64>) -> Value {
    id.map_or(Value::Null, |id| stub("user_minimal", id))
}

/// A conversation as `view` may see it.
pub fn conversation(conn: &Connection, view: &View, c: &Conversation) -> Result<Value, ApiError> {
    Ok(conversations(conn, view, std::slice::from_ref(c))?.pop().unwrap_or(Value::Null))
}

/// Conversations as `view` may see them; what they refer to (teams, the
/// caller's read markers, field values) is read in one query each, whatever
/// the number of rows.
pub fn conversations(conn: &Connection, view: &View, rows: &[Conversation]) -> Result<Vec<Value>, ApiError> {
    let ids = crate::db::id_array(rows.iter().map(|c| c.id));
    let team_ids = crate::db::id_array(rows.iter().filter_map(|c| c.assigned_team_id));
    let teams = lookups::team_legacy_ids(conn, &team_ids)?;
    let markers = match view.user_id {
        Some(uid) => conversations::marker_ids_of(conn, &ids, uid)?,
        None => Default::default(),
    };
    let mut values = fields::values_of(conn, &ids, !view.staff)?;
    Ok(rows
        .iter()
        .map(|c| {
            let team = c.assigned_team_id.and_then(|id| teams.get(&id).map(|legacy| (id, legacy)));
            let marker = markers.get(&c.id).copied();
            conversation_with(view, c, team, marker, values.remove(&c.id).unwrap_or_default())
        })
        .collect())
}

fn conversation_with(
    view: &View,
    c: &Conversation,
    team: Option<(i64, &Option<String>)>,
    marker: Option<i64>,
    values: Vec<(i64, String)>,
) -> Value {
    let s = &view.settings;
    let show =
        |visible: bool, v: Option<Value>| if view.staff || visible { v.unwrap_or(Value::Null) } else { Value::Null };
    let team = team
        .map_or(Value::Null, |(id, legacy_id)| json!({ "id": id, "legacy_id": legacy_id, "resource_type": "team" }));
    let custom_fields: Vec<Value> = values
        .into_iter()
        .map(|(field_id, value)| {
            json!({
                "field": stub("conversation_field", field_id),
                "value": value,
                "resource_type": "conversation_field_value",
            })
        })
        .collect();
    json!({
        "id": c.id,
        "uuid": c.uuid,
        "legacy_id": c.legacy_id,
        "subject": c.subject,
        "channel": c.channel,
        "requester": user_stub(Some(c.requester_id)),
        "creator": user_stub(Some(c.creator_id)),
        "last_replier": user_stub(c.last_replier_id),
        "last_agent_replier": user_stub(c.last_agent_replier_id),
        "assigned_team": team,
        "assigned_agent": user_stub(c.assigned_agent_id),
        "status": show(s.customers_see_status, Some(stub("case_status", c.status_id))),
        "is_closed": c.is_closed(),
        "priority": show(s.customers_see_priority, c.priority_id.map(|id| stub("case_priority", id))),
        "type": show(s.customers_see_type, c.type_id.map(|id| stub("case_type", id))),
        "read_marker": marker.map(|id| stub("read_marker", id)),
        "custom_fields": custom_fields,
        "last_message_status": c.last_message_status,
        "last_message_preview": c.last_message_preview,
        "realtime_channel": c.realtime_channel,
        "last_replied_at": ts(c.last_replied_at),
        "created_at": ts(Some(c.created_at)),
        "updated_at": ts(Some(c.updated_at)),
        "resource_type": "conversation",
        "resource_url": view.url(&format!("conversations/{}", c.id)),
    })
}

/// A message with its attachments.
pub fn message(view: &View, m: &Message, attachments: &[FileRow]) -> Value {
    let base = format!("conversations/{}/messages/{}", m.conversation_id, m.id);
    let metadata: Value = serde_json::from_str(&m.metadata).unwrap_or_else(|_| json!({}));
    let download_all =
        if attachments.is_empty() { Value::Null } else { Value::String(view.url(&format!("{base}/download_all"))) };
    json!({
        "id": m.id,
        "uuid": m.uuid,
        "client_id": m.client_id,
        "subject": m.subject,
        "channel": m.channel,
        "content_text": m.content_text,
        "content_html": m.content_html,
        "creator": user_stub(Some(m.creator_id)),
        "attachments": attachments.iter().map(|a| attachment(view, m.conversation_id, m.id, a)).collect::<Vec<_>>(),
        "download_all": download_all,
        "source": m.source,
        "metadata": metadata,
        "message_status": m.message_status,
        "message_status_reject_type": m.reject_type,
        "message_status_reject_reason": m.reject_reason,
        "message_status_updated_at": ts(m.message_status_updated_at),
        "created_at": ts(Some(m.created_at)),
        "updated_at": ts(Some(m.updated_at)),
        "resource_type": "case_message",
        "resource_url": view.url(&base),
    })
}

/// A file attached to a message, with every field of the reference.
pub fn attachment(view: &View, conversation_id: i64, message_id: i64, f: &FileRow) -> Value {
    let at = format!("conversations/{conversation_id}/messages/{message_id}/attachments/{}", f.id);
    let thumbnails: Vec<Value> = f
        .thumbnails
        .iter()
        .map(|t| {
            json!({
                "id": t.id,
                "name": f.name,
                "size": t.size,
                "width": t.width,
                "height": t.height,
                "type": t.mime,
                "url": view.url(&format!("{at}/thumbnails/{}", t.id)),
                "created_at": ts(Some(t.created_at)),
                "resource_type": "thumbnail",
            })
        })
        .collect();
    json!({
        "id": f.id,
        "name": f.name,
        "size": f.size,
        "width": f.width,
        "height": f.height,
        "type": f.mime,
        "content_id": f.content_id,
        "alt": f.alt,
        "url": view.url(&format!("{at}/url")),
        "url_download": view.url(&format!("{at}/download")),
        "thumbnails": thumbnails,
        "created_at": ts(Some(f.created_at)),
        "resource_type": "attachment",
        "resource_url": view.url(&at),
    })
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
        "avatar": format!("{}/avatar/get/{}", view.base_url, u.avatar_uuid),
        "last_activity_at": activity(u.last_activity_at),
        "last_active_at": activity(u.last_active_at),
        "last_seen_at": activity(u.last_seen_at),
        "presence_channel": if private { Value::Null } else { Value::String(u.presence_channel.clone()) },
        "resource_type": "user_minimal",
        "resource_url": view.url(&format!("users/{}", u.id)),
    })
}

/// A team (`team`, or `team_minimal` as users list them).
pub fn team(view: &View, t: &Team, kind: &str) -> Value {
    json!({
        "id": t.id,
        "legacy_id": t.legacy_id,
        "title": t.title,
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
        "fields": f.field_ids.iter().map(|id| stub("conversation_field", *id)).collect::<Vec<_>>(),
        "brand": null,
        "created_at": ts(Some(f.created_at)),
        "updated_at": ts(Some(f.updated_at)),
        "resource_type": "conversation_form",
        "resource_url": view.url(&format!("conversations/forms/{}", f.id)),
    })
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
pub fn load(conn: &Connection, view: &View, kind: &str, id: i64) -> Result<Option<Value>, ApiError> {
    Ok(match kind {
        "user_minimal" | "user" => users::get(conn, id)?.map(|u| user_minimal(view, &u)),
        "team" | "team_minimal" => lookups::team_by_id(conn, id)?.map(|t| team(view, &t, kind)),
        "case_status" => lookups::status_by_id(conn, id)?.map(|s| status(view, &s)),
        "case_priority" => lookups::priority_by_id(conn, id)?.map(|p| priority(view, &p)),
        "case_type" => lookups::type_by_id(conn, id)?.map(|t| case_type(view, &t)),
        "role" => lookups::role_by_id(conn, id)?.map(|r| role(view, &r)),
        "read_marker" => conversations::read_marker(conn, id)?.map(|m| read_marker(&m)),
        "conversation_field" => {
            fields::by_id(conn, id)?.filter(|f| view.staff || f.is_visible_to_customers).map(|f| field(view, &f))
        }
        "field_option" => fields::option_by_id(conn, id)?.map(|o| field_option(&o)),
        "locale_field" => fields::locale_by_id(conn, id)?.map(|l| locale_field(view, &l)),
        "conversation_form" => fields::form_by_id(conn, id)?.map(|f| form(view, &f)),
        "conversation" => match conversations::get_visible(conn, &conversations::Visibility::All, id)? {
            Some(c) => Some(conversation(conn, view, &c)?),
            None => None,
        },
        "conversation_rating" => ratings::get(conn, id)?.map(|r| rating(view, &r)),
        _ => None,
    })
}
