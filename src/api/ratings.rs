//! `/api/v1/conversations/:id/ratings`: list, add and update satisfaction
//! ratings. Only the conversation's requester may rate it.

use actix_web::{web, HttpResponse};

use super::conversations::visible;
use super::params::Params;
use super::{path_id, Ctx, Reply};
use crate::db::ratings as store;
use crate::error::{ApiError, Problems};
use crate::realtime::emit;
use crate::wire::render;

fn score_param(params: &Params, required: bool) -> Result<Option<String>, ApiError> {
    let score = if required { Some(params.required_text("score")?) } else { params.text("score")? };
    match score.map(|s| s.to_ascii_uppercase()) {
        Some(s) if s == "GOOD" || s == "BAD" => Ok(Some(s)),
        Some(_) => Err(ApiError::invalid("score", "Must be GOOD or BAD")),
        None => Ok(None),
    }
}

/// A comment may be cleared by sending it empty, so only JSON `null` or absence means "unchanged".
fn comment_param(params: &Params) -> Result<Option<String>, ApiError> {
    if !params.has("comment") {
        return Ok(None);
    }
    Ok(Some(params.text("comment")?.unwrap_or_default()))
}

/// `score` (required when `creating`) and `comment`, every problem reported together.
fn rating_params(params: &Params, creating: bool) -> Result<(Option<String>, Option<String>), ApiError> {
    let mut problems = Problems::default();
    let score = problems.absorb(score_param(params, creating))?.flatten();
    let comment = problems.absorb(comment_param(params))?.flatten();
    problems.finish()?;
    Ok((score, comment))
}

/// `GET /conversations/:id/ratings`.
pub async fn list(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    ctx.caller.require_member(true)?;
    let (offset, limit) = ctx.paging()?;
    let (items, total) = ctx
        .read_in_conversation(id, move |conn, view| {
            let (rows, total) = store::list(conn, id, offset, limit)?;
            Ok((rows.iter().map(|r| render::rating(view, r)).collect::<Vec<_>>(), total))
        })
        .await?;
    ctx.finish(Reply::page("conversation_rating", items, offset, limit, total)).await
}

/// `POST /conversations/:id/ratings`.
pub async fn create(ctx: Ctx, path: web::Path<String>, params: Params) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    ctx.caller.require_member(true)?;
    let (score, comment) = rating_params(&params, true)?;
    let score = score.ok_or_else(|| ApiError::required("score"))?;
    let vis = ctx.write_visibility();
    let view = ctx.view()?;
    let rater = ctx.caller.user().map(|u| u.id);
    let now = ctx.now();
    let data = ctx
        .write(move |tx| {
            let c = visible(tx, &vis, id)?;
            if rater != Some(c.requester_id) {
                return Err(ApiError::denied("Only the requester of a conversation may rate it"));
            }
            let comment = comment.filter(|c| !c.is_empty());
            let rid = store::insert(tx, id, &score, comment.as_deref(), c.requester_id, now)?;
            let r = store::get(tx, rid)?.ok_or(ApiError::NotFound)?;
            let data = render::rating(&view, &r);
            emit::rating(tx, &c.realtime_channel, "rating.created", id, data.clone(), now)?;
            crate::realtime::notify::rated(tx, &c, c.requester_id, &score, now)?;
            Ok(data)
        })
        .await?;
    ctx.state.hub.wake();
    ctx.finish(Reply::created("conversation_rating", data)).await
}

/// `PUT /conversations/:id/ratings/:rid`.
pub async fn update(ctx: Ctx, path: web::Path<(String, String)>, params: Params) -> Result<HttpResponse, ApiError> {
    let (id, rid) = (path_id(&path.0)?, path_id(&path.1)?);
    ctx.caller.require_member(true)?;
    let (score, comment) = rating_params(&params, false)?;
    let vis = ctx.write_visibility();
    let view = ctx.view()?;
    let rater = ctx.caller.user().map(|u| u.id);
    let now = ctx.now();
    let data = ctx
        .write(move |tx| {
            let c = visible(tx, &vis, id)?;
            let r = store::get(tx, rid)?.filter(|r| r.conversation_id == id).ok_or(ApiError::NotFound)?;
            if rater != Some(c.requester_id) {
                return Err(ApiError::denied("Only the requester of a conversation may update its rating"));
            }
            let r = if score.is_some() || comment.is_some() {
                store::update(tx, r.id, score.as_deref(), comment.as_deref(), now)?;
                let r = store::get(tx, rid)?.ok_or(ApiError::NotFound)?;
                emit::rating(tx, &c.realtime_channel, "rating.updated", id, render::rating(&view, &r), now)?;
                r
            } else {
                r
            };
            Ok(render::rating(&view, &r))
        })
        .await?;
    ctx.state.hub.wake();
    ctx.finish(Reply::one("conversation_rating", data)).await
}

/// `GET /cases/ratings/:id`, where a rating's `resource_url` points.
pub async fn get(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let rid = path_id(&path)?;
    ctx.caller.require_member(true)?;
    let vis = ctx.visibility()?;
    let view = ctx.view()?;
    let data = ctx
        .read(move |conn| {
            let r = store::get(conn, rid)?.ok_or(ApiError::NotFound)?;
            visible(conn, &vis, r.conversation_id)?;
            Ok(render::rating(&view, &r))
        })
        .await?;
    ctx.finish(Reply::one("conversation_rating", data)).await
}
