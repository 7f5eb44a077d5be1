//! The admin API: users, teams, organizations, the case lookups, custom
//! fields and forms, instance settings and the messenger token, each change
//! recorded in the audit log (`GET /audit`) in the same transaction.
//!
//! Admins and owners write; agents and collaborators read; customers get
//! `403`. Only owners make or change owners, and the last enabled owner can
//! be neither disabled nor demoted. Changes are visible to the next request:
//! the catalog and identity memos are keyed by generations the writer bumps
//! before it answers (see `db::Db::catalog_generation`).

use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use super::lookups::CaseLookup;
use super::params::{Form, Params};
use super::{path_id, Ctx, Reply};
use crate::auth::Identity;
use crate::db::manage::{self, FieldChange, FormChange, Lookup, LookupChange, OptionSpec, Translation, UserChange};
use crate::db::users::Role;
use crate::db::Conn;
use crate::db::{self, audit, fields, lookups, settings, users};
use crate::error::{ApiError, FieldProblem, Problems};
use crate::secret::password::{self, MIN_PASSWORD};
use crate::wire::render;
use crate::wire::valid_email;

/// The caller, when an admin or owner: their id and role.
fn admin(ctx: &Ctx) -> Result<(i64, Role), ApiError> {
    match &ctx.caller.identity {
        Identity::User(u) if matches!(u.role, Role::Owner | Role::Admin) => Ok((u.id, u.role)),
        Identity::User(_) | Identity::Device { .. } => {
            Err(ApiError::denied("Only admins and owners may change the instance's setup"))
        }
        _ => Err(ApiError::AuthenticationRequired),
    }
}

/// Staff may read what admins write.
fn staff(ctx: &Ctx) -> Result<(), ApiError> {
    match &ctx.caller.identity {
        Identity::User(u) if u.role.is_staff() => Ok(()),
        Identity::User(_) | Identity::Device { .. } => Err(ApiError::denied("Only the support team may read this")),
        _ => Err(ApiError::AuthenticationRequired),
    }
}

/// Runs `change` on row `id` of `table` (creating one when `id` is `None`;
/// `change` returns the row's id) and records the row before and after in
/// the audit log.
fn audited(
    tx: &Conn,
    actor: i64,
    action: &str,
    table: &str,
    resource_type: &str,
    id: Option<i64>,
    change: impl FnOnce(&Conn) -> Result<i64, ApiError>,
) -> Result<i64, ApiError> {
    let before = id.map(|id| audit::row(tx, table, id)).transpose()?.flatten();
    if id.is_some() && before.is_none() {
        return Err(ApiError::NotFound);
    }
    let id = change(tx)?;
    let after = audit::row(tx, table, id)?;
    audit::record(tx, Some(actor), action, resource_type, Some(id), before.as_ref(), after.as_ref(), db::now())?;
    Ok(id)
}

/// A text parameter of at most `max` characters, trimmed; its problems
/// (missing when `required`, too long, not text) are added to `problems`.
fn text(params: &Params, name: &str, required: bool, max: usize, problems: &mut Problems) -> Option<String> {
    let value = problems.absorb(params.text(name)).ok().flatten().flatten();
    match value {
        None if required => {
            problems.push(FieldProblem::required(name));
            None
        }
        Some(v) if v.chars().count() > max => {
            problems.push(FieldProblem::invalid(name, format!("Must be at most {max} characters")));
            None
        }
        v => v,
    }
}

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
    let view = ctx.view()?;
    let data = ctx
        .read(move |conn| Ok(render::user_for_staff(&view, &users::get(conn, id)?.ok_or(ApiError::NotFound)?)))
        .await?;
    let reply = if created { Reply::created("user", data) } else { Reply::one("user", data) };
    ctx.finish(reply).await
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
    user_reply(ctx, id, false).await
}

async fn team_reply(ctx: Ctx, id: i64, created: bool) -> Result<HttpResponse, ApiError> {
    let view = ctx.view()?;
    let data = ctx
        .read(move |conn| Ok(render::team(&view, &lookups::team_by_id(conn, id)?.ok_or(ApiError::NotFound)?, "team")))
        .await?;
    ctx.finish(if created { Reply::created("team", data) } else { Reply::one("team", data) }).await
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
    ctx.write(move |tx| {
        audited(tx, actor, "team.delete", "teams", "team", Some(id), |tx| {
            manage::delete_team(tx, id)?;
            Ok(id)
        })
    })
    .await?;
    ctx.finish(Reply::ok()).await
}

