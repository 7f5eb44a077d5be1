//! The admin API: users, teams, organizations, the case lookups, custom
//! fields and forms, instance settings and the messenger token, each change
//! recorded in the audit log (`GET /audit`) in the same transaction.
//!
//! Admins and owners write; agents and collaborators read; customers get
//! `403`. Only owners make or change owners, and the last enabled owner can
//! be neither disabled nor demoted. Changes are visible to the next request:
//! the catalog and identity memos are keyed by generations the writer bumps
//! before it answers (see `db::Db::catalog_generation`).

mod audit;
mod fields;
mod forms;
mod lookups;
mod macros;
mod mailboxes;
mod organizations;
mod settings;
mod teams;
mod users;

pub use audit::audit_log;
pub use fields::{create_field, delete_field, get_field, list_fields, update_field};
pub use forms::{create_form, delete_form, get_form, list_forms, update_form};
pub use lookups::{create_lookup, delete_lookup, roles, update_lookup};
pub use macros::{create_macro, delete_macro, filled as filled_macro, get_macro, macros, update_macro};
pub use mailboxes::{create_mailbox, delete_mailbox, mail, mailbox, mailboxes, mails, update_mailbox};
pub use organizations::{
    create_organization, delete_organization, organization, organization_members, organizations, update_organization,
};
pub use settings::{get_settings, rotate_messenger_token, update_settings};
pub use teams::{add_team_members, create_team, delete_team, remove_team_members, team_members, update_team};
pub use users::{create_user, set_password, update_user};

use actix_web::HttpResponse;
use serde_json::Value;

use super::params::Params;
use super::{Ctx, Reply};
use crate::auth::Identity;
use crate::db::users::Role;
use crate::db::{self, manage, Conn};
use crate::error::{ApiError, FieldProblem, Problems};
use crate::wire::render::{self, View};

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
    let before = id.map(|id| db::audit::row(tx, table, id)).transpose()?.flatten();
    if id.is_some() && before.is_none() {
        return Err(ApiError::NotFound);
    }
    let id = change(tx)?;
    let after = db::audit::row(tx, table, id)?;
    db::audit::record(tx, Some(actor), action, resource_type, Some(id), before.as_ref(), after.as_ref(), db::now())?;
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

/// Answers with the resource as it is now, as `read` finds it and renders it
/// for the caller: `201` when the request created it, else `200`; `404` when
/// there is none.
async fn answer<F>(ctx: Ctx, resource: &'static str, created: bool, read: F) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&Conn, &View) -> Result<Option<Value>, ApiError>,
{
    let view = ctx.view()?;
    let data = ctx.read(move |conn| read(conn, &view)?.ok_or(ApiError::NotFound)).await?;
    ctx.finish(Reply::written(resource, data, created)).await
}

/// A page of a team's or an organization's members.
async fn members_reply(ctx: Ctx, id: i64, organization: bool) -> Result<HttpResponse, ApiError> {
    let (offset, limit) = ctx.paging()?;
    let view = ctx.view()?;
    let (items, total) = ctx
        .read(move |conn| {
            let exists = if organization {
                manage::organization_by_id(conn, id)?.is_some()
            } else {
                db::lookups::team_by_id(conn, id)?.is_some()
            };
            if !exists {
                return Err(ApiError::NotFound);
            }
            let ids = manage::member_ids(conn, id, organization)?;
            let total = ids.len() as i64;
            let mut items = Vec::new();
            for uid in ids.into_iter().skip(offset as usize).take(limit as usize) {
                items.extend(db::users::get(conn, uid)?.map(|u| render::user_for_staff(&view, &u)));
            }
            Ok((items, total))
        })
        .await?;
    ctx.finish(Reply::page("user", items, offset, limit, total)).await
}
