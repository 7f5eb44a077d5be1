//! Conversation forms: `/cases/forms`.

use actix_web::{web, HttpResponse};

use super::fields::translations;
use super::{admin, answer, audited, staff, text};
use crate::api::params::{Form, Params};
use crate::api::{path_id, Ctx, Reply};
use crate::db::manage::{self, FormChange};
use crate::db::{self, fields, Conn};
use crate::error::{ApiError, Problems};
use crate::wire::render;

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
    answer(ctx, "case_form", created, move |conn, view| {
        Ok(fields::form_by_id(conn, id)?.map(|f| render::case_form(view, &f)))
    })
    .await
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
