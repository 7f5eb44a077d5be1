//! A warm standby: `parley serve --read-only` on a copy that `litestream
//! restore -f` keeps current from the primary's replica. It serves reads
//! and realtime (with resume across servers), signs in with Basic, refuses
//! writes naming the primary, reports its lag, and is promoted the
//! documented way: follow stopped, a normal `serve` under `litestream
//! replicate` to a new replica path, the old primary fenced off it.

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{eventually, SIMON};
use crate::process::{serve, start, Server};
use crate::realtime::sse_at;
use crate::replication::{config, demo_database, litestream_command};

/// The standby's follow interval, and the primary's sync interval (the
/// replication config's `sync-interval: 1s`).
const FOLLOW: Duration = Duration::from_millis(500);
const SYNC: Duration = Duration::from_secs(1);

/// `litestream restore -f`, stopped when dropped.
struct Follower {
    child: Child,
    log: PathBuf,
}

impl Follower {
    /// Restores `replica` into `data/parley.db` and follows it. The replica
    /// holds nothing until the primary's first sync, so this retries until
    /// the restore has written the copy and its `-txid` file.
    fn start(replica: &Path, data: &Path) -> Follower {
        std::fs::create_dir_all(data).expect("data dir");
        let db = data.join("parley.db");
        let log = data.with_extension("follow.log");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let mut child = litestream_command()
                .args(["restore", "-f", "-follow-interval", &format!("{}ms", FOLLOW.as_millis()), "-o"])
                .arg(&db)
                .arg(format!("file://{}", replica.display()))
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&log).expect("follow log"))
                .spawn()
                .expect("litestream restore -f");
            loop {
                if data.join("parley.db-txid").exists() {
                    return Follower { child, log };
                }
                if child.try_wait().expect("try_wait").is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let said = std::fs::read_to_string(&log).unwrap_or_default();
            assert!(Instant::now() < deadline, "the follower never restored: {said}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Stops following (SIGTERM: Litestream finishes what it applies).
    fn stop(mut self) {
        let _ = std::process::Command::new("kill").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The primary under Litestream, replicating `root/data` to `root/replica`.
fn primary(root: &Path) -> Server {
    let config = config(root, "--wal-checkpoints external --messages-per-hour 0 --workers 2");
    let mut command = litestream_command();
    command.args(["replicate", "-config"]).arg(&config);
    start(command, &root.join("data"))
}

fn post(base: &str, path: &str, session: &str, body: Value) -> ureq::Response {
    match ureq::post(&format!("{base}{path}")).set("X-Session-ID", session).send_json(body) {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("POST {path}: {e}"),
    }
}

fn get(base: &str, path: &str, session: &str) -> (u16, Value) {
    match ureq::get(&format!("{base}{path}")).set("X-Session-ID", session).call() {
        Ok(r) => (r.status(), r.into_json().expect("json")),
        Err(ureq::Error::Status(code, r)) => (code, r.into_json().unwrap_or(Value::Null)),
        Err(e) => panic!("GET {path}: {e}"),
    }
}

/// Whether the conversation's newest messages hold `text`.
fn has_message(base: &str, session: &str, conversation: i64, text: &str) -> bool {
    let (_, page) = get(base, &format!("/api/v1/conversations/{conversation}/messages?limit=10"), session);
    page["data"].as_array().is_some_and(|m| m.iter().any(|m| m["content_text"] == text))
}

fn texts_in(db: &Path, like: &str) -> std::collections::HashSet<String> {
    let conn = rusqlite::Connection::open(db).expect("open the restored file");
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity_check");
    assert_eq!(check, "ok");
    let mut stmt = conn.prepare("SELECT content_text FROM messages WHERE content_text LIKE ?1").expect("query");
    stmt.query_map([like], |r| r.get(0)).expect("rows").collect::<Result<_, _>>().expect("texts")
}

fn restore(replica: &Path, into: &Path) {
    let out = litestream_command()
        .args(["restore", "-o"])
        .arg(into)
        .arg(format!("file://{}", replica.display()))
        .output()
        .expect("litestream restore");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[test]
fn a_standby_follows_serves_reads_and_realtime_refuses_writes_and_is_promoted() {
    let dir = tempfile::tempdir().expect("dir");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    demo_database(&a);
    let mut old = primary(&a);
    let writer = old.session(SIMON);
    let follower = Follower::start(&a.join("replica"), &b.join("data"));
    let standby = serve(&b.join("data"), &["--read-only", "--primary-url", &old.base]);

    // Signing in works on the standby (Basic, the session held in memory),
    // and it reads what the primary has.
    let reader = standby.session(SIMON);
    let (status, listed) = get(&standby.base, "/api/v1/conversations?limit=1", &reader);
    assert_eq!(status, 200, "{listed}");
    let (_, on_primary) = get(&old.base, "/api/v1/conversations?limit=1", &writer);
    assert_eq!(listed["total_count"], on_primary["total_count"]);

    // Follow lag: each write on the primary, readable on the standby, and its
    // event delivered to a subscriber there.
    let events =
        sse_at(&standby.base, "inbox", &[("X-Session-ID", reader.as_str())]).expect("subscribe on the standby");
    let heard = sse_at(&old.base, "inbox", &[("X-Session-ID", writer.as_str())]).expect("subscribe on the primary");
    let mut lags = Vec::new();
    let mut ids = Vec::new();
    for n in 0..6 {
        let text = format!("followed {n}");
        let sent = Instant::now();
        let r = post(&old.base, "/api/v1/conversations/1/messages", &writer, json!({ "contents": text }));
        assert_eq!(r.status(), 201, "{}", r.into_string().unwrap_or_default());
        eventually("the write reaches the standby", || has_message(&standby.base, &reader, 1, &text));
        lags.push(sent.elapsed());
        let event = events.next_of("message.created");
        assert_eq!(event.data["message"]["content_text"], text, "{:?}", event.data);
        let id = event.id.expect("a logged event has an id");
        assert_eq!(heard.next_of("message.created").id, Some(id), "one log, the same ids on both servers");
        ids.push(id);
    }
    let (fastest, slowest) = (lags.iter().min().copied(), lags.iter().max().copied());
    eprintln!("follow lag over {} writes: median {:?}, {fastest:?}–{slowest:?}", lags.len(), median(lags.clone()));
    // The primary's sync, then at most two follow intervals and Parley's look at the files.
    let bound = SYNC + 2 * FOLLOW + Duration::from_millis(500);
    assert!(median(lags.clone()) <= bound, "lags {lags:?} over {bound:?}");

    // Resume across servers: a client of the primary that saw the third event
    // resumes on the standby and gets the rest, from the replicated log.
    let resumed =
        sse_at(&standby.base, "inbox", &[("X-Session-ID", reader.as_str()), ("Last-Event-ID", &ids[2].to_string())])
            .expect("resume on the standby");
    for expected in &ids[3..] {
        assert_eq!(resumed.next_of("message.created").id, Some(*expected));
    }

    // Every write is refused, naming the primary, and changes nothing.
    let refused = post(&standby.base, "/api/v1/conversations/1/messages", &reader, json!({ "contents": "no" }));
    assert_eq!(refused.status(), 503);
    let body: Value = refused.into_json().expect("json");
    assert_eq!(body["errors"][0]["code"], "READ_ONLY", "{body}");
    assert!(body["errors"][0]["message"].as_str().is_some_and(|m| m.contains(&old.base)), "{body}");
    let put = ureq::put(&format!("{}/api/v1/conversations/1", standby.base))
        .set("X-Session-ID", &reader)
        .send_json(json!({ "status_id": 3 }));
    assert!(matches!(put, Err(ureq::Error::Status(503, _))), "{put:?}");
    assert!(!has_message(&standby.base, &reader, 1, "no"));
    assert!(!has_message(&old.base, &writer, 1, "no"));

    // Health: a standby, how far it has come, and the age of the newest event.
    let health: Value =
        ureq::get(&format!("{}/healthz", standby.base)).call().expect("healthz").into_json().expect("json");
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(health["role"], "standby");
    assert!(health["replication"]["newest_event_id"].as_i64().is_some_and(|id| id >= ids[5]), "{health}");
    assert!(health["replication"]["lag_seconds"].as_i64().is_some_and(|s| (0..60).contains(&s)), "{health}");
    assert!(health["replication"]["txid"].is_string(), "{health}");
    let log = standby.logged();
    assert!(!log.contains("WARN") && !log.contains("ERROR"), "the standby complained:\n{log}");

    // Promotion. 1: fence the old primary (stopped, and it only ever knew the old replica path).
    old.terminate();
    assert!(old.exits_within(Duration::from_secs(20)).is_some_and(|s| s.success()), "{}", old.logged());
    // 2: stop following, once the follower has applied all there is.
    let last = texts_in(&a.join("data/parley.db"), "followed %");
    eventually("the standby has every acknowledged write", || {
        (0..6).all(|n| has_message(&standby.base, &reader, 1, &format!("followed {n}")))
    });
    drop(standby);
    let follow_log = follower.log.clone();
    follower.stop();
    let said = std::fs::read_to_string(&follow_log).unwrap_or_default();
    assert!(!said.contains("level=ERROR"), "{said}");
    // 3: the copy served as a primary, replicating to a new path.
    std::fs::remove_file(b.join("data/parley.db-txid")).expect("the follower's mark");
    let mut promoted = primary(&b);
    // The new path starts with a whole snapshot of the copy (#781: nothing
    // after a restore is lost waiting for an old high-water mark).
    eventually("Litestream snapshots the promoted copy", || promoted.logged().contains("snapshot complete"));
    let session = promoted.session(SIMON);
    assert!(has_message(&promoted.base, &session, 1, "followed 5"), "the promoted copy holds the primary's writes");
    for n in 0..3 {
        let r = post(
            &promoted.base,
            "/api/v1/conversations/3/messages",
            &session,
            json!({ "contents": format!("promoted {n}") }),
        );
        assert_eq!(r.status(), 201);
    }
    promoted.terminate();
    assert!(promoted.exits_within(Duration::from_secs(20)).is_some_and(|s| s.success()), "{}", promoted.logged());

    // The old primary, started again with its own configuration, writes to its old path only.
    let mut again = primary(&a);
    let stale = again.session(SIMON);
    assert_eq!(
        post(&again.base, "/api/v1/conversations/12/messages", &stale, json!({ "contents": "fenced" })).status(),
        201
    );
    again.terminate();
    assert!(again.exits_within(Duration::from_secs(20)).is_some());

    // Restored from the new path: everything followed, everything written after the promotion, nothing fenced.
    let restored = dir.path().join("restored.db");
    restore(&b.join("replica"), &restored);
    let followed = texts_in(&restored, "followed %");
    assert_eq!(followed, last);
    let promoted_texts = texts_in(&restored, "promoted %");
    assert_eq!(promoted_texts.len(), 3, "{promoted_texts:?}");
    assert!(texts_in(&restored, "fenced").is_empty(), "the old primary reached the new path");
}
