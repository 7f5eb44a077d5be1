//! The request log and `GET /metrics` in Prometheus' text format (version 0.0.4): requests by
//! method, route and status, latency histograms by route, the writer's queue
//! and transactions, realtime subscribers, attachment and database bytes,
//! resident memory. Routes are the route table's patterns (never raw paths),
//! so the number of series stays bounded whatever clients request.
//!
//! Without `--metrics-token` only loopback clients may read it; with one,
//! anyone presenting `Authorization: Bearer <token>`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};

use crate::error::ApiError;
use crate::startup::AppState;

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// What the server counts between scrapes.
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Counts>,
}

/// By route pattern.
#[derive(Default)]
struct Counts {
    routes: HashMap<String, Route>,
}

#[derive(Default)]
struct Route {
    /// Requests by (method, status).
    answered: HashMap<(&'static str, u16), u64>,
    /// Cumulative bucket counts of the latency histogram.
    buckets: [u64; BUCKETS.len()],
    seconds: f64,
    count: u64,
}

impl Metrics {
    fn record(&self, method: &'static str, route: &str, status: u16, seconds: f64) {
        let mut c = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if !c.routes.contains_key(route) {
            c.routes.insert(route.to_owned(), Route::default());
        }
        let Some(r) = c.routes.get_mut(route) else { return };
        *r.answered.entry((method, status)).or_insert(0) += 1;
        for (bucket, le) in r.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= le {
                *bucket += 1;
            }
        }
        r.seconds += seconds;
        r.count += 1;
    }
}

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
    Ok(res)
}

/// A route pattern without its segments' regexes: `{id:\d+}` → `{id}`.
fn readable(pattern: &str) -> String {
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

/// A label value, escaped as the text format wants.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
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
        None => req.peer_addr().is_some_and(|a| a.ip().is_loopback()),
    };
    if !allowed {
        return Err(ApiError::AuthenticationFailed(
            "Metrics need the bearer token set with --metrics-token (or a loopback client when none is set)",
        ));
    }
    let db = state.db.clone();
    let attachment_bytes = state.db.read(crate::db::files::total_bytes).await?;
    let database_bytes: u64 = ["", "-wal"]
        .iter()
        .filter_map(|suffix| std::fs::metadata(format!("{}{suffix}", state.config.db_path().display())).ok())
        .map(|m| m.len())
        .sum();
    let writer = db.writer_stats();
    let mut out = String::with_capacity(8192);
    {
        let c = state.metrics.inner.lock().unwrap_or_else(|e| e.into_inner());
        let mut routes: Vec<_> = c.routes.iter().collect();
        routes.sort_by(|a, b| a.0.cmp(b.0));
        out.push_str("# HELP parley_http_requests_total HTTP requests answered, by method, route and status.\n");
        out.push_str("# TYPE parley_http_requests_total counter\n");
        for (route, r) in &routes {
            let mut answered: Vec<_> = r.answered.iter().collect();
            answered.sort();
            for ((method, status), n) in answered {
                let _ = writeln!(
                    out,
                    "parley_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                    label(route)
                );
            }
        }
        out.push_str(
            "# HELP parley_http_request_duration_seconds Time from a request's head to its answer, by route.\n",
        );
        out.push_str("# TYPE parley_http_request_duration_seconds histogram\n");
        for (route, r) in &routes {
            let (buckets, sum, count) = (&r.buckets, r.seconds, r.count);
            let route = label(route);
            for (le, n) in BUCKETS.iter().zip(buckets) {
                let _ =
                    writeln!(out, "parley_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{le}\"}} {n}");
            }
            let _ =
                writeln!(out, "parley_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {count}");
            let _ = writeln!(out, "parley_http_request_duration_seconds_sum{{route=\"{route}\"}} {sum}");
            let _ = writeln!(out, "parley_http_request_duration_seconds_count{{route=\"{route}\"}} {count}");
        }
    }
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
        "parley_realtime_subscribers",
        "gauge",
        "Open realtime subscriptions (SSE, WebSocket, Phoenix topics).",
        state.hub.subscriber_count().to_string(),
    );
    gauge("parley_attachment_bytes", "gauge", "Bytes of stored attachments.", attachment_bytes.to_string());
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
