//! The email channel's throughput, and its independence from the relay.
//!
//! Starts the release `parley` binary (demo data, `--smtp-listen`) on free
//! loopback ports and reports, alternating the pairs (A B A B ...) over
//! `ROUNDS` rounds, medians with their spread:
//!
//! 1. inbound: `MAILS` mails of about 50 KB through the SMTP receiver on 10
//!    parallel sessions, beside the same number of `POST /messages` of the
//!    same text from 10 parallel clients: each per second, and their ratio;
//! 2. outbound: `MAILS` agent replies until every one is sent, through the
//!    file transport and through a local SMTP sink (aiosmtpd);
//! 3. a slow relay (a sink that takes 2 s per mail) against the file
//!    transport: the latency of `POST /messages` on a mail conversation
//!    (50th and 99th percentile), to show the relay never slows API writes.
//!
//! Needs `aiosmtpd` (Debian's python3-aiosmtpd). Everything stays on
//! 127.0.0.1 and stops by itself. `PARLEY_BENCH_BIN` measures another build.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[path = "support/mod.rs"]
mod support;
use support::{status_kib, Server};

const MAILS: usize = 200;
const SESSIONS: usize = 10;
const ROUNDS: usize = 5;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port()
}

fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out: {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

struct Parley {
    server: Server,
    base: String,
    smtp: u16,
    dir: tempfile::TempDir,
}

fn parley(extra: &[&str]) -> Parley {
    let dir = tempfile::tempdir().expect("dir");
    let (http, smtp) = (free_port(), free_port());
    let child =
        Command::new(std::env::var_os("PARLEY_BENCH_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_parley").into()))
            .args([
                "serve",
                "--demo",
                "--bind",
                &format!("127.0.0.1:{http}"),
                "--smtp-listen",
                &format!("127.0.0.1:{smtp}"),
            ])
            .args([
                "--messages-per-hour",
                "0",
                "--mail-per-address-per-hour",
                "0",
                "--mail-per-conversation-per-hour",
                "0",
            ])
            .args(["--smtp-sessions-per-address", "64"])
            .args(extra)
            .arg("--data-dir")
            .arg(dir.path())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("start parley");
    let base = format!("http://127.0.0.1:{http}");
    wait_for("parley starts", Duration::from_secs(30), || ureq::get(&format!("{base}/healthz")).call().is_ok());
    Parley { server: Server(child), base, smtp, dir }
}

fn session(base: &str, email: &str) -> String {
    let auth = base64_basic(&format!("{email}:brewfictus-demo"));
    let r: serde_json::Value = ureq::get(&format!("{base}/api/v1/session"))
        .set("Authorization", &format!("Basic {auth}"))
        .set("X-CSRF", "false")
        .call()
        .expect("sign in")
        .into_json()
        .expect("json");
    r["session_id"].as_str().expect("session").to_owned()
}

