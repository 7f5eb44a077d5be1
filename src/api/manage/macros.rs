//! Saved replies, Kayako's macros: `/macros`, `/macros/:id`. Every agent
//! uses the shared ones and their own; agents create their own, admins and
//! owners manage the shared ones. Every change is audited. A macro is used
//! by naming it in `macro_id` when replying (`api::messages`).

use actix_web::{web, HttpResponse};

use super::{audited, text};
use crate::api::params::{Form, Params};
use crate::api::{path_id, Ctx, Reply};
use crate::db::macros::{self as store, Macro};
use crate::db::users::{Role, User};
use crate::db::{self, lookups, users, Conn};
use crate::error::{ApiError, FieldProblem, Problems};
use crate::wire::render;

/// Characters a reply text may hold.
const MAX_REPLY_CHARS: usize = 20_000;

/// `GET /macros`: the caller's own and the shared ones, by title.
pub async fn macros(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    let me = ctx.caller.staff_user()?.id;
    let (offset, limit) = ctx.paging()?;
    let view = ctx.view()?;
    let (items, total) = ctx
        .read(move |conn| {
            let (rows, total) = store::usable(conn, me, offset, limit)?;
            Ok((rows.iter().map(|m| render::macro_out(&view, m, None)).collect::<Vec<_>>(), total))
        })
        .await?;
    ctx.finish(Reply::page("macro", items, offset, limit, total)).await
}

/// `GET /macros/:id`; with `conversation_id`, the reply filled in for that
/// conversation (`reply_filled`).
pub async fn get_macro(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let me = ctx.caller.staff_user()?.clone();
    let conversation = match ctx.query("conversation_id") {
        None => None,
        Some(raw) => Some(raw.parse::<i64>().map_err(|_| ApiError::invalid("conversation_id", "Must be an id"))?),
    };
    let view = ctx.view()?;
    let vis = ctx.visibility()?;
    let data = ctx
        .read(move |conn| {
            let m = store::get_usable(conn, me.id, id)?.ok_or(ApiError::NotFound)?;
            let filled = match conversation {
                None => None,
                Some(cid) => Some(filled(conn, &vis, &m, &me, cid)?),
            };
            Ok(render::macro_out(&view, &m, filled.as_deref()))
        })
        .await?;
    ctx.finish(Reply::one("macro", data)).await
}

/// `m`'s reply for conversation `cid` as `agent` would send it.
pub fn filled(
    conn: &Conn,
    vis: &crate::db::conversations::Visibility,
    m: &Macro,
    agent: &User,
    cid: i64,
) -> Result<String, ApiError> {
    let c = crate::api::conversations::visible(conn, vis, cid)?;
    let customer = users::get(conn, c.requester_id)?.map(|u| u.full_name).unwrap_or_default();
    Ok(crate::wire::fill_placeholders(&m.reply_text, &customer, &agent.full_name, cid))
}

/// The fields of a macro from `params` over `base`, each checked; who may
/// set what is checked by the caller.
fn read_fields(tx: &Conn, params: &Params, base: Macro, creating: bool) -> Result<Macro, ApiError> {
    let mut problems = Problems::default();
    let mut m = base;
    if let Some(title) = text(params, "title", creating, 255, &mut problems) {
        m.title = title;
    }
    if let Some(reply) = text(params, "reply_text", false, MAX_REPLY_CHARS, &mut problems) {
        m.reply_text = reply;
    }
    let mut reference =
        |name: &str, slot: &mut Option<i64>, exists: &dyn Fn(i64) -> Result<bool, ApiError>| match problems
            .absorb(params.optional_id(name))
        {
            Ok(Some(Some(Some(id)))) => match exists(id) {
                Ok(true) => *slot = Some(id),
                Ok(false) => problems.push(FieldProblem::invalid(name, "There is no such one")),
                Err(e) => problems.push(FieldProblem::invalid(name, e.to_string())),
            },
            Ok(Some(Some(None))) => *slot = None,
            _ => {}
        };
    reference("status_id", &mut m.status_id, &|id| Ok(lookups::status_by_id(tx, id)?.is_some()));
    reference("priority_id", &mut m.priority_id, &|id| Ok(lookups::priority_by_id(tx, id)?.is_some()));
    reference("assigned_agent_id", &mut m.assigned_agent_id, &|id| {
        Ok(users::get(tx, id)?.is_some_and(|u| u.role.is_staff() && u.is_enabled))
    });
    reference("assigned_team_id", &mut m.assigned_team_id, &|id| Ok(lookups::team_by_id(tx, id)?.is_some()));
    if m.reply_text.is_empty() && !m.changes_anything() {
        problems.push(FieldProblem::required("reply_text"));
    }
    problems.finish()?;
    Ok(m)
}

