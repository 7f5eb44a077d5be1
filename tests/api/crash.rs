//! The crash-safety harness: writers of every kind run against the real
//! binary, which is killed with SIGKILL at a random moment, restarted, and
//! checked: every acknowledged write is there (attachments byte for byte), no
//! row names a missing file, `integrity_check` and `foreign_key_check` pass,
//! and the summaries and event log agree with the messages. Rounds:
//! `PARLEY_CRASH_ROUNDS` (default 20); the seed is printed and can be fixed
//! with `PARLEY_CRASH_SEED` to replay a failure.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use crate::helpers::*;
use crate::process;

/// What a client was told succeeded.
#[derive(Debug, Clone)]
pub(crate) enum Ack {
    Conversation { id: i64, subject: String },
    Message { conversation: i64, id: i64, contents: String },
    Attachment { conversation: i64, message: i64, file: i64, bytes: Vec<u8> },
    Upload { file: i64, bytes: Vec<u8> },
    Rating { conversation: i64, id: i64, score: String },
    Seen { conversation: i64, message: i64 },
    Subject { conversation: i64, subject: String },
}

pub(crate) struct Http {
    pub(crate) base: String,
    agent: ureq::Agent,
}

impl Http {
    pub(crate) fn new(base: &str) -> Http {
        let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(20)).build();
        Http { base: base.to_owned(), agent }
    }

    /// `Some((status, body))`, or `None` when the server went away mid-request.
    pub(crate) fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Option<(u16, Value)> {
        let mut r = self.agent.request(method, &format!("{}{path}", self.base));
        for (k, v) in headers {
            r = r.set(k, v);
        }
        let result = match body {
            Some((ct, bytes)) => r.set("Content-Type", ct).send_bytes(&bytes),
            None => r.call(),
        };
        match result {
            Ok(resp) => Some((resp.status(), resp.into_json().unwrap_or(Value::Null))),
            Err(ureq::Error::Status(code, resp)) => Some((code, resp.into_json().unwrap_or(Value::Null))),
            Err(_) => None,
        }
    }

    pub(crate) fn bytes(&self, path: &str, session: &str) -> Vec<u8> {
        let resp =
            self.agent.get(&format!("{}{path}", self.base)).set("X-Session-ID", session).call().expect("download");
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut resp.into_reader(), &mut out).expect("body");
        out
    }

    pub(crate) fn session(&self, email: &str) -> String {
        let token = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, format!("{email}:{PASSWORD}"));
        let (status, body) = self
            .call(
                "GET",
                "/api/v1/conversations",
                &[("Authorization", &format!("Basic {token}")), ("X-CSRF", "false")],
                None,
            )
            .expect("sign in");
        assert_eq!(status, 200, "{body}");
        body["session_id"].as_str().expect("session").to_owned()
    }
}

fn json_body(v: Value) -> Option<(&'static str, Vec<u8>)> {
    Some(("application/json", v.to_string().into_bytes()))
}

pub(crate) fn path_of(url: &Value) -> String {
    let url = url.as_str().expect("url");
    url.splitn(4, '/').nth(3).map(|p| format!("/{p}")).expect("path")
}