async fn members_reply(ctx: Ctx, id: i64, organization: bool) -> Result<HttpResponse, ApiError> {
    let (offset, limit) = ctx.paging()?;
    let view = ctx.view()?;
    let (items, total) = ctx
        .read(move |conn| {
            let exists = if organization {
                manage::organization_by_id(conn, id)?.is_some()
            } else {
                lookups::team_by_id(conn, id)?.is_some()
            };
            if !exists {
                return Err(ApiError::NotFound);
            }
            let ids = manage::member_ids(conn, id, organization)?;
            let total = ids.len() as i64;
            let mut items = Vec::new();
            for uid in ids.into_iter().skip(offset as usize).take(limit as usize) {
                items.extend(users::get(conn, uid)?.map(|u| render::user_for_staff(&view, &u)));
            }
            Ok((items, total))
        })
        .await?;
    ctx.finish(Reply::page("user", items, offset, limit, total)).await
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

/// `GET /organizations`, by name.
pub async fn organizations(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    staff(&ctx)?;
    let (offset, limit) = ctx.paging()?;
    let view = ctx.view()?;
    let (items, total) = ctx
        .read(move |conn| {
            let (rows, total) = manage::organizations(conn, offset, limit)?;
            Ok((rows.iter().map(|o| render::organization(&view, o)).collect::<Vec<_>>(), total))
        })
        .await?;
    ctx.finish(Reply::page("organization", items, offset, limit, total)).await
}

async fn organization_reply(ctx: Ctx, id: i64, created: bool) -> Result<HttpResponse, ApiError> {
    let view = ctx.view()?;
    let data = ctx
        .read(move |conn| {
            Ok(render::organization(&view, &manage::organization_by_id(conn, id)?.ok_or(ApiError::NotFound)?))
        })
        .await?;
    ctx.finish(if created { Reply::created("organization", data) } else { Reply::one("organization", data) }).await
}

/// `GET /organizations/:id`.
pub async fn organization(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    staff(&ctx)?;
    organization_reply(ctx, id, false).await
}

/// `GET /organizations/:id/members`.
pub async fn organization_members(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    staff(&ctx)?;
    members_reply(ctx, id, true).await
}

/// `POST /organizations`.
pub async fn create_organization(ctx: Ctx, form: Form) -> Result<HttpResponse, ApiError> {
    let (actor, _) = admin(&ctx)?;
    let mut problems = Problems::default();
    let name = text(&form.params, "name", true, 255, &mut problems);
    problems.finish()?;
    let name = name.unwrap_or_default();
    let id = ctx
        .write(move |tx| {
            if manage::organization_name_taken(tx, &name, None)? {
                return Err(ApiError::invalid("name", "Another organization has this name"));
            }
            audited(tx, actor, "organization.create", "organizations", "organization", None, |tx| {
                Ok(manage::create_organization(tx, &name, db::now())?)
            })
        })
        .await?;
    organization_reply(ctx, id, true).await
}

/// `PUT /organizations/:id`: `name`.
pub async fn update_organization(ctx: Ctx, path: web::Path<String>, form: Form) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let (actor, _) = admin(&ctx)?;
    let name = form.params.required_text("name")?;
    if name.chars().count() > 255 {
        return Err(ApiError::invalid("name", "Must be at most 255 characters"));
    }
    ctx.write(move |tx| {
        if manage::organization_name_taken(tx, &name, Some(id))? {
            return Err(ApiError::invalid("name", "Another organization has this name"));
        }
        audited(tx, actor, "organization.update", "organizations", "organization", Some(id), |tx| {
            manage::rename_organization(tx, id, &name, db::now())?;
            Ok(id)
        })
    })
    .await?;
    organization_reply(ctx, id, false).await
}

/// `DELETE /organizations/:id`: its users stay, in no organization.
pub async fn delete_organization(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let (actor, _) = admin(&ctx)?;
    ctx.write(move |tx| {
        audited(tx, actor, "organization.delete", "organizations", "organization", Some(id), |tx| {
            manage::delete_organization(tx, id, db::now())?;
            Ok(id)
        })
    })
    .await?;
    ctx.finish(Reply::ok()).await
}

/// The status types every instance keeps at least one status of.
const STATUS_TYPES: [&str; 6] = ["NEW", "OPEN", "PENDING", "COMPLETED", "CLOSED", "CUSTOM"];

