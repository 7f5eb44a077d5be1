//! Messenger extras (conventions §9): the conversation starter and typing.

use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use super::conversations::visible;
use super::params::Params;
use super::realtime::stream::publish_ephemeral;
use super::{path_id, Ctx, Reply};
use crate::db::conversations::{ListFilter, Visibility};
use crate::db::lists::{self, ListQuery};
use crate::db::{self, lookups, users};
use crate::error::ApiError;
use crate::wire::render;

/// Agents listed as recently active in the starter.
const STARTER_AGENTS: i64 = 5;
/// Active conversations listed in the starter.
const STARTER_CONVERSATIONS: i64 = 10;

/// `GET /conversations/starter` (public): who is around, how fast they answer,
/// the caller's open conversations, and where to subscribe.
pub async fn starter(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    let vis = match ctx.caller.user() {
        Some(_) => ctx.visibility()?,
        // A device that has not written yet, or a public visitor, has nothing open.
        None => ctx.caller.visibility(false),
    };
    // Staff would see every conversation; their starter lists their own.
    let vis = if vis == Visibility::All {
        ctx.caller.user().map_or(Visibility::Nothing, |u| Visibility::Requester { user_id: u.id, org: None })
    } else {
        vis
    };
    let view = ctx.view()?;
    let words = view.catalog.messenger.clone();
    let hub = ctx.state.hub.clone();
    let realtime_url = format!("{}/api/v1/realtime", ctx.state.public_url);
    let average_reply_time = ctx.state.reply_time.get(&ctx.state.db, db::now()).await?;
    let data = ctx
        .read(move |conn| {
            // Whole users, not stubs: a messenger header needs their names and
            // avatars, and a stub with `is_online` beside it is no stub to expand.
            let mut agents = Vec::new();
            for id in users::recently_active_agents(conn, STARTER_AGENTS)? {
                if let Some(user) = users::get(conn, id)? {
                    let mut agent = render::user_minimal(&view, &user);
                    agent["is_online"] = Value::Bool(hub.is_online(id));
                    agents.push(agent);
                }
            }
            let mut active = Vec::new();
            for kind in ["NEW", "OPEN", "PENDING"] {
                let statuses = Some(lookups::status_ids_of_type(conn, kind)?);
                let filter = ListFilter { statuses, ..ListFilter::default() };
                let rows = lists::page(conn, &ListQuery::new(&vis, &filter), None, 0, STARTER_CONVERSATIONS)?;
                let order: Vec<(i64, i64)> = rows.iter().map(|c| (c.updated_at, c.id)).collect();
                for ((updated_at, id), c) in order.into_iter().zip(super::rows::conversations(conn, &view, rows)?) {
                    active.push((updated_at, id, c));
                }
            }
            active.sort_by_key(|a| std::cmp::Reverse((a.0, a.1)));
            active.truncate(STARTER_CONVERSATIONS as usize);
            let replies_by_mail = db::mail::mailboxes(conn)?.iter().any(|m| m.is_default && m.is_enabled);
            Ok(json!({
                "last_active_agents": agents,
                "average_reply_time": average_reply_time,
                "active_conversations": active.into_iter().map(|(_, _, c)| c).collect::<Vec<_>>(),
                "realtime_url": realtime_url,
                // The instance's words for the Messenger (`PUT /settings`); null: the Messenger's own.
                "team_name": words.team_name,
                "greeting": words.greeting,
                "reply_time_text": words.reply_time,
                // Whether a customer who gave an email gets the replies they miss by mail.
                "replies_by_mail": replies_by_mail,
                "resource_type": "conversation_starter",
            }))
        })
        .await?;
    ctx.finish(Reply::one("conversation_starter", data)).await
}

/// `POST /conversations/:id/typing`: tells the conversation's subscribers that
/// the caller is typing (`is_typing=false` when they stop). Not logged.
pub async fn typing(ctx: Ctx, path: web::Path<String>, params: Params) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    ctx.caller.require_member(true)?;
    let is_typing = params.flag("is_typing")?.unwrap_or(true);
    let user = ctx.caller.user().cloned().ok_or(ApiError::NotFound)?;
    let vis = ctx.write_visibility();
    let channel = ctx.read(move |conn| Ok(visible(conn, &vis, id)?.realtime_channel)).await?;
    let data = json!({
        "conversation_id": id,
        "is_typing": is_typing,
        "user": { "id": user.id, "full_name": user.full_name, "resource_type": "user_minimal", "role": user.role.as_str() },
    });
    // Typing is news once a second at most; more often is answered, not told.
    if ctx.state.sockets.may_change(&ctx.presence_identity(), &channel, !is_typing) {
        publish_ephemeral(&ctx.state, &channel, "typing", data);
    }
    ctx.finish(Reply::ok()).await
}
