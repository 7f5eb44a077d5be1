//! `/api/v1/conversations/forms` and `/api/v1/conversations/fields`: public
//! descriptions of what a conversation can carry. Fields hidden from customers
//! exist only for staff.

use actix_web::{web, HttpResponse};

use super::{path_id, Ctx, Reply};
use crate::db::fields;
use crate::error::ApiError;
use crate::wire::render;

/// `GET /conversations/forms`, by `sort_order`, unpaged.
pub async fn list_forms(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    let view = ctx.view()?;
    let items = ctx.read(move |conn| Ok(fields::forms(conn)?.iter().map(|f| render::form(&view, f)).collect())).await?;
    ctx.finish(Reply::all("conversation_form", items)).await
}

/// `GET /conversations/forms/:id`.
pub async fn get_form(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let view = ctx.view()?;
    let data = ctx
        .read(move |conn| fields::form_by_id(conn, id)?.map(|f| render::form(&view, &f)).ok_or(ApiError::NotFound))
        .await?;
    ctx.finish(Reply::one("conversation_form", data)).await
}

/// `GET /conversations/fields`.
pub async fn list_fields(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    let (offset, limit) = ctx.paging()?;
    let view = ctx.view()?;
    let (items, total) = ctx
        .read(move |conn| {
            let (rows, total) = fields::list(conn, !view.staff, offset, limit)?;
            Ok((rows.iter().map(|f| render::field(&view, f)).collect::<Vec<_>>(), total))
        })
        .await?;
    ctx.finish(Reply::page("conversation_field", items, offset, limit, total)).await
}

/// `GET /conversations/fields/:id`.
pub async fn get_field(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let view = ctx.view()?;
    let data = ctx
        .read(move |conn| {
            fields::by_id(conn, id)?
                .filter(|f| view.staff || f.is_visible_to_customers)
                .map(|f| render::field(&view, &f))
                .ok_or(ApiError::NotFound)
        })
        .await?;
    ctx.finish(Reply::one("conversation_field", data)).await
}
