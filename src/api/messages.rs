//! `/api/v1/conversations/:id/messages`: list, retrieve, add, and
//! `message_status` receipts. Also the one place a message is written, shared
//! with conversation creation.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde_json::{Map, Value};

use super::conversations::{source_param, visible};
use super::files::{admit_and_store, keep_when};
use super::params::{Form, Params};
use super::{path_id, Ctx, Reply};
use crate::db::files::{self, Uploader};
use crate::db::mail::received;
use crate::db::messages::{self as store, NewMessage};
use crate::db::users::User;
use crate::db::Conn;
use crate::db::{self, conversations, lookups, macros, markers, users};
use crate::error::{ApiError, FieldProblem, Problems};
use crate::mail::outbox;
use crate::realtime::emit;
use crate::storage::StoredFile;
use crate::wire::{render, text_to_html};

/// The message part of a request, validated.
#[derive(Debug, Clone)]
pub struct Composed {
    /// Text.
    pub contents: String,
    /// The client's `source`, if it gave one.
    pub source: Option<String>,
    /// `user_agent` and `page_url`.
    pub metadata: Map<String, Value>,
    /// Echoed back; de-duplicates retries.
    pub client_id: Option<String>,
    /// Previously uploaded files to attach.
    pub file_ids: Vec<i64>,
    /// Files that came with this request, already durable on disk.
    pub files: Vec<StoredFile>,
}

/// Reads `contents`, `source`, `metadata`, `client_id` and `file_ids`,
/// reporting every problem at once.
pub fn compose(params: &Params) -> Result<Composed, ApiError> {
    let mut problems = Problems::default();
    let contents = problems.absorb(params.required_text("contents"))?;
    let source = problems.absorb(source_param(params))?.flatten();
    let raw_metadata = problems.absorb(params.map("metadata"))?.flatten().unwrap_or_default();
    let client_id = problems.absorb(params.text("client_id"))?.flatten();
    if client_id.as_ref().is_some_and(|c| c.len() > 255) {
        problems.push(FieldProblem::invalid("client_id", "Must be at most 255 characters"));
    }
    let file_ids = problems.absorb(params.ids("file_ids"))?.unwrap_or_default();
    let mut metadata = Map::new();
    for key in ["user_agent", "page_url", "user_agent_raw"] {
        let text = match raw_metadata.get(key) {
            None | Some(Value::Null) => continue,
            Some(Value::String(s)) => s.trim().to_owned(),
            Some(_) => {
                problems.push(FieldProblem::invalid(&format!("metadata.{key}"), "Must be a string"));
                continue;
            }
        };
        if text.is_empty() {
            continue;
        }
        let value = if key == "user_agent_raw" { friendly_user_agent(&text).to_owned() } else { text };
        let stored = if key == "page_url" { "page_url" } else { "user_agent" };
        // A raw user agent wins over a given friendly one.
        if key == "user_agent_raw" || !metadata.contains_key(stored) {
            metadata.insert(stored.into(), Value::String(value));
        }
    }
    problems.finish()?;
    let contents = contents.ok_or_else(|| ApiError::required("contents"))?;
    Ok(Composed { contents, source, metadata, client_id, file_ids, files: Vec::new() })
}

/// A user-friendly browser name for a raw `User-Agent` string.
pub fn friendly_user_agent(raw: &str) -> &'static str {
    let has = |s: &str| raw.contains(s);
    if has("Edg/") || has("Edge/") || has("EdgA/") || has("EdgiOS/") {
        "Edge"
    } else if has("OPR/") || has("Opera") {
        "Opera"
    } else if has("Firefox/") || has("FxiOS/") {
        "Firefox"
    } else if has("Chrome/") || has("Chromium/") || has("CriOS/") {
        "Chrome"
    } else if has("Safari/") {
        "Safari"
    } else if has("MSIE") || has("Trident/") {
        "Internet Explorer"
    } else {
        "Other"
    }
}

