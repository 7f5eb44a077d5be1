//! An agent's notifications: the feed (`GET /notifications`, marked read
//! with `PUT`), and what they want to hear of and where
//! (`GET/PUT /notification_preferences`, Kayako's shape). Live, the feed is
//! the realtime channel `notifications`, which is each agent's own.

use actix_web::{web, HttpResponse};
use serde_json::Value;

use super::params::Params;
use super::{path_id, Ctx, Reply};
use crate::db::notifications::{self as store, KINDS};
use crate::db::{self};
use crate::error::{ApiError, FieldProblem, Problems};
use crate::wire::render;

/// `GET /notifications`: newest first; `unread=true` for those not read
/// (their `total_count` is the unread count).
pub async fn list(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    let me = ctx.caller.staff_user()?.id;
    let unread = match ctx.query("unread") {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") => true,
        Some(_) => return Err(ApiError::invalid("unread", "Must be true or false")),
    };
    let (offset, limit) = ctx.paging()?;
    let (items, total) = ctx
        .read(move |conn| {
            let (rows, total) = store::feed(conn, me, unread, offset, limit)?;
            Ok((rows.iter().map(render::notification).collect::<Vec<_>>(), total))
        })
        .await?;
    ctx.finish(Reply::page("notification", items, offset, limit, total)).await
}

/// `PUT /notifications`: `is_read=true` marks every notification read, or
/// those up to `up_to_id`, or those about `conversation_id`.
pub async fn mark_all(ctx: Ctx, params: Params) -> Result<HttpResponse, ApiError> {
    let me = ctx.caller.staff_user()?.id;
    let mut problems = Problems::default();
    let read = problems.absorb(params.flag("is_read"))?.flatten();
    let up_to = problems.absorb(params.int("up_to_id"))?.flatten();
    let conversation = problems.absorb(params.int("conversation_id"))?.flatten();
    if read != Some(true) {
        problems.push(FieldProblem::invalid("is_read", "Must be true: notifications are marked read"));
    }
    problems.finish()?;
    ctx.write(move |tx| Ok(store::mark_read(tx, me, up_to, conversation, db::now())?)).await?;
    ctx.finish(Reply::ok()).await
}

/// `PUT /notifications/:id` with `is_read=true`.
pub async fn mark_one(ctx: Ctx, path: web::Path<String>, params: Params) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let me = ctx.caller.staff_user()?.id;
    if params.flag("is_read")? != Some(true) {
        return Err(ApiError::invalid("is_read", "Must be true: notifications are marked read"));
    }
    let data = ctx
        .write(move |tx| {
            let n = store::get(tx, me, id)?.ok_or(ApiError::NotFound)?;
            if n.read_at.is_none() {
                store::mark_one_read(tx, me, id, db::now())?;
            }
            let n = store::get(tx, me, id)?.ok_or(ApiError::NotFound)?;
            Ok(render::notification(&n))
        })
        .await?;
    ctx.finish(Reply::one("notification", data)).await
}

/// `GET /notification_preferences`: every kind, defaults where never chosen.
pub async fn preferences(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    let me = ctx.caller.staff_user()?.id;
    let items = ctx.read(move |conn| Ok(store::preferences(conn, me)?)).await?;
    let items: Vec<Value> = items.iter().map(render::notification_preference).collect();
    ctx.finish(Reply::all("notification_preference", items)).await
}

/// `PUT /notification_preferences`: `values[kind][channel]=true|false`, the
/// channels `channel_desktop`, `channel_email`, `channel_mobile` (Kayako's
/// form); every problem reported at once, nothing saved unless all are right.
pub async fn set_preferences(ctx: Ctx, params: Params) -> Result<HttpResponse, ApiError> {
    let me = ctx.caller.staff_user()?.id;
    let values = params.map("values")?.ok_or_else(|| ApiError::required("values"))?;
    let mut problems = Problems::default();
    let mut wanted: Vec<(&'static str, String, bool)> = Vec::new();
    for (kind, channels) in &values {
        let Some(kind) = KINDS.iter().copied().find(|k| k == kind) else {
            problems
                .push(FieldProblem::invalid(&format!("values.{kind}"), format!("Must be one of {}", KINDS.join(", "))));
            continue;
        };
        let Value::Object(channels) = channels else {
            problems.push(FieldProblem::invalid(&format!("values.{kind}"), "Must map channels to true or false"));
            continue;
        };
        for (channel, on) in channels {
            let name = format!("values.{kind}.{channel}");
            let on = match on {
                Value::Bool(b) => *b,
                Value::String(s) if matches!(s.as_str(), "true" | "1") => true,
                Value::String(s) if matches!(s.as_str(), "false" | "0") => false,
                _ => {
                    problems.push(FieldProblem::invalid(&name, "Must be true or false"));
                    continue;
                }
            };
            if !matches!(channel.as_str(), "channel_desktop" | "channel_email" | "channel_mobile") {
                problems.push(FieldProblem::invalid(&name, "Must be channel_desktop, channel_email or channel_mobile"));
                continue;
            }
            wanted.push((kind, channel.clone(), on));
        }
    }
    problems.finish()?;
    let items = ctx
        .write(move |tx| {
            let mut current = store::preferences(tx, me)?;
            for p in &mut current {
                let mine: Vec<_> = wanted.iter().filter(|(k, _, _)| *k == p.kind).collect();
                for (_, channel, on) in &mine {
                    match channel.as_str() {
                        "channel_desktop" => p.desktop = *on,
                        "channel_email" => p.email = *on,
                        _ => p.mobile = *on,
                    }
                }
                if !mine.is_empty() {
                    store::set_preference(tx, me, p)?;
                }
            }
            Ok(current)
        })
        .await?;
    let items: Vec<Value> = items.iter().map(render::notification_preference).collect();
    ctx.finish(Reply::all("notification_preference", items)).await
}
