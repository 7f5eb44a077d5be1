//! `/api/v1/conversations/:id/notes`: private notes between agents, with
//! attachments and `@name` mentions. Staff only, by every route: customers
//! and devices get `403`, and a note's event goes to the staff inbox channel
//! alone, never to the conversation's.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::conversations::visible;
use super::files::{admit_and_store, keep_when};
use super::messages::compose;
use super::params::{Form, Params};
use super::{path_id, Ctx, Reply};
use crate::db::files::{self, Holder, Uploader};
use crate::db::notes::{self as store, NewNote};
use crate::db::{self, IdsIn};
use crate::error::ApiError;
use crate::realtime::emit;
use crate::wire::mention::{mentioned, note_html};
use crate::wire::render;

/// Characters a note may hold.
const MAX_NOTE_CHARS: usize = 20_000;

/// `GET /conversations/:id/notes`: newest first.
pub async fn list(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    ctx.caller.staff_user()?;
    let (offset, limit) = ctx.paging()?;
    let (items, total) = ctx
        .read_in_conversation(id, move |conn, view| {
            let (notes, total) = store::list(conn, id, offset, limit)?;
            let mut attached = files::of_notes(conn, &IdsIn::of(notes.iter().map(|n| n.id)))?;
            let items: Vec<_> =
                notes.iter().map(|n| render::note(view, n, &attached.remove(&n.id).unwrap_or_default())).collect();
            Ok((items, total))
        })
        .await?;
    ctx.finish(Reply::page("note", items, offset, limit, total)).await
}

/// `GET /conversations/:id/notes/:nid`.
pub async fn get(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, ApiError> {
    let (id, nid) = (path_id(&path.0)?, path_id(&path.1)?);
    ctx.caller.staff_user()?;
    let data = ctx
        .read_in_conversation(id, move |conn, view| {
            let n = store::get(conn, id, nid)?.ok_or(ApiError::NotFound)?;
            let attached = files::of_notes(conn, &IdsIn::One(n.id))?.remove(&n.id).unwrap_or_default();
            Ok(render::note(view, &n, &attached))
        })
        .await?;
    ctx.finish(Reply::one("note", data)).await
}

fn checked_text(text: &str) -> Result<(), ApiError> {
    if text.trim().is_empty() {
        return Err(ApiError::required("contents"));
    }
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(ApiError::invalid("contents", format!("Must be at most {MAX_NOTE_CHARS} characters")));
    }
    Ok(())
}

/// `POST /conversations/:id/notes`: `contents`, and optionally files
/// (multipart, or `file_ids` uploaded before) and a `client_id`.
pub async fn create(ctx: Ctx, path: web::Path<String>, form: Form) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let author = ctx.caller.staff_user()?.clone();
    let mut composed = compose(&form.params)?;
    checked_text(&composed.contents)?;
    let (uploads, stored) = admit_and_store(&ctx, form.uploads, composed.file_ids.len(), false).await?;
    composed.files = stored;
    let vis = ctx.write_visibility();
    let view = ctx.view()?;
    let now = ctx.now();
    let (data, replayed) = ctx
        .write_then(
            move |tx| {
                let c = visible(tx, &vis, id)?;
                if let Some(client_id) = &composed.client_id {
                    if let Some(first) = store::by_client_id(tx, id, client_id, author.id)? {
                        let attached = files::of_notes(tx, &IdsIn::One(first.id))?.remove(&first.id);
                        return Ok((render::note(&view, &first, &attached.unwrap_or_default()), true));
                    }
                }
                let agents = store::mentionable(tx)?;
                let new = NewNote {
                    conversation_id: id,
                    creator_id: author.id,
                    client_id: composed.client_id,
                    body_html: note_html(&composed.contents, &agents),
                    mentions: mentioned(&composed.contents, &agents),
                    body_text: composed.contents,
                };
                let note = store::insert(tx, new, now)?;
                let uploader = Uploader { user_id: Some(author.id), fingerprint: None, address: None };
                for stored in &composed.files {
                    let file = files::insert(tx, stored, &uploader, None, now)?;
                    files::attach(tx, file, Holder::Note(note.id), &uploader)?;
                }
                for file_id in composed.file_ids {
                    if !files::attach(tx, file_id, Holder::Note(note.id), &uploader)? {
                        return Err(ApiError::invalid(
                            "file_ids",
                            format!("File {file_id} does not exist or is already attached"),
                        ));
                    }
                }
                let attached = files::of_notes(tx, &IdsIn::One(note.id))?.remove(&note.id).unwrap_or_default();
                let data = render::note(&view, &note, &attached);
                emit::note(tx, c.id, "note.created", &data, now)?;
                crate::realtime::notify::mentioned(tx, &c, &note.mentions, author.id, now)?;
                Ok((data, false))
            },
            keep_when(uploads, |(_, replayed)| *replayed),
        )
        .await?;
    if !replayed {
        ctx.state.hub.wake();
    }
    let reply =
        if replayed { Reply::one("note", data).with_status(StatusCode::OK) } else { Reply::created("note", data) };
    ctx.finish(reply).await
}

/// `PUT /conversations/:id/notes/:nid`: new `contents`, by its author or an admin.
pub async fn update(ctx: Ctx, path: web::Path<(String, String)>, params: Params) -> Result<HttpResponse, ApiError> {
    let (id, nid) = (path_id(&path.0)?, path_id(&path.1)?);
    let editor = ctx.caller.staff_user()?.clone();
    let text = params.required_text("contents")?;
    checked_text(&text)?;
    let vis = ctx.write_visibility();
    let view = ctx.view()?;
    let now = ctx.now();
    let data = ctx
        .write(move |tx| {
            let c = visible(tx, &vis, id)?;
            let n = store::get(tx, id, nid)?.ok_or(ApiError::NotFound)?;
            if n.creator_id != editor.id && !matches!(editor.role, db::users::Role::Owner | db::users::Role::Admin) {
                return Err(ApiError::denied("Only its author or an admin may change a note"));
            }
            let agents = store::mentionable(tx)?;
            store::update(tx, nid, &text, &note_html(&text, &agents), &mentioned(&text, &agents), now)?;
            let n = store::get(tx, id, nid)?.ok_or(ApiError::NotFound)?;
            let attached = files::of_notes(tx, &IdsIn::One(n.id))?.remove(&n.id).unwrap_or_default();
            let data = render::note(&view, &n, &attached);
            emit::note(tx, c.id, "note.updated", &data, now)?;
            Ok(data)
        })
        .await?;
    ctx.state.hub.wake();
    ctx.finish(Reply::one("note", data)).await
}

/// `GET /conversations/:id/notes/:nid/attachments/:aid/url` and `/download`.
pub async fn attachment(
    ctx: Ctx,
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, nid, aid) = (path_id(&path.0)?, path_id(&path.1)?, path_id(&path.2)?);
    ctx.caller.staff_user()?;
    let file = ctx
        .read_in_conversation(id, move |conn, _| {
            store::get(conn, id, nid)?.ok_or(ApiError::NotFound)?;
            files::get(conn, aid)?.filter(|f| f.note_id == Some(nid)).ok_or(ApiError::NotFound)
        })
        .await?;
    let inline = !req.path().ends_with("/download") && crate::storage::inline_safe(&file.mime);
    super::attachments::serve(&ctx, &req, &file.storage_name, &file.mime, &file.name, inline).await
}