/// `cc`: addresses (comma-separated) staff copy on the conversation's mail
/// from this message on.
fn copies(ctx: &Ctx, params: &Params) -> Result<Vec<String>, ApiError> {
    let Some(text) = params.text("cc")? else { return Ok(Vec::new()) };
    if !ctx.caller.is_staff() {
        return Err(ApiError::denied_parameter("cc"));
    }
    let addresses: Vec<String> = text.split(',').map(|a| a.trim().to_lowercase()).filter(|a| !a.is_empty()).collect();
    if addresses.len() > 20 {
        return Err(ApiError::invalid("cc", "At most 20 addresses"));
    }
    if let Some(bad) = addresses.iter().find(|a| !crate::wire::valid_email(a)) {
        return Err(ApiError::invalid("cc", format!("{bad:?} is not an email address")));
    }
    Ok(addresses)
}

/// The conversation a message is written to.
pub struct Target<'a> {
    /// Conversation id.
    pub id: i64,
    /// Its subject, copied onto the message.
    pub subject: &'a str,
    /// Its channel, copied onto the message.
    pub channel: &'a str,
}

/// Writes a message and everything it changes (`db::messages::post`), and
/// attaches the files uploaded before. Must run inside the caller's write
/// transaction. Returns the message as stored, with its files.
pub fn insert(
    tx: &Conn,
    target: &Target,
    author: &User,
    fingerprint: Option<&str>,
    composed: Composed,
    now: i64,
) -> Result<(store::Message, Vec<files::FileRow>), ApiError> {
    let source = composed.source.unwrap_or_else(|| {
        if author.role.is_staff() {
            "AGENT".into()
        } else if fingerprint.is_some() {
            "MESSENGER".into()
        } else {
            "API".into()
        }
    });
    let new = NewMessage {
        conversation_id: target.id,
        client_id: composed.client_id,
        subject: target.subject.to_owned(),
        channel: target.channel.to_owned(),
        content_html: text_to_html(&composed.contents),
        content_text: composed.contents,
        creator_id: author.id,
        source,
        metadata: Value::Object(composed.metadata).to_string(),
    };
    let has_files = !composed.file_ids.is_empty() || !composed.files.is_empty();
    let post = store::Post { message: new, by_staff: author.role.is_staff(), fingerprint, files: &composed.files };
    let message = store::post(tx, post, now)?;
    let uploader = Uploader { user_id: Some(author.id), fingerprint: fingerprint.map(str::to_owned), address: None };
    for file_id in composed.file_ids {
        if !files::attach(tx, file_id, files::Holder::Message(message.id), &uploader)? {
            return Err(ApiError::invalid("file_ids", format!("File {file_id} does not exist or is already attached")));
        }
    }
    let files = if has_files { files::of_message(tx, message.id)? } else { Vec::new() };
    Ok((message, files))
}

/// `GET /conversations/:id/messages`.
pub async fn list(mut ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    ctx.caller.require_member(true)?;
    if let Some(answer) = ctx.remembered() {
        return Ok(answer);
    }
    let (offset, limit) = ctx.paging()?;
    let (items, total) = ctx
        .read_in_conversation(id, move |conn, view| {
            let (rows, total) = store::list(conn, id, offset, limit)?;
            let ids = db::IdsIn::of(rows.iter().map(|m| m.id));
            let mut attached = files::of_messages(conn, &ids)?;
            let mut mails = if view.staff && !rows.is_empty() {
                received::message_mail_of(conn, &ids)?
            } else {
                Default::default()
            };
            let items: Vec<_> = rows
                .into_iter()
                .map(|m| {
                    let files = attached.remove(&m.id).unwrap_or_default();
                    let mail = mails.remove(&m.id);
                    render::message(view, m, files).with_mail(view, mail)
                })
                .collect();
            Ok((items, total))
        })
        .await?;
    ctx.finish(Reply::page("conversation_message", items, offset, limit, total)).await
}

