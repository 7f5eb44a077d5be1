//! Endpoints outside the Kayako resources: health, avatars, and the JSON
//! answers for unknown paths and unsupported methods.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use crate::db::users;
use crate::error::ApiError;
use crate::state::AppState;

/// `GET /healthz`: the server accepts requests; a standby also says how
/// current its copy is (`503` when it cannot read the copy's schema).
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    match super::standby::health(&state.db).await {
        None => HttpResponse::Ok().insert_header((header::CONTENT_TYPE, "application/json")).body(r#"{"status":"ok"}"#),
        Some((healthy, body)) => {
            let mut res = if healthy { HttpResponse::Ok() } else { HttpResponse::ServiceUnavailable() };
            res.insert_header((header::CONTENT_TYPE, "application/json")).body(body.to_string())
        }
    }
}

/// Any unknown path.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}

/// A known path with a method it does not support; `Allow` names those it does.
pub fn method_not_allowed(allowed: &[&str]) -> HttpResponse {
    let mut res = actix_web::ResponseError::error_response(&ApiError::MethodNotAllowed);
    let allow = allowed.iter().map(|m| m.to_ascii_uppercase()).collect::<Vec<_>>().join(", ");
    if let Ok(value) = header::HeaderValue::from_str(&allow) {
        res.headers_mut().insert(header::ALLOW, value);
    }
    res
}

/// `GET /avatar/get/:uuid`: a generated SVG with the user's initials.
pub async fn avatar(state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let key = path.into_inner();
    let name = state.db.read(move |conn| users::name_by_avatar(conn, &key)).await?.ok_or(ApiError::NotFound)?;
    let initials: String = name.split_whitespace().filter_map(|w| w.chars().next()).take(2).collect();
    let initials = initials.to_uppercase().replace(['<', '>', '&', '"', '\''], "");
    let hue = name.bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b))) % 360;
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"96\" height=\"96\" viewBox=\"0 0 96 96\">\
         <rect width=\"96\" height=\"96\" rx=\"48\" fill=\"hsl({hue},45%,45%)\"/>\
         <text x=\"48\" y=\"60\" font-family=\"sans-serif\" font-size=\"36\" fill=\"#fff\" \
         text-anchor=\"middle\">{initials}</text></svg>"
    );
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "image/svg+xml"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header((header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(svg))
}