fn lookup_of(which: CaseLookup) -> Lookup {
    match which {
        CaseLookup::Status => Lookup::Status,
        CaseLookup::Priority => Lookup::Priority,
        CaseLookup::Type => Lookup::Type,
    }
}

/// What a lookup write carries: `label`; statuses also `type` and
/// `sort_order`; priorities `level`.
fn lookup_change(which: Lookup, params: &Params, creating: bool) -> Result<LookupChange, ApiError> {
    let mut problems = Problems::default();
    let label = text(params, "label", creating, 255, &mut problems);
    let kind = match which {
        Lookup::Status => problems.absorb(params.text("type"))?.flatten().map(|t| t.to_ascii_uppercase()),
        _ => None,
    };
    if kind.as_deref().is_some_and(|k| !STATUS_TYPES.contains(&k)) {
        problems.push(FieldProblem::invalid("type", "Must be NEW, OPEN, PENDING, COMPLETED, CLOSED or CUSTOM"));
    }
    let order_name = if which == Lookup::Priority { "level" } else { "sort_order" };
    let order = if which == Lookup::Type { None } else { problems.absorb(params.int(order_name))?.flatten() };
    problems.finish()?;
    Ok(LookupChange { label, kind, order })
}

fn lookup_names(which: Lookup) -> (&'static str, &'static str) {
    match which {
        Lookup::Status => ("case_status", "status"),
        Lookup::Priority => ("case_priority", "priority"),
        Lookup::Type => ("case_type", "type"),
    }
}

async fn lookup_reply(ctx: Ctx, which: CaseLookup, id: i64, created: bool) -> Result<HttpResponse, ApiError> {
    let view = ctx.view()?;
    let data = which.one(&view, id).ok_or(ApiError::NotFound)?;
    let reply = if created { Reply::created(which.resource(), data) } else { Reply::one(which.resource(), data) };
    ctx.finish(reply).await
}

/// `POST /cases/statuses`, `/cases/priorities`, `/cases/types`.
pub async fn create_lookup(ctx: Ctx, which: web::Data<CaseLookup>, form: Form) -> Result<HttpResponse, ApiError> {
    let which = **which;
    let (actor, _) = admin(&ctx)?;
    let lookup = lookup_of(which);
    let change = lookup_change(lookup, &form.params, true)?;
    let id = ctx
        .write(move |tx| {
            let (resource_type, name) = lookup_names(lookup);
            audited(tx, actor, &format!("{name}.create"), lookup.table(), resource_type, None, |tx| {
                Ok(manage::create_lookup(tx, lookup, &change, db::now())?)
            })
        })
        .await?;
    lookup_reply(ctx, which, id, true).await
}

