//! The resources conversations point at, so that `resource_url` and `include`
//! lead somewhere: users, teams, roles, case statuses/priorities/types and
//! locale fields, each with the visibility a customer should have.

use actix_web::{web, HttpResponse};
use serde_json::Value;

use super::{path_id, Ctx, Reply};
use crate::db::Conn;
use crate::db::{conversations, fields, lookups, users};
use crate::error::ApiError;
use crate::wire::render;

/// `GET /users/:id`: staff see anyone; customers and verified devices see
/// themselves (with their email); anyone sees the people taking part in
/// conversations they can see (without email). A device that only named an
/// email sees that customer as any participant would.
pub async fn user(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    ctx.caller.require_member(true)?;
    let vis = ctx.visibility()?;
    let view = ctx.view()?;
    let data = ctx
        .read(move |conn| {
            let u = users::get(conn, id)?.ok_or(ApiError::NotFound)?;
            let allowed = view.staff || view.me == Some(id) || conversations::involves_visible(conn, &vis, id)?;
            if !allowed {
                return Err(ApiError::NotFound);
            }
            if view.staff {
                return Ok(render::user_for_staff(&view, &u));
            }
            let mut data = render::user_minimal(&view, &u);
            if view.me == Some(id) {
                data["email"] = Value::String(u.email);
            }
            Ok(data)
        })
        .await?;
    ctx.finish(Reply::one("user_minimal", data)).await
}

/// `GET /users`: the people of the instance, for staff (e.g. whom to assign
/// a conversation to); `role=AGENT,ADMIN` narrows by role, `query` searches
/// names and emails, `is_enabled=false` lists the disabled.
pub async fn users(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.caller.require_member(true)?;
    if !ctx.caller.is_staff() {
        return Err(ApiError::denied("Only the support team may list users"));
    }
    let (offset, limit) = ctx.paging()?;
    let roles: Vec<String> = ctx
        .query("role")
        .map(|r| r.split(',').map(|s| s.trim().to_ascii_uppercase()).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    if let Some(bad) =
        roles.iter().find(|r| !["OWNER", "ADMIN", "AGENT", "COLLABORATOR", "CUSTOMER"].contains(&r.as_str()))
    {
        return Err(ApiError::invalid("role", format!("{bad} is not a role")));
    }
    let disabled = match ctx.query("is_enabled").map(str::to_ascii_lowercase).as_deref() {
        None | Some("true") | Some("1") => false,
        Some("false") | Some("0") => true,
        Some(_) => return Err(ApiError::invalid("is_enabled", "Must be true or false")),
    };
    let filter = users::UserFilter { roles, query: ctx.query("query").map(str::to_owned), disabled };
    let view = ctx.view()?;
    let (items, total) = ctx
        .read(move |conn| {
            let (rows, total) = users::list(conn, &filter, offset, limit)?;
            Ok((rows.iter().map(|u| render::user_for_staff(&view, u)).collect::<Vec<_>>(), total))
        })
        .await?;
    ctx.finish(Reply::page("user_minimal", items, offset, limit, total)).await
}

/// `GET /teams`: every team (their names appear on users and conversations).
pub async fn teams(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.caller.require_member(true)?;
    let view = ctx.view()?;
    let items = ctx
        .read(move |conn| Ok(lookups::teams(conn)?.iter().map(|t| render::team(&view, t, "team")).collect()))
        .await?;
    ctx.finish(Reply::all("team", items)).await
}

/// `GET /teams/:id`: team names appear on users and conversations, so any
/// signed-in caller may read them.
pub async fn team(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    ctx.caller.require_member(true)?;
    let view = ctx.view()?;
    let data = ctx
        .read(move |conn| {
            lookups::team_by_id(conn, id)?.map(|t| render::team(&view, &t, "team")).ok_or(ApiError::NotFound)
        })
        .await?;
    ctx.finish(Reply::one("team", data)).await
}

/// `GET /roles/:id`.
pub async fn role(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    ctx.caller.require_member(true)?;
    let view = ctx.view()?;
    let data = ctx
        .read(move |conn| lookups::role_by_id(conn, id)?.map(|r| render::role(&view, &r)).ok_or(ApiError::NotFound))
        .await?;
    ctx.finish(Reply::one("role", data)).await
}

/// Which of the three case lookups a request is about.
#[derive(Debug, Clone, Copy)]
pub enum CaseLookup {
    /// `/cases/statuses`.
    Status,
    /// `/cases/priorities`.
    Priority,
    /// `/cases/types`.
    Type,
}

impl CaseLookup {
    /// The `resource` the envelope names.
    pub fn resource(self) -> &'static str {
        match self {
            CaseLookup::Status => "case_status",
            CaseLookup::Priority => "case_priority",
            CaseLookup::Type => "case_type",
        }
    }

    /// Staff always; everyone else only where the instance shows it to customers.
    fn check(self, ctx: &Ctx) -> Result<(), ApiError> {
        let s = ctx.state.db.catalog()?.settings;
        let shown = match self {
            CaseLookup::Status => s.customers_see_status,
            CaseLookup::Priority => s.customers_see_priority,
            CaseLookup::Type => s.customers_see_type,
        };
        if ctx.caller.is_staff() || shown {
            Ok(())
        } else {
            Err(ApiError::denied("This instance does not show this to customers"))
        }
    }

    fn all(self, conn: &Conn, view: &render::View) -> Result<Vec<Value>, ApiError> {
        Ok(match self {
            CaseLookup::Status => lookups::statuses(conn)?.iter().map(|s| render::status(view, s)).collect(),
            CaseLookup::Priority => lookups::priorities(conn)?.iter().map(|p| render::priority(view, p)).collect(),
            CaseLookup::Type => lookups::types(conn)?.iter().map(|t| render::case_type(view, t)).collect(),
        })
    }

    /// One row from the catalog, rendered; `None` when there is no such row.
    pub fn one(self, view: &render::View, id: i64) -> Option<Value> {
        render::from_catalog(view, self.resource(), id).flatten()
    }
}