/// One writer: a loop of random writes until `stop`, recording what was acknowledged.
fn writer(
    http: &Http,
    sessions: &Sessions,
    (round, w, seed): (usize, u64, u64),
    stop: &AtomicBool,
    acks: &Mutex<Vec<Ack>>,
) {
    let mut rng = StdRng::seed_from_u64(seed);
    let caryn = [("X-Session-ID", sessions.caryn.as_str())];
    let simon = [("X-Session-ID", sessions.simon.as_str())];
    let mut n = 0u64;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let tag = format!("r{round}w{w}-{n}");
        let ack = match rng.gen_range(0..8) {
            0 => {
                let subject = format!("crash {tag}");
                let body = json!({"name": "Crash Tester", "email": format!("crash{tag}@example.org"), "subject": subject, "contents": "c"});
                match http.call("POST", "/api/v1/conversations", &[], json_body(body)) {
                    Some((201, b)) => Some(Ack::Conversation { id: b["data"]["id"].as_i64().expect("id"), subject }),
                    other => check_failure(other),
                }
            }
            1 | 2 => {
                let contents = format!("message {tag}");
                let body = json!({"contents": contents, "client_id": tag});
                match http.call("POST", "/api/v1/conversations/1/messages", &caryn, json_body(body)) {
                    Some((201, b)) => {
                        Some(Ack::Message { conversation: 1, id: b["data"]["id"].as_i64().expect("id"), contents })
                    }
                    other => check_failure(other),
                }
            }
            3 => {
                let bytes: Vec<u8> = (0..rng.gen_range(1..200_000)).map(|_| rng.gen()).collect();
                let (ct, body) = multipart_body(&[
                    Part::text("contents", &format!("file {tag}")),
                    Part::file("files[]", &format!("{tag}.bin"), "application/octet-stream", &bytes),
                ]);
                match http.call("POST", "/api/v1/conversations/1/messages", &simon, Some((&ct, body))) {
                    Some((201, b)) => Some(Ack::Attachment {
                        conversation: 1,
                        message: b["data"]["id"].as_i64().expect("id"),
                        file: b["data"]["attachments"][0]["id"].as_i64().expect("attachment"),
                        bytes,
                    }),
                    other => check_failure(other),
                }
            }
            4 => {
                let bytes: Vec<u8> = (0..rng.gen_range(1..50_000)).map(|_| rng.gen()).collect();
                let (ct, body) =
                    multipart_body(&[Part::file("content", "upload.bin", "application/octet-stream", &bytes)]);
                match http.call("POST", "/api/v1/files", &caryn, Some((&ct, body))) {
                    Some((201, b)) => Some(Ack::Upload { file: b["data"]["id"].as_i64().expect("id"), bytes }),
                    other => check_failure(other),
                }
            }
            5 => {
                let score = if rng.gen() { "GOOD" } else { "BAD" };
                match http.call("POST", "/api/v1/conversations/1/ratings", &caryn, json_body(json!({"score": score}))) {
                    Some((201, b)) => Some(Ack::Rating {
                        conversation: 1,
                        id: b["data"]["id"].as_i64().expect("id"),
                        score: score.into(),
                    }),
                    other => check_failure(other),
                }
            }
            6 => {
                // Simon reads Caryn's newest message.
                let newest = http.call("GET", "/api/v1/conversations/1/messages?limit=1", &simon, None);
                match newest {
                    Some((200, b)) if b["data"][0]["creator"]["id"] == 2 => {
                        let id = b["data"][0]["id"].as_i64().expect("id");
                        let path = format!("/api/v1/conversations/1/messages/{id}");
                        match http.call("PUT", &path, &simon, json_body(json!({"message_status": "SEEN"}))) {
                            Some((200, _)) => Some(Ack::Seen { conversation: 1, message: id }),
                            other => check_failure(other),
                        }
                    }
                    Some((200, _)) => None,
                    other => check_failure(other),
                }
            }
            _ => {
                // Each writer renames its own conversation, so the last acknowledged name is the expected one.
                let conversation = sessions.own_conversation[&w];
                let subject = format!("renamed {tag}");
                let path = format!("/api/v1/conversations/{conversation}");
                match http.call("PUT", &path, &simon, json_body(json!({"subject": subject}))) {
                    Some((200, _)) => Some(Ack::Subject { conversation, subject }),
                    other => check_failure(other),
                }
            }
        };
        match ack {
            Some(ack) => acks.lock().expect("acks").push(ack),
            None if stop.load(Ordering::Relaxed) => return,
            None => {}
        }
    }
}

/// A write that did not succeed may only have failed because the server went away.
fn check_failure(outcome: Option<(u16, Value)>) -> Option<Ack> {
    if let Some((status, body)) = outcome {
        panic!("a write failed while the server was up: {status} {body}");
    }
    None
}

pub(crate) struct Sessions {
    pub(crate) caryn: String,
    pub(crate) simon: String,
    pub(crate) own_conversation: HashMap<u64, i64>,
}