/// `PUT /cases/statuses/:id` and the like.
pub async fn update_lookup(
    ctx: Ctx,
    which: web::Data<CaseLookup>,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, ApiError> {
    let which = **which;
    let id = path_id(&path)?;
    let (actor, _) = admin(&ctx)?;
    let lookup = lookup_of(which);
    let change = lookup_change(lookup, &form.params, false)?;
    ctx.write(move |tx| {
        if let (Lookup::Status, Some(kind)) = (lookup, &change.kind) {
            let status = lookups::status_by_id(tx, id)?.ok_or(ApiError::NotFound)?;
            if &status.kind != kind && manage::statuses_of_type_besides(tx, &status.kind, id)? == 0 {
                return Err(ApiError::invalid("type", format!("This is the only {} status", status.kind)));
            }
        }
        let (resource_type, name) = lookup_names(lookup);
        audited(tx, actor, &format!("{name}.update"), lookup.table(), resource_type, Some(id), |tx| {
            manage::update_lookup(tx, lookup, id, &change, db::now())?;
            Ok(id)
        })
    })
    .await?;
    lookup_reply(ctx, which, id, false).await
}

/// `DELETE /cases/statuses/:id` and the like: only what no conversation uses.
pub async fn delete_lookup(
    ctx: Ctx,
    which: web::Data<CaseLookup>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let which = **which;
    let id = path_id(&path)?;
    let (actor, _) = admin(&ctx)?;
    let lookup = lookup_of(which);
    ctx.write(move |tx| {
        let (resource_type, name) = lookup_names(lookup);
        audited(tx, actor, &format!("{name}.delete"), lookup.table(), resource_type, Some(id), |tx| {
            let uses = manage::lookup_uses(tx, lookup, id)?;
            if uses > 0 {
                return Err(ApiError::denied(format!(
                    "{uses} conversation(s) use this {name}: move them to another one first"
                )));
            }
            if lookup == Lookup::Status {
                let status = lookups::status_by_id(tx, id)?.ok_or(ApiError::NotFound)?;
                if status.kind != "CUSTOM" && manage::statuses_of_type_besides(tx, &status.kind, id)? == 0 {
                    return Err(ApiError::denied(format!("This is the only {} status", status.kind)));
                }
            }
            manage::delete_lookup(tx, lookup, id)?;
            Ok(id)
        })
    })
    .await?;
    ctx.finish(Reply::ok()).await
}

/// `GET /roles`.
pub async fn roles(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    staff(&ctx)?;
    let view = ctx.view()?;
    let items =
        ctx.read(move |conn| Ok(lookups::roles(conn)?.iter().map(|r| render::role(&view, r)).collect())).await?;
    ctx.finish(Reply::all("role", items)).await
}

/// Translations: a list of `{locale, translation}`, or one text (`en-us`).
fn translations(params: &Params, name: &str) -> Result<Option<Vec<Translation>>, ApiError> {
    params.value(name).map(|v| translations_of(v, name)).transpose()
}

fn translations_of(value: &Value, name: &str) -> Result<Vec<Translation>, ApiError> {
    let invalid = || ApiError::invalid(name, "Must be a list of {locale, translation}");
    let one = |v: &Value| -> Result<Translation, ApiError> {
        let locale = v.get("locale").and_then(Value::as_str).map(str::trim).unwrap_or("en-us");
        let text = v.get("translation").and_then(Value::as_str).map(str::trim).ok_or_else(invalid)?;
        if locale.is_empty() || locale.len() > 16 || text.is_empty() || text.chars().count() > 1000 {
            return Err(invalid());
        }
        Ok(Translation { locale: locale.to_ascii_lowercase(), translation: text.to_owned() })
    };
    let list = match value {
        Value::String(s) if s.trim().is_empty() => Vec::new(),
        Value::String(s) => vec![Translation { locale: "en-us".into(), translation: s.trim().to_owned() }],
        Value::Array(items) => items.iter().map(one).collect::<Result<_, _>>()?,
        // urlencoded and multipart lists arrive as maps keyed 0, 1, ...
        Value::Object(m) => m.values().map(one).collect::<Result<_, _>>()?,
        _ => return Err(invalid()),
    };
    Ok(list)
}

/// Options: a list of `{id?, values: [{locale, translation}] | "text", options: [...]}`.
fn options(params: &Params) -> Result<Option<Vec<OptionSpec>>, ApiError> {
    fn list(v: &Value, depth: usize) -> Result<Vec<OptionSpec>, ApiError> {
        let invalid = || ApiError::invalid("options", "Must be a list of {id, values, options}, at most 3 deep");
        if depth > 3 {
            return Err(invalid());
        }
        let items: Vec<&Value> = match v {
            Value::Array(a) => a.iter().collect(),
            Value::Object(m) => m.values().collect(),
            _ => return Err(invalid()),
        };
        items
            .into_iter()
            .map(|item| {
                let Value::Object(m) = item else {
                    let text = item.as_str().map(str::trim).filter(|t| !t.is_empty()).ok_or_else(invalid)?;
                    let values = vec![Translation { locale: "en-us".into(), translation: text.to_owned() }];
                    return Ok(OptionSpec { id: None, values, children: Vec::new() });
                };
                let values = match m.get("values") {
                    None | Some(Value::Null) => Vec::new(),
                    Some(v) => translations_of(v, "options")?,
                };
                if values.is_empty() {
                    return Err(ApiError::invalid("options", "Every option needs a value"));
                }
                let id = match m.get("id") {
                    None | Some(Value::Null) => None,
                    Some(v) => Some(v.as_i64().or_else(|| v.as_str()?.trim().parse().ok()).ok_or_else(invalid)?),
                };
                let children = match m.get("options") {
                    None | Some(Value::Null) => Vec::new(),
                    Some(v) => list(v, depth + 1)?,
                };
                Ok(OptionSpec { id, values, children })
            })
            .collect()
    }
    params.value("options").map(|v| list(v, 1)).transpose()
}

/// Field types that take options.
const WITH_OPTIONS: [&str; 4] = ["CHECKBOX", "RADIO", "SELECT", "CASCADINGSELECT"];
/// Every custom field type.
const FIELD_TYPES: [&str; 12] = [
    "TEXT",
    "TEXTAREA",
    "CHECKBOX",
    "RADIO",
    "SELECT",
    "DATE",
    "FILE",
    "NUMERIC",
    "DECIMAL",
    "YESNO",
    "REGEX",
    "CASCADINGSELECT",
];

fn field_change(params: &Params, creating: bool) -> Result<FieldChange, ApiError> {
    let mut problems = Problems::default();
    let kind = if creating {
        let kind = text(params, "type", true, 32, &mut problems).map(|k| k.to_ascii_uppercase());
        if kind.as_deref().is_some_and(|k| !FIELD_TYPES.contains(&k)) {
            problems.push(FieldProblem::invalid("type", format!("Must be one of {}", FIELD_TYPES.join(", "))));
        }
        kind
    } else {
        None
    };
    let key = if creating { text(params, "key", true, 64, &mut problems) } else { None };
    if key.as_deref().is_some_and(|k| !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')) {
        problems.push(FieldProblem::invalid("key", "Must be letters, digits and underscores"));
    }
    let mut titles = problems.absorb(translations(params, "titles"))?.flatten();
    if titles.is_none() {
        titles = text(params, "title", false, 255, &mut problems)
            .map(|t| vec![Translation { locale: "en-us".into(), translation: t }]);
    }
    if creating && titles.as_ref().is_none_or(Vec::is_empty) {
        problems.push(FieldProblem::required("title"));
    }
    let descriptions = problems.absorb(translations(params, "descriptions"))?.flatten();
    let flag = |name: &str, problems: &mut Problems| problems.absorb(params.flag(name)).ok().flatten().flatten();
    let is_required = flag("is_required", &mut problems);
    let is_editable = flag("is_editable", &mut problems);
    let is_visible_to_customers = flag("is_visible_to_customers", &mut problems);
    let is_enabled = flag("is_enabled", &mut problems);
    let regular_expression = if params.has("regular_expression") {
        let re = text(params, "regular_expression", false, 500, &mut problems);
        if let Some(re) = &re {
            if regex::Regex::new(re).is_err() {
                problems.push(FieldProblem::invalid("regular_expression", "Must be a valid regular expression"));
            }
        }
        Some(re)
    } else {
        None
    };
    let sort_order = problems.absorb(params.int("sort_order"))?.flatten();
    let options = problems.absorb(options(params))?.flatten();
    if let (Some(kind), Some(options)) = (&kind, &options) {
        if !WITH_OPTIONS.contains(&kind.as_str()) && !options.is_empty() {
            problems.push(FieldProblem::invalid("options", format!("{kind} fields take no options")));
        }
        if kind != "CASCADINGSELECT" && options.iter().any(|o| !o.children.is_empty()) {
            problems.push(FieldProblem::invalid("options", "Only CASCADINGSELECT options nest"));
        }
    }
    if creating && kind.as_deref() == Some("REGEX") && regular_expression.as_ref().is_none_or(Option::is_none) {
        problems.push(FieldProblem::required("regular_expression"));
    }
    problems.finish()?;
    Ok(FieldChange {
        kind,
        key,
        titles,
        descriptions,
        is_required,
        is_editable,
        is_visible_to_customers,
        is_enabled,
        regular_expression,
        sort_order,
        options,
    })
}

async fn field_reply(ctx: Ctx, id: i64, created: bool) -> Result<HttpResponse, ApiError> {
    let view = ctx.view()?;
    let data = ctx
        .read(move |conn| Ok(render::case_field(&view, &fields::by_id(conn, id)?.ok_or(ApiError::NotFound)?)))
        .await?;
    ctx.finish(if created { Reply::created("case_field", data) } else { Reply::one("case_field", data) }).await
}

/// `GET /cases/fields`: every field, disabled ones too.
pub async fn list_fields(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    staff(&ctx)?;
    let (offset, limit) = ctx.paging()?;
    let view = ctx.view()?;
    let (items, total) = ctx
        .read(move |conn| {
            let (rows, total) = fields::list(conn, false, offset, limit)?;
            Ok((rows.iter().map(|f| render::case_field(&view, f)).collect::<Vec<_>>(), total))
        })
        .await?;
    ctx.finish(Reply::page("case_field", items, offset, limit, total)).await
}

/// `GET /cases/fields/:id`.
pub async fn get_field(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    staff(&ctx)?;
    field_reply(ctx, id, false).await
}

/// `POST /cases/fields`: `type`, `key`, `title` or `titles`, and optionally
/// `descriptions`, `is_required`, `is_editable`, `is_visible_to_customers`,
/// `is_enabled`, `regular_expression`, `sort_order`, `options`.
pub async fn create_field(ctx: Ctx, form: Form) -> Result<HttpResponse, ApiError> {
    let (actor, _) = admin(&ctx)?;
    let change = field_change(&form.params, true)?;
    let id = ctx
        .write(move |tx| {
            if manage::field_key_taken(tx, change.key.as_deref().unwrap_or_default())? {
                return Err(ApiError::invalid("key", "Another field has this key"));
            }
            audited(tx, actor, "field.create", "conversation_fields", "case_field", None, |tx| {
                Ok(manage::create_field(tx, &change, db::now())?)
            })
        })
        .await?;
    field_reply(ctx, id, true).await
}

/// `PUT /cases/fields/:id`: what `POST` takes but `type` and `key`. Options
/// named by `id` are kept; one a conversation's value names cannot go.
pub async fn update_field(ctx: Ctx, path: web::Path<String>, form: Form) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let (actor, _) = admin(&ctx)?;
    let mut change = field_change(&form.params, false)?;
    ctx.write(move |tx| {
        let field = fields::by_id(tx, id)?.ok_or(ApiError::NotFound)?;
        if let Some(options) = &change.options {
            if !WITH_OPTIONS.contains(&field.kind.as_str()) && !options.is_empty() {
                return Err(ApiError::invalid("options", format!("{} fields take no options", field.kind)));
            }
            if field.kind != "CASCADINGSELECT" && options.iter().any(|o| !o.children.is_empty()) {
                return Err(ApiError::invalid("options", "Only CASCADINGSELECT options nest"));
            }
            let mut named = Vec::new();
            collect_ids(options, &mut named);
            let own: Vec<i64> = fields::options_of(tx, id)?.into_iter().map(|(o, _)| o).collect();
            if let Some(stranger) = named.iter().find(|o| !own.contains(o)) {
                return Err(ApiError::invalid("options", format!("Option {stranger} is not this field's")));
            }
            let dropped: Vec<i64> = own.into_iter().filter(|o| !named.contains(o)).collect();
            if manage::options_in_use(tx, id, &dropped)? {
                return Err(ApiError::invalid(
                    "options",
                    "Conversations hold options this leaves out: keep them (by id), or disable the field",
                ));
            }
        }
        if field.kind == "REGEX" && matches!(change.regular_expression, Some(None)) {
            return Err(ApiError::required("regular_expression"));
        }
        change.kind = Some(field.kind);
        audited(tx, actor, "field.update", "conversation_fields", "case_field", Some(id), |tx| {
            manage::update_field(tx, id, &change, db::now())?;
            Ok(id)
        })
    })
    .await?;
    field_reply(ctx, id, false).await
}

