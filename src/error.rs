//! The one error type of the HTTP layer and its Kayako error envelope
//! (conventions §4). Every `From` impl into [`ApiError`] lives here.
//!
//! `Internal` logs its source chain once and never shows it to the client.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde_json::{json, Value};

/// What kind of problem a single parameter has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldCode {
    /// The parameter is missing or empty.
    Required,
    /// The parameter has the wrong type, format or value.
    Invalid,
}

/// One problem with one request parameter.
#[derive(Debug, Clone)]
pub struct FieldProblem {
    /// Required or invalid.
    pub code: FieldCode,
    /// The parameter's name as the client sent it (`field_values.reported_issues`).
    pub parameter: String,
    /// A human-readable sentence.
    pub message: String,
}

/// Every way a request can fail, each mapped to one Kayako error code.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// `400 FIELD_REQUIRED` / `FIELD_INVALID`, one error object per problem.
    #[error("invalid parameters")]
    Fields(Vec<FieldProblem>),
    /// `400 INVALID_REQUEST_BODY`.
    #[error("invalid request body: {0}")]
    InvalidBody(String),
    /// `401 AUTHENTICATION_FAILED`.
    #[error("authentication failed: {0}")]
    AuthenticationFailed(&'static str),
    /// `401 AUTHENTICATION_REQUIRED`.
    #[error("authentication required")]
    AuthenticationRequired,
    /// `403 PERMISSION_DENIED`, optionally about one parameter.
    #[error("permission denied: {message}")]
    PermissionDenied {
        /// The parameter the caller may not set, if the refusal is about one.
        parameter: Option<String>,
        /// Why.
        message: String,
    },
    /// `403 CSRF_FAILED`.
    #[error("CSRF token missing or wrong")]
    CsrfFailed,
    /// `404 RESOURCE_NOT_FOUND`: absent, or not visible to the caller.
    #[error("resource not found")]
    NotFound,
    /// `405 METHOD_NOT_ALLOWED`.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// `413 PAYLOAD_TOO_LARGE`.
    #[error("payload too large: {0}")]
    PayloadTooLarge(String),
    /// `429 TOO_MANY_REQUESTS` (sign-in throttling), with the seconds to wait
    /// for `Retry-After` and why.
    #[error("too many requests: {message}")]
    TooManyRequests {
        /// Seconds until a retry may succeed.
        retry_after: i64,
        /// Why.
        message: &'static str,
    },
    /// `429 RATE_LIMIT_REACHED` (a configured limit on creations, messages or
    /// upload bytes), with the seconds to wait for `Retry-After`.
    #[error("rate limit reached: {message}")]
    RateLimited {
        /// Seconds until a retry may succeed.
        retry_after: i64,
        /// Which limit, in words.
        message: String,
    },
    /// `400 INVALID_REQUEST`: not well-formed HTTP (answered at the door, `front`).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// `408 REQUEST_TIMEOUT`: the client took too long to send a request head.
    #[error("request head timeout")]
    RequestTimeout,
    /// `408 REQUEST_TIMEOUT`: a request body stopped arriving (see the front door).
    #[error("request body timeout")]
    BodyTimeout {
        /// The most seconds a body may stall.
        idle_seconds: u64,
    },
    /// `414 URI_TOO_LONG`, with the longest target allowed.
    #[error("request target too long")]
    UriTooLong {
        /// The most bytes a request target may have.
        max_bytes: usize,
    },
    /// `431 HEADERS_TOO_LARGE`: too many headers, or too many bytes of them.
    #[error("request headers too large")]
    HeadersTooLarge {
        /// The most headers a request may carry.
        max_headers: usize,
        /// The most bytes its head may have.
        max_bytes: usize,
    },
    /// `503 SERVICE_UNAVAILABLE`: too much request text is in flight right now;
    /// retry in a second.
    #[error("the server is busy")]
    Busy,
    /// `503 READ_ONLY`: this server is a standby (`--read-only`); writes go
    /// to the primary, named when it is known.
    #[error("read-only standby")]
    ReadOnly {
        /// The primary's URL (`--primary-url`).
        primary: Option<String>,
    },
    /// `507 INSUFFICIENT_STORAGE`: the disk is full; nothing was saved.
    #[error("the disk is full")]
    StorageFull,
    /// `500 INTERNAL_SERVER_ERROR`; the source goes to the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// A single `FIELD_REQUIRED` problem.
    pub fn required(parameter: &str) -> Self {
        ApiError::Fields(vec![FieldProblem::required(parameter)])
    }

    /// A single `FIELD_INVALID` problem.
    pub fn invalid(parameter: &str, message: impl Into<String>) -> Self {
        ApiError::Fields(vec![FieldProblem::invalid(parameter, message)])
    }

    /// `403` with a reason, about no parameter in particular.
    pub fn denied(message: impl Into<String>) -> Self {
        ApiError::PermissionDenied { parameter: None, message: message.into() }
    }

    /// `403` about one parameter the caller may not set.
    pub fn denied_parameter(parameter: &str) -> Self {
        ApiError::PermissionDenied {
            parameter: Some(parameter.to_owned()),
            message: "You do not have permission to change this field".to_owned(),
        }
    }

    /// An I/O failure: `StorageFull` when the disk (or quota) is full, else [`ApiError::internal`].
    pub fn io(e: &std::io::Error) -> Self {
        if is_disk_full(e) {
            disk_full()
        } else {
            ApiError::internal(e)
        }
    }

    /// Logs `source` with its chain and returns an opaque `Internal`.
    pub fn internal(source: &(dyn std::error::Error + 'static)) -> Self {
        let mut text = source.to_string();
        let mut cause = source.source();
        while let Some(c) = cause {
            text.push_str(": ");
            text.push_str(&c.to_string());
            cause = c.source();
        }
        tracing::error!(error = %text, "internal error");
        ApiError::Internal(text)
    }

    fn errors(&self) -> Vec<Value> {
        let one = |code: &str, parameter: Option<&str>, message: &str| {
            let mut e = json!({
                "code": code,
                "message": message,
                "more_info": format!("https://developer.kayako.com/api/v1/reference/errors/{code}"),
            });
            if let Some(p) = parameter {
                e["parameter"] = json!(p);
            }
            e
        };
        match self {
            ApiError::Fields(problems) => problems
                .iter()
                .map(|p| {
                    let code = match p.code {
                        FieldCode::Required => "FIELD_REQUIRED",
                        FieldCode::Invalid => "FIELD_INVALID",
                    };
                    one(code, Some(&p.parameter), &p.message)
                })
                .collect(),
            ApiError::InvalidBody(why) => {
                vec![one("INVALID_REQUEST_BODY", None, &format!("The request body could not be parsed: {why}"))]
            }
            ApiError::AuthenticationFailed(why) => vec![one("AUTHENTICATION_FAILED", None, why)],
            ApiError::AuthenticationRequired => {
                vec![one("AUTHENTICATION_REQUIRED", None, "This endpoint requires you to be authenticated")]
            }
            ApiError::PermissionDenied { parameter, message } => {
                vec![one("PERMISSION_DENIED", parameter.as_deref(), message)]
            }
            ApiError::CsrfFailed => {
                vec![one("CSRF_FAILED", None, "A valid X-CSRF-Token header is required for this request")]
            }
            ApiError::NotFound => {
                vec![one("RESOURCE_NOT_FOUND", None, "The requested resource does not exist or is not visible to you")]
            }
            ApiError::MethodNotAllowed => {
                vec![one("METHOD_NOT_ALLOWED", None, "The method is not allowed on this resource")]
            }
            ApiError::PayloadTooLarge(why) => vec![one("PAYLOAD_TOO_LARGE", None, why)],
            ApiError::TooManyRequests { message, .. } => vec![one("TOO_MANY_REQUESTS", None, message)],
            ApiError::RateLimited { message, .. } => vec![one("RATE_LIMIT_REACHED", None, message)],
            ApiError::InvalidRequest(why) => {
                vec![one("INVALID_REQUEST", None, &format!("The request is not valid HTTP/1.1: {why}"))]
            }
            ApiError::RequestTimeout => {
                vec![one("REQUEST_TIMEOUT", None, "The request head did not arrive in time")]
            }
            ApiError::BodyTimeout { idle_seconds } => vec![one(
                "REQUEST_TIMEOUT",
                None,
                &format!(
                    "The request body stopped arriving: a body may stall for at most {idle_seconds} s and must \
                     average at least 1 KiB/s"
                ),
            )],
            ApiError::UriTooLong { max_bytes } => {
                vec![one("URI_TOO_LONG", None, &format!("The request target may be at most {max_bytes} bytes long"))]
            }
            ApiError::HeadersTooLarge { max_headers, max_bytes } => vec![one(
                "HEADERS_TOO_LARGE",
                None,
                &format!("A request may carry at most {max_headers} headers and {max_bytes} bytes of them"),
            )],
            ApiError::Busy => vec![one(
                "SERVICE_UNAVAILABLE",
                None,
                "The server is busy receiving other requests; try again after the time in Retry-After",
            )],
            ApiError::ReadOnly { primary } => {
                let message = match primary {
                    Some(url) => format!(
                        "This server is a read-only standby and takes no changes; send them to the primary at {url}"
                    ),
                    None => {
                        "This server is a read-only standby and takes no changes; send them to the primary".to_owned()
                    }
                };
                vec![one("READ_ONLY", None, &message)]
            }
            ApiError::StorageFull => vec![one(
                "INSUFFICIENT_STORAGE",
                None,
                "The server has no room left to store this; nothing was saved. Try again later",
            )],
            ApiError::Internal(_) => vec![one(
                "INTERNAL_SERVER_ERROR",
                None,
                "Something went wrong on our side; the details are in the server log",
            )],
        }
    }
}

impl FieldProblem {
    /// The parameter is missing or empty.
    pub fn required(parameter: &str) -> Self {
        FieldProblem {
            code: FieldCode::Required,
            parameter: parameter.to_owned(),
            message: "This action requires the field to be specified".to_owned(),
        }
    }

    /// The parameter's value is not acceptable.
    pub fn invalid(parameter: &str, message: impl Into<String>) -> Self {
        FieldProblem { code: FieldCode::Invalid, parameter: parameter.to_owned(), message: message.into() }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Fields(_) | ApiError::InvalidBody(_) => StatusCode::BAD_REQUEST,
            ApiError::AuthenticationFailed(_) | ApiError::AuthenticationRequired => StatusCode::UNAUTHORIZED,
            ApiError::PermissionDenied { .. } | ApiError::CsrfFailed => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooManyRequests { .. } | ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::InvalidRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::RequestTimeout | ApiError::BodyTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            ApiError::UriTooLong { .. } => StatusCode::URI_TOO_LONG,
            ApiError::HeadersTooLarge { .. } => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ApiError::Busy | ApiError::ReadOnly { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::StorageFull => StatusCode::INSUFFICIENT_STORAGE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let body = self.envelope();
        let mut res = HttpResponse::build(status);
        res.insert_header((header::CONTENT_TYPE, "application/json")).insert_header(("X-API-Version", "1"));
        if let ApiError::TooManyRequests { retry_after, .. } | ApiError::RateLimited { retry_after, .. } = self {
            res.insert_header((header::RETRY_AFTER, (*retry_after).max(1).to_string()));
        }
        if let ApiError::Busy = self {
            res.insert_header((header::RETRY_AFTER, "1"));
        }
        res.body(body)
    }
}

impl ApiError {
    /// The Kayako error envelope, as JSON text.
    pub fn envelope(&self) -> String {
        json!({ "status": self.status_code().as_u16(), "errors": self.errors() }).to_string()
    }

    /// A whole HTTP/1.1 response carrying the envelope, after which the
    /// connection closes: for answers given before any dispatcher exists.
    pub fn to_http_bytes(&self) -> Vec<u8> {
        let status = self.status_code();
        let body = self.envelope();
        let retry = match self {
            ApiError::TooManyRequests { retry_after, .. } => format!("retry-after: {}\r\n", (*retry_after).max(1)),
            _ => String::new(),
        };
        format!(
            "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\nx-api-version: 1\r\n\
             x-content-type-options: nosniff\r\n{retry}content-length: {}\r\nconnection: close\r\n\r\n{body}",
            status.as_u16(),
            status.canonical_reason().unwrap_or(""),
            body.len()
        )
        .into_bytes()
    }
}

/// ENOSPC or EDQUOT.
fn is_disk_full(e: &std::io::Error) -> bool {
    matches!(e.kind(), std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded)
}

/// Logs a full disk at most once a minute (a full disk fails every write) and
/// answers `507`. The one static in the crate: the conversions into `ApiError`
/// that meet a full disk have no state to hang the throttle on, and it only
/// spaces out log lines.
pub(crate) fn disk_full() -> ApiError {
    use std::sync::atomic::{AtomicI64, Ordering};
    static LAST_LOGGED: AtomicI64 = AtomicI64::new(0);
    let now = chrono::Utc::now().timestamp();
    let last = LAST_LOGGED.load(Ordering::Relaxed);
    if now - last >= 60 && LAST_LOGGED.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_ok() {
        tracing::error!("the disk is full: writes are refused with 507 until space is freed; reads go on");
    }
    ApiError::StorageFull
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        ApiError::internal(&e)
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::internal(&e)
    }
}

/// Collects parameter problems so that one response reports all of them.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldProblem>);

impl Problems {
    /// Records one problem.
    pub fn push(&mut self, p: FieldProblem) {
        self.0.push(p);
    }

    /// Records the problems of a failed [`ApiError::Fields`]; any other error is returned.
    pub fn absorb<T>(&mut self, r: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(ApiError::Fields(ps)) => {
                self.0.extend(ps);
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    /// `Ok` when nothing was recorded, else one `400` carrying everything.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Fields(self.0))
        }
    }
}
