//! Test harness: each test gets its own data directory and a real server on
//! port 0, and talks to it over HTTP like any client would.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::{mpsc, Arc};

use base64::Engine;
use parley::config::ServeConfig;
use parley::server::Application;
use serde_json::Value;

/// The demo users' password.
pub const PASSWORD: &str = "brewfictus-demo";
pub const SIMON: &str = "simon@brewfictus.com";
pub const CARYN: &str = "caryn@atmospherecoffee.com";
pub const MARK: &str = "mark@atmospherecoffee.com";
pub const DANA: &str = "dana@northwindbeans.com";
pub const ALEX: &str = "alex@brewfictus.com";
pub const JORDAN: &str = "jordan@brewfictus.com";
pub const MORGAN: &str = "morgan@brewfictus.com";

pub struct TestApp {
    pub base: String,
    pub dir: Arc<tempfile::TempDir>,
    agent: ureq::Agent,
}

/// A server with the demo data loaded.
pub fn spawn_demo() -> TestApp {
    spawn(true)
}

/// A server with an empty (reference data only) database.
pub fn spawn_empty() -> TestApp {
    spawn(false)
}

fn spawn(demo: bool) -> TestApp {
    spawn_with(demo, |_| {})
}

/// A server whose configuration `adjust` may change first.
pub fn spawn_with(demo: bool, adjust: impl FnOnce(&mut ServeConfig)) -> TestApp {
    spawn_in(Arc::new(tempfile::tempdir().expect("temp dir")), demo, adjust)
}

/// A server on a data directory the test prepared.
pub fn spawn_in_dir(dir: tempfile::TempDir, adjust: impl FnOnce(&mut ServeConfig)) -> TestApp {
    spawn_in(Arc::new(dir), false, adjust)
}

/// A server on a data directory that already holds an instance.
pub fn spawn_at(dir: Arc<tempfile::TempDir>) -> TestApp {
    spawn_in(dir, false, |_| {})
}

impl TestApp {
    /// A client of a server started elsewhere (e.g. the binary as a process).
    pub fn at(base: &str, dir: Arc<tempfile::TempDir>) -> TestApp {
        TestApp { base: base.to_owned(), dir, agent: ureq::AgentBuilder::new().redirects(0).build() }
    }

    /// Another server on the same data directory, as after a restart.
    pub fn restart(&self) -> TestApp {
        spawn_in(self.dir.clone(), false, |_| {})
    }

    /// Another server on the same data directory, configured by `adjust`.
    pub fn restart_with(&self, adjust: impl FnOnce(&mut ServeConfig)) -> TestApp {
        spawn_in(self.dir.clone(), false, adjust)
    }

    /// The attachments directory's file names.
    pub fn stored_files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path().join("attachments"))
            .expect("attachments dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// A direct connection to the database file.
    pub fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.dir.path().join("parley.db")).expect("open db")
    }
}

fn spawn_in(dir: Arc<tempfile::TempDir>, demo: bool, adjust: impl FnOnce(&mut ServeConfig)) -> TestApp {
    let mut config = ServeConfig::with_data_dir(dir.path().to_path_buf());
    config.demo = demo;
    // The tests' demo is the curated one, without weeks of history.
    config.demo_history_weeks = 0;
    config.workers = Some(1);
    adjust(&mut config);
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    let port = listener.local_addr().expect("local addr").port();
    let (ready_tx, ready_rx) = mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            match Application::build_with_listener(config, listener) {
                Ok(app) => {
                    let _ = ready_tx.send(Ok(()));
                    let _ = app.run().await;
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e.to_string()));
                }
            }
        })
    });
    ready_rx.recv().expect("server thread").expect("server starts");
    TestApp { base: format!("http://127.0.0.1:{port}"), dir, agent: ureq::AgentBuilder::new().redirects(0).build() }
}

/// A response as a client sees it.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub text: String,
    pub body: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(&name.to_ascii_lowercase()).map(String::as_str)
    }

    /// The error codes of a Kayako error envelope, in order.
    pub fn error_codes(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errs| errs.iter().map(|e| e["code"].as_str().unwrap_or("").to_owned()).collect())
            .unwrap_or_default()
    }

    /// `(code, parameter)` of every error.
    pub fn errors(&self) -> Vec<(String, String)> {
        self.body["errors"]
            .as_array()
            .map(|errs| {
                errs.iter()
                    .map(|e| {
                        (e["code"].as_str().unwrap_or("").to_owned(), e["parameter"].as_str().unwrap_or("").to_owned())
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Ids of a collection's items.
    pub fn ids(&self) -> Vec<i64> {
        self.body["data"].as_array().map(|a| a.iter().filter_map(|v| v["id"].as_i64()).collect()).unwrap_or_default()
    }
}

pub struct Req<'a> {
    app: &'a TestApp,
    method: &'a str,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<(String, Vec<u8>)>,
}

impl TestApp {
    pub fn req<'a>(&'a self, method: &'a str, path: &str) -> Req<'a> {
        Req { app: self, method, url: format!("{}{}", self.base, path), headers: Vec::new(), body: None }
    }

    pub fn get(&self, path: &str) -> Req<'_> {
        self.req("GET", path)
    }

    pub fn post(&self, path: &str) -> Req<'_> {
        self.req("POST", path)
    }

    pub fn put(&self, path: &str) -> Req<'_> {
        self.req("PUT", path)
    }

    /// Logs in with Basic (CSRF off) and returns the session id.
    pub fn session(&self, email: &str) -> String {
        let r = self.get("/api/v1/conversations").basic(email, PASSWORD).header("X-CSRF", "false").send();
        assert_eq!(r.status, 200, "login of {email} failed: {}", r.text);
        r.body["session_id"].as_str().expect("session_id").to_owned()
    }

    /// Creates a conversation as a public caller with a fresh fingerprint.
    pub fn device_conversation(&self, fingerprint: &str, name: &str, email: &str, subject: &str) -> Resp {
        let r = self
            .post("/api/v1/conversations")
            .fingerprint(fingerprint)
            .json(&serde_json::json!({"name": name, "email": email, "subject": subject, "contents": "Hello there"}))
            .send();
        assert_eq!(r.status, 201, "{}", r.text);
        r
    }
}