fn collect_ids(options: &[OptionSpec], out: &mut Vec<i64>) {
    for o in options {
        out.extend(o.id);
        collect_ids(&o.children, out);
    }
}

/// `DELETE /cases/fields/:id`: only a field no conversation holds a value
/// for; one in use can be disabled (`is_enabled=false`) instead.
pub async fn delete_field(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let (actor, _) = admin(&ctx)?;
    ctx.write(move |tx| {
        audited(tx, actor, "field.delete", "conversation_fields", "case_field", Some(id), |tx| {
            if manage::field_in_use(tx, id)? {
                return Err(ApiError::denied(
                    "Conversations hold values for this field: disable it (is_enabled=false) instead",
                ));
            }
            manage::delete_field(tx, id)?;
            Ok(id)
        })
    })
    .await?;
    ctx.finish(Reply::ok()).await
}

fn form_change(params: &Params, creating: bool) -> Result<FormChange, ApiError> {
    let mut problems = Problems::default();
    let title = text(params, "title", creating, 255, &mut problems);
    let description = params.has("description").then(|| text(params, "description", false, 1000, &mut problems));
    let titles = problems.absorb(translations(params, "titles"))?.flatten();
    let descriptions = problems.absorb(translations(params, "descriptions"))?.flatten();
    let field_ids = if params.has("field_ids") { problems.absorb(params.ids("field_ids"))? } else { None };
    let sort_order = problems.absorb(params.int("sort_order"))?.flatten();
    let is_default = problems.absorb(params.flag("is_default"))?.flatten();
    problems.finish()?;
    Ok(FormChange { title, description, titles, descriptions, field_ids, sort_order, is_default })
}