/// Whether `user` may change `m`: their own, or a shared one as an admin.
fn may_manage(user: &User, m: &Macro) -> bool {
    match m.owner_id {
        Some(owner) => owner == user.id,
        None => matches!(user.role, Role::Owner | Role::Admin),
    }
}

fn check_changes(user: &User, m: &Macro) -> Result<(), ApiError> {
    if m.changes_anything() && !user.role.may_triage() {
        return Err(ApiError::denied("Collaborators may not save changes to status, priority or assignment"));
    }
    Ok(())
}

/// `POST /macros`: `title`, `reply_text` (with `{{customer.name}}`,
/// `{{agent.name}}`, `{{conversation.id}}`), optionally `status_id`,
/// `priority_id`, `assigned_agent_id`, `assigned_team_id`; `is_shared`
/// (admins and owners) for the whole team.
pub async fn create_macro(ctx: Ctx, form: Form) -> Result<HttpResponse, ApiError> {
    let user = ctx.caller.staff_user()?.clone();
    let shared = form.params.flag("is_shared")?.unwrap_or(false);
    if shared && !matches!(user.role, Role::Owner | Role::Admin) {
        return Err(ApiError::denied("Only admins and owners manage shared macros"));
    }
    let view = ctx.view()?;
    let data = ctx
        .write(move |tx| {
            let base = Macro { owner_id: (!shared).then_some(user.id), ..Macro::default() };
            let m = read_fields(tx, &form.params, base, true)?;
            check_changes(&user, &m)?;
            let id = audited(tx, user.id, "macro.create", "macros", "macro", None, |tx| {
                Ok(store::create(tx, &m, db::now())?)
            })?;
            let m = store::get_usable(tx, user.id, id)?.ok_or(ApiError::NotFound)?;
            Ok(render::macro_out(&view, &m, None))
        })
        .await?;
    ctx.finish(Reply::created("macro", data)).await
}

/// `PUT /macros/:id`: any of the fields `POST` takes (not `is_shared`).
pub async fn update_macro(ctx: Ctx, path: web::Path<String>, params: Params) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let user = ctx.caller.staff_user()?.clone();
    if params.has("is_shared") {
        return Err(ApiError::invalid("is_shared", "A macro stays shared or personal; make a new one instead"));
    }
    let view = ctx.view()?;
    let data = ctx
        .write(move |tx| {
            let before = store::get_usable(tx, user.id, id)?.ok_or(ApiError::NotFound)?;
            if !may_manage(&user, &before) {
                return Err(ApiError::denied("Only admins and owners manage shared macros"));
            }
            let m = read_fields(tx, &params, before, false)?;
            check_changes(&user, &m)?;
            audited(tx, user.id, "macro.update", "macros", "macro", Some(id), |tx| {
                store::update(tx, &m, db::now())?;
                Ok(id)
            })?;
            let m = store::get_usable(tx, user.id, id)?.ok_or(ApiError::NotFound)?;
            Ok(render::macro_out(&view, &m, None))
        })
        .await?;
    ctx.finish(Reply::one("macro", data)).await
}

/// `DELETE /macros/:id`.
pub async fn delete_macro(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let user = ctx.caller.staff_user()?.clone();
    ctx.write(move |tx| {
        let m = store::get_usable(tx, user.id, id)?.ok_or(ApiError::NotFound)?;
        if !may_manage(&user, &m) {
            return Err(ApiError::denied("Only admins and owners manage shared macros"));
        }
        audited(tx, user.id, "macro.delete", "macros", "macro", Some(id), |tx| {
            store::delete(tx, id)?;
            Ok(id)
        })
    })
    .await?;
    ctx.finish(Reply::ok()).await
}
