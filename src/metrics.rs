//! What the server counts between scrapes of `GET /metrics` (served by
//! `server::observe`), in memory: requests by method, route and status, and
//! latency histograms by route, written in Prometheus' text format (version
//! 0.0.4). Routes are the route table's patterns (never raw paths), so the
//! number of series stays bounded whatever clients request.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Mutex;

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
    /// Counts one answered request.
    pub fn record(&self, method: &'static str, route: &str, status: u16, seconds: f64) {
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

    /// Writes the request counters and latency histograms in the text format.
    pub fn write_requests(&self, out: &mut String) {
        let c = self.inner.lock().unwrap_or_else(|e| e.into_inner());
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
}

/// A label value, escaped as the text format wants.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}