async fn form_reply(ctx: Ctx, id: i64, created: bool) -> Result<HttpResponse, ApiError> {
    let view = ctx.view()?;
    let data = ctx
        .read(move |conn| Ok(render::case_form(&view, &fields::form_by_id(conn, id)?.ok_or(ApiError::NotFound)?)))
        .await?;
    ctx.finish(if created { Reply::created("case_form", data) } else { Reply::one("case_form", data) }).await
}

/// `GET /cases/forms`.
pub async fn list_forms(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    staff(&ctx)?;
    let view = ctx.view()?;
    let items =
        ctx.read(move |conn| Ok(fields::forms(conn)?.iter().map(|f| render::case_form(&view, f)).collect())).await?;
    ctx.finish(Reply::all("case_form", items)).await
}

/// `GET /cases/forms/:id`.
pub async fn get_form(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    staff(&ctx)?;
    form_reply(ctx, id, false).await
}

fn check_form_fields(tx: &Conn, change: &FormChange) -> Result<(), ApiError> {
    if let Some(ids) = &change.field_ids {
        if let Some(missing) = manage::missing(tx, "conversation_fields", ids)?.first() {
            return Err(ApiError::invalid("field_ids", format!("There is no field {missing}")));
        }
    }
    Ok(())
}

/// `POST /cases/forms`: `title`, and optionally `description`, `titles`,
/// `descriptions`, `field_ids` (in order), `sort_order`, `is_default`.
pub async fn create_form(ctx: Ctx, form: Form) -> Result<HttpResponse, ApiError> {
    let (actor, _) = admin(&ctx)?;
    let change = form_change(&form.params, true)?;
    let id = ctx
        .write(move |tx| {
            check_form_fields(tx, &change)?;
            audited(tx, actor, "form.create", "forms", "case_form", None, |tx| {
                Ok(manage::create_form(tx, &change, db::now())?)
            })
        })
        .await?;
    form_reply(ctx, id, true).await
}

