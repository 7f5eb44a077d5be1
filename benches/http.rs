//! The HTTP benchmark: Parley's requests beside the ceilings of this machine.
//!
//! `cargo bench --bench http` starts the release `parley` on a fresh demo data
//! directory, pinned to core 0 (`taskset`), and loads it with `wrk` pinned to
//! core 1. Every scenario runs `--rounds` times, each round next to the
//! ceilings it is compared with, measured by this same binary:
//!
//! - the HTTP ceiling: a bare actix-web handler (one worker, same core)
//!   returning the bytes Parley answers for `GET /conversations/1`;
//! - the storage ceiling: a plain rusqlite loop doing Parley's add-message
//!   (the statements `POST /conversations/:id/messages` runs, through the
//!   library's own functions: the conversation's check, the message, the
//!   conversation's summary, participant, read marker and event) once per
//!   `BEGIN IMMEDIATE … COMMIT` at `synchronous=NORMAL`, on the demo data,
//!   with SQLite's own checkpoints; beside it, for reference, the same at
//!   `FULL` and a bare message row per transaction (the stricter ceiling
//!   earlier runs used).
//!
//! It prints one table (median and spread over the rounds), then json-server
//! 0.17 on the same data where `node` and `npm` are installed, then the scale
//! check on `parley gen --conversations 100000 --messages 1000000`.
//! Needs `wrk` and `taskset` (Debian: `apt-get install wrk util-linux`).
//! Options: `--seconds N` per run (5), `--rounds N` (3), `--skip-scale`,
//! `--skip-json-server`; `PARLEY_BENCH_BIN` measures another build.
//! Everything stays on 127.0.0.1.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

#[path = "support/instance.rs"]
#[allow(dead_code)] // only the sign-in is used here
mod instance;
#[path = "support/mod.rs"]
mod support;
use support::{status_kib, Server};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--ceiling-http") => return ceiling_http(args[1].parse().expect("port"), Path::new(&args[2])),
        Some("--ceiling-storage") => {
            let work = if args[4] == "row" { CeilingWork::Row } else { CeilingWork::AddMessage };
            return ceiling_storage(Path::new(&args[1]), args[2].parse().expect("seconds"), &args[3], work);
        }
        _ => {}
    }
    let options = Options::parse(&args);
    let bench = Bench::new(options);
    bench.run();
}

/// Command-line options.
struct Options {
    seconds: u32,
    rounds: usize,
    scale: bool,
    json_server: bool,
}

impl Options {
    fn parse(args: &[String]) -> Options {
        let mut o = Options { seconds: 5, rounds: 3, scale: true, json_server: true };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--seconds" => o.seconds = it.next().and_then(|v| v.parse().ok()).expect("--seconds N"),
                "--rounds" => o.rounds = it.next().and_then(|v| v.parse().ok()).expect("--rounds N"),
                "--skip-scale" => o.scale = false,
                "--skip-json-server" => o.json_server = false,
                _ => {} // `cargo bench` adds `--bench`
            }
        }
        o
    }
}

/// What one `wrk` run measured.
#[derive(Debug, Clone, Copy, Default)]
struct Run {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
    peak_rss_mib: f64,
}

/// Where processes go: the server's core and the load generator's.
struct Pinning {
    server: Vec<String>,
    load: Vec<String>,
    note: String,
}

impl Pinning {
    fn detect() -> Pinning {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let taskset = Command::new("taskset").arg("--version").stdout(Stdio::null()).status().is_ok();
        if cores >= 2 && taskset {
            let pin = |core: &str| vec!["taskset".into(), "-c".into(), core.into()];
            Pinning {
                server: pin("0"),
                load: pin("1"),
                note: format!("{cores} cores: server on core 0, wrk on core 1"),
            }
        } else {
            Pinning { server: vec![], load: vec![], note: format!("{cores} core(s), not pinned") }
        }
    }