fn base64_basic(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// About 50 KB of text, in lines of 76.
fn fifty_kb() -> String {
    let line = "The grinder rattles when the hopper is more than half full; it started on Tuesday.";
    let mut out = String::new();
    while out.len() < 50_000 {
        out.push_str(&line[..76]);
        out.push_str("\r\n");
    }
    out
}

fn mail(round: usize, n: usize, body: &str) -> String {
    format!(
        "From: Customer {n} <customer{n}@example.net>\r\nTo: support@brewfictus.com\r\nSubject: Question {n}\r\n\
         Message-ID: <bench.{round}.{n}@example.net>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    )
}

fn reply(reader: &mut BufReader<TcpStream>) -> String {
    let mut all = String::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("read");
        all.push_str(&line);
        if line.len() < 4 || line.as_bytes()[3] != b'-' {
            return all;
        }
    }
}

/// One SMTP session sending `mails`.
fn smtp_session(port: u16, mails: Vec<String>) {
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let mut writer = stream.try_clone().expect("clone");
    let mut reader = BufReader::new(stream);
    reply(&mut reader);
    writer.write_all(b"EHLO bench.example\r\n").expect("ehlo");
    reply(&mut reader);
    for m in mails {
        for cmd in ["MAIL FROM:<customer@example.net>\r\n", "RCPT TO:<support@brewfictus.com>\r\n", "DATA\r\n"] {
            writer.write_all(cmd.as_bytes()).expect("write");
            let r = reply(&mut reader);
            assert!(r.starts_with('2') || r.starts_with('3'), "{cmd}: {r}");
        }
        writer.write_all(m.as_bytes()).expect("mail");
        writer.write_all(b"\r\n.\r\n").expect("end");
        let r = reply(&mut reader);
        assert!(r.starts_with("250"), "{r}");
    }
    writer.write_all(b"QUIT\r\n").expect("quit");
}

fn inbound(p: &Parley, round: usize, body: &str) -> f64 {
    let started = Instant::now();
    let handles: Vec<_> = (0..SESSIONS)
        .map(|s| {
            let mails: Vec<String> = (0..MAILS / SESSIONS).map(|i| mail(round, s * 1000 + i, body)).collect();
            let port = p.smtp;
            std::thread::spawn(move || smtp_session(port, mails))
        })
        .collect();
    handles.into_iter().for_each(|h| h.join().expect("session"));
    MAILS as f64 / started.elapsed().as_secs_f64()
}

fn posts(p: &Parley, who: &str, conversation: i64, body: &str) -> f64 {
    let started = Instant::now();
    let handles: Vec<_> = (0..SESSIONS)
        .map(|_| {
            let (base, who, body) = (p.base.clone(), who.to_owned(), body.to_owned());
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new().build();
                for _ in 0..MAILS / SESSIONS {
                    let r = agent
                        .post(&format!("{base}/api/v1/conversations/{conversation}/messages"))
                        .set("X-Session-ID", &who)
                        .send_json(serde_json::json!({ "contents": body }))
                        .expect("post");
                    assert_eq!(r.status(), 201);
                }
            })
        })
        .collect();
    handles.into_iter().for_each(|h| h.join().expect("client"));
    MAILS as f64 / started.elapsed().as_secs_f64()
}

fn queued(p: &Parley) -> i64 {
    let text = ureq::get(&format!("{}/metrics", p.base)).call().expect("metrics").into_string().expect("text");
    text.lines().find_map(|l| l.strip_prefix("parley_mail_queued ")).and_then(|v| v.parse().ok()).unwrap_or(-1)
}

/// `MAILS` agent replies on conversation `id`, until every one is sent: mails per second.
fn outbound(p: &Parley, agent: &str, id: i64) -> f64 {
    let started = Instant::now();
    let client = ureq::AgentBuilder::new().build();
    for n in 0..MAILS {
        let r = client
            .post(&format!("{}/api/v1/conversations/{id}/messages", p.base))
            .set("X-Session-ID", agent)
            .send_json(serde_json::json!({ "contents": format!("Reply {n}: please try descaling first.") }))
            .expect("post");
        assert_eq!(r.status(), 201);
    }
    wait_for("every mail is sent", Duration::from_secs(300), || queued(p) == 0);
    MAILS as f64 / started.elapsed().as_secs_f64()
}

/// Latencies of `n` sequential replies on conversation `id`.
fn latencies(p: &Parley, agent: &str, id: i64, n: usize) -> Vec<Duration> {
    let client = ureq::AgentBuilder::new().build();
    let mut out = Vec::new();
    for i in 0..n {
        let t = Instant::now();
        let r = client
            .post(&format!("{}/api/v1/conversations/{id}/messages", p.base))
            .set("X-Session-ID", agent)
            .send_json(serde_json::json!({ "contents": format!("Latency probe {i}") }))
            .expect("post");
        assert_eq!(r.status(), 201);
        out.push(t.elapsed());
    }
    out.sort();
    out
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
}

/// A mail conversation of the demo, started by a mail.
fn mail_conversation(p: &Parley, round: usize) -> i64 {
    smtp_session(p.smtp, vec![mail(1_000 + round, 0, "Hello")]);
    let db = rusqlite::Connection::open(p.dir.path().join("parley.db")).expect("db");
    db.query_row("SELECT conversation_id FROM mails ORDER BY id DESC LIMIT 1", [], |r| r.get(0)).expect("conversation")
}