/// `GET /conversations/:id/messages/:mid`.
pub async fn get(mut ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, ApiError> {
    let (id, mid) = (path_id(&path.0)?, path_id(&path.1)?);
    ctx.caller.require_member(true)?;
    if let Some(answer) = ctx.remembered() {
        return Ok(answer);
    }
    let data = message(&ctx, id, mid).await?;
    ctx.finish(Reply::one("conversation_message", data)).await
}

/// Message `mid` of conversation `id` as the caller sees it.
async fn message(ctx: &Ctx, id: i64, mid: i64) -> Result<render::MessageOut, ApiError> {
    ctx.read_in_conversation(id, move |conn, view| {
        let m = store::get(conn, id, mid)?.ok_or(ApiError::NotFound)?;
        let attached = files::of_message(conn, m.id)?;
        let mail =
            if view.staff { received::message_mail_of(conn, &db::IdsIn::One(m.id))?.remove(&m.id) } else { None };
        Ok(render::message(view, m, attached).with_mail(view, mail))
    })
    .await
}

/// `POST /conversations/:id/messages`.
pub async fn create(ctx: Ctx, path: web::Path<String>, form: Form) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    ctx.caller.require_member(true)?;
    let mut composed = compose(&form.params)?;
    let cc = copies(&ctx, &form.params)?;
    let macro_id = form.params.int("macro_id")?;
    if macro_id.is_some() && !ctx.caller.is_staff() {
        return Err(ApiError::denied_parameter("macro_id"));
    }
    let (uploads, stored) = admit_and_store(&ctx, form.uploads, composed.file_ids.len(), false).await?;
    composed.files = stored;
    let vis = ctx.write_visibility();
    let view = ctx.view()?;
    let author = ctx.caller.user().cloned();
    let fingerprint = ctx.caller.fingerprint().map(str::to_owned);
    let mail = outbox::Settings::of(&ctx.state.mail.config);
    let now = ctx.now();
    let (data, replayed) = ctx
        .write_then(
            move |tx| {
                let c = visible(tx, &vis, id)?;
                let author = author.ok_or(ApiError::NotFound)?;
                if c.is_closed() {
                    return Err(ApiError::denied("This conversation is closed and cannot be replied to"));
                }
                if let Some(client_id) = &composed.client_id {
                    if let Some(first) = store::by_client_id(tx, id, client_id, author.id)? {
                        let attached = files::of_message(tx, first.id)?;
                        return Ok((render::message(&view, first, attached), true));
                    }
                }
                let target = Target { id, subject: &c.subject, channel: &c.channel };
                let (m, attached) = insert(tx, &target, &author, fingerprint.as_deref(), composed, now)?;
                // A customer writing back reopens a conversation that waited on them or was done.
                if !author.role.is_staff() && matches!(c.status_kind.as_str(), "PENDING" | "COMPLETED") {
                    if let Some(open) = lookups::first_status_of_type(tx, "OPEN")? {
                        let changes = conversations::Changes { status_id: Some(open.id), ..Default::default() };
                        conversations::update(tx, id, &changes, true, now)?;
                        let hidden: &[&str] = if view.settings.customers_see_status { &[] } else { &["status"] };
                        emit::conversation_updated(tx, &c.realtime_channel, id, &["status"], hidden, now)?;
                    }
                }
                if author.role.is_staff() {
                    outbox::after_staff_message(tx, &mail, &c, &m, &cc, now)?;
                } else {
                    crate::realtime::notify::customer_replied(tx, &c, author.id, now)?;
                }
                if let Some(macro_id) = macro_id {
                    use_macro(tx, &c, &author, macro_id, &view, now)?;
                }
                let data = render::message(&view, m, attached);
                emit::message_created(tx, &c.realtime_channel, id, &data, now)?;
                Ok((data, false))
            },
            keep_when(uploads, |(_, replayed)| *replayed),
        )
        .await?;
    if !replayed {
        ctx.state.hub.wake();
        ctx.state.mail.wake();
    }
    let reply = if replayed {
        Reply::one("conversation_message", data).with_status(StatusCode::OK)
    } else {
        Reply::created("conversation_message", data)
    };
    ctx.finish(reply).await
}

