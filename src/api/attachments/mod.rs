//! `/api/v1/conversations/:cid/messages/:mid/attachments/...`: the attachment
//! resource, its body inline (`url`) or as a download, its thumbnails, and the
//! message's `download_all` zip. Access follows the conversation's visibility;
//! whoever cannot see the conversation gets `404`.
//!
//! File bodies are served by actix-files, which answers `Range`,
//! `If-None-Match`/`ETag` and `If-Modified-Since`. Only types a browser can
//! show safely are ever served inline; everything else is a download.

mod zip;

use std::collections::HashSet;

use actix_files::NamedFile;
use actix_web::http::header::{self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue};
use actix_web::{web, HttpRequest, HttpResponse, Responder};

use super::{path_id, Ctx, Reply};
use crate::db::files::{self, FileRow};
use crate::db::messages;
use crate::error::ApiError;
use crate::storage::inline_safe;
use crate::wire::render;

type Ids = web::Path<(String, String, String)>;

/// The file `aid` of message `mid` of conversation `cid`, if the caller may see it.
async fn locate(ctx: &Ctx, cid: i64, mid: i64, aid: i64) -> Result<FileRow, ApiError> {
    ctx.caller.require_member(true)?;
    ctx.read_in_conversation(cid, move |conn, _| {
        messages::get(conn, cid, mid)?.ok_or(ApiError::NotFound)?;
        files::get(conn, aid)?.filter(|f| f.message_id == Some(mid)).ok_or(ApiError::NotFound)
    })
    .await
}

fn ids(path: &Ids) -> Result<(i64, i64, i64), ApiError> {
    Ok((path_id(&path.0)?, path_id(&path.1)?, path_id(&path.2)?))
}

/// `GET .../attachments/:aid`.
pub async fn get(ctx: Ctx, path: Ids) -> Result<HttpResponse, ApiError> {
    let (cid, mid, aid) = ids(&path)?;
    let file = locate(&ctx, cid, mid, aid).await?;
    let data = render::attachment(&ctx.view()?, cid, mid, &file);
    ctx.finish(Reply::one("attachment", data)).await
}

/// `GET .../attachments/:aid/url`: inline when the type is safe to show.
pub async fn view(ctx: Ctx, req: HttpRequest, path: Ids) -> Result<HttpResponse, ApiError> {
    let (cid, mid, aid) = ids(&path)?;
    let file = locate(&ctx, cid, mid, aid).await?;
    serve(&ctx, &req, &file.storage_name, &file.mime, &file.name, inline_safe(&file.mime)).await
}

/// `GET .../attachments/:aid/download`.
pub async fn download(ctx: Ctx, req: HttpRequest, path: Ids) -> Result<HttpResponse, ApiError> {
    let (cid, mid, aid) = ids(&path)?;
    let file = locate(&ctx, cid, mid, aid).await?;
    serve(&ctx, &req, &file.storage_name, &file.mime, &file.name, false).await
}

/// `GET .../attachments/:aid/thumbnails/:tid`.
pub async fn thumbnail(
    ctx: Ctx,
    req: HttpRequest,
    path: web::Path<(String, String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (cid, mid, aid, tid) = (path_id(&path.0)?, path_id(&path.1)?, path_id(&path.2)?, path_id(&path.3)?);
    let file = locate(&ctx, cid, mid, aid).await?;
    let thumb = file.thumbnails.iter().find(|t| t.id == tid).ok_or(ApiError::NotFound)?;
    serve(&ctx, &req, &thumb.storage_name, &thumb.mime, &file.name, true).await
}

/// An attachment body with the right headers, Range and ETag support.
pub(super) async fn serve(
    ctx: &Ctx,
    req: &HttpRequest,
    storage_name: &str,
    mime: &str,
    name: &str,
    inline: bool,
) -> Result<HttpResponse, ApiError> {
    let path = ctx.state.storage.path_of(storage_name).ok_or(ApiError::NotFound)?;
    let file = NamedFile::open_async(&path).await.map_err(|e| {
        tracing::error!(error = %e, file = %path.display(), "an attachment row points at a missing file");
        ApiError::NotFound
    })?;
    Ok(respond(file, req, mime, name, inline))
}

fn respond(file: NamedFile, req: &HttpRequest, mime: &str, name: &str, inline: bool) -> HttpResponse {
    // Markup (HTML, SVG, XML) is never handed to a browser under its own type.
    let content_type = match mime {
        "text/plain" => "text/plain; charset=utf-8",
        m if inline_safe(m) || m == "application/zip" => m,
        _ => "application/octet-stream",
    };
    let parsed = content_type.parse().unwrap_or(actix_web::mime::APPLICATION_OCTET_STREAM);
    let mut res = file.set_content_type(parsed).set_content_disposition(disposition(name, inline)).respond_to(req);
    let headers = res.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, header::HeaderValue::from_static("nosniff"));
    headers.insert(header::CONTENT_SECURITY_POLICY, header::HeaderValue::from_static("sandbox; default-src 'none'"));
    res.map_into_boxed_body()
}

