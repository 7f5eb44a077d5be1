//! Users: `POST /users`, `PUT /users/:id` and `PUT /users/:id/password`.
//! Only owners make or change owners, and the last enabled owner can be
//! neither disabled nor demoted.

use actix_web::{web, HttpResponse};

use super::{admin, answer, audited, text};
use crate::api::params::{Form, Params};
use crate::api::{path_id, Ctx};
use crate::db::manage::{self, UserChange};
use crate::db::users::Role;
use crate::db::{self, lookups, users, Conn};
use crate::error::{ApiError, FieldProblem, Problems};
use crate::secret::password::{self, MIN_PASSWORD};
use crate::wire::{render, valid_email};

/// A role named by `role` (its type) or `role_id`.
fn role_param(tx: &Conn, params: &Params) -> Result<Option<(i64, Role)>, ApiError> {
    if let Some(kind) = params.text("role")? {
        let kind = kind.to_ascii_uppercase();
        return match manage::role_id_of_type(tx, &kind)? {
            Some(id) => Ok(Some((id, Role::parse(&kind)))),
            None => Err(ApiError::invalid("role", "Must be OWNER, ADMIN, AGENT, COLLABORATOR or CUSTOMER")),
        };
    }
    match params.int("role_id")? {
        None => Ok(None),
        Some(id) => match lookups::role_by_id(tx, id)? {
            Some(r) => Ok(Some((r.id, Role::parse(&r.kind)))),
            None => Err(ApiError::invalid("role_id", "There is no such role")),
        },
    }
}

/// Refuses what only owners may do: touching an owner, or making one.
fn owners_only(actor_role: Role, target: Option<Role>, new_role: Option<Role>) -> Result<(), ApiError> {
    if actor_role != Role::Owner && (target == Some(Role::Owner) || new_role == Some(Role::Owner)) {
        return Err(ApiError::denied("Only owners may make or change owners"));
    }
    Ok(())
}

/// Hashes a new password off the workers, after checking its length.
async fn hashed(params: &Params, required: bool) -> Result<Option<String>, ApiError> {
    let Some(password) = params.text("password")? else {
        return if required { Err(ApiError::required("password")) } else { Ok(None) };
    };
    if password.chars().count() < MIN_PASSWORD {
        return Err(ApiError::invalid("password", format!("Must have at least {MIN_PASSWORD} characters")));
    }
    let hash = web::block(move || password::hash_password(&password))
        .await
        .map_err(|e| ApiError::Internal(format!("hashing: {e}")))?
        .map_err(|e| ApiError::Internal(format!("hashing: {e}")))?;
    Ok(Some(hash))
}

async fn user_reply(ctx: Ctx, id: i64, created: bool) -> Result<HttpResponse, ApiError> {
    answer(ctx, "user", created, move |conn, view| Ok(users::get(conn, id)?.map(|u| render::user_for_staff(view, &u))))
        .await
}

/// Checks the teams and organization a user is put in; customers join no team.
fn check_membership(
    tx: &Conn,
    role: Role,
    teams: Option<&Vec<i64>>,
    organization: Option<Option<i64>>,
) -> Result<(), ApiError> {
    let mut problems = Problems::default();
    if let Some(teams) = teams {
        if role == Role::Customer && !teams.is_empty() {
            problems.push(FieldProblem::invalid("team_ids", "Customers belong to no team"));
        } else if let Some(missing) = manage::missing(tx, "teams", teams)?.first() {
            problems.push(FieldProblem::invalid("team_ids", format!("There is no team {missing}")));
        }
    }
    if let Some(Some(org)) = organization {
        if manage::organization_by_id(tx, org)?.is_none() {
            problems.push(FieldProblem::invalid("organization_id", "There is no such organization"));
        }
    }
    problems.finish()
}

