//! `/api/v1/conversations/:id/viewers`: which agents have a conversation
//! open and whether they are writing a reply or a note, so two of them do
//! not answer one customer at once. Staff only; the changes are told as
//! `viewers.changed` on the staff `inbox` channel, never on the
//! conversation's, so a customer never sees an agent writing a note.

use actix_web::{web, HttpResponse};

use super::conversations::visible;
use super::params::Params;
use super::realtime::stream::publish_ephemeral;
use super::{path_id, Ctx, Reply};
use crate::db;
use crate::error::ApiError;
use crate::realtime::viewers::{self, Activity, Viewer};
use crate::realtime::INBOX;

fn listed(viewers: &[Viewer]) -> Reply {
    Reply::all("viewer", viewers.iter().map(Viewer::to_json).collect())
}

/// `GET /conversations/:id/viewers`: the agents in it now.
pub async fn list(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    ctx.caller.staff_user()?;
    ctx.read_in_conversation(id, |_, _| Ok(())).await?;
    let reply = listed(&ctx.state.hub.viewers.of(id, db::now()));
    ctx.finish(reply).await
}

/// `POST /conversations/:id/viewers`: `activity` is `VIEWING`, `REPLYING`,
/// `NOTING`, or `LEFT`. An open inbox says it again every few seconds; one
/// that stops is gone after 45 s. Answers with the viewers now.
pub async fn set(ctx: Ctx, path: web::Path<String>, params: Params) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let me = ctx.caller.staff_user()?.clone();
    let activity = match params.text("activity")?.as_deref() {
        None => Some(Activity::Viewing),
        Some(a) if a.eq_ignore_ascii_case("LEFT") => None,
        Some(a) => Some(Activity::parse(a).ok_or_else(|| {
            ApiError::invalid("activity", "Must be one of VIEWING, REPLYING, NOTING, LEFT".to_owned())
        })?),
    };
    let vis = ctx.write_visibility();
    ctx.read(move |conn| visible(conn, &vis, id).map(drop)).await?;
    let identity = ctx.presence_identity();
    let may_tell = || ctx.state.sockets.may_change(&identity, &format!("viewers:{id}"), false);
    let (now_in, tell) = ctx.state.hub.viewers.set(id, me.id, &me.full_name, activity, db::now(), may_tell);
    if tell {
        publish_ephemeral(&ctx.state, INBOX, "viewers.changed", viewers::changed(id, &now_in));
    }
    let reply = listed(&now_in);
    ctx.finish(reply).await
}
