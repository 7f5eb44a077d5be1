//! The case lookups (statuses, priorities, types) and `GET /roles`.

use actix_web::{web, HttpResponse};

use super::{admin, audited, staff, text};
use crate::api::lookups::CaseLookup;
use crate::api::params::{Form, Params};
use crate::api::{path_id, Ctx, Reply};
use crate::db::manage::{self, Lookup, LookupChange};
use crate::db::{self, lookups};
use crate::error::{ApiError, FieldProblem, Problems};
use crate::wire::render;

/// The status types every instance keeps at least one status of.
const STATUS_TYPES: [&str; 6] = ["NEW", "OPEN", "PENDING", "COMPLETED", "CLOSED", "CUSTOM"];

fn lookup_of(which: CaseLookup) -> Lookup {
    match which {
        CaseLookup::Status => Lookup::Status,
        CaseLookup::Priority => Lookup::Priority,
        CaseLookup::Type => Lookup::Type,
    }
}

/// What a lookup write carries: `label`; statuses also `type` and
/// `sort_order`; priorities `level`.
fn lookup_change(which: Lookup, params: &Params, creating: bool) -> Result<LookupChange, ApiError> {
    let mut problems = Problems::default();
    let label = text(params, "label", creating, 255, &mut problems);
    let kind = match which {
        Lookup::Status => problems.absorb(params.text("type"))?.flatten().map(|t| t.to_ascii_uppercase()),
        _ => None,
    };
    if kind.as_deref().is_some_and(|k| !STATUS_TYPES.contains(&k)) {
        problems.push(FieldProblem::invalid("type", "Must be NEW, OPEN, PENDING, COMPLETED, CLOSED or CUSTOM"));
    }
    let order_name = if which == Lookup::Priority { "level" } else { "sort_order" };
    let order = if which == Lookup::Type { None } else { problems.absorb(params.int(order_name))?.flatten() };
    problems.finish()?;
    Ok(LookupChange { label, kind, order })
}

fn lookup_names(which: Lookup) -> (&'static str, &'static str) {
    match which {
        Lookup::Status => ("case_status", "status"),
        Lookup::Priority => ("case_priority", "priority"),
        Lookup::Type => ("case_type", "type"),
    }
}

async fn lookup_reply(ctx: Ctx, which: CaseLookup, id: i64, created: bool) -> Result<HttpResponse, ApiError> {
    let view = ctx.view()?;
    let data = which.one(&view, id).ok_or(ApiError::NotFound)?;
    ctx.finish(Reply::written(which.resource(), data, created)).await
}

/// `POST /cases/statuses`, `/cases/priorities`, `/cases/types`.
pub async fn create_lookup(ctx: Ctx, which: web::Data<CaseLookup>, form: Form) -> Result<HttpResponse, ApiError> {
    let which = **which;
    let (actor, _) = admin(&ctx)?;
    let lookup = lookup_of(which);
    let change = lookup_change(lookup, &form.params, true)?;
    let id = ctx
        .write(move |tx| {
            let (resource_type, name) = lookup_names(lookup);
            audited(tx, actor, &format!("{name}.create"), lookup.table(), resource_type, None, |tx| {
                Ok(manage::create_lookup(tx, lookup, &change, db::now())?)
            })
        })
        .await?;
    lookup_reply(ctx, which, id, true).await
}

/// `PUT /cases/statuses/:id` and the like.
pub async fn update_lookup(
    ctx: Ctx,
    which: web::Data<CaseLookup>,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, ApiError> {
    let which = **which;
    let id = path_id(&path)?;
    let (actor, _) = admin(&ctx)?;
    let lookup = lookup_of(which);
    let change = lookup_change(lookup, &form.params, false)?;
    ctx.write(move |tx| {
        if let (Lookup::Status, Some(kind)) = (lookup, &change.kind) {
            let status = lookups::status_by_id(tx, id)?.ok_or(ApiError::NotFound)?;
            if &status.kind != kind && manage::statuses_of_type_besides(tx, &status.kind, id)? == 0 {
                return Err(ApiError::invalid("type", format!("This is the only {} status", status.kind)));
            }
        }
        let (resource_type, name) = lookup_names(lookup);
        audited(tx, actor, &format!("{name}.update"), lookup.table(), resource_type, Some(id), |tx| {
            manage::update_lookup(tx, lookup, id, &change, db::now())?;
            Ok(id)
        })
    })
    .await?;
    lookup_reply(ctx, which, id, false).await
}

/// `DELETE /cases/statuses/:id` and the like: only what no conversation uses.
pub async fn delete_lookup(
    ctx: Ctx,
    which: web::Data<CaseLookup>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let which = **which;
    let id = path_id(&path)?;
    let (actor, _) = admin(&ctx)?;
    let lookup = lookup_of(which);
    ctx.write(move |tx| {
        let (resource_type, name) = lookup_names(lookup);
        audited(tx, actor, &format!("{name}.delete"), lookup.table(), resource_type, Some(id), |tx| {
            let uses = manage::lookup_uses(tx, lookup, id)?;
            if uses > 0 {
                return Err(ApiError::denied(format!(
                    "{uses} conversation(s) use this {name}: move them to another one first"
                )));
            }
            if lookup == Lookup::Status {
                let status = lookups::status_by_id(tx, id)?.ok_or(ApiError::NotFound)?;
                if status.kind != "CUSTOM" && manage::statuses_of_type_besides(tx, &status.kind, id)? == 0 {
                    return Err(ApiError::denied(format!("This is the only {} status", status.kind)));
                }
            }
            manage::delete_lookup(tx, lookup, id)?;
            Ok(id)
        })
    })
    .await?;
    ctx.finish(Reply::ok()).await
}

/// `GET /roles`.
pub async fn roles(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    staff(&ctx)?;
    let view = ctx.view()?;
    let items =
        ctx.read(move |conn| Ok(lookups::roles(conn)?.iter().map(|r| render::role(&view, r)).collect())).await?;
    ctx.finish(Reply::all("role", items)).await
}