/// Checks the acknowledged writes of a round through the API.
pub(crate) fn verify_acks(http: &Http, sessions: &Sessions, acks: &[Ack]) {
    let simon = [("X-Session-ID", sessions.simon.as_str())];
    let mut last_subject: HashMap<i64, &str> = HashMap::new();
    for ack in acks {
        match ack {
            Ack::Conversation { id, subject } => {
                let (status, b) = http.call("GET", &format!("/api/v1/conversations/{id}"), &simon, None).expect("get");
                assert_eq!(status, 200, "acknowledged conversation {id} is lost");
                assert_eq!(b["data"]["subject"], subject.as_str());
            }
            Ack::Message { conversation, id, contents } => {
                let path = format!("/api/v1/conversations/{conversation}/messages/{id}");
                let (status, b) = http.call("GET", &path, &simon, None).expect("get");
                assert_eq!(status, 200, "acknowledged message {id} is lost");
                assert_eq!(b["data"]["content_text"], contents.as_str());
            }
            Ack::Attachment { conversation, message, file, bytes } => {
                let path = format!("/api/v1/conversations/{conversation}/messages/{message}/attachments/{file}");
                let (status, b) = http.call("GET", &path, &simon, None).expect("get");
                assert_eq!(status, 200, "acknowledged attachment {file} is lost");
                let body = http.bytes(&path_of(&b["data"]["url_download"]), &sessions.simon);
                assert!(body == *bytes, "attachment {file} differs from what was uploaded");
            }
            Ack::Upload { file, bytes } => {
                let (status, b) = http.call("GET", &format!("/api/v1/files/{file}"), &simon, None).expect("get");
                assert_eq!(status, 200, "acknowledged upload {file} is lost");
                assert_eq!(b["data"]["size"], bytes.len());
            }
            Ack::Rating { conversation, id, score } => {
                let (status, b) = http.call("GET", &format!("/api/v1/cases/ratings/{id}"), &simon, None).expect("get");
                assert_eq!(status, 200, "acknowledged rating {id} is lost");
                assert_eq!(b["data"]["score"], score.as_str());
                assert_eq!(b["data"]["conversation"]["id"], *conversation);
            }
            Ack::Seen { conversation, message } => {
                let path = format!("/api/v1/conversations/{conversation}/messages/{message}");
                let (_, b) = http.call("GET", &path, &simon, None).expect("get");
                assert_eq!(b["data"]["message_status"], "SEEN", "acknowledged receipt on {message} is lost");
            }
            Ack::Subject { conversation, subject } => {
                last_subject.insert(*conversation, subject);
            }
        }
    }
    for (conversation, subject) in last_subject {
        let (_, b) = http.call("GET", &format!("/api/v1/conversations/{conversation}"), &simon, None).expect("get");
        let now = b["data"]["subject"].as_str().expect("subject").to_owned();
        // A later rename of this round may have committed without its answer arriving; never an earlier one.
        let split =
            |s: &str| s.rsplit_once('-').and_then(|(prefix, n)| Some((prefix.to_owned(), n.parse::<u64>().ok()?)));
        let (Some((acked_round, acked)), Some((now_round, later))) = (split(subject), split(&now)) else {
            panic!("conversation {conversation} lost its acknowledged subject {subject}: {now}");
        };
        assert!(
            acked_round == now_round && later >= acked,
            "conversation {conversation} lost its acknowledged subject {subject}: {now}"
        );
    }
}

