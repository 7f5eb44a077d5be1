//! Request parameters from any of the three body encodings (conventions §2):
//! JSON, urlencoded (with `a[b]=c` nesting) and multipart. The result is one
//! JSON object, read through typed getters that report `FIELD_INVALID` with
//! the parameter name.
//!
//! [`Params`] takes text only and refuses file parts; [`Form`] also streams
//! file parts (`files`, `files[]`, `content`) to disk as [`Upload`]s. Every
//! limit is enforced here: multer's default to unlimited, so the whole-stream,
//! per-part and part-count limits are always set, and an oversized body is
//! drained (up to a cap) before the `413`, so the client reads the answer.

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::StreamExt;
use serde_json::{Map, Value};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::limits::{Held, TextBudget};
use crate::state::AppState;
use crate::storage::{Storage, Upload};
use crate::wire::decode;
use multipart::multipart;
pub use multipart::multipart_text;

mod multipart;

/// Largest JSON or urlencoded body, and largest multipart body without files.
pub const MAX_TEXT_BODY: u64 = 2 * 1024 * 1024;
/// Largest single multipart text part.
const MAX_TEXT_PART: usize = 1024 * 1024;
/// Most parts one multipart body may have (multer itself sets no bound).
pub const MAX_PARTS: usize = 256;
/// Multipart field names that may carry files.
const FILE_FIELDS: [&str; 3] = ["files", "files[]", "content"];
/// A refused body is read and discarded up to this many bytes, so the client
/// sees the `413` instead of a reset connection; beyond it the connection closes.
const DRAIN_CAP: u64 = 256 * 1024 * 1024;
/// How long draining may take.
const DRAIN_TIME: Duration = Duration::from_secs(30);

/// The parsed text parameters of a POST or PUT (file parts are refused).
#[derive(Debug, Default)]
pub struct Params(Map<String, Value>);

/// Parameters plus the files of a multipart body, already on disk but not yet
/// durable: dropping an [`Upload`] deletes it.
#[derive(Debug, Default)]
pub struct Form {
    /// Text parameters.
    pub params: Params,
    /// File parts in arrival order.
    pub uploads: Vec<Upload>,
}

/// What a body may carry and how much of it.
#[derive(Clone)]
struct Limits {
    body: u64,
    file: u64,
    files: usize,
    storage: Option<Arc<Storage>>,
    budget: Arc<TextBudget>,
    /// Staff may use the budget's reserve.
    staff: bool,
}

impl Params {
    /// Clients in `_case=camel` mode may send `clientId` for `client_id`;
    /// top-level keys are read in both spellings (the snake_case one wins).
    fn accept_camel_case(mut self) -> Params {
        let camel: Vec<String> = self.0.keys().filter(|k| k.chars().any(|c| c.is_ascii_uppercase())).cloned().collect();
        for key in camel {
            let snake = super::shape::snake(&key);
            if !self.0.contains_key(&snake) {
                if let Some(v) = self.0.remove(&key) {
                    self.0.insert(snake, v);
                }
            }
        }
        self
    }
}

type Parsing<T> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, ApiError>>>>;

fn request_parts(req: &HttpRequest) -> (String, Option<u64>) {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    (content_type, length)
}

impl FromRequest for Params {
    type Error = ApiError;
    type Future = Parsing<Params>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let (content_type, length) = request_parts(req);
        let budget = req.app_data::<web::Data<AppState>>().map(|s| s.text_budget.clone()).unwrap_or_default();
        let staff = is_staff(req);
        let limits = Limits { body: MAX_TEXT_BODY, file: 0, files: 0, storage: None, budget, staff };
        let payload = payload.take();
        Box::pin(async move { Ok(parse(content_type, length, payload, limits).await?.params) })
    }
}

impl FromRequest for Form {
    type Error = ApiError;
    type Future = Parsing<Form>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let (content_type, length) = request_parts(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let charged = req.extensions().get::<Caller>().and_then(|c| super::ctx::charged(c).map(|who| (who, c.address)));
        let staff = is_staff(req);
        let payload = payload.take();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal("application state missing".into()))?;
            // A body this large carries files: refuse it before reading when
            // the sender's upload allowance cannot cover it anyway.
            if let (Some((who, address)), Some(n)) = (&charged, length.filter(|n| *n > MAX_TEXT_BODY)) {
                if let Err(e) = state.limits.could_upload(who, *address, n - MAX_TEXT_BODY) {
                    return Err(if n <= DRAIN_CAP { drain_then(payload, e).await } else { e });
                }
            }
            let c = &state.config;
            let limits = Limits {
                body: c.max_request_bytes,
                file: c.max_file_bytes,
                files: c.max_files_per_message,
                storage: Some(state.storage.clone()),
                budget: state.text_budget.clone(),
                staff,
            };
            parse(content_type, length, payload, limits).await
        })
    }
}

fn is_staff(req: &HttpRequest) -> bool {
    req.extensions().get::<Caller>().is_some_and(Caller::is_staff)
}

fn too_large(what: &str, limit: u64) -> ApiError {
    ApiError::PayloadTooLarge(format!("{what} is larger than the limit of {limit} bytes"))
}

/// Reads and discards the rest of a refused body (bounded), then returns `err`.
async fn drain_then(mut payload: actix_web::dev::Payload, err: ApiError) -> ApiError {
    let _ = tokio::time::timeout(DRAIN_TIME, async {
        let mut seen = 0u64;
        while let Some(Ok(chunk)) = payload.next().await {
            seen += chunk.len() as u64;
            if seen > DRAIN_CAP {
                break;
            }
        }
    })
    .await;
    err
}

