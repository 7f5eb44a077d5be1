//! `POST /api/v1/files` (upload first, attach later with `file_ids`) and the
//! helpers every endpoint that takes files shares.

use actix_web::{web, HttpResponse};

use super::params::Form;
use super::{path_id, Ctx, Reply};
use crate::db::files::{self, Uploader};
use crate::db::{self};
use crate::error::{ApiError, FieldProblem};
use crate::storage::{safe_name, StoredFile, Upload};
use crate::wire::render;

/// `413` when a message would carry more files than the configured maximum.
fn check_file_count(ctx: &Ctx, count: usize) -> Result<(), ApiError> {
    let max = ctx.state.config.max_files_per_message;
    if count > max {
        return Err(ApiError::PayloadTooLarge(format!("A message may carry at most {max} files")));
    }
    Ok(())
}

/// Admits a message's files and makes them durable: the count (with the
/// `attached` uploaded before) and the spam charge checked first, then
/// [`store_uploads`]. `new_conversation` charges a conversation too.
pub async fn admit_and_store(
    ctx: &Ctx,
    uploads: Vec<Upload>,
    attached: usize,
    new_conversation: bool,
) -> Result<(Vec<Upload>, Vec<StoredFile>), ApiError> {
    check_file_count(ctx, uploads.len() + attached)?;
    ctx.admit(true, uploads.iter().map(|u| u.size).sum(), new_conversation)?;
    store_uploads(ctx, uploads).await
}

/// Makes received uploads durable (off the async executor). The uploads still
/// own their files: the caller hands them to [`keep_when`] as the `on_commit`
/// of the write that names them, so they pass to the database inside the
/// commit path, whatever becomes of the request afterwards.
pub async fn store_uploads(ctx: &Ctx, uploads: Vec<Upload>) -> Result<(Vec<Upload>, Vec<StoredFile>), ApiError> {
    if uploads.is_empty() {
        return Ok((uploads, Vec::new()));
    }
    let storage = ctx.state.storage.clone();
    web::block(move || {
        let mut uploads = uploads;
        let mut stored = Vec::with_capacity(uploads.len());
        for upload in &mut uploads {
            stored.push(storage.store(upload)?);
        }
        Ok::<_, std::io::Error>((uploads, stored))
    })
    .await?
    .map_err(|e| ApiError::io(&e))
}

/// An `on_commit` for [`crate::db::Db::write_then`]: once the rows are
/// committed, the uploads are the database's, unless `replayed` says this
/// request was a retry answered with what its first try stored; then these
/// copies are deleted, as they are when the transaction fails.
pub fn keep_when<T>(uploads: Vec<Upload>, replayed: impl Fn(&T) -> bool + Send) -> impl FnOnce(&T) + Send {
    move |committed: &T| {
        let mut uploads = uploads;
        if !replayed(committed) {
            uploads.iter_mut().for_each(Upload::keep);
        }
    }
}

/// The identity a file is uploaded by and may be attached by.
pub fn uploader(ctx: &Ctx) -> Uploader {
    Uploader {
        user_id: ctx.caller.user().map(|u| u.id),
        fingerprint: ctx.caller.fingerprint().map(str::to_owned),
        address: Some(crate::limits::group(ctx.caller.address).to_string()),
    }
}

/// `429` when an upload would take its address, or the instance, past the
/// bytes that may wait to be attached (staff are not bounded).
fn check_unattached(conn: &db::Conn, bounds: (u64, u64), address: &str, size: u64) -> Result<(), ApiError> {
    let (per_address, total) = bounds;
    let (mine, all) = files::unattached_bytes(conn, address)?;
    if per_address > 0 && mine + size > per_address {
        return Err(ApiError::RateLimited {
            retry_after: 60,
            message: format!(
                "At most {per_address} bytes of uploads may wait to be attached from one address; attach them to a \
                 message, or wait until unattached ones expire"
            ),
        });
    }
    if total > 0 && all + size > total {
        return Err(ApiError::RateLimited {
            retry_after: 60,
            message: format!("At most {total} bytes of uploads may wait to be attached; try again later"),
        });
    }
    Ok(())
}

/// `POST /files`: one file part (`content`), optional `name`.
pub async fn create(ctx: Ctx, form: Form) -> Result<HttpResponse, ApiError> {
    ctx.caller.require_member(true)?;
    let Form { params, uploads } = form;
    let name = params.text("name")?;
    if uploads.len() > 1 {
        return Err(ApiError::invalid("content", "Upload one file per request"));
    }
    if uploads.is_empty() {
        return Err(ApiError::Fields(vec![FieldProblem::required("content")]));
    }
    ctx.admit(false, uploads.iter().map(|u| u.size).sum(), false)?;
    let (uploads, mut stored) = store_uploads(&ctx, uploads).await?;
    if let (Some(name), Some(first)) = (name, stored.first_mut()) {
        first.name = safe_name(&name);
    }
    let uploader = uploader(&ctx);
    let view = ctx.view()?;
    let now = db::now();
    let c = &ctx.state.config;
    let bounds =
        if ctx.caller.is_staff() { (0, 0) } else { (c.max_unattached_bytes_per_address, c.max_unattached_bytes) };
    let data = ctx
        .write_then(
            move |tx| {
                let file = stored.first().ok_or_else(|| ApiError::required("content"))?;
                let address = uploader.address.as_deref().unwrap_or("");
                check_unattached(tx, bounds, address, file.size.max(0) as u64)?;
                let id = files::insert(tx, file, &uploader, None, now)?;
                let row = files::get(tx, id)?.ok_or(ApiError::NotFound)?;
                Ok(render::file(&view, &row))
            },
            keep_when(uploads, |_| false),
        )
        .await?;
    ctx.finish(Reply::created("file", data)).await
}

/// `GET /files/:id`: the uploader (and staff) may read an upload's metadata.
pub async fn get(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    ctx.caller.require_member(true)?;
    let me = uploader(&ctx);
    let view = ctx.view()?;
    let data = ctx
        .read(move |conn| {
            let f = files::get(conn, id)?.ok_or(ApiError::NotFound)?;
            let mine = match &me.fingerprint {
                Some(fp) => f.uploader_fingerprint.as_deref() == Some(fp.as_str()),
                None => f.uploader_fingerprint.is_none() && f.uploader_id.is_some() && f.uploader_id == me.user_id,
            };
            if !(mine || view.staff) {
                return Err(ApiError::NotFound);
            }
            Ok(render::file(&view, &f))
        })
        .await?;
    ctx.finish(Reply::one("file", data)).await
}
