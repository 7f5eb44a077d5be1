//! Teams and their members: `/teams`, `/teams/:id`, `/teams/:id/members`.

use actix_web::{web, HttpResponse};
use serde_json::json;

use super::{admin, answer, audited, members_reply, staff, text};
use crate::api::params::Form;
use crate::api::{path_id, Ctx, Reply};
use crate::db::manage::{self};
use crate::db::{self, audit, lookups, Conn};
use crate::error::{ApiError, Problems};
use crate::wire::render;

async fn team_reply(ctx: Ctx, id: i64, created: bool) -> Result<HttpResponse, ApiError> {
    answer(ctx, "team", created, move |conn, view| {
        Ok(lookups::team_by_id(conn, id)?.map(|t| render::team(view, &t, "team")))
    })
    .await
}

/// Ids of staff to put in a team (`agent_ids`), each checked.
fn agents(tx: &Conn, ids: &[i64]) -> Result<(), ApiError> {
    if let Some(id) = manage::not_staff(tx, ids)?.first() {
        return Err(ApiError::invalid("agent_ids", format!("User {id} is not on the support team")));
    }
    Ok(())
}

/// `POST /teams`: `title`, and optionally `agent_ids`.
pub async fn create_team(ctx: Ctx, form: Form) -> Result<HttpResponse, ApiError> {
    let (actor, _) = admin(&ctx)?;
    let mut problems = Problems::default();
    let title = text(&form.params, "title", true, 255, &mut problems);
    let members = problems.absorb(form.params.ids("agent_ids"))?.unwrap_or_default();
    problems.finish()?;
    let title = title.unwrap_or_default();
    let id = ctx
        .write(move |tx| {
            agents(tx, &members)?;
            audited(tx, actor, "team.create", "teams", "team", None, |tx| {
                let id = manage::create_team(tx, &title, db::now())?;
                manage::team_members(tx, id, &members, true)?;
                Ok(id)
            })
        })
        .await?;
    team_reply(ctx, id, true).await
}

/// `PUT /teams/:id`: `title`.
pub async fn update_team(ctx: Ctx, path: web::Path<String>, form: Form) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let (actor, _) = admin(&ctx)?;
    let title = form.params.required_text("title")?;
    ctx.write(move |tx| {
        audited(tx, actor, "team.update", "teams", "team", Some(id), |tx| {
            manage::rename_team(tx, id, &title, db::now())?;
            Ok(id)
        })
    })
    .await?;
    team_reply(ctx, id, false).await
}

/// `DELETE /teams/:id`: its conversations are left unassigned to a team.
pub async fn delete_team(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let (actor, _) = admin(&ctx)?;
    let members = ctx
        .write(move |tx| {
            let members = manage::member_ids(tx, id, false)?;
            audited(tx, actor, "team.delete", "teams", "team", Some(id), |tx| {
                manage::delete_team(tx, id)?;
                Ok(id)
            })?;
            Ok(members)
        })
        .await?;
    // What the team let its members see, they no longer may: streams reconnect.
    members.into_iter().for_each(|m| ctx.state.hub.revoke(m));
    ctx.finish(Reply::ok()).await
}

/// `GET /teams/:id/members`.
pub async fn team_members(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    staff(&ctx)?;
    members_reply(ctx, id, false).await
}

/// `POST /teams/:id/members` (`agent_ids`) adds members;
/// `DELETE /teams/:id/members?agent_ids=` removes them.
async fn change_members(ctx: Ctx, id: i64, ids: Vec<i64>, add: bool) -> Result<HttpResponse, ApiError> {
    let (actor, _) = admin(&ctx)?;
    if ids.is_empty() {
        return Err(ApiError::required("agent_ids"));
    }
    let changed = ids.clone();
    ctx.write(move |tx| {
        lookups::team_by_id(tx, id)?.ok_or(ApiError::NotFound)?;
        if add {
            agents(tx, &ids)?;
        }
        let before = manage::member_ids(tx, id, false)?;
        manage::team_members(tx, id, &ids, add)?;
        let after = manage::member_ids(tx, id, false)?;
        let action = if add { "team.members.add" } else { "team.members.remove" };
        let (before, after) = (json!({ "member_ids": before }), json!({ "member_ids": after }));
        Ok(audit::record(tx, Some(actor), action, "team", Some(id), Some(&before), Some(&after), db::now())?)
    })
    .await?;
    changed.into_iter().for_each(|m| ctx.state.hub.revoke(m));
    members_reply(ctx, id, false).await
}

/// `POST /teams/:id/members`.
pub async fn add_team_members(ctx: Ctx, path: web::Path<String>, form: Form) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let ids = form.params.ids("agent_ids")?;
    change_members(ctx, id, ids, true).await
}

/// `DELETE /teams/:id/members?agent_ids=1,2`.
pub async fn remove_team_members(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let mut ids = Vec::new();
    for part in ctx.query_all("agent_ids").flat_map(|v| v.split(',')).map(str::trim).filter(|s| !s.is_empty()) {
        ids.push(
            part.parse::<i64>().map_err(|_| ApiError::invalid("agent_ids", "Must be a comma-separated list of ids"))?,
        );
    }
    change_members(ctx, id, ids, false).await
}