/// Whole-database invariants, straight from the file; messages after
/// `demo_messages` were written by the server (the demo's have no events).
pub(crate) fn verify_database(data: &std::path::Path, demo_messages: i64) {
    let db = rusqlite::Connection::open(data.join("parley.db")).expect("open");
    let check: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity");
    assert_eq!(check, "ok");
    let broken: i64 = db.query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).expect("fk");
    assert_eq!(broken, 0, "foreign keys hold");
    let names: Vec<String> = db
        .prepare("SELECT storage_name FROM files UNION ALL SELECT storage_name FROM thumbnails")
        .expect("names")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("names");
    for name in names {
        assert!(data.join("attachments").join(&name).is_file(), "a row names a missing file {name}");
    }
    // Each conversation's summary agrees with its newest message.
    let disagreeing: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM conversations c JOIN messages m ON m.id = (
                 SELECT id FROM messages WHERE conversation_id = c.id ORDER BY created_at DESC, id DESC LIMIT 1)
             WHERE c.last_replier_id IS NOT m.creator_id OR c.last_replied_at IS NOT m.created_at
                OR c.last_message_preview IS NOT substr(m.content_text, 1, 255)",
            [],
            |r| r.get(0),
        )
        .expect("summaries");
    assert_eq!(disagreeing, 0, "conversation summaries agree with their messages");
    // Every reply (not a conversation's first message) has its realtime event.
    let eventless: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM messages m
             WHERE m.id <> (SELECT MIN(id) FROM messages WHERE conversation_id = m.conversation_id)
               AND m.id > ?1
               AND m.id NOT IN (SELECT json_extract(e.data, '$.message.id') FROM events e
                                WHERE e.type = 'message.created')",
            [demo_messages],
            |r| r.get(0),
        )
        .expect("events");
    assert_eq!(eventless, 0, "every acknowledged reply has its event");
}

/// `parley serve` arguments that turn the spam limits off, for load.
pub(crate) const UNLIMITED: [&str; 8] = [
    "--conversations-per-hour-per-address",
    "0",
    "--conversations-per-hour-per-device",
    "0",
    "--messages-per-hour",
    "0",
    "--upload-bytes-per-hour",
    "0",
];

/// Runs `writers` writers of every kind until `stop`; returns their handles.
pub(crate) fn load<'s>(
    scope: &'s std::thread::Scope<'s, '_>,
    http: &'s Http,
    sessions: &'s Sessions,
    round: usize,
    stop: &'s AtomicBool,
    acks: &'s Mutex<Vec<Ack>>,
) {
    for w in 0..sessions.own_conversation.len() as u64 {
        let seed = rand::thread_rng().gen();
        scope.spawn(move || writer(http, sessions, (round, w, seed), stop, acks));
    }
}

#[test]
fn acknowledged_writes_survive_sigkill_at_random_moments() {
    let rounds: usize = std::env::var("PARLEY_CRASH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(20);
    let seed: u64 = std::env::var("PARLEY_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::thread_rng().gen());
    println!("crash harness: {rounds} rounds, PARLEY_CRASH_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().expect("dir");
    let unlimited = UNLIMITED;
    let mut first: Vec<&str> = vec!["--demo"];
    first.extend(unlimited);
    let mut server = process::serve(dir.path(), &first);
    let http = Http::new(&server.base);
    let writers = 4u64;
    let sessions = Sessions {
        caryn: http.session(CARYN),
        simon: http.session(SIMON),
        own_conversation: (0..writers).map(|w| (w, 10 + w as i64)).collect(),
    };
    let demo_messages: i64 = rusqlite::Connection::open(dir.path().join("parley.db"))
        .expect("open")
        .query_row("SELECT MAX(id) FROM messages", [], |r| r.get(0))
        .expect("demo messages");
    let mut total = 0;
    for round in 0..rounds {
        let acks = Mutex::new(Vec::new());
        let stop = Arc::new(AtomicBool::new(false));
        let http = Http::new(&server.base);
        let lifetime = Duration::from_millis(rng.gen_range(150..900));
        std::thread::scope(|s| {
            for w in 0..writers {
                let (http, sessions, stop, acks) = (&http, &sessions, &stop, &acks);
                let writer_seed = rng.gen();
                s.spawn(move || writer(http, sessions, (round, w, writer_seed), stop, acks));
            }
            std::thread::sleep(lifetime);
            server.kill();
            stop.store(true, Ordering::Relaxed);
        });
        let acks = acks.into_inner().expect("acks");
        total += acks.len();
        server = process::serve(dir.path(), &unlimited);
        let http = Http::new(&server.base);
        verify_acks(&http, &sessions, &acks);
        verify_database(&server.data_dir, demo_messages);
        println!("round {round}: killed after {lifetime:?}, {} acknowledged writes checked", acks.len());
    }
    println!("crash harness: {rounds} rounds, {total} acknowledged writes, none lost");
    assert!(total > rounds, "the writers got work done");
}