/// `PUT /cases/forms/:id`.
pub async fn update_form(ctx: Ctx, path: web::Path<String>, form: Form) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let (actor, _) = admin(&ctx)?;
    let change = form_change(&form.params, false)?;
    ctx.write(move |tx| {
        check_form_fields(tx, &change)?;
        audited(tx, actor, "form.update", "forms", "case_form", Some(id), |tx| {
            manage::update_form(tx, id, &change, db::now())?;
            Ok(id)
        })
    })
    .await?;
    form_reply(ctx, id, false).await
}

/// `DELETE /cases/forms/:id`: conversations started through it keep their values.
pub async fn delete_form(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let (actor, _) = admin(&ctx)?;
    ctx.write(move |tx| {
        audited(tx, actor, "form.delete", "forms", "case_form", Some(id), |tx| {
            manage::delete_form(tx, id)?;
            Ok(id)
        })
    })
    .await?;
    ctx.finish(Reply::ok()).await
}

fn settings_value(all: &[(&'static str, settings::Kind, String)]) -> Vec<Value> {
    all.iter()
        .map(|(name, kind, value)| {
            let value = match kind {
                settings::Kind::Flag => json!(value == "true"),
                settings::Kind::Text => json!(value),
            };
            json!({ "id": name, "name": name, "value": value, "resource_type": "setting" })
        })
        .collect()
}

/// `GET /settings`: the instance settings, for staff.
pub async fn get_settings(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    staff(&ctx)?;
    let items = ctx.read(|conn| Ok(settings_value(&settings::all(conn)?))).await?;
    ctx.finish(Reply::all("setting", items)).await
}

/// `PUT /settings`: `values[name]=value` (or the names themselves), for
/// `customers_see_status`, `customers_see_priority`, `customers_see_type`,
/// `customers_edit_priority` (true/false) and `messenger_team_name`,
/// `messenger_greeting`, `messenger_reply_time` (text; empty for the default).
pub async fn update_settings(ctx: Ctx, form: Form) -> Result<HttpResponse, ApiError> {
    let (actor, _) = admin(&ctx)?;
    let params = form.params;
    let values = params.map("values")?;
    let mut problems = Problems::default();
    let mut changes = Vec::new();
    let given = |name: &str| -> Option<Value> {
        match &values {
            Some(m) => m.get(name).cloned(),
            None => params.value(name).cloned(),
        }
    };
    if let Some(m) = &values {
        for key in m.keys() {
            if !settings::NAMES.iter().any(|(n, _)| n == key) {
                problems.push(FieldProblem::invalid(&format!("values.{key}"), "There is no such setting"));
            }
        }
    }
    for (name, kind) in settings::NAMES {
        let Some(v) = given(name) else { continue };
        let text = super::params::scalar_text(&v);
        match (kind, text.as_deref()) {
            (settings::Kind::Flag, Some("true" | "1")) => changes.push((name, "true".to_owned())),
            (settings::Kind::Flag, Some("false" | "0")) => changes.push((name, "false".to_owned())),
            (settings::Kind::Text, Some(t)) if t.chars().count() <= 500 => changes.push((name, t.to_owned())),
            (settings::Kind::Flag, _) => problems.push(FieldProblem::invalid(name, "Must be true or false")),
            (settings::Kind::Text, _) => {
                problems.push(FieldProblem::invalid(name, "Must be text of at most 500 characters"))
            }
        }
    }
    problems.finish()?;
    if changes.is_empty() {
        return Err(ApiError::required("values"));
    }
    let items = ctx
        .write(move |tx| {
            let as_map = |all: &[(&str, settings::Kind, String)]| {
                Value::Object(all.iter().map(|(n, _, v)| ((*n).to_owned(), json!(v))).collect())
            };
            let before = settings::all(tx)?;
            for (name, value) in &changes {
                settings::set(tx, name, value)?;
            }
            let after = settings::all(tx)?;
            audit::record(
                tx,
                Some(actor),
                "settings.update",
                "setting",
                None,
                Some(&as_map(&before)),
                Some(&as_map(&after)),
                db::now(),
            )?;
            Ok(settings_value(&after))
        })
        .await?;
    ctx.finish(Reply::all("setting", items)).await
}

/// `POST /messenger/token`: a new messenger token, answered once. Identity
/// signatures made with the old one stop verifying at once.
pub async fn rotate_messenger_token(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    let (actor, _) = admin(&ctx)?;
    let dir = ctx.state.config.data_dir.clone();
    // The writer serializes rotations; the key file is written inside the job,
    // so the audit entry commits only once the new key is durable.
    let token = ctx
        .write(move |tx| {
            let token = crate::secret::rotate_messenger_key(&dir)
                .map_err(|e| ApiError::Internal(format!("writing the messenger key: {e}")))?;
            audit::record(tx, Some(actor), "messenger_token.rotate", "messenger_token", None, None, None, db::now())?;
            Ok(token)
        })
        .await?;
    *ctx.state.messenger_token.write().unwrap_or_else(std::sync::PoisonError::into_inner) = token.clone();
    ctx.finish(Reply::one("messenger_token", json!({ "token": token, "resource_type": "messenger_token" }))).await
}

/// `GET /audit`: the audit log, newest first, for owners; `resource_type`
/// narrows it (`user`, `team`, `case_field`, ...).
pub async fn audit_log(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    match &ctx.caller.identity {
        Identity::User(u) if u.role == Role::Owner => {}
        Identity::User(_) | Identity::Device { .. } => {
            return Err(ApiError::denied("Only owners may read the audit log"))
        }
        _ => return Err(ApiError::AuthenticationRequired),
    }
    let (offset, limit) = ctx.paging()?;
    let kind = ctx.query("resource_type").map(str::to_owned);
    let (items, total) = ctx
        .read(move |conn| {
            let (rows, total) = audit::page(conn, kind.as_deref(), offset, limit)?;
            let items = rows
                .into_iter()
                .map(|e| {
                    json!({
                        "id": e.id,
                        "actor": e.actor_id.map(|id| render::stub("user_minimal", id)),
                        "action": e.action,
                        "object_type": e.resource_type,
                        "object_id": e.resource_id,
                        "before": e.before,
                        "after": e.after,
                        "created_at": crate::wire::ts(Some(e.created_at)),
                        "resource_type": "audit_log_entry",
                    })
                })
                .collect::<Vec<_>>();
            Ok((items, total))
        })
        .await?;
    ctx.finish(Reply::page("audit_log_entry", items, offset, limit, total)).await
}
