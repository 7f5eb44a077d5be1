//! Server memory and responsiveness under a burst of bad sign-ins.
//!
//! Each sign-in check runs argon2id in 19 MiB of working memory, so a burst of
//! them is the cheapest way to make a password server allocate. Starts the
//! release `parley` (or the binary in `PARLEY_BENCH_BINARY`, to compare with
//! another build) on a free loopback port, signs in once to warm up, then
//! sends bursts of 80 parallel wrong sign-ins:
//!
//! 1. one address, 80 unknown accounts (what any client can do);
//! 2. 80 addresses (`X-Forwarded-For` through a trusted proxy), 80 accounts:
//!    no throttle applies, only the bound on concurrent hashing.
//!
//! and prints the answers, the peak resident memory above idle, what stays
//! resident afterwards, and the slowest `/healthz` answered during each burst.
//! Targets: peak above idle under 64 MiB, retained under 32 MiB. Linux only.

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[path = "support/mod.rs"]
mod support;
use support::{status_kib, Server};

const MIB: f64 = 1024.0 * 1024.0;
const BURST: usize = 80;
const PEAK_TARGET: f64 = 64.0;
const KEPT_TARGET: f64 = 32.0;

fn basic(email: &str, password: &str) -> String {
    use base64::Engine;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{email}:{password}")))
}

/// One burst; returns (401s, 429s, other, slowest health probe).
fn burst(base: &str, distinct_addresses: bool, round: usize) -> (usize, usize, usize, Duration) {
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        let probe = s.spawn(|| {
            let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(120)).build();
            let mut slowest = Duration::ZERO;
            while !done.load(Ordering::Relaxed) {
                let t = Instant::now();
                let _ = agent.get(&format!("{base}/healthz")).call();
                slowest = slowest.max(t.elapsed());
                std::thread::sleep(Duration::from_millis(20));
            }
            slowest
        });
        let handles: Vec<_> = (0..BURST)
            .map(|i| {
                s.spawn(move || {
                    let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(120)).build();
                    let mut r = agent
                        .get(&format!("{base}/api/v1/conversations"))
                        .set("Authorization", &basic(&format!("nobody{round}-{i}@example.org"), "guess"));
                    if distinct_addresses {
                        r = r.set("X-Forwarded-For", &format!("10.{round}.{}.{}", i / 250, i % 250 + 1));
                    }
                    match r.call() {
                        Ok(resp) => resp.status(),
                        Err(ureq::Error::Status(code, _)) => code,
                        Err(_) => 0,
                    }
                })
            })
            .collect();
        let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().expect("thread")).collect();
        done.store(true, Ordering::Relaxed);
        let slowest = probe.join().expect("probe");
        let count = |code: u16| statuses.iter().filter(|s| **s == code).count();
        (count(401), count(429), BURST - count(401) - count(429), slowest)
    })
}

fn main() {
    let binary = std::env::var("PARLEY_BENCH_BINARY").unwrap_or_else(|_| env!("CARGO_BIN_EXE_parley").to_owned());
    let dir = tempfile::tempdir().expect("temp dir");
    let port = TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
    let mut command = Command::new(&binary);
    command
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}"), "--workers", "2"])
        .arg("--data-dir")
        .arg(dir.path())
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if std::env::var("PARLEY_BENCH_BINARY").is_err() {
        command.args(["--trusted-proxies", "127.0.0.1"]);
    }
    let server = Server(command.spawn().expect("start parley"));
    let pid = server.0.id();
    let base = format!("http://127.0.0.1:{port}");
    let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(60)).build();
    let deadline = Instant::now() + Duration::from_secs(30);
    while agent.get(&format!("{base}/healthz")).call().is_err() {
        assert!(Instant::now() < deadline, "server did not come up");
        std::thread::sleep(Duration::from_millis(50));
    }
    // Warm up: one good sign-in, so idle includes one hash's working memory.
    let ok = agent
        .get(&format!("{base}/api/v1/conversations"))
        .set("Authorization", &basic("simon@brewfictus.com", "brewfictus-demo"))
        .call()
        .expect("sign in");
    assert_eq!(ok.status(), 200);
    let idle = status_kib(pid, "VmRSS:") as f64 * 1024.0;
    println!("signin_memory: {BURST} parallel wrong sign-ins per burst, binary {binary}");
    println!("  idle RSS {:.1} MiB", idle / MIB);
    let mut failed = false;
    for (round, (label, distinct)) in
        [("one address, 80 accounts", false), ("80 addresses, 80 accounts", true)].into_iter().enumerate()
    {
        std::fs::write(format!("/proc/{pid}/clear_refs"), "5").expect("reset peak RSS (Linux clear_refs)");
        let started = Instant::now();
        let (checked, refused, other, slowest) = burst(&base, distinct, round);
        let took = started.elapsed();
        let peak = status_kib(pid, "VmHWM:") as f64 * 1024.0;
        let kept = status_kib(pid, "VmRSS:") as f64 * 1024.0;
        println!(
            "  burst \"{label}\": {checked} checked (401), {refused} refused (429), {other} other, in {:.2} s",
            took.as_secs_f64()
        );
        println!("    peak above idle      {:>7.1} MiB (target < {PEAK_TARGET} MiB)", (peak - idle) / MIB);
        println!("    retained above idle  {:>7.1} MiB (target < {KEPT_TARGET} MiB)", (kept - idle) / MIB);
        println!("    slowest /healthz     {:>7.1} ms", slowest.as_secs_f64() * 1000.0);
        failed |= (peak - idle) / MIB >= PEAK_TARGET || (kept - idle) / MIB >= KEPT_TARGET;
    }
    if failed {
        println!("FAILED: memory over a target");
        std::process::exit(1);
    }
    println!("ok: memory stays bounded under sign-in bursts");
}