/// `POST /users`: `full_name`, `email`, `role` (or `role_id`), and optionally
/// `password`, `team_ids`, `organization_id`, `is_enabled`.
pub async fn create_user(ctx: Ctx, form: Form) -> Result<HttpResponse, ApiError> {
    let (actor, actor_role) = admin(&ctx)?;
    let params = form.params;
    let mut problems = Problems::default();
    let name = text(&params, "full_name", true, 255, &mut problems);
    let email = text(&params, "email", true, 255, &mut problems);
    if email.as_deref().is_some_and(|e| !valid_email(e)) {
        problems.push(FieldProblem::invalid("email", "Must be a valid email address"));
    }
    if !params.has("role") && !params.has("role_id") {
        problems.push(FieldProblem::required("role"));
    }
    let teams = problems.absorb(params.ids("team_ids"))?;
    let organization = problems.absorb(params.optional_id("organization_id"))?.flatten();
    let enabled = problems.absorb(params.flag("is_enabled"))?.flatten();
    let hash = problems.absorb(hashed(&params, false).await)?.flatten();
    problems.finish()?;
    let (name, email) = (name.unwrap_or_default(), email.unwrap_or_default());
    let id = ctx
        .write(move |tx| {
            let (role_id, role) = role_param(tx, &params)?.ok_or_else(|| ApiError::required("role"))?;
            owners_only(actor_role, None, Some(role))?;
            if users::by_email(tx, &email)?.is_some() {
                return Err(ApiError::invalid("email", "Another user has this email"));
            }
            check_membership(tx, role, teams.as_ref(), organization)?;
            audited(tx, actor, "user.create", "users", "user", None, |tx| {
                let now = db::now();
                let id = users::create_customer(tx, &name, &email, now)?;
                let change = UserChange {
                    role_id: Some(role_id),
                    organization_id: organization,
                    is_enabled: enabled,
                    team_ids: teams,
                    ..Default::default()
                };
                manage::update_user(tx, id, &change, now)?;
                if let Some(hash) = &hash {
                    manage::set_password(tx, id, hash, now)?;
                }
                Ok(id)
            })
        })
        .await?;
    user_reply(ctx, id, true).await
}

/// `PUT /users/:id`: any of `full_name`, `email`, `role`/`role_id`,
/// `team_ids`, `organization_id`, `is_enabled` (`false` signs them out
/// everywhere and refuses their sign-ins; their history stays).
pub async fn update_user(ctx: Ctx, path: web::Path<String>, form: Form) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let (actor, actor_role) = admin(&ctx)?;
    let params = form.params;
    let mut problems = Problems::default();
    let full_name = text(&params, "full_name", params.has("full_name"), 255, &mut problems);
    let email = text(&params, "email", false, 255, &mut problems);
    if email.as_deref().is_some_and(|e| !valid_email(e)) {
        problems.push(FieldProblem::invalid("email", "Must be a valid email address"));
    }
    let teams = if params.has("team_ids") { problems.absorb(params.ids("team_ids"))? } else { None };
    let organization = problems.absorb(params.optional_id("organization_id"))?.flatten();
    let enabled = problems.absorb(params.flag("is_enabled"))?.flatten();
    problems.finish()?;
    ctx.write(move |tx| {
        let target = users::get(tx, id)?.ok_or(ApiError::NotFound)?;
        let role = role_param(tx, &params)?;
        owners_only(actor_role, Some(target.role), role.map(|r| r.1))?;
        let demoted = role.is_some_and(|(_, r)| r != Role::Owner) || enabled == Some(false);
        if target.role == Role::Owner && demoted && manage::other_enabled_owners(tx, id)? == 0 {
            return Err(ApiError::denied("The last owner can be neither disabled nor given another role"));
        }
        if id == actor && enabled == Some(false) {
            return Err(ApiError::denied("You cannot disable yourself"));
        }
        if let Some(email) = &email {
            if users::by_email(tx, email)?.is_some_and(|u| u.id != id) {
                return Err(ApiError::invalid("email", "Another user has this email"));
            }
        }
        let new_role = role.map_or(target.role, |r| r.1);
        // A customer made of staff leaves their teams.
        let teams = if new_role == Role::Customer && teams.is_none() { Some(Vec::new()) } else { teams };
        check_membership(tx, new_role, teams.as_ref(), organization)?;
        let action = match enabled {
            Some(false) if target.is_enabled => "user.disable",
            Some(true) if !target.is_enabled => "user.enable",
            _ => "user.update",
        };
        let change = UserChange {
            full_name,
            email,
            role_id: role.map(|r| r.0),
            organization_id: organization,
            is_enabled: enabled,
            team_ids: teams,
        };
        audited(tx, actor, action, "users", "user", Some(id), |tx| {
            manage::update_user(tx, id, &change, db::now())?;
            Ok(id)
        })
    })
    .await?;
    // Open streams and sockets end now, and reconnect with what the user may do now.
    ctx.state.hub.revoke(id);
    user_reply(ctx, id, false).await
}

/// `PUT /users/:id/password`: sets `password` and signs the user out everywhere.
pub async fn set_password(ctx: Ctx, path: web::Path<String>, form: Form) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let (actor, actor_role) = admin(&ctx)?;
    let hash = hashed(&form.params, true).await?.ok_or_else(|| ApiError::required("password"))?;
    ctx.write(move |tx| {
        let target = users::get(tx, id)?.ok_or(ApiError::NotFound)?;
        owners_only(actor_role, Some(target.role), None)?;
        audited(tx, actor, "user.password", "users", "user", Some(id), |tx| {
            manage::set_password(tx, id, &hash, db::now())?;
            Ok(id)
        })
    })
    .await?;
    ctx.state.hub.revoke(id);
    user_reply(ctx, id, false).await
}
