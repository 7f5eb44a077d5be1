//! `/api/v1/session`: who the signed-in caller is (`GET`), and signing out
//! (`DELETE`, which ends the session the request came with).

use actix_web::HttpResponse;
use serde_json::{json, Value};

use super::{Ctx, Reply};
use crate::auth::Identity;
use crate::db::auth as store;
use crate::error::ApiError;
use crate::wire::render;

/// `GET /session`: the signed-in user, with their email and role.
pub async fn get(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    let Identity::User(user) = &ctx.caller.identity else { return Err(ApiError::AuthenticationRequired) };
    let mut data = render::user_minimal(&ctx.view()?, user);
    data["email"] = Value::String(user.email.clone());
    data["role_type"] = Value::String(user.role.as_str().to_owned());
    ctx.finish(Reply::one("session", json!({ "user": data, "resource_type": "session" }))).await
}

/// `DELETE /session`: signs out; the session id stops working at once.
pub async fn delete(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    let Some(key) = ctx.caller.session.clone() else { return Err(ApiError::AuthenticationRequired) };
    ctx.write(move |tx| Ok(store::delete_session(tx, &key)?)).await?;
    ctx.finish(Reply::ok()).await
}
