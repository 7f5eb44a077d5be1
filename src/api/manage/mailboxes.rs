//! The email channel's setup: `/mailboxes` (the addresses mail arrives at
//! and leaves from) and `/mails` (every mail received, and what became of it).

use actix_web::{web, HttpResponse};

use super::{admin, answer, audited, staff, text};
use crate::api::params::{Form, Params};
use crate::api::{path_id, Ctx, Reply};
use crate::db::mail::{self as tables, received, MailboxChanges};
use crate::db::{self, Conn};
use crate::error::{ApiError, FieldProblem, Problems};
use crate::wire::{render, valid_email};

/// `GET /mailboxes`: the default first.
pub async fn mailboxes(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    staff(&ctx)?;
    let (offset, limit) = ctx.paging()?;
    let view = ctx.view()?;
    let (items, total) = ctx
        .read(move |conn| {
            let all = tables::mailboxes(conn)?;
            let total = all.len() as i64;
            let page = all.iter().skip(offset as usize).take(limit as usize).map(|m| render::mailbox(&view, m));
            Ok((page.collect::<Vec<_>>(), total))
        })
        .await?;
    ctx.finish(Reply::page("mailbox", items, offset, limit, total)).await
}

async fn mailbox_reply(ctx: Ctx, id: i64, created: bool) -> Result<HttpResponse, ApiError> {
    answer(ctx, "mailbox", created, move |conn, view| Ok(tables::mailbox(conn, id)?.map(|m| render::mailbox(view, &m))))
        .await
}

/// `GET /mailboxes/:id`.
pub async fn mailbox(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    staff(&ctx)?;
    mailbox_reply(ctx, id, false).await
}

/// `address`, `is_enabled` and `is_default`, every problem reported at once.
fn changes(params: &Params, creating: bool) -> Result<MailboxChanges, ApiError> {
    let mut problems = Problems::default();
    let address = text(params, "address", creating, 254, &mut problems).map(|a| a.to_lowercase());
    if address.as_deref().is_some_and(|a| !valid_email(a) || a.contains('+')) {
        problems.push(FieldProblem::invalid("address", "Must be an email address without a +tag"));
    }
    let is_enabled = problems.absorb(params.flag("is_enabled"))?.flatten();
    let is_default = problems.absorb(params.flag("is_default"))?.flatten();
    if is_default == Some(false) && !creating {
        problems.push(FieldProblem::invalid("is_default", "Make another mailbox the default instead"));
    }
    problems.finish()?;
    Ok(MailboxChanges { address, is_enabled, is_default })
}

fn address_free(tx: &Conn, address: Option<&str>, id: Option<i64>) -> Result<(), ApiError> {
    if let Some(a) = address {
        if tables::mailbox_by_address(tx, a)?.is_some_and(|m| Some(m.id) != id) {
            return Err(ApiError::invalid("address", "Another mailbox has this address"));
        }
    }
    Ok(())
}

/// `POST /mailboxes`: `address`, and optionally `is_enabled`, `is_default`
/// (the first mailbox is the default).
pub async fn create_mailbox(ctx: Ctx, form: Form) -> Result<HttpResponse, ApiError> {
    let (actor, _) = admin(&ctx)?;
    let changes = changes(&form.params, true)?;
    let id = ctx
        .write(move |tx| {
            let address = changes.address.clone().unwrap_or_default();
            address_free(tx, Some(&address), None)?;
            audited(tx, actor, "mailbox.create", "mailboxes", "mailbox", None, |tx| {
                Ok(tables::create_mailbox(tx, &address, &changes, db::now())?)
            })
        })
        .await?;
    mailbox_reply(ctx, id, true).await
}

/// `PUT /mailboxes/:id`.
pub async fn update_mailbox(ctx: Ctx, path: web::Path<String>, form: Form) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let (actor, _) = admin(&ctx)?;
    let changes = changes(&form.params, false)?;
    ctx.write(move |tx| {
        address_free(tx, changes.address.as_deref(), Some(id))?;
        audited(tx, actor, "mailbox.update", "mailboxes", "mailbox", Some(id), |tx| {
            tables::update_mailbox(tx, id, &changes, db::now())?;
            Ok(id)
        })
    })
    .await?;
    mailbox_reply(ctx, id, false).await
}

/// `DELETE /mailboxes/:id`: not the default while others remain.
pub async fn delete_mailbox(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let (actor, _) = admin(&ctx)?;
    ctx.write(move |tx| {
        let all = tables::mailboxes(tx)?;
        let this = all.iter().find(|m| m.id == id).ok_or(ApiError::NotFound)?;
        if this.is_default && all.len() > 1 {
            return Err(ApiError::invalid("id", "Make another mailbox the default before deleting this one"));
        }
        audited(tx, actor, "mailbox.delete", "mailboxes", "mailbox", Some(id), |tx| {
            tables::delete_mailbox(tx, id)?;
            Ok(id)
        })
    })
    .await?;
    ctx.finish(Reply::ok()).await
}

/// `GET /mails`: the mail received, newest first.
pub async fn mails(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    admin(&ctx)?;
    let (offset, limit) = ctx.paging()?;
    let view = ctx.view()?;
    let (items, total) = ctx
        .read(move |conn| {
            let (rows, total) = received::mails(conn, offset, limit)?;
            Ok((rows.iter().map(|m| render::mail(&view, m)).collect::<Vec<_>>(), total))
        })
        .await?;
    ctx.finish(Reply::page("mail", items, offset, limit, total)).await
}

/// `GET /mails/:id`.
pub async fn mail(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    admin(&ctx)?;
    answer(ctx, "mail", false, move |conn, view| Ok(received::mail(conn, id)?.map(|m| render::mail(view, &m)))).await
}
