//! Stopping: SIGTERM ends realtime streams at once with a `shutdown` event,
//! lets in-flight requests finish, checkpoints the WAL and exits 0 within 5 s.

use std::time::{Duration, Instant};

use crate::helpers::*;
use crate::process;

fn final_files(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir.join("attachments"))
        .map(|d| d.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default()
}

#[test]
fn sigterm_closes_streams_at_once_finishes_requests_checkpoints_and_exits_0() {
    let dir = tempfile::tempdir().expect("dir");
    let mut server = process::serve(dir.path(), &["--demo"]);
    let caryn = server.session(CARYN);
    let agent = ureq::AgentBuilder::new().build();
    let one: serde_json::Value = agent
        .get(&format!("{}/api/v1/conversations/1", server.base))
        .set("X-Session-ID", &caryn)
        .call()
        .expect("conversation")
        .into_json()
        .expect("json");
    let channel = one["data"]["realtime_channel"].as_str().expect("channel").to_owned();
    let stream =
        crate::realtime::sse_at(&server.base, &channel, &[("X-Session-ID", caryn.as_str())]).expect("subscribed");
    let socket = crate::realtime::websocket_at(&server.base, &channel, &[("X-Session-ID", caryn.as_str())], None);

    // An upload in flight: stored on disk, its transaction held at the writer.
    let lock = rusqlite::Connection::open(dir.path().join("parley.db")).expect("db");
    lock.execute_batch("BEGIN IMMEDIATE").expect("lock");
    let before = final_files(dir.path());
    let (content_type, body) = multipart_body(&[
        Part::text("contents", "Sent while stopping"),
        Part::file("files[]", "notes.txt", "text/plain", b"in flight"),
    ]);
    let url = format!("{}/api/v1/conversations/1/messages", server.base);
    let session = caryn.clone();
    let upload = std::thread::spawn(move || {
        match ureq::post(&url).set("X-Session-ID", &session).set("Content-Type", &content_type).send_bytes(&body) {
            Ok(r) => r.status(),
            Err(ureq::Error::Status(code, _)) => code,
            Err(e) => panic!("the in-flight request was cut: {e}"),
        }
    });
    eventually("the upload is stored", || final_files(dir.path()).len() > before.len());

    let signalled = Instant::now();
    server.terminate();
    let last = stream.next_of("shutdown");
    assert_eq!(last.data["reconnect"], true, "{:?}", last.data);
    assert_eq!(socket.next_of("shutdown").data["reconnect"], true);
    assert_eq!(socket.next_of(":close").data, 1012, "close code 1012: service restart");
    lock.execute_batch("COMMIT").expect("unlock");
    drop(lock);
    assert_eq!(upload.join().expect("upload thread"), 201, "the in-flight request finished");
    let status =
        server.exits_within(Duration::from_secs(5)).unwrap_or_else(|| panic!("still running: {}", server.logged()));
    assert!(status.success(), "exit status {status:?}: {}", server.logged());
    assert!(signalled.elapsed() < Duration::from_secs(5));

    // The database file alone holds everything.
    let wal = dir.path().join("parley.db-wal");
    assert!(std::fs::metadata(&wal).map_or(true, |m| m.len() == 0), "the WAL was checkpointed");
    let copy = tempfile::tempdir().expect("copy dir");
    std::fs::copy(dir.path().join("parley.db"), copy.path().join("parley.db")).expect("copy");
    let db = rusqlite::Connection::open(copy.path().join("parley.db")).expect("open the copy");
    let sent: i64 = db
        .query_row("SELECT COUNT(*) FROM messages WHERE content_text = 'Sent while stopping'", [], |r| r.get(0))
        .expect("count");
    assert_eq!(sent, 1);
    let check: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("check");
    assert_eq!(check, "ok");
}

#[test]
fn an_idle_server_stops_on_sigterm_with_everything_in_the_database_file() {
    let dir = tempfile::tempdir().expect("dir");
    let mut server = process::serve(dir.path(), &["--demo"]);
    server.terminate();
    let status = server.exits_within(Duration::from_secs(5)).expect("stops within 5 s");
    assert!(status.success(), "{status:?}");
    let copy = tempfile::tempdir().expect("copy dir");
    std::fs::copy(dir.path().join("parley.db"), copy.path().join("parley.db")).expect("copy");
    let db = rusqlite::Connection::open(copy.path().join("parley.db")).expect("open the copy");
    let n: i64 = db.query_row("SELECT COUNT(*) FROM conversations", [], |r| r.get(0)).expect("count");
    assert!(n > 20, "the demo is in the copied file: {n}");
}
