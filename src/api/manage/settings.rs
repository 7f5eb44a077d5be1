//! Instance settings (`/settings`) and the messenger token
//! (`POST /messenger/token`).

use actix_web::HttpResponse;
use serde_json::{json, Value};

use super::{admin, staff};
use crate::api::params::Form;
use crate::api::{Ctx, Reply};
use crate::db::{self, audit, settings};
use crate::error::{ApiError, FieldProblem, Problems};
use crate::wire::render;

/// `GET /settings`: the instance settings, for staff.
pub async fn get_settings(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    staff(&ctx)?;
    let items = ctx.read(|conn| Ok(render::settings(&settings::all(conn)?))).await?;
    ctx.finish(Reply::all("setting", items)).await
}

/// `PUT /settings`: `values[name]=value` (or the names themselves), for
/// `customers_see_status`, `customers_see_priority`, `customers_see_type`,
/// `customers_edit_priority` (true/false) and `messenger_team_name`,
/// `messenger_greeting`, `messenger_reply_time` (text; empty for the default)
/// and `timezone` (an IANA zone such as `Europe/Paris`; empty for UTC).
pub async fn update_settings(ctx: Ctx, form: Form) -> Result<HttpResponse, ApiError> {
    let (actor, _) = admin(&ctx)?;
    let params = form.params;
    let values = params.map("values")?;
    let mut problems = Problems::default();
    let mut changes = Vec::new();
    let given = |name: &str| -> Option<Value> {
        match &values {
            Some(m) => m.get(name).cloned(),
            None => params.value(name).cloned(),
        }
    };
    if let Some(m) = &values {
        for key in m.keys() {
            if !settings::NAMES.iter().any(|(n, _)| n == key) {
                problems.push(FieldProblem::invalid(&format!("values.{key}"), "There is no such setting"));
            }
        }
    }
    for (name, kind) in settings::NAMES {
        let Some(v) = given(name) else { continue };
        let text = crate::api::params::scalar_text(&v);
        match (kind, text.as_deref()) {
            (settings::Kind::Flag, Some("true" | "1")) => changes.push((name, "true".to_owned())),
            (settings::Kind::Flag, Some("false" | "0")) => changes.push((name, "false".to_owned())),
            (settings::Kind::Text, Some(t)) if name == "timezone" => match crate::wire::insights::zone(t.trim()) {
                Some(_) => changes.push((name, t.trim().to_owned())),
                None => problems.push(FieldProblem::invalid(name, "Must be a time zone such as Europe/Paris or UTC")),
            },
            (settings::Kind::Text, Some(t)) if t.chars().count() <= 500 => changes.push((name, t.to_owned())),
            (settings::Kind::Flag, _) => problems.push(FieldProblem::invalid(name, "Must be true or false")),
            (settings::Kind::Text, _) => {
                problems.push(FieldProblem::invalid(name, "Must be text of at most 500 characters"))
            }
        }
    }
    problems.finish()?;
    if changes.is_empty() {
        return Err(ApiError::required("values"));
    }
    let items = ctx
        .write(move |tx| {
            let as_map = |all: &[(&str, settings::Kind, String)]| {
                Value::Object(all.iter().map(|(n, _, v)| ((*n).to_owned(), json!(v))).collect())
            };
            let before = settings::all(tx)?;
            for (name, value) in &changes {
                settings::set(tx, name, value)?;
            }
            let after = settings::all(tx)?;
            audit::record(
                tx,
                Some(actor),
                "settings.update",
                "setting",
                None,
                Some(&as_map(&before)),
                Some(&as_map(&after)),
                db::now(),
            )?;
            Ok(render::settings(&after))
        })
        .await?;
    ctx.finish(Reply::all("setting", items)).await
}

/// `POST /messenger/token`: a new messenger token, answered once. Identity
/// signatures made with the old one stop verifying at once, and so do the
/// devices they verified (they verify again with a new signature).
pub async fn rotate_messenger_token(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    let (actor, _) = admin(&ctx)?;
    let dir = ctx.state.config.data_dir.clone();
    // The writer serializes rotations; the key file is written inside the job,
    // so the audit entry commits only once the new key is durable.
    let token = ctx
        .write(move |tx| {
            let token = crate::secret::rotate_messenger_key(&dir)
                .map_err(|e| ApiError::Internal(format!("writing the messenger key: {e}")))?;
            crate::db::auth::unverify_all(tx)?;
            audit::record(tx, Some(actor), "messenger_token.rotate", "messenger_token", None, None, None, db::now())?;
            Ok(token)
        })
        .await?;
    *ctx.state.messenger_token.write().unwrap_or_else(std::sync::PoisonError::into_inner) = token.clone();
    ctx.finish(Reply::one("messenger_token", json!({ "token": token, "resource_type": "messenger_token" }))).await
}