    fn command(prefix: &[String], program: &Path) -> Command {
        match prefix.split_first() {
            Some((first, rest)) => {
                let mut c = Command::new(first);
                c.args(rest).arg(program);
                c
            }
            None => Command::new(program),
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port()
}

fn wait_ready(url: &str, within: Duration) -> Duration {
    let started = Instant::now();
    let http = ureq::AgentBuilder::new().timeout(Duration::from_secs(2)).build();
    loop {
        if http.get(url).call().is_ok() {
            return started.elapsed();
        }
        assert!(started.elapsed() < within, "{url} did not answer within {within:?}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A running Parley with an agent session.
struct Parley {
    server: Server,
    base: String,
    session: String,
    started_in: Duration,
}

fn parley_binary() -> PathBuf {
    std::env::var_os("PARLEY_BENCH_BIN").map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_parley")), PathBuf::from)
}

fn start_parley(pin: &Pinning, data_dir: &Path, demo: bool) -> Parley {
    let port = free_port();
    let mut cmd = Pinning::command(&pin.server, &parley_binary());
    cmd.args(["serve", "--workers", "1", "--bind", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(data_dir)
        // The benchmark is one client sending as much as it can; spam limits would refuse it.
        .args(["--conversations-per-hour-per-address", "0", "--conversations-per-hour-per-device", "0"])
        .args(["--messages-per-hour", "0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null());
    if demo {
        cmd.arg("--demo");
    }
    let started = Instant::now();
    let server = Server(cmd.spawn().expect("start parley"));
    let base = format!("http://127.0.0.1:{port}");
    wait_ready(&format!("{base}/healthz"), Duration::from_secs(60));
    let started_in = started.elapsed();
    let session = instance::sign_in(&base);
    Parley { server, base, session, started_in }
}

impl Parley {
    fn pid(&self) -> u32 {
        self.server.0.id()
    }

    fn get(&self, path: &str) -> Value {
        ureq::get(&format!("{}{path}", self.base))
            .set("X-Session-ID", &self.session)
            .call()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
            .into_json()
            .expect("json")
    }
}

/// A wrk Lua script: request setup plus a `done` that prints one parseable line.
fn lua(body: &str) -> String {
    format!(
        "{body}\n\
         done = function(summary, latency, requests)\n\
           local e = summary.errors\n\
           io.write(string.format(\"WRK %d %d %.0f %.0f %d\\n\", summary.requests, summary.duration,\n\
             latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))\n\
         end\n"
    )
}

fn header_lua(headers: &[(&str, &str)]) -> String {
    headers.iter().map(|(k, v)| format!("wrk.headers[\"{k}\"] = \"{v}\"\n")).collect()
}

/// Runs wrk for `seconds` with `connections` against `url`, sampling `pid`'s memory.
fn wrk(pin: &Pinning, dir: &Path, script: &str, url: &str, connections: u32, seconds: u32, pid: u32) -> Run {
    static N: AtomicU64 = AtomicU64::new(0);
    let path = dir.join(format!("script-{}.lua", N.fetch_add(1, Ordering::SeqCst)));
    std::fs::write(&path, script).expect("write script");
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut peak = 0;
            while !stop.load(Ordering::SeqCst) {
                if std::fs::metadata(format!("/proc/{pid}")).is_ok() {
                    peak = peak.max(status_kib(pid, "VmRSS:"));
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            peak
        })
    };
    let out = Pinning::command(&pin.load, Path::new("wrk"))
        .args(["-t1", &format!("-c{connections}"), &format!("-d{seconds}s"), "--timeout", "10s", "-s"])
        .arg(&path)
        .arg(url)
        .output()
        .expect("run wrk (apt-get install wrk)");
    stop.store(true, Ordering::SeqCst);
    let peak = sampler.join().expect("sampler");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.starts_with("WRK ")).unwrap_or_else(|| panic!("wrk printed no result:\n{text}"));
    let f: Vec<f64> = line.split_whitespace().skip(1).map(|v| v.parse().expect("number")).collect();
    Run {
        rps: f[0] / (f[1] / 1e6),
        p50_ms: f[2] / 1000.0,
        p99_ms: f[3] / 1000.0,
        errors: f[4] as u64,
        peak_rss_mib: peak as f64 / 1024.0,
    }
}

/// One row of the table: a scenario's runs and the ceiling each is compared with.
struct Row {
    name: String,
    target: String,
    runs: Vec<Run>,
    ceilings: Vec<f64>,
    floor: f64,
}

fn median_spread(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(|a, b| a.total_cmp(b));
    let m = if v.is_empty() { f64::NAN } else { v[v.len() / 2] };
    (m, v.first().copied().unwrap_or(f64::NAN), v.last().copied().unwrap_or(f64::NAN))
}

impl Row {
    fn new(name: &str, target: &str, floor: f64) -> Row {
        Row { name: name.into(), target: target.into(), runs: vec![], ceilings: vec![], floor }
    }

    fn print(&self) {
        let (rps, rps_lo, rps_hi) = median_spread(self.runs.iter().map(|r| r.rps).collect());
        let (p50, ..) = median_spread(self.runs.iter().map(|r| r.p50_ms).collect());
        let (p99, ..) = median_spread(self.runs.iter().map(|r| r.p99_ms).collect());
        let rss = self.runs.iter().map(|r| r.peak_rss_mib).fold(0.0, f64::max);
        let errors: u64 = self.runs.iter().map(|r| r.errors).sum();
        let shares: Vec<f64> = self.runs.iter().zip(&self.ceilings).map(|(r, c)| 100.0 * r.rps / c).collect();
        let (share, share_lo, share_hi) = median_spread(shares);
        let verdict = if self.floor == 0.0 {
            ""
        } else if share >= self.floor {
            "met"
        } else {
            "NOT met"
        };
        println!(
            "| {:<44} | {:>7.0} ({:.0}–{:.0}) | {:>6.2} | {:>7.2} | {:>6.1} | {:>6.1} % ({:.1}–{:.1}) | {} {} |{}",
            self.name,
            rps,
            rps_lo,
            rps_hi,
            p50,
            p99,
            rss,
            share,
            share_lo,
            share_hi,
            self.target,
            verdict,
            if errors > 0 { format!(" {errors} errors!") } else { String::new() },
        );
    }
}

struct Bench {
    options: Options,
    pin: Pinning,
    dir: tempfile::TempDir,
    exe: PathBuf,
}

impl Bench {
    fn new(options: Options) -> Bench {
        rlimit::increase_nofile_limit(u64::MAX).expect("raise the open-file limit");
        Bench {
            options,
            pin: Pinning::detect(),
            dir: tempfile::tempdir().expect("temp dir"),
            exe: std::env::current_exe().expect("exe"),
        }
    }

    fn run(&self) {
        println!(
            "http benchmark: {}; {} rounds of {} s per scenario",
            self.pin.note, self.options.rounds, self.options.seconds
        );
        let data = self.dir.path().join("demo");
        let parley = start_parley(&self.pin, &data, true);
        let pid = parley.pid();
        // Warm every path once, then take the idle figure.
        let body = self.fixtures(&parley);
        let idle = status_kib(pid, "VmRSS:") as f64 / 1024.0;
        let ceiling_body = self.dir.path().join("ceiling.json");
        std::fs::write(&ceiling_body, &body).expect("ceiling body");
        println!("ceiling body: {} bytes (GET /conversations/1 as an agent)", body.len());

        let scenarios = self.scenarios(&parley);
        let mut rows: Vec<Row> = scenarios.iter().map(|s| Row::new(s.name, s.target, s.floor)).collect();
        let mut http_ceilings = Row::new("HTTP ceiling (bare actix, same bytes)", "", 0.0);
        // Per round; the bare row is the stricter ceiling earlier runs used.
        let (mut storage_ceilings, mut full_ceilings, mut bare_rows) = (vec![], vec![], vec![]);
        for round in 0..self.options.rounds {
            let http_ceiling = self.http_ceiling(&ceiling_body);
            http_ceilings.runs.push(http_ceiling);
            http_ceilings.ceilings.push(http_ceiling.rps);
            let storage = self.storage_ceiling("NORMAL", "add-message");
            storage_ceilings.push(storage);
            full_ceilings.push(self.storage_ceiling("FULL", "add-message"));
            bare_rows.push(self.storage_ceiling("NORMAL", "row"));
            for (s, row) in scenarios.iter().zip(&mut rows) {
                let run = wrk(
                    &self.pin,
                    self.dir.path(),
                    &s.script,
                    &format!("{}{}", parley.base, s.path),
                    s.connections,
                    self.options.seconds,
                    pid,
                );
                row.runs.push(run);
                row.ceilings.push(if s.storage { storage } else { http_ceiling.rps });
            }
            eprintln!("round {} of {} done", round + 1, self.options.rounds);
        }
        let (storage, lo, hi) = median_spread(storage_ceilings);
        let (full, full_lo, full_hi) = median_spread(full_ceilings);
        println!();
        println!("| scenario (agent by session unless noted) | req/s median (spread) | p50 ms | p99 ms | peak RSS MiB | share of ceiling | target |");
        println!("|---|---:|---:|---:|---:|---:|---|");
        http_ceilings.print();
        println!("| storage ceiling: Parley's add-message, 1 per transaction, synchronous=NORMAL | {storage:.0} ({lo:.0}–{hi:.0}) tx/s | | | | | |");
        println!(
            "| (for reference: the same at synchronous=FULL) | {full:.0} ({full_lo:.0}–{full_hi:.0}) tx/s | | | | | |"
        );
        let (bare, bare_lo, bare_hi) = median_spread(bare_rows.clone());
        println!("| (for reference: a bare message row per transaction, as earlier runs measured) | {bare:.0} ({bare_lo:.0}–{bare_hi:.0}) tx/s | | | | | |");
        for row in &rows {
            row.print();
        }
        println!();
        for (s, row) in scenarios.iter().zip(&rows).filter(|(s, _)| s.storage) {
            let (share, lo, hi) =
                median_spread(row.runs.iter().zip(&bare_rows).map(|(r, c)| 100.0 * r.rps / c).collect());
            println!("{}: {share:.1} % ({lo:.1}–{hi:.1}) of a bare message row per transaction", s.name);
        }
        let peak = status_kib(pid, "VmHWM:") as f64 / 1024.0;
        println!();
        println!("memory: idle {idle:.1} MiB after warm-up (target < 30), peak {peak:.1} MiB over the whole run (target < 150 under the mixed load)");
        drop(parley);

        if self.options.json_server {
            self.json_server();
        }
        if self.options.scale {
            self.scale(&data);
        }
    }

    /// Creates what the scenarios need; returns the body of `GET /conversations/1`.
    fn fixtures(&self, parley: &Parley) -> Vec<u8> {
        let http = ureq::agent();
        for path in ["/api/v1/conversations/1?include=*", "/api/v1/conversations", "/api/v1/conversations/1/messages"] {
            parley.get(path);
        }
        http.get(&format!("{}/api/v1/conversations/1", parley.base))
            .set("X-Session-ID", &parley.session)
            .call()
            .expect("conversation")
            .into_string()
            .expect("body")
            .into_bytes()
    }

    fn scenarios(&self, parley: &Parley) -> Vec<Scenario> {
        let session = [("X-Session-ID", parley.session.as_str())];
        let get = lua(&header_lua(&session));
        // A device that started a conversation: the messenger's own view.
        let fingerprint = uuid::Uuid::new_v4().to_string();
        let created: Value = ureq::post(&format!("{}/api/v1/conversations", parley.base))
            .set("X-Fingerprint-ID", &fingerprint)
            .send_json(json!({"name": "Bench Customer", "email": "bench@example.com", "subject": "Bench", "contents": "Hello"}))
            .expect("device conversation")
            .into_json()
            .expect("json");
        let own = created["data"]["id"].as_i64().expect("id");
        let device = lua(&header_lua(&[("X-Fingerprint-ID", fingerprint.as_str())]));
        // The conversations an agent may reply to (closed ones refuse).
        let visible: Vec<i64> = parley.get("/api/v1/conversations?limit=20")["data"]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|c| c["id"].as_i64())
            .filter(|id| {
                ureq::post(&format!("{}/api/v1/conversations/{id}/messages", parley.base))
                    .set("X-Session-ID", &parley.session)
                    .send_json(json!({"contents": "Warming up"}))
                    .is_ok()
            })
            .collect();
        let ids = visible.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let post_message = lua(&format!(
            "{}wrk.headers[\"Content-Type\"] = \"application/json\"\n\
             local ids = {{{ids}}}\nlocal n = 0\n\
             request = function()\n  n = n + 1\n\
               return wrk.format(\"POST\", \"/api/v1/conversations/\" .. ids[n % #ids + 1] .. \"/messages\", nil,\n\
                 '{{\"contents\":\"A reply from the benchmark, about as long as a short chat message.\"}}')\nend\n",
            header_lua(&session)
        ));
        let post_conversation = lua(&format!(
            "{}wrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.method = \"POST\"\n\
             wrk.body = '{{\"name\":\"Bench Customer\",\"email\":\"bench@example.com\",\"subject\":\"Bench\",\"contents\":\"Hello from the benchmark\"}}'\n",
            header_lua(&[("X-Fingerprint-ID", fingerprint.as_str())])
        ));
        let mixed = lua(&format!(
            "{}local ids = {{{ids}}}\nlocal n = 0\n\
             local reads = {{\"/api/v1/conversations/1\", \"/api/v1/conversations/1/messages\", \"/api/v1/conversations\"}}\n\
             request = function()\n  n = n + 1\n\
               if n % 10 == 0 then\n\
                 return wrk.format(\"POST\", \"/api/v1/conversations/\" .. ids[n % #ids + 1] .. \"/messages\",\n\
                   {{[\"Content-Type\"] = \"application/json\", [\"X-Session-ID\"] = \"{session}\"}}, '{{\"contents\":\"A mixed-load reply.\"}}')\n\
               end\n\
               return wrk.format(\"GET\", reads[n % #reads + 1])\nend\n",
            header_lua(&session),
            session = parley.session,
        ));
        let read = |name, path: &str, target, floor, script: &str| Scenario {
            name,
            path: path.to_owned(),
            script: script.to_owned(),
            connections: 64,
            storage: false,
            target,
            floor,
        };
        vec![
            read("GET /conversations/1", "/api/v1/conversations/1", "≥ 50 % of HTTP", 50.0, &get),
            read("GET /conversations/1?include=*", "/api/v1/conversations/1?include=*", "≥ 25 % of HTTP", 25.0, &get),
            read("GET /conversations (page 1)", "/api/v1/conversations", "≥ 25 % of HTTP", 25.0, &get),
            read("GET /conversations/1/messages", "/api/v1/conversations/1/messages", "≥ 50 % of HTTP", 50.0, &get),
            read(
                "GET own conversation, fingerprint device",
                &format!("/api/v1/conversations/{own}"),
                "≥ 50 % of HTTP",
                50.0,
                &device,
            ),
            Scenario {
                storage: true,
                ..read("POST message, 64 clients", "/", "≥ 100 % of storage", 100.0, &post_message)
            },
            Scenario {
                storage: true,
                ..read(
                    "POST conversation, fingerprint device",
                    "/api/v1/conversations",
                    "≥ 50 % of storage",
                    50.0,
                    &post_conversation,
                )
            },
            read("mixed 90 % reads / 10 % POST message", "/", "(share of HTTP)", 0.0, &mixed),
        ]
    }

    fn http_ceiling(&self, body: &Path) -> Run {
        let port = free_port();
        let server = Server(
            Pinning::command(&self.pin.server, &self.exe)
                .args(["--ceiling-http", &port.to_string()])
                .arg(body)
                .stdout(Stdio::null())
                .spawn()
                .expect("ceiling server"),
        );
        let url = format!("http://127.0.0.1:{port}/");
        wait_ready(&url, Duration::from_secs(10));
        let run = wrk(&self.pin, self.dir.path(), &lua(""), &url, 64, self.options.seconds, server.0.id());
        drop(server);
        run
    }

    fn storage_ceiling(&self, synchronous: &str, work: &str) -> f64 {
        let dir = tempfile::tempdir_in(self.dir.path()).expect("dir");
        let out = Pinning::command(&self.pin.server, &self.exe)
            .arg("--ceiling-storage")
            .arg(dir.path())
            .arg(self.options.seconds.to_string())
            .arg(synchronous)
            .arg(work)
            .output()
            .expect("storage ceiling");
        let text = String::from_utf8_lossy(&out.stdout);
        text.trim()
            .parse()
            .unwrap_or_else(|_| panic!("storage ceiling figure: {text}{}", String::from_utf8_lossy(&out.stderr)))
    }

    /// json-server 0.17 serving the same conversations and messages from a JSON file.
    fn json_server(&self) {
        let npm = Command::new("npm").arg("--version").stdout(Stdio::null()).status().is_ok_and(|s| s.success());
        if !npm {
            println!("\njson-server comparison skipped: node and npm are not installed");
            return;
        }
        let tools = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("json-server-0.17");
        let cli = tools.join("node_modules/json-server/lib/cli/bin.js");
        if !cli.exists() {
            std::fs::create_dir_all(&tools).expect("tools dir");
            let ok = Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--silent", "json-server@0.17.4"])
                .current_dir(&tools)
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                println!("\njson-server comparison skipped: `npm install json-server@0.17.4` failed");
                return;
            }
        }
        let parley = start_parley(&self.pin, &self.dir.path().join("demo-json-server"), true);
        // The same data, as json-server wants it: one array per resource.
        let conversations = parley.get("/api/v1/conversations?limit=100")["data"].clone();
        let mut messages = vec![];
        for c in conversations.as_array().expect("list") {
            let id = c["id"].as_i64().expect("id");
            for mut m in parley.get(&format!("/api/v1/conversations/{id}/messages?limit=100"))["data"]
                .as_array()
                .expect("messages")
                .clone()
            {
                m["conversationId"] = json!(id);
                messages.push(m);
            }
        }
        let db = self.dir.path().join("json-server-db.json");
        std::fs::write(
            &db,
            serde_json::to_vec(&json!({"conversations": conversations, "messages": messages})).expect("json"),
        )
        .expect("db.json");
        let port = free_port();
        let node = Server(
            Pinning::command(&self.pin.server, Path::new("node"))
                .arg(&cli)
                .args(["--port", &port.to_string(), "--host", "127.0.0.1", "--quiet"])
                .arg(&db)
                .stdout(Stdio::null())
                .spawn()
                .expect("json-server"),
        );
        let js = format!("http://127.0.0.1:{port}");
        wait_ready(&format!("{js}/conversations/1"), Duration::from_secs(30));
        let session = [("X-Session-ID", parley.session.as_str())];
        let json_post = lua(
            "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n\
             wrk.body = '{\"conversationId\":1,\"contents\":\"A reply from the benchmark, about as long as a short chat message.\"}'\n",
        );
        let parley_post = lua(&format!(
            "{}wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n\
             wrk.body = '{{\"contents\":\"A reply from the benchmark, about as long as a short chat message.\"}}'\n",
            header_lua(&session)
        ));
        let parley_get = lua(&header_lua(&session));
        let cases = [
            ("GET conversation by id", "/api/v1/conversations/1", parley_get.clone(), "/conversations/1", lua("")),
            ("list page 1 (10)", "/api/v1/conversations", parley_get, "/conversations?_page=1&_limit=10", lua("")),
            ("POST message", "/api/v1/conversations/1/messages", parley_post, "/messages", json_post),
        ];
        println!();
        println!("| against json-server 0.17 (same data, same core) | Parley req/s | json-server req/s | Parley / json-server | json-server peak RSS MiB |");
        println!("|---|---:|---:|---:|---:|");
        for (name, ppath, pscript, jpath, jscript) in cases {
            let (mut ours, mut theirs, mut ratios, mut rss) = (vec![], vec![], vec![], 0.0f64);
            for _ in 0..self.options.rounds {
                let j = wrk(
                    &self.pin,
                    self.dir.path(),
                    &jscript,
                    &format!("{js}{jpath}"),
                    64,
                    self.options.seconds,
                    node.0.id(),
                );
                let p = wrk(
                    &self.pin,
                    self.dir.path(),
                    &pscript,
                    &format!("{}{ppath}", parley.base),
                    64,
                    self.options.seconds,
                    parley.pid(),
                );
                ours.push(p.rps);
                theirs.push(j.rps);
                ratios.push(p.rps / j.rps);
                rss = rss.max(j.peak_rss_mib);
            }
            let (o, ..) = median_spread(ours);
            let (t, ..) = median_spread(theirs);
            let (r, lo, hi) = median_spread(ratios);
            println!("| {name} | {o:.0} | {t:.0} | {r:.1}× ({lo:.1}–{hi:.1}) | {rss:.0} |");
        }
    }

    /// `parley gen` at 100,000 conversations and 1,000,000 messages against the demo data.
    fn scale(&self, demo_dir: &Path) {
        let large_dir = self.dir.path().join("large");
        let started = Instant::now();
        let out = Command::new(parley_binary())
            .args(["gen", "--conversations", "100000", "--messages", "1000000", "--data-dir"])
            .arg(&large_dir)
            .output()
            .expect("parley gen");
        if !out.status.success() {
            println!("\nscale check skipped: `parley gen` failed: {}", String::from_utf8_lossy(&out.stderr).trim());
            return;
        }
        let generated = started.elapsed();
        let report = String::from_utf8_lossy(&out.stdout);
        let long: i64 = report
            .split_whitespace()
            .skip_while(|w| *w != "conversation")
            .nth(1)
            .and_then(|w| w.parse().ok())
            .expect("gen names its longest conversation (`conversation <id> is the longest`)");
        let size = std::fs::metadata(large_dir.join("parley.db")).map_or(0, |m| m.len());
        // Ready means answering; median of three starts.
        let mut starts = vec![];
        for _ in 0..3 {
            starts.push(start_parley(&self.pin, &large_dir, false).started_in.as_secs_f64() * 1000.0);
        }
        let (start_ms, start_lo, start_hi) = median_spread(starts);
        let large = start_parley(&self.pin, &large_dir, false);
        let demo = start_parley(&self.pin, demo_dir, false);
        let demo_long = demo.get("/api/v1/conversations?limit=1")["data"][0]["id"].as_i64().unwrap_or(1);
        let cases = [
            ("GET one conversation", "/api/v1/conversations/1".to_owned(), "/api/v1/conversations/1".to_owned()),
            ("list page 1", "/api/v1/conversations".into(), "/api/v1/conversations".into()),
            // The demo has no page 90,000: a deep page must cost what a first page costs.
            (
                "list at offset 90,000 (demo: page 1)",
                "/api/v1/conversations?offset=90000".into(),
                "/api/v1/conversations".into(),
            ),
            (
                "messages of a 1,000-message conversation",
                format!("/api/v1/conversations/{long}/messages"),
                format!("/api/v1/conversations/{demo_long}/messages"),
            ),
        ];
        println!();
        println!(
            "scale: `parley gen --conversations 100000 --messages 1000000` took {:.1} s ({:.0} MB); serve ready in {start_ms:.0} ms ({start_lo:.0}–{start_hi:.0}) (target < 1000)",
            generated.as_secs_f64(),
            size as f64 / 1e6
        );
        println!("| request, one connection | large p50 ms | demo p50 ms | large / demo (spread) | target |");
        println!("|---|---:|---:|---:|---|");
        for (name, large_path, demo_path) in cases {
            let (mut l, mut d, mut ratios) = (vec![], vec![], vec![]);
            let get_large = lua(&header_lua(&[("X-Session-ID", large.session.as_str())]));
            let get_demo = lua(&header_lua(&[("X-Session-ID", demo.session.as_str())]));
            for _ in 0..self.options.rounds {
                let a = wrk(
                    &self.pin,
                    self.dir.path(),
                    &get_large,
                    &format!("{}{large_path}", large.base),
                    1,
                    self.options.seconds.min(3),
                    large.pid(),
                );
                let b = wrk(
                    &self.pin,
                    self.dir.path(),
                    &get_demo,
                    &format!("{}{demo_path}", demo.base),
                    1,
                    self.options.seconds.min(3),
                    demo.pid(),
                );
                l.push(a.p50_ms);
                d.push(b.p50_ms);
                ratios.push(a.p50_ms / b.p50_ms);
            }
            let (lm, ..) = median_spread(l);
            let (dm, ..) = median_spread(d);
            let (r, lo, hi) = median_spread(ratios);
            let verdict = if r <= 1.5 { "met" } else { "NOT met" };
            println!("| {name} | {lm:.3} | {dm:.3} | {r:.2}× ({lo:.2}–{hi:.2}) | ≤ 1.5× {verdict} |");
        }
    }
}

/// A load to measure.
struct Scenario {
    name: &'static str,
    path: String,
    script: String,
    connections: u32,
    /// Compared with the storage ceiling rather than the HTTP one.
    storage: bool,
    target: &'static str,
    floor: f64,
}

/// The HTTP ceiling: a bare actix-web handler returning fixed bytes, one worker.
fn ceiling_http(port: u16, body: &Path) {
    use actix_web::{web, App, HttpResponse, HttpServer};
    let body = web::Bytes::from(std::fs::read(body).expect("body"));
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || {
            let body = body.clone();
            App::new().default_service(web::to(move || {
                let body = body.clone();
                async move { HttpResponse::Ok().content_type("application/json").body(body) }
            }))
        })
        .workers(1)
        .bind(("127.0.0.1", port))
        .expect("bind")
        .run()
        .await
        .expect("ceiling server");
    });
}

/// What a storage ceiling does per transaction.
#[derive(Clone, Copy, PartialEq)]
enum CeilingWork {
    /// Parley's add-message, through its own functions, as the writer runs it
    /// for `POST /conversations/:id/messages` (without the savepoint that
    /// group commit adds), with SQLite's own checkpoints (every 1,000 pages,
    /// in the loop, as a plain program has them).
    AddMessage,
    /// One bare message row, as earlier runs measured it: into Parley's
    /// schema alone (no data, no triggers, foreign keys off).
    Row,
}

/// A storage ceiling: `work` once per `BEGIN IMMEDIATE … COMMIT` at
/// `synchronous`, for `seconds`, by one thread with one connection, on a
/// fresh database; prints transactions per second.
fn ceiling_storage(dir: &Path, seconds: u64, synchronous: &str, work: CeilingWork) {
    if work == CeilingWork::Row {
        return ceiling_bare_row(dir, seconds, synchronous);
    }
    use parley::api::{conversations::visible, messages};
    use parley::config::Durability;
    use parley::db::offline::Offline;
    use parley::db::{catalog, conversations::Visibility, settings, users};
    use parley::realtime::emit;
    use parley::wire::render;

    let path = dir.join("parley.db");
    drop(parley::db::Db::open(&path, true).expect("demo data"));
    let durability = if synchronous == "FULL" { Durability::Full } else { Durability::Normal };
    let db = Offline::open(&path, durability).expect("open");
    let (agent, view, open) = db
        .snapshot(|conn| -> Result<_, parley::error::ApiError> {
            let agent = users::get(conn, 1)?.expect("the demo's first agent");
            let view = render::View {
                base_url: "http://127.0.0.1:8080".into(),
                staff: true,
                user_id: Some(agent.id),
                me: Some(agent.id),
                settings: settings::load(conn)?,
                catalog: Arc::new(catalog::load(conn)?),
            };
            // The conversations an agent may reply to, as the HTTP scenario uses.
            let open: Vec<i64> =
                (1..=24).filter(|&id| visible(conn, &Visibility::All, id).is_ok_and(|c| !c.is_closed())).collect();
            Ok((agent, view, open))
        })
        .expect("the demo");
    let text = "A reply from the benchmark, about as long as a short chat message.";
    let composed = messages::Composed {
        contents: text.into(),
        source: None,
        metadata: serde_json::Map::new(),
        client_id: None,
        file_ids: vec![],
        files: vec![],
    };
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut n = 0u64;
    while Instant::now() < until {
        let id = open[n as usize % open.len()];
        db.transaction(|conn| -> Result<(), parley::error::ApiError> {
            let now = parley::db::now();
            let c = visible(conn, &Visibility::All, id)?;
            let target = messages::Target { id, subject: &c.subject, channel: &c.channel };
            let (m, files) = messages::insert(conn, &target, &agent, None, composed.clone(), now)?;
            let data = render::message(&view, m, files);
            Ok(emit::message_created(conn, &c.realtime_channel, id, &data, now)?)
        })
        .expect("add message");
        n += 1;
    }
    println!("{:.0}", n as f64 / started.elapsed().as_secs_f64());
}

/// The bare-row ceiling (see [`CeilingWork::Row`]).
fn ceiling_bare_row(dir: &Path, seconds: u64, synchronous: &str) {
    let conn = rusqlite::Connection::open(dir.join("ceiling.db")).expect("open");
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA foreign_keys = OFF;"
    ))
    .expect("pragmas");
    conn.execute_batch(include_str!("../schema.sql")).expect("schema");
    let mut insert = conn
        .prepare(
            "INSERT INTO messages (uuid, conversation_id, subject, channel, content_text, content_html, creator_id,
                                   source, created_at, updated_at)
             VALUES (?1, 1, 'Bench', 'MAIL', ?2, ?2, 1, 'API', ?3, ?3)",
        )
        .expect("prepare");
    let text = "A reply from the benchmark, about as long as a short chat message.";
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut n = 0u64;
    while Instant::now() < until {
        conn.execute_batch("BEGIN IMMEDIATE").expect("begin");
        insert.execute(rusqlite::params![uuid::Uuid::new_v4().to_string(), text, n as i64]).expect("insert");
        conn.execute_batch("COMMIT").expect("commit");
        n += 1;
    }
    println!("{:.0}", n as f64 / started.elapsed().as_secs_f64());
}
