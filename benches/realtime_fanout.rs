//! Realtime fan-out: 2,000 concurrent SSE subscribers on one conversation.
//!
//! Starts the release `parley` binary on a free loopback port, opens
//! `SUBSCRIBERS` Server-Sent Events connections to one conversation's channel,
//! posts `MESSAGES` messages one after another, and reports the delay from
//! sending each POST to each subscriber receiving it (50th and 99th
//! percentile over every delivery), and the server's resident memory per
//! subscriber. Linux only (reads `/proc`). Everything stays on 127.0.0.1.
//! `PARLEY_BENCH_BIN` measures another build of `parley` (e.g. an older one).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const SUBSCRIBERS: usize = 2_000;
const MESSAGES: usize = 20;

#[path = "support/mod.rs"]
mod support;
use support::{status_kib, Server};

fn rss_bytes(pid: u32) -> u64 {
    status_kib(pid, "VmRSS:") * 1024
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

#[tokio::main]
async fn main() {
    rlimit::increase_nofile_limit(u64::MAX).expect("raise the open-file limit");
    let dir = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port();
    let addr = format!("127.0.0.1:{port}");
    let server = Server(
        std::process::Command::new(
            std::env::var_os("PARLEY_BENCH_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_parley").into()),
        )
        .args(["serve", "--demo", "--bind", &addr])
        .arg("--data-dir")
        .arg(dir.path())
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start parley"),
    );
    let pid = server.0.id();
    let base = format!("http://{addr}");
    let http = ureq::AgentBuilder::new().timeout(Duration::from_secs(60)).build();
    let deadline = Instant::now() + Duration::from_secs(30);
    while http.get(&format!("{base}/healthz")).call().is_err() {
        assert!(Instant::now() < deadline, "server did not come up");
        std::thread::sleep(Duration::from_millis(50));
    }
    let login = |basic: &str| -> String {
        let r = http
            .get(&format!("{base}/api/v1/conversations"))
            .set("Authorization", &format!("Basic {basic}"))
            .set("X-CSRF", "false")
            .call()
            .expect("login");
        r.into_json::<serde_json::Value>().expect("json")["session_id"].as_str().expect("session").to_owned()
    };
    // caryn@atmospherecoffee.com / simon@brewfictus.com, password brewfictus-demo
    let caryn = login("Y2FyeW5AYXRtb3NwaGVyZWNvZmZlZS5jb206YnJld2ZpY3R1cy1kZW1v");
    let simon = login("c2ltb25AYnJld2ZpY3R1cy5jb206YnJld2ZpY3R1cy1kZW1v");
    let conversation: serde_json::Value = http
        .get(&format!("{base}/api/v1/conversations/1"))
        .set("X-Session-ID", &caryn)
        .call()
        .expect("conversation")
        .into_json()
        .expect("json");
    let channel = conversation["data"]["realtime_channel"].as_str().expect("channel").to_owned();
    // Warm the server's paths once before measuring idle memory.
    http.post(&format!("{base}/api/v1/conversations/1/messages"))
        .set("X-Session-ID", &simon)
        .send_form(&[("contents", "warm-up")])
        .expect("warm-up");
    let idle = rss_bytes(pid);

    let sent_at: Arc<Mutex<Vec<Option<Instant>>>> = Arc::new(Mutex::new(vec![None; MESSAGES]));
    let delays: Arc<Mutex<Vec<Duration>>> = Arc::new(Mutex::new(Vec::with_capacity(SUBSCRIBERS * MESSAGES)));
    let ready = Arc::new(AtomicUsize::new(0));
    let received = Arc::new(AtomicUsize::new(0));
    let connect_started = Instant::now();
    let query = serde_urlencoded::to_string([("channel", channel.as_str())]).expect("query");
    for _ in 0..SUBSCRIBERS {
        let (addr, query, caryn) = (addr.clone(), query.clone(), caryn.clone());
        let (sent_at, delays, ready, received) = (sent_at.clone(), delays.clone(), ready.clone(), received.clone());
        tokio::spawn(async move {
            let mut stream = loop {
                match TcpStream::connect(&addr).await {
                    Ok(s) => break s,
                    Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                }
            };
            let request = format!(
                "GET /api/v1/realtime?{query} HTTP/1.1\r\nHost: {addr}\r\nX-Session-ID: {caryn}\r\nAccept: text/event-stream\r\n\r\n"
            );
            stream.write_all(request.as_bytes()).await.expect("request");
            let mut lines = BufReader::new(stream).lines();
            let mut got = 0;
            while let Ok(Some(line)) = lines.next_line().await {
                if line.starts_with(": connected") {
                    ready.fetch_add(1, Ordering::SeqCst);
                }
                if let Some(at) = line.find("\"content_text\":\"bench-") {
                    let rest = &line[at + 22..];
                    let i: usize = rest[..rest.find('"').unwrap_or(0)].parse().unwrap_or(usize::MAX);
                    let now = Instant::now();
                    if let Some(Some(sent)) = sent_at.lock().expect("lock").get(i).copied() {
                        delays.lock().expect("lock").push(now - sent);
                    }
                    received.fetch_add(1, Ordering::SeqCst);
                    got += 1;
                    if got == MESSAGES {
                        return;
                    }
                }
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while ready.load(Ordering::SeqCst) < SUBSCRIBERS {
        assert!(Instant::now() < deadline, "only {} subscribers connected", ready.load(Ordering::SeqCst));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let connect_time = connect_started.elapsed();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let subscribed = rss_bytes(pid);

    for i in 0..MESSAGES {
        let http = http.clone();
        let simon = simon.clone();
        let url = format!("{base}/api/v1/conversations/1/messages");
        sent_at.lock().expect("lock")[i] = Some(Instant::now());
        tokio::task::spawn_blocking(move || {
            http.post(&url).set("X-Session-ID", &simon).send_form(&[("contents", &format!("bench-{i}"))]).expect("post")
        })
        .await
        .expect("post task");
        // Let this message reach everyone before the next, so each delay is one fan-out.
        let want = (i + 1) * SUBSCRIBERS;
        let deadline = Instant::now() + Duration::from_secs(60);
        while received.load(Ordering::SeqCst) < want {
            assert!(
                Instant::now() < deadline,
                "message {i} reached only {} deliveries",
                received.load(Ordering::SeqCst)
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    let mut all = delays.lock().expect("lock").clone();
    all.sort();
    let per_subscriber = subscribed.saturating_sub(idle) as f64 / SUBSCRIBERS as f64;
    println!("realtime_fanout: {SUBSCRIBERS} SSE subscribers on one conversation, {MESSAGES} messages");
    println!("  connect all subscribers   {:>8.0} ms", connect_time.as_secs_f64() * 1000.0);
    println!("  deliveries measured       {:>8}", all.len());
    println!("  POST -> delivery p50      {:>8.1} ms", percentile(&all, 0.50).as_secs_f64() * 1000.0);
    println!("  POST -> delivery p99      {:>8.1} ms", percentile(&all, 0.99).as_secs_f64() * 1000.0);
    println!("  POST -> delivery max      {:>8.1} ms", all.last().copied().unwrap_or_default().as_secs_f64() * 1000.0);
    println!("  server RSS idle           {:>8.1} MiB", idle as f64 / 1048576.0);
    println!("  server RSS subscribed     {:>8.1} MiB", subscribed as f64 / 1048576.0);
    println!("  memory per subscriber     {:>8.1} KiB", per_subscriber / 1024.0);
    drop(server);
}