/// Applies the changes of saved reply `macro_id` to `c`, in the reply's write.
fn use_macro(
    tx: &Conn,
    c: &conversations::Conversation,
    author: &User,
    macro_id: i64,
    view: &render::View,
    now: i64,
) -> Result<(), ApiError> {
    let m = macros::get_usable(tx, author.id, macro_id)?
        .ok_or_else(|| ApiError::invalid("macro_id", "There is no such macro"))?;
    if m.changes_anything() {
        if !author.role.may_triage() {
            return Err(ApiError::denied_parameter("macro_id"));
        }
        let changes = conversations::Changes {
            status_id: m.status_id,
            priority_id: m.priority_id,
            assigned_agent: m.assigned_agent_id.map(Some),
            assigned_team: m.assigned_team_id.map(Some),
            ..Default::default()
        };
        super::triage::apply(tx, c, Some(author.id), &changes, &[], view, now)?;
    }
    macros::used(tx, macro_id, now)?;
    Ok(())
}

/// Position in the forward-only lifecycle `SENT → DELIVERED → SEEN`.
fn rank(status: &str) -> u8 {
    match status {
        "SENT" => 0,
        "DELIVERED" => 1,
        "SEEN" => 2,
        _ => u8::MAX, // REJECTED is final
    }
}

/// `PUT /conversations/:id/messages/:mid` with `message_status`.
pub async fn update(ctx: Ctx, path: web::Path<(String, String)>, params: Params) -> Result<HttpResponse, ApiError> {
    let (id, mid) = (path_id(&path.0)?, path_id(&path.1)?);
    ctx.caller.require_member(true)?;
    let status = params.required_text("message_status")?.to_ascii_uppercase();
    if !matches!(status.as_str(), "DELIVERED" | "SEEN") {
        return Err(ApiError::invalid("message_status", "Must be DELIVERED or SEEN"));
    }
    let vis = ctx.write_visibility();
    let reader = ctx.caller.user().map(|u| (u.id, u.role));
    let now = ctx.now();
    let changed = ctx
        .write(move |tx| {
            let c = visible(tx, &vis, id)?;
            let (reader, role) = reader.ok_or(ApiError::NotFound)?;
            let m = store::get(tx, id, mid)?.ok_or(ApiError::NotFound)?;
            let author_is_staff = users::get(tx, m.creator_id)?.is_some_and(|u| u.role.is_staff());
            // A receipt counts only from the other side: an agent reading a
            // customer's message, or a customer reading an agent's. The author,
            // or a colleague on the same side, moves only their own read marker.
            let other_side = author_is_staff != role.is_staff();
            let forward = rank(&status) > rank(&m.message_status) && rank(&m.message_status) < u8::MAX;
            let changed = other_side && forward;
            if changed {
                store::set_status(tx, mid, &status, now)?;
                conversations::sync_last_message_status(tx, id, mid, &status)?;
                let reader = emit::Reader { id: reader, role: role.as_str() };
                emit::message_status(tx, &c.realtime_channel, id, mid, &status, reader, now)?;
            }
            if status == "SEEN" {
                markers::advance(tx, id, reader, mid, now)?;
            }
            Ok(changed)
        })
        .await?;
    if changed {
        ctx.state.hub.wake();
    }
    // Kayako answers a receipt with the message as it now stands.
    let data = message(&ctx, id, mid).await?;
    ctx.finish(Reply::one("conversation_message", data)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_user_agents_get_friendly_names() {
        let chromium = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                        Ubuntu Chromium/55.0.2883.87 Chrome/55.0.2883.87 Safari/537.36";
        assert_eq!(friendly_user_agent(chromium), "Chrome");
        assert_eq!(friendly_user_agent("Mozilla/5.0 (X11; Linux) Gecko/20100101 Firefox/115.0"), "Firefox");
        assert_eq!(
            friendly_user_agent("Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15"),
            "Safari"
        );
        assert_eq!(friendly_user_agent("Mozilla/5.0 Chrome/120.0 Safari/537.36 Edg/120.0"), "Edge");
    }

    #[test]
    fn status_only_moves_forward() {
        assert!(rank("SEEN") > rank("DELIVERED"));
        assert!(rank("DELIVERED") > rank("SENT"));
    }
}
