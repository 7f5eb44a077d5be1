//! A warm standby (`parley serve --read-only`): writes refused before any
//! handler sees them, and what `/healthz` says of replication.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, ResponseError};
use serde_json::{json, Value};

use crate::db::{events, Db};
use crate::error::ApiError;
use crate::state::AppState;
use crate::wire::ts;

/// On a standby, every request that could change something is answered
/// `503 READ_ONLY` (naming the primary when `--primary-url` is set) before
/// its credentials are checked or its body is read; reads pass.
pub async fn refuse_writes(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let standby = req.app_data::<web::Data<AppState>>().filter(|s| s.config.read_only).cloned();
    match standby {
        Some(state) if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) => {
            let refusal = ApiError::ReadOnly { primary: state.config.primary_url.clone() };
            Ok(req.into_response(refusal.error_response()).map_into_right_body())
        }
        _ => next.call(req).await.map(ServiceResponse::map_into_left_body),
    }
}

/// A standby's health: `ok` while its copy has this binary's schema, with
/// how far it has come: the last transaction applied and when, and the age
/// of the newest replicated event (the lag, when the primary is busy).
/// `None` on a primary.
pub async fn health(db: &Db) -> Option<(bool, Value)> {
    let followed = db.followed()?;
    let newest = db.read(events::newest).await.ok().flatten();
    let now = crate::db::now();
    let healthy = followed.schema_matches();
    let body = json!({
        "status": if healthy { "ok" } else { "schema_mismatch" },
        "role": "standby",
        "replication": {
            "txid": followed.txid,
            "applied_at": ts(followed.applied_at),
            "newest_event_id": newest.map(|(id, _)| id),
            "newest_event_at": ts(newest.map(|(_, at)| at)),
            "lag_seconds": newest.map(|(_, at)| (now - at).max(0)),
            "schema_version": followed.schema_version,
        },
    });
    Some((healthy, body))
}