/// RFC 6266: an ASCII `filename` fallback and the exact name as `filename*=UTF-8''...`.
fn disposition(name: &str, inline: bool) -> ContentDisposition {
    let clean: String = name.chars().filter(|c| !matches!(c, '\r' | '\n' | '"')).collect();
    let ascii: String = clean.chars().map(|c| if c.is_ascii() && !c.is_ascii_control() { c } else { '_' }).collect();
    ContentDisposition {
        disposition: if inline { DispositionType::Inline } else { DispositionType::Attachment },
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: clean.into_bytes(),
            }),
        ],
    }
}

/// `GET .../messages/:mid/download_all`: a zip of every attachment, byte for
/// byte, streamed as it is read ([`zip`]): no temporary file, and memory
/// stays flat whatever the sizes and however slowly the client reads.
pub async fn download_all(ctx: Ctx, path: web::Path<(String, String)>) -> Result<HttpResponse, ApiError> {
    let (cid, mid) = (path_id(&path.0)?, path_id(&path.1)?);
    ctx.caller.require_member(true)?;
    let rows = ctx
        .read_in_conversation(cid, move |conn, _| {
            messages::get(conn, cid, mid)?.ok_or(ApiError::NotFound)?;
            Ok(files::of_message(conn, mid)?)
        })
        .await?;
    if rows.is_empty() {
        return Err(ApiError::NotFound);
    }
    let storage = ctx.state.storage.clone();
    let mut used = HashSet::new();
    let entries: Vec<zip::Entry> = rows
        .iter()
        .filter_map(|f| {
            let path = storage.path_of(&f.storage_name)?;
            Some(zip::Entry { name: unique_name(&f.name, &mut used), path, at: f.created_at })
        })
        .collect();
    let plan = web::block(move || zip::plan(entries)).await?.map_err(|e| ApiError::io(&e))?.ok_or_else(|| {
        ApiError::PayloadTooLarge(format!(
            "The attachments add up to more than a zip of {} bytes; download them one by one",
            zip::MAX_BYTES
        ))
    })?;
    let name = format!("message-{mid}-attachments.zip");
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/zip"))
        .insert_header((header::CONTENT_DISPOSITION, disposition(&name, false)))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_SECURITY_POLICY, "sandbox; default-src 'none'"))
        .no_chunking(plan.length)
        .streaming(plan.stream()))
}

/// `name`, or `name (2).ext` and so on when an earlier entry took it.
fn unique_name(name: &str, used: &mut HashSet<String>) -> String {
    let mut candidate = name.to_owned();
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    };
    let mut n = 2;
    while !used.insert(candidate.clone()) {
        candidate = format!("{stem} ({n}){ext}");
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_zip_names_are_numbered() {
        let mut used = HashSet::new();
        assert_eq!(unique_name("a.txt", &mut used), "a.txt");
        assert_eq!(unique_name("a.txt", &mut used), "a (2).txt");
        assert_eq!(unique_name("a.txt", &mut used), "a (3).txt");
        assert_eq!(unique_name("README", &mut used), "README");
    }

    #[test]
    fn dispositions_carry_an_rfc_6266_utf8_name() {
        let d = disposition("café\r\n\"x\".txt", false).to_string();
        assert!(d.starts_with("attachment"), "{d}");
        assert!(d.contains("filename*=UTF-8''caf%C3%A9x.txt"), "{d}");
        assert!(!d.contains('\r') && !d.contains('\n'));
    }
}
