//! `GET /metrics`: Prometheus' text format, counted under route patterns
//! (never raw paths), gauges of the writer, realtime and storage, and who may
//! read it.

use std::collections::HashMap;

use serde_json::json;

use crate::helpers::*;

/// Every sample of a scrape: `name{labels}` → value.
fn samples(text: &str) -> HashMap<String, f64> {
    let mut out = HashMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let (key, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("not a sample: {line}"));
        let name_end = key.find('{').unwrap_or(key.len());
        assert!(key[..name_end].chars().all(|c| c.is_ascii_lowercase() || c == '_'), "metric name in {line}");
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("value of {line}"));
        out.insert(key.to_owned(), value);
    }
    out
}

#[test]
fn metrics_count_requests_by_route_and_report_the_writer_and_storage() {
    let app = spawn_demo();
    let simon = app.session("simon@brewfictus.com");
    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/conversations/1").session(&simon).send().status, 200);
    }
    assert_eq!(app.get("/api/v1/conversations/424242").session(&simon).send().status, 404);
    assert_eq!(app.get("/api/v1/no-such-thing-7f3a").send().status, 404);
    let posted =
        app.post("/api/v1/conversations/1/messages").session(&simon).json(&json!({"contents": "Counted"})).send();
    assert_eq!(posted.status, 201);

    let (status, headers, body) = app.get("/metrics").send_bytes();
    assert_eq!(status, 200);
    assert!(headers.get("content-type").is_some_and(|t| t.starts_with("text/plain; version=0.0.4")), "{headers:?}");
    let text = String::from_utf8(body).expect("text");
    let s = samples(&text);
    let route = "route=\"/api/v1/conversations/{id}\"";
    assert_eq!(s[&format!("parley_http_requests_total{{method=\"GET\",{route},status=\"200\"}}")], 3.0, "{text}");
    assert_eq!(s[&format!("parley_http_requests_total{{method=\"GET\",{route},status=\"404\"}}")], 1.0);
    assert_eq!(s[&format!("parley_http_request_duration_seconds_count{{{route}}}")], 4.0);
    assert_eq!(s[&format!("parley_http_request_duration_seconds_bucket{{{route},le=\"+Inf\"}}")], 4.0);
    // Buckets only grow.
    let mut last = 0.0;
    for le in ["0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "10"] {
        let n = s[&format!("parley_http_request_duration_seconds_bucket{{{route},le=\"{le}\"}}")];
        assert!(n >= last, "bucket {le}");
        last = n;
    }
    // Whatever a client asks for, series are named by route patterns only.
    assert!(!text.contains("no-such-thing"), "{text}");
    assert!(!text.contains("424242"));
    assert_eq!(s["parley_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}"], 1.0);
    assert!(s["parley_writer_writes_total"] >= 1.0);
    assert!(s["parley_writer_transactions_total"] >= 1.0);
    assert_eq!(s["parley_writer_queue_depth"], 0.0);
    assert!(s.contains_key("parley_wal_frames"));
    let stored: i64 = app
        .db()
        .query_row(
            "SELECT (SELECT COALESCE(SUM(size), 0) FROM files) + (SELECT COALESCE(SUM(size), 0) FROM thumbnails)",
            [],
            |r| r.get(0),
        )
        .expect("bytes");
    assert!(stored > 0);
    assert_eq!(s["parley_attachment_bytes"], stored as f64);
    assert!(s["parley_database_bytes"] > 0.0);
    assert!(s["parley_process_resident_memory_bytes"] > 0.0);
    assert!(s.contains_key("parley_realtime_subscribers"));
}

#[test]
fn a_metrics_token_is_asked_for_when_set() {
    let app = spawn_with(true, |c| c.metrics_token = Some("scrape-me-7".into()));
    let r = app.get("/metrics").send();
    assert_eq!(r.error_codes(), ["AUTHENTICATION_FAILED"]);
    let r = app.get("/metrics").header("Authorization", "Bearer wrong").send();
    assert_eq!(r.status, 401);
    let (status, _, body) = app.get("/metrics").header("Authorization", "Bearer scrape-me-7").send_bytes();
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("parley_writer_queue_depth"));
}
