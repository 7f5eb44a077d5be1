//! The audit log, for owners: `GET /audit`.

use actix_web::HttpResponse;

use crate::api::{Ctx, Reply};
use crate::auth::Identity;
use crate::db::audit;
use crate::db::users::Role;
use crate::error::ApiError;
use crate::wire::render;

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
            Ok((rows.iter().map(render::audit_entry).collect::<Vec<_>>(), total))
        })
        .await?;
    ctx.finish(Reply::page("audit_log_entry", items, offset, limit, total)).await
}
