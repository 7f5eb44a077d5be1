//! Peak server memory while receiving a 20 MiB attachment.
//!
//! Starts the release `parley` binary on a free loopback port with its own data
//! directory, warms it up, resets its peak-RSS counter (`/proc/<pid>/clear_refs`),
//! streams 20 MiB uploads to `POST /api/v1/files`, and reports the peak resident
//! memory above idle. The target is under 64 MiB: uploads are streamed to disk,
//! never held whole in memory. Linux only (reads `/proc`).
//! `PARLEY_BENCH_BIN` measures another build of `parley` (e.g. an older one).

use std::io::Read;
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "support/mod.rs"]
mod support;
use support::{status_kib, Server};

const MIB: u64 = 1024 * 1024;
const UPLOAD: u64 = 20 * MIB;
const TARGET: u64 = 64 * MIB;
const ROUNDS: usize = 3;

/// A `Read` that yields `len` bytes of a repeating pattern without holding them.
struct Pattern {
    prefix: Vec<u8>,
    body_left: u64,
    suffix: Vec<u8>,
    pos: usize,
}

impl Read for Pattern {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pos < self.prefix.len() {
            let n = buf.len().min(self.prefix.len() - self.pos);
            buf[..n].copy_from_slice(&self.prefix[self.pos..self.pos + n]);
            self.pos += n;
            return Ok(n);
        }
        if self.body_left > 0 {
            let n = (buf.len() as u64).min(self.body_left) as usize;
            for (i, b) in buf[..n].iter_mut().enumerate() {
                *b = (i % 251) as u8;
            }
            self.body_left -= n as u64;
            return Ok(n);
        }
        let done = self.pos - self.prefix.len();
        let n = buf.len().min(self.suffix.len() - done);
        buf[..n].copy_from_slice(&self.suffix[done..done + n]);
        self.pos += n;
        Ok(n)
    }
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
    let server = Server(
        Command::new(std::env::var_os("PARLEY_BENCH_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_parley").into()))
            .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}"), "--workers", "2"])
            .arg("--data-dir")
            .arg(dir.path())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("start parley"),
    );
    let pid = server.0.id();
    let base = format!("http://127.0.0.1:{port}");
    let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(120)).build();
    let deadline = Instant::now() + Duration::from_secs(30);
    while agent.get(&format!("{base}/healthz")).call().is_err() {
        assert!(Instant::now() < deadline, "server did not come up");
        std::thread::sleep(Duration::from_millis(50));
    }
    let login = agent
        .get(&format!("{base}/api/v1/conversations"))
        .set("Authorization", "Basic Y2FyeW5AYXRtb3NwaGVyZWNvZmZlZS5jb206YnJld2ZpY3R1cy1kZW1v")
        .set("X-CSRF", "false")
        .call()
        .expect("login");
    let session =
        login.into_json::<serde_json::Value>().expect("json")["session_id"].as_str().expect("session").to_owned();

    let upload = |size: u64| {
        let boundary = "benchboundary0123456789";
        let prefix = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"content\"; filename=\"big.bin\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        let suffix = format!("\r\n--{boundary}--\r\n").into_bytes();
        let len = prefix.len() as u64 + size + suffix.len() as u64;
        let body = Pattern { prefix, body_left: size, suffix, pos: 0 };
        let started = Instant::now();
        let r = agent
            .post(&format!("{base}/api/v1/files"))
            .set("X-Session-ID", &session)
            .set("Content-Type", &format!("multipart/form-data; boundary={boundary}"))
            .set("Content-Length", &len.to_string())
            .send(body)
            .expect("upload");
        assert_eq!(r.status(), 201);
        started.elapsed()
    };

    // Warm up: every code path once, so that idle includes the allocator's working set.
    for _ in 0..3 {
        upload(MIB);
    }
    let idle = status_kib(pid, "VmRSS:") * 1024;
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").expect("reset peak RSS (Linux clear_refs)");

    let mut times = Vec::new();
    for _ in 0..ROUNDS {
        times.push(upload(UPLOAD));
    }
    let peak = status_kib(pid, "VmHWM:") * 1024;
    let above = peak.saturating_sub(idle);
    let best = times.iter().min().copied().unwrap_or_default();
    println!("upload_memory: {ROUNDS} uploads of {} MiB each", UPLOAD / MIB);
    println!("  idle RSS        {:>8.1} MiB", idle as f64 / MIB as f64);
    println!("  peak RSS        {:>8.1} MiB", peak as f64 / MIB as f64);
    println!("  peak above idle {:>8.1} MiB (target < {} MiB)", above as f64 / MIB as f64, TARGET / MIB);
    println!(
        "  fastest upload  {:>8.1} ms ({:.0} MiB/s, fsync included)",
        best.as_secs_f64() * 1000.0,
        (UPLOAD / MIB) as f64 / best.as_secs_f64()
    );
    println!("  peak above idle / upload size = {:.3}", above as f64 / UPLOAD as f64);
    if above >= TARGET {
        println!("FAILED: peak above idle is over the target");
        std::process::exit(1);
    }
    println!("ok: peak above idle is under the target");
}
