//! The request log and `GET /metrics`: every request gets an id, one log
//! line and a count under its route's pattern ([`crate::metrics`]); the
//! scrape adds the writer's queue and transactions, realtime subscribers,
//! attachment and database bytes and resident memory.
//!
//! Without `--metrics-token` only loopback clients may read it; with one,
//! anyone presenting `Authorization: Bearer <token>`.

use std::fmt::Write as _;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};

use crate::error::ApiError;
use crate::state::AppState;

fn method_name(m: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        _ => "OTHER",
    }
}

/// Middleware: gives every request an id (the client's `X-Request-ID` when it
/// is a plain token of at most 64 characters, else a new one), answers with it
/// in `X-Request-ID`, counts the request under its route's pattern, and logs
/// one line for it (target `parley::request`): id, method, route, status,
/// milliseconds and how the caller identified. Never the path, the query or a
/// body, which may hold credentials or what customers wrote.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = method_name(req.method());
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        })
        .map_or_else(|| format!("{:016x}", rand::random::<u64>()), str::to_owned);
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let mut res = next.call(req).await?;
    let route = res.request().match_pattern().map_or_else(|| "unmatched".to_owned(), |p| readable(&p));
    let status = res.status().as_u16();
    let seconds = started.elapsed().as_secs_f64();
    if let Some(state) = state {
        state.metrics.record(method, &route, status, seconds);
    }
    let identity = res.request().extensions().get::<crate::auth::Caller>().map_or("none", |c| c.kind());
    tracing::info!(target: "parley::request", request_id = %id, method, route, status, ms = seconds * 1000.0, identity);
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&id) {
        res.headers_mut().insert(actix_web::http::header::HeaderName::from_static("x-request-id"), value);
    }
    // Every answer is what its Content-Type says: browsers must not guess.
    let headers = res.headers_mut();
    if !headers.contains_key(actix_web::http::header::X_CONTENT_TYPE_OPTIONS) {
        let nosniff = actix_web::http::header::HeaderValue::from_static("nosniff");
        headers.insert(actix_web::http::header::X_CONTENT_TYPE_OPTIONS, nosniff);
    }
    Ok(res)
}

/// A route pattern without its segments' regexes: `{id:\d+}` → `{id}`.
pub fn readable(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let (mut in_segment, mut skipping) = (false, false);
    for ch in pattern.chars() {
        match ch {
            '{' => in_segment = true,
            ':' if in_segment => skipping = true,
            '}' => (in_segment, skipping) = (false, false),
            _ => {}
        }
        if !skipping || ch == '}' {
            out.push(ch);
        }
    }
    out
}

/// `GET /metrics`.
pub async fn scrape(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let allowed = match &state.config.metrics_token {
        Some(token) => req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| crate::secret::matches(given.trim(), &crate::secret::digest(token))),
        // Behind a trusted proxy every peer is the proxy: judge the client it forwards for.
        None => req.peer_addr().is_some_and(|a| {
            crate::auth::credential::forwarded_client(a.ip(), req.headers(), &state.config.trusted_proxies)
                .is_loopback()
        }),
    };
    if !allowed {
        return Err(ApiError::AuthenticationFailed(
            "Metrics need the bearer token set with --metrics-token (or, when none is set, a client on this machine)",
        ));
    }
    let db = state.db.clone();
    let attachment_bytes = state.db.read(crate::db::files::total_bytes).await?;
    let mail = state.db.read(crate::db::mail::outbox::counts).await?;
    let size = |suffix: &str| {
        std::fs::metadata(format!("{}{suffix}", state.config.db_path().display())).map_or(0, |m| m.len())
    };
    let wal_bytes = size("-wal");
    let database_bytes = size("") + wal_bytes;
    let writer = db.writer_stats();
    let mut out = String::with_capacity(8192);
    state.metrics.write_requests(&mut out);
    let mut gauge = |name: &str, kind: &str, help: &str, value: String| {
        let _ = write!(out, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n");
    };
    gauge("parley_writer_queue_depth", "gauge", "Writes waiting for the writer.", writer.queued.to_string());
    gauge(
        "parley_writer_transactions_total",
        "counter",
        "Transactions the writer committed or rolled back.",
        writer.batches.to_string(),
    );
    gauge("parley_writer_writes_total", "counter", "Writes the writer ran.", writer.jobs.to_string());
    gauge(
        "parley_writer_largest_transaction",
        "gauge",
        "The most writes one transaction held.",
        writer.largest_batch.to_string(),
    );
    gauge(
        "parley_wal_frames",
        "gauge",
        "Pages the WAL held at the last checkpoint (it starts over once checkpointed whole).",
        writer.wal_frames.to_string(),
    );
    gauge(
        "parley_wal_bytes",
        "gauge",
        "Bytes of the WAL file now: under --wal-checkpoints external, whoever owns the WAL keeps it bounded.",
        wal_bytes.to_string(),
    );
    gauge(
        "parley_realtime_subscribers",
        "gauge",
        "Open realtime subscriptions (SSE, WebSocket, Phoenix topics).",
        state.hub.subscriber_count().to_string(),
    );
    gauge("parley_attachment_bytes", "gauge", "Bytes of stored attachments.", attachment_bytes.to_string());
    gauge("parley_mail_queued", "gauge", "Outgoing mails waiting to be sent.", mail.queued.to_string());
    gauge(
        "parley_mail_oldest_queued_seconds",
        "gauge",
        "How long the oldest outgoing mail has waited (0: none waits).",
        mail.oldest_seconds.to_string(),
    );
    gauge("parley_database_bytes", "gauge", "Bytes of the database file and its WAL.", database_bytes.to_string());
    if let Some(rss) = resident_bytes() {
        gauge("parley_process_resident_memory_bytes", "gauge", "Resident memory of the server.", rss.to_string());
    }
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(out))
}

/// The process's resident memory (Linux).
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: u64 = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?.split_whitespace().next()?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    #[test]
    fn routes_are_named_without_their_regexes() {
        assert_eq!(super::readable("/api/v1/conversations/{id:\\d+}"), "/api/v1/conversations/{id}");
        assert_eq!(
            super::readable("/api/v1/conversations/{id}/messages/{mid}"),
            "/api/v1/conversations/{id}/messages/{mid}"
        );
        assert_eq!(super::readable("/healthz"), "/healthz");
    }
}
