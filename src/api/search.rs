//! `GET /api/v1/search`: the agents' search over conversations (their
//! messages, notes, subject and requester), users and organizations, in
//! Kayako's shape. Staff only; what an agent finds is what they may open.

use actix_web::HttpResponse;

use super::{Ctx, Reply};
use serde_json::Value;

use crate::db::conversations::Visibility;
use crate::db::search::{self as store, Query, CAP};
use crate::db::{self, conversations, manage, users, Conn};
use crate::error::ApiError;
use crate::wire::render;
use crate::wire::render::View;
use crate::wire::search::parse;

/// The resource types, in the order results list them.
const RESOURCES: [&str; 3] = ["conversations", "users", "organizations"];

/// `resources=` (comma-separated; Kayako's `CASES`, `USERS`, `ORGANIZATIONS` too).
fn resources(ctx: &Ctx, said: &[String]) -> Result<Vec<&'static str>, ApiError> {
    let Some(raw) = ctx.query("resources") else {
        return Ok(if said.is_empty() {
            RESOURCES.to_vec()
        } else {
            RESOURCES.into_iter().filter(|r| said.iter().any(|s| s == r)).collect()
        });
    };
    let mut out = Vec::new();
    for name in raw.split(',').map(|n| n.trim().to_lowercase()).filter(|n| !n.is_empty()) {
        let r = match name.as_str() {
            "conversations" | "conversation" | "cases" | "case" => "conversations",
            "users" | "user" => "users",
            "organizations" | "organization" => "organizations",
            _ => return Err(ApiError::invalid("resources", "Must list conversations, users or organizations")),
        };
        if !out.contains(&r) {
            out.push(r);
        }
    }
    if out.is_empty() {
        return Err(ApiError::invalid("resources", "Must list conversations, users or organizations"));
    }
    Ok(RESOURCES.into_iter().filter(|r| out.contains(r)).collect())
}

/// `GET /search?query=&resources=&sort=newest|relevance&offset=&limit=`.
pub async fn search(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    let me = ctx.caller.staff_user()?.id;
    let parsed = parse(ctx.query("query").or(ctx.query("q")).unwrap_or_default());
    let kinds = resources(&ctx, &parsed.resources)?;
    let relevance = match ctx.query("sort").map(str::to_lowercase).as_deref() {
        None | Some("newest") => false,
        Some("relevance") => true,
        Some(_) => return Err(ApiError::invalid("sort", "Must be newest or relevance")),
    };
    let (offset, limit) = ctx.paging()?;
    let vis = ctx.visibility()?;
    let view = ctx.view()?;
    let ask = Ask { query: parsed.query, kinds, me, relevance, offset, limit };
    let limit_time = std::time::Duration::from_millis(ctx.state.config.search_timeout_ms);
    let (items, total) = ctx
        .scan(move |conn| store::within(conn, limit_time, |conn| found(conn, &ask, &vis, &view)).map_err(too_broad))
        .await?;
    ctx.finish(Reply::page("search_result", items, offset, limit, total)).await
}

/// A search stopped at its time limit is the query's doing: `400`.
fn too_broad(e: db::Error) -> ApiError {
    match e {
        db::Error::Interrupted => ApiError::invalid(
            "query",
            "This search matches too much to finish in time: add words, or make prefixes (word*) longer",
        ),
        e => e.into(),
    }
}

/// What a search asks for.
struct Ask {
    query: Query,
    kinds: Vec<&'static str>,
    me: i64,
    relevance: bool,
    offset: i64,
    limit: i64,
}

/// The page of hits over the kinds asked for, in order, and their total.
fn found(conn: &Conn, ask: &Ask, vis: &Visibility, view: &View) -> db::Result<(Vec<Value>, i64)> {
    let Ask { query, kinds, me, relevance, offset, limit } = ask;
    let (me, relevance) = (*me, *relevance);
    let (mut skip, mut room) = ((*offset as usize).min(CAP * RESOURCES.len()), *limit as usize);
    let (mut items, mut total) = (Vec::new(), 0);
    for &kind in kinds {
        let (found, rows) = if kind == "conversations" {
            let f = store::conversations(conn, query, vis, me, relevance, skip, room)?;
            let mut rows = Vec::new();
            for hit in &f.hits {
                let Some(c) = conversations::get_visible(conn, vis, hit.id)? else { continue };
                let relevance = hit.rank.map(|r| -r);
                let snippet = hit.snippet.as_deref();
                rows.push(render::search_result(view, "conversation", c.id, &c.subject, snippet, relevance));
            }
            (f.total, rows)
        } else {
            let f = store::named(conn, kind, query, skip, room)?;
            let mut rows = Vec::new();
            for hit in &f.hits {
                let (resource, title) = if kind == "users" {
                    let Some(u) = users::get(conn, hit.id)? else { continue };
                    ("user", u.full_name)
                } else {
                    let Some(o) = manage::organization_by_id(conn, hit.id)? else { continue };
                    ("organization", o.name)
                };
                rows.push(render::search_result(view, resource, hit.id, &title, hit.snippet.as_deref(), None));
            }
            (f.total, rows)
        };
        skip = skip.saturating_sub(found);
        room -= rows.len().min(room);
        total += found;
        items.extend(rows);
    }
    Ok((items, total as i64))
}