/// `GET /cases/statuses`, `/cases/priorities`, `/cases/types`.
pub async fn case_list(ctx: Ctx, which: web::Data<CaseLookup>) -> Result<HttpResponse, ApiError> {
    let which = **which;
    which.check(&ctx)?;
    let view = ctx.view()?;
    let items = ctx.read(move |conn| which.all(conn, &view)).await?;
    ctx.finish(Reply::all(which.resource(), items)).await
}

/// `GET /cases/statuses/:id` and the like.
pub async fn case_get(
    ctx: Ctx,
    which: web::Data<CaseLookup>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let which = **which;
    let id = path_id(&path)?;
    which.check(&ctx)?;
    let view = ctx.view()?;
    let data = which.one(&view, id).ok_or(ApiError::NotFound)?;
    ctx.finish(Reply::one(which.resource(), data)).await
}

/// `GET /locales/fields/:id`: public like the fields they translate, except
/// translations of fields hidden from customers.
pub async fn locale_field(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let view = ctx.view()?;
    let data = ctx
        .read(move |conn| {
            let l = fields::locale_by_id(conn, id)?.ok_or(ApiError::NotFound)?;
            let owner_field = match (l.field_id, l.option_id) {
                (Some(f), _) => Some(f),
                (None, Some(o)) => fields::option_by_id(conn, o)?.map(|o| o.field_id),
                _ => None,
            };
            if let (false, Some(fid)) = (view.staff, owner_field) {
                let shown = fields::by_id(conn, fid)?.is_some_and(|f| f.is_visible_to_customers);
                if !shown {
                    return Err(ApiError::NotFound);
                }
            }
            Ok(render::locale_field(&view, &l))
        })
        .await?;
    ctx.finish(Reply::one("locale_field", data)).await
}
