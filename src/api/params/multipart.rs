//! Multipart bodies, parsed by multer under every limit of [`super::Limits`]:
//! text parts held in memory against the shared budget, file parts streamed
//! to disk as uploads.

use std::sync::Arc;

use actix_web::web;
use futures_util::StreamExt;
use serde_json::{Map, Value};
use tokio::sync::{mpsc, oneshot};

use super::{too_large, Limits, DRAIN_CAP, DRAIN_TIME, FILE_FIELDS, MAX_PARTS, MAX_TEXT_BODY, MAX_TEXT_PART};
use crate::error::ApiError;
use crate::limits::Held;
use crate::storage::Upload;
use crate::wire::decode;

/// Parses a multipart body with multer. actix's payload is not `Send`, so a
/// local task feeds it through a bounded channel; a truncated upload reaches
/// multer as an error, never as a clean end of stream. When parsing fails, the
/// task drains the rest of the body before the error is answered.
pub(super) async fn multipart(
    payload: actix_web::dev::Payload,
    boundary: String,
    limits: Limits,
) -> Result<(Map<String, Value>, Vec<Upload>), ApiError> {
    let (tx, rx) = mpsc::channel::<Result<web::Bytes, std::io::Error>>(8);
    let (drained_tx, drained) = oneshot::channel::<()>();
    actix_web::rt::spawn(async move {
        let mut payload = payload;
        let mut forwarding = true;
        let mut discarded = 0u64;
        while let Some(chunk) = payload.next().await {
            if forwarding {
                let item = chunk.map_err(|e| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, e.to_string()));
                let failed = item.is_err();
                if failed || tx.send(item).await.is_err() {
                    forwarding = false;
                    if failed {
                        break;
                    }
                }
            } else if let Ok(chunk) = chunk {
                discarded += chunk.len() as u64;
                if discarded > DRAIN_CAP {
                    break;
                }
            } else {
                break;
            }
        }
        let _ = drained_tx.send(());
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
    let constraints = multer::Constraints::new().size_limit(
        multer::SizeLimit::new().whole_stream(limits.body).per_field(limits.file.max(MAX_TEXT_PART as u64)),
    );
    let multipart = multer::Multipart::with_constraints(stream, boundary, constraints);
    match read_parts(multipart, &limits).await {
        Ok(parsed) => Ok(parsed),
        Err(err) => {
            // The receiver is gone now; wait (bounded) while the feeder drains the body.
            let _ = tokio::time::timeout(DRAIN_TIME, drained).await;
            Err(err)
        }
    }
}

async fn read_parts(
    mut form: multer::Multipart<'static>,
    limits: &Limits,
) -> Result<(Map<String, Value>, Vec<Upload>), ApiError> {
    let mut params = decode::Collector::default();
    let mut uploads: Vec<Upload> = Vec::new();
    // Text parts are held in memory: all of them together as much as a text body.
    let mut held = Held::new(limits.budget.clone(), limits.staff);
    let mut parts = 0usize;
    while let Some(mut field) = form.next_field().await.map_err(|e| multipart_error(e, limits))? {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(ApiError::PayloadTooLarge(format!("A multipart body may have at most {MAX_PARTS} parts")));
        }
        let name = field.name().unwrap_or("").to_owned();
        let Some(file_name) = field.file_name().map(str::to_owned) else {
            let mut text = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(e, limits))? {
                if text.len() + chunk.len() > MAX_TEXT_PART {
                    return Err(too_large(&format!("The part {name:?}"), MAX_TEXT_PART as u64));
                }
                if held.bytes() + chunk.len() > MAX_TEXT_BODY as usize {
                    return Err(too_large("The text of the request", MAX_TEXT_BODY));
                }
                held.grow(chunk.len())?;
                text.extend_from_slice(&chunk);
            }
            let text = String::from_utf8(text).map_err(|_| ApiError::invalid(&name, "Must be UTF-8 text"))?;
            if !name.is_empty() {
                params.add(&name, text)?;
            }
            continue;
        };
        let parameter = if name.is_empty() { "files" } else { name.as_str() };
        let Some(storage) = &limits.storage else {
            return Err(ApiError::invalid(parameter, "This endpoint does not accept files"));
        };
        if !FILE_FIELDS.contains(&name.as_str()) {
            return Err(ApiError::invalid(parameter, "Files are accepted only in parts named files[] or content"));
        }
        let mut upload = storage.begin(&name, &file_name).await.map_err(|e| ApiError::io(&e))?;
        while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(e, limits))? {
            if upload.size + chunk.len() as u64 > limits.file {
                return Err(too_large(&format!("The file {:?}", upload.name), limits.file));
            }
            upload.write(&chunk).await.map_err(|e| ApiError::io(&e))?;
        }
        upload.finish().await.map_err(|e| ApiError::io(&e))?;
        // A browser form with no file chosen sends an empty, unnamed part.
        if file_name.is_empty() && upload.size == 0 {
            continue;
        }
        uploads.push(upload);
        if uploads.len() > limits.files {
            return Err(ApiError::PayloadTooLarge(format!("A message may carry at most {} files", limits.files)));
        }
    }
    Ok((params.finish(), uploads))
}

/// The text parameters of a multipart body held in memory, under the limits
/// of a body without files (file parts are refused): the same parser requests
/// go through, for the property tests and the fuzz target.
pub async fn multipart_text(body: web::Bytes, boundary: &str) -> Result<Map<String, Value>, ApiError> {
    let limits = Limits { body: MAX_TEXT_BODY, file: 0, files: 0, storage: None, budget: Arc::default(), staff: false };
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let constraints = multer::Constraints::new()
        .size_limit(multer::SizeLimit::new().whole_stream(limits.body).per_field(MAX_TEXT_PART as u64));
    let form = multer::Multipart::with_constraints(stream, boundary.to_owned(), constraints);
    Ok(read_parts(form, &limits).await?.0)
}

fn multipart_error(e: multer::Error, limits: &Limits) -> ApiError {
    match e {
        multer::Error::StreamSizeExceeded { .. } => too_large("The request body", limits.body),
        multer::Error::FieldSizeExceeded { field_name, .. } => {
            too_large(&format!("The part {:?}", field_name.unwrap_or_default()), limits.file)
        }
        other => ApiError::InvalidBody(format!("invalid multipart body: {other}")),
    }
}