impl<'a> Req<'a> {
    /// The URL and headers this request would be sent with.
    pub fn into_parts(self) -> (String, Vec<(String, String)>) {
        (self.url, self.headers)
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn basic(self, email: &str, password: &str) -> Self {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{email}:{password}"));
        self.header("Authorization", &format!("Basic {token}"))
    }

    pub fn session(self, id: &str) -> Self {
        self.header("X-Session-ID", id)
    }

    pub fn fingerprint(self, fp: &str) -> Self {
        self.header("X-Fingerprint-ID", fp)
    }

    pub fn json(mut self, v: &Value) -> Self {
        self.body = Some(("application/json".into(), v.to_string().into_bytes()));
        self
    }

    pub fn raw(mut self, content_type: &str, body: &[u8]) -> Self {
        self.body = Some((content_type.into(), body.to_vec()));
        self
    }

    pub fn form(mut self, pairs: &[(&str, &str)]) -> Self {
        let body = serde_urlencoded::to_string(pairs).expect("urlencode");
        self.body = Some(("application/x-www-form-urlencoded".into(), body.into_bytes()));
        self
    }

    /// A multipart body of text parts.
    pub fn multipart(self, parts: &[(&str, &str)]) -> Self {
        let parts: Vec<Part> = parts.iter().map(|(n, v)| Part::text(n, v)).collect();
        self.parts(&parts)
    }

    /// A multipart body of text and file parts, in the given order.
    pub fn parts(mut self, parts: &[Part]) -> Self {
        self.body = Some(multipart_body(parts));
        self
    }

    /// The raw response body bytes, for binary downloads.
    pub fn send_bytes(self) -> (u16, HashMap<String, String>, Vec<u8>) {
        let mut r = self.app.agent.request(self.method, &self.url);
        for (k, v) in &self.headers {
            r = r.set(k, v);
        }
        let result = match self.body {
            Some((ct, bytes)) => r.set("Content-Type", &ct).send_bytes(&bytes),
            None => r.call(),
        };
        let response = match result {
            Ok(resp) => resp,
            Err(ureq::Error::Status(_, resp)) => resp,
            Err(e) => panic!("transport error: {e}"),
        };
        let status = response.status();
        let headers = response
            .headers_names()
            .into_iter()
            .filter_map(|n| response.header(&n).map(|v| (n.to_ascii_lowercase(), v.to_owned())))
            .collect();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes).expect("body");
        (status, headers, bytes)
    }

    pub fn send(self) -> Resp {
        let (status, headers, bytes) = self.send_bytes();
        let text = String::from_utf8(bytes).expect("a UTF-8 body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp { status, headers, text, body }
    }
}

/// A fresh device fingerprint (UUID v4).
pub fn new_fingerprint() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// One part of a multipart body.
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

impl Part {
    pub fn text(name: &str, value: &str) -> Part {
        Part { name: name.into(), file_name: None, content_type: None, bytes: value.as_bytes().to_vec() }
    }

    pub fn file(name: &str, file_name: &str, content_type: &str, bytes: &[u8]) -> Part {
        Part {
            name: name.into(),
            file_name: Some(file_name.into()),
            content_type: Some(content_type.into()),
            bytes: bytes.to_vec(),
        }
    }
}

pub const BOUNDARY: &str = "parleytestboundary7MA4YWxkTrZu0gW";

/// `(content type, body)` of a multipart request.
pub fn multipart_body(parts: &[Part]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{}\"", p.name).as_bytes(),
        );
        if let Some(f) = &p.file_name {
            body.extend_from_slice(format!("; filename=\"{f}\"").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        if let Some(ct) = &p.content_type {
            body.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(&p.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// A PNG of the given size.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("encode png");
    out.into_inner()
}

/// Waits (bounded) until `done` holds; for effects the server completes after answering.
pub fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "timed out waiting for: {what}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// The path of a URL the server gave (`http://host:port/api/...` → `/api/...`).
pub fn path_of(url: &Value) -> String {
    let url = url.as_str().expect("url");
    url[url.find("/api/").expect("api path")..].to_owned()
}

/// A database file in `dir` as Parley version 1 left it (schema 1, base and
/// demo data), with `then` run on it last; the server migrates it on opening.
pub fn version_1_database(dir: &std::path::Path, then: &str) {
    let db = rusqlite::Connection::open(dir.join("parley.db")).expect("create");
    db.execute_batch("PRAGMA journal_mode = WAL;").expect("wal");
    db.execute_batch(include_str!("../../schema.sql")).expect("schema");
    db.execute_batch(include_str!("../../seed/base.sql")).expect("base");
    // Version 1 had no mailboxes: its demo ends before the mailbox.
    let demo = include_str!("../../seed/demo.sql");
    let (before, after) = demo.split_once("-- The mailbox customers write to").expect("the demo's mailbox");
    // Nor the desk (the mailbox's statement, the notes): everything up to the closing alignment.
    let after = &after[after.find("-- =====").expect("the demo's closing section")..];
    db.execute_batch(&format!("{before}{after}")).expect("demo");
    db.execute_batch(then).expect("version 1 data");
}
