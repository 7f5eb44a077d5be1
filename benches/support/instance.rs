//! What the benchmarks on the generated instance share (`parley gen
//! --conversations 100000 --messages 1000000`, made once into
//! `target/bench-search/` and reused until the schema changes): starting
//! Parley on it pinned to one core, copies, posting replies, percentiles.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::Server;

const SIMON: &str = "simon@brewfictus.com";
const PASSWORD: &str = "brewfictus-demo";

pub fn binary() -> PathBuf {
    std::env::var_os("PARLEY_BENCH_BIN").map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_parley")), PathBuf::from)
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port()
}

pub fn option(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

pub struct Parley {
    _server: Server,
    pub base: String,
    pub session: String,
}

/// Starts Parley on `dir`, pinned to core 0 with one worker; waits for `/healthz`.
pub fn start(dir: &Path) -> (Parley, Duration) {
    let port = free_port();
    let mut cmd = Command::new("taskset");
    cmd.args(["-c", "0"]).arg(binary());
    cmd.args(["serve", "--workers", "1", "--bind", &format!("127.0.0.1:{port}"), "--messages-per-hour", "0"])
        .arg("--data-dir")
        .arg(dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null());
    let started = Instant::now();
    let server = Server(cmd.spawn().expect("start parley (needs taskset)"));
    let base = format!("http://127.0.0.1:{port}");
    let http = ureq::AgentBuilder::new().timeout(Duration::from_secs(5)).build();
    while http.get(&format!("{base}/healthz")).call().is_err() {
        assert!(started.elapsed() < Duration::from_secs(900), "parley did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    let ready = started.elapsed();
    let session = sign_in(&base);
    (Parley { _server: server, base, session }, ready)
}

/// Signs Simon in at `base` with Basic (CSRF off); the session id.
pub fn sign_in(base: &str) -> String {
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{SIMON}:{PASSWORD}"));
    let signed: Value = ureq::get(&format!("{base}/api/v1/session"))
        .set("Authorization", &format!("Basic {basic}"))
        .set("X-CSRF", "false")
        .call()
        .expect("sign in")
        .into_json()
        .expect("json");
    signed["session_id"].as_str().expect("session").to_owned()
}

/// The generated instance, made once.
pub fn generated() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-search");
    let db = dir.join("parley.db");
    let version = rusqlite::Connection::open(&db)
        .and_then(|c| c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)))
        .unwrap_or(0);
    if version != parley::db::migrate::VERSION {
        let _ = std::fs::remove_dir_all(&dir);
        eprintln!("generating 100,000 conversations and 1,000,000 messages once, into {}", dir.display());
        let ok = Command::new(binary()).args(["gen", "--data-dir"]).arg(&dir).status().expect("parley gen");
        assert!(ok.success(), "parley gen failed");
    }
    dir
}

pub fn copy_instance(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to.join("attachments")).expect("dir");
    let src = rusqlite::Connection::open(from.join("parley.db")).expect("open");
    src.execute("VACUUM INTO ?1", [to.join("parley.db").to_string_lossy()]).expect("copy");
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

pub fn median_spread(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (percentile(&v, 0.5), v[0], v[v.len() - 1])
}

/// Messages per second from 10 clients posting `posts` replies.
pub fn posting(dir: &Path, posts: usize) -> f64 {
    let (parley, _) = start(dir);
    let open: Vec<i64> = {
        let c = rusqlite::Connection::open(dir.join("parley.db")).expect("open");
        let mut stmt = c
            .prepare(
                "SELECT c.id FROM conversations c JOIN case_statuses s ON s.id = c.status_id
                  WHERE s.type <> 'CLOSED' ORDER BY c.id DESC LIMIT 50",
            )
            .expect("q");
        stmt.query_map([], |r| r.get(0)).expect("rows").collect::<Result<_, _>>().expect("ids")
    };
    let started = Instant::now();
    std::thread::scope(|s| {
        for client in 0..10 {
            let (parley, open) = (&parley, &open);
            s.spawn(move || {
                let http = ureq::agent();
                for n in (client..posts).step_by(10) {
                    let id = open[n % open.len()];
                    http.post(&format!("{}/api/v1/conversations/{id}/messages", parley.base))
                        .set("X-Session-ID", &parley.session)
                        .send_json(serde_json::json!({"contents": format!("Benchmark reply {n} about the grinder burrs and the descaling visit")}))
                        .expect("post");
                }
            });
        }
    });
    posts as f64 / started.elapsed().as_secs_f64()
}

/// `a` and `b` run in turn `rounds` times: the medians (with their spread) of
/// each and of their ratio, as `[(median, lowest, highest); 3]`.
pub fn alternated(rounds: usize, mut a: impl FnMut() -> f64, mut b: impl FnMut() -> f64) -> [(f64, f64, f64); 3] {
    let (mut xs, mut ys, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let (x, y) = (a(), b());
        xs.push(x);
        ys.push(y);
        ratios.push(x / y);
    }
    [median_spread(xs), median_spread(ys), median_spread(ratios)]
}
