//! Organizations: `/organizations`, `/organizations/:id` and its members.

use actix_web::{web, HttpResponse};

use super::{admin, answer, audited, members_reply, staff, text};
use crate::api::params::Form;
use crate::api::{path_id, Ctx, Reply};
use crate::db::manage::{self};
use crate::db::{self};
use crate::error::{ApiError, Problems};
use crate::wire::render;

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
    answer(ctx, "organization", created, move |conn, view| {
        Ok(manage::organization_by_id(conn, id)?.map(|o| render::organization(view, &o)))
    })
    .await
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