/// aiosmtpd on a free port, with `handler` (a class path) and extra Python path.
fn sink(handler: &str, python_path: Option<&Path>) -> (Child, u16) {
    let port = free_port();
    let mut c = Command::new("aiosmtpd");
    c.args(["-n", "-l", &format!("127.0.0.1:{port}"), "-c", handler]).stdout(Stdio::null()).stderr(Stdio::null());
    if let Some(path) = python_path {
        c.env("PYTHONPATH", path);
    }
    let child = c.spawn().expect("aiosmtpd (python3-aiosmtpd) must be installed");
    wait_for("the sink listens", Duration::from_secs(20), || TcpStream::connect(("127.0.0.1", port)).is_ok());
    (child, port)
}

struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn spread(v: &[f64]) -> String {
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("{min:.1}–{max:.1}")
}

fn main() {
    let body = fifty_kb();
    let p = parley(&[]);
    let caryn = session(&p.base, "caryn@atmospherecoffee.com");
    let simon = session(&p.base, "simon@brewfictus.com");

    // 1. Inbound beside POST /messages.
    let (mut smtp, mut http, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let a = inbound(&p, round, &body);
        let b = posts(&p, &caryn, 1, &body);
        smtp.push(a);
        http.push(b);
        ratio.push(a / b);
    }
    println!("inbound, {MAILS} mails of 50 KB, {SESSIONS} sessions: SMTP {:.1} mails/s ({}), POST /messages {:.1}/s ({}), ratio {:.2} ({})",
        median(smtp.clone()), spread(&smtp), median(http.clone()), spread(&http), median(ratio.clone()), spread(&ratio));
    println!("the server's peak resident memory so far: {} MiB", status_kib(p.server.0.id(), "VmHWM:") / 1024);

    // 2. Outbound through the file transport and through a sink.
    let (sink_child, sink_port) = sink("aiosmtpd.handlers.Sink", None);
    let _sink = Killed(sink_child);
    let relay = format!("smtp://127.0.0.1:{sink_port}");
    let q = parley(&["--mail-transport", "smtp", "--smtp-relay", &relay]);
    let q_simon = session(&q.base, "simon@brewfictus.com");
    let (mut files, mut relayed) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let id = mail_conversation(&p, round);
        files.push(outbound(&p, &simon, id));
        let id = mail_conversation(&q, round);
        relayed.push(outbound(&q, &q_simon, id));
    }
    println!(
        "outbound, {MAILS} replies until sent: file transport {:.1} mails/s ({}), local SMTP sink {:.1} mails/s ({})",
        median(files.clone()),
        spread(&files),
        median(relayed.clone()),
        spread(&relayed)
    );

    // 3. A relay taking 2 s per mail never slows API writes.
    let handlers = tempfile::tempdir().expect("dir");
    std::fs::write(handlers.path().join("slow_sink.py"),
        "import asyncio\n\nclass Slow:\n    async def handle_DATA(self, server, session, envelope):\n        await asyncio.sleep(2)\n        return '250 OK'\n")
        .expect("handler");
    let (slow_child, slow_port) = sink("slow_sink.Slow", Some(handlers.path()));
    let _slow = Killed(slow_child);
    let slow_relay = format!("smtp://127.0.0.1:{slow_port}");
    let s = parley(&["--mail-transport", "smtp", "--smtp-relay", &slow_relay]);
    let s_simon = session(&s.base, "simon@brewfictus.com");
    let (mut slow50, mut slow99, mut file50, mut file99) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let id = mail_conversation(&s, round);
        let l = latencies(&s, &s_simon, id, 100);
        slow50.push(pct(&l, 0.5));
        slow99.push(pct(&l, 0.99));
        let id = mail_conversation(&p, 100 + round);
        let l = latencies(&p, &simon, id, 100);
        file50.push(pct(&l, 0.5));
        file99.push(pct(&l, 0.99));
    }
    println!("POST /messages on a mail conversation, 100 sequential: slow relay p50 {:.2} ms ({}) p99 {:.2} ms ({}); file transport p50 {:.2} ms ({}) p99 {:.2} ms ({}); p50 ratio {:.2}",
        median(slow50.clone()), spread(&slow50), median(slow99.clone()), spread(&slow99),
        median(file50.clone()), spread(&file50), median(file99.clone()), spread(&file99),
        median(slow50.clone()) / median(file50.clone()));
    println!("(the slow relay still holds {} mails: the API answered without waiting for it)", queued(&s));
}