async fn parse(
    content_type: String,
    declared_length: Option<u64>,
    mut payload: actix_web::dev::Payload,
    limits: Limits,
) -> Result<Form, ApiError> {
    if let Some(n) = declared_length.filter(|n| *n > limits.body) {
        let err = too_large("The request body", limits.body);
        return Err(if n <= DRAIN_CAP { drain_then(payload, err).await } else { err });
    }
    let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if mime == "multipart/form-data" {
        let boundary = multer::parse_boundary(&content_type)
            .map_err(|_| ApiError::InvalidBody("multipart body without a boundary".into()))?;
        let (map, uploads) = multipart(payload, boundary, limits).await?;
        return Ok(Form { params: Params(map).accept_camel_case(), uploads });
    }
    let mut body = web::BytesMut::new();
    let mut held = Held::new(limits.budget.clone(), limits.staff);
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::InvalidBody(format!("the body could not be read: {e}")))?;
        if (body.len() + chunk.len()) as u64 > MAX_TEXT_BODY {
            return Err(drain_then(payload, too_large("The request body", MAX_TEXT_BODY)).await);
        }
        held.grow(chunk.len())?;
        body.extend_from_slice(&chunk);
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Form::default());
    }
    let json_like = mime == "application/json" || mime.ends_with("+json");
    let map = if json_like || (mime.is_empty() && body.first() == Some(&b'{')) {
        decode::json(&body)?
    } else if mime == "application/x-www-form-urlencoded" || mime.is_empty() {
        decode::urlencoded(&body)?
    } else {
        return Err(ApiError::InvalidBody(format!("unsupported Content-Type {mime:?}")));
    };
    Ok(Form { params: Params(map).accept_camel_case(), uploads: Vec::new() })
}

impl Params {
    /// Whether the parameter was sent at all.
    pub fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// A parameter as it was decoded, for structured ones (lists of objects).
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|v| !v.is_null())
    }

    /// A string parameter, trimmed; empty or `null` counts as absent. Only
    /// text is text: a JSON number, boolean, array or object is `FIELD_INVALID`.
    pub fn text(&self, name: &str) -> Result<Option<String>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_owned()).filter(|s| !s.is_empty())),
            Some(_) => Err(ApiError::invalid(name, "Must be a string")),
        }
    }

    /// A required string parameter.
    pub fn required_text(&self, name: &str) -> Result<String, ApiError> {
        self.text(name)?.ok_or_else(|| ApiError::required(name))
    }

    /// An integer parameter (a JSON number or its text).
    pub fn int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| ApiError::invalid(name, "Must be an integer")),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => {
                s.trim().parse().map(Some).map_err(|_| ApiError::invalid(name, "Must be an integer"))
            }
            Some(_) => Err(ApiError::invalid(name, "Must be an integer")),
        }
    }

    /// An optional reference by id: `None` when absent, `Some(None)` for
    /// `null`, empty or `0` (clear it), `Some(Some(id))` otherwise.
    pub fn optional_id(&self, name: &str) -> Result<Option<Option<i64>>, ApiError> {
        let invalid = || ApiError::invalid(name, "Must be an id, or null to clear it");
        match self.0.get(name) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(0) => Ok(Some(None)),
                Some(id) if id > 0 => Ok(Some(Some(id))),
                _ => Err(invalid()),
            },
            Some(Value::String(s)) => match s.trim() {
                "" | "0" | "null" => Ok(Some(None)),
                text => text.parse::<i64>().ok().filter(|id| *id > 0).map(|id| Some(Some(id))).ok_or_else(invalid),
            },
            Some(_) => Err(invalid()),
        }
    }

    /// A boolean parameter: JSON `true`/`false`, or the text `true`, `false`, `1`, `0`, `yes`, `no`.
    pub fn flag(&self, name: &str) -> Result<Option<bool>, ApiError> {
        let invalid = || ApiError::invalid(name, "Must be true or false");
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "" => Ok(None),
                "true" | "1" | "yes" => Ok(Some(true)),
                "false" | "0" | "no" => Ok(Some(false)),
                _ => Err(invalid()),
            },
            Some(_) => Err(invalid()),
        }
    }

    /// A list of ids: `"1,2"`, a JSON number, or a JSON array of numbers (or their text).
    pub fn ids(&self, name: &str) -> Result<Vec<i64>, ApiError> {
        let invalid = || ApiError::invalid(name, "Must be a comma-separated list of ids");
        let one = |v: &Value| match v {
            Value::Number(n) => n.as_i64().ok_or_else(invalid),
            Value::String(s) => s.trim().parse::<i64>().map_err(|_| invalid()),
            _ => Err(invalid()),
        };
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::String(s)) => {
                s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| one(&Value::from(s))).collect()
            }
            Some(Value::Array(items)) => items.iter().map(one).collect(),
            Some(v @ Value::Number(_)) => Ok(vec![one(v)?]),
            Some(_) => Err(invalid()),
        }
    }

    /// A key/value map parameter: a JSON object, `name[key]=value` pairs, or a
    /// string holding a JSON object (as multipart clients send it), which is
    /// held to the same bounds as a body.
    pub fn map(&self, name: &str) -> Result<Option<Map<String, Value>>, ApiError> {
        let invalid = || ApiError::invalid(name, "Must be a key/value map");
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m.clone())),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
                Ok(Value::Object(m)) => {
                    let mut wrapped = Map::new();
                    wrapped.insert(name.to_owned(), Value::Object(m));
                    decode::check_tree(&wrapped)?;
                    match wrapped.remove(name) {
                        Some(Value::Object(m)) => Ok(Some(m)),
                        _ => Err(invalid()),
                    }
                }
                _ => Err(invalid()),
            },
            Some(Value::Array(a)) if a.is_empty() => Ok(None),
            Some(_) => Err(invalid()),
        }
    }
}

/// The text of a scalar JSON value (string trimmed); `None` for arrays and objects.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
