//! `parley backup` under write load and `parley restore`: a restored backup
//! holds every write acknowledged before the backup began, passes every
//! database check, and a backup taken once the load stopped restores to an
//! instance that answers every API request exactly as the original does.

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use serde_json::Value;

use crate::crash::{load, verify_acks, verify_database, Http, Sessions, UNLIMITED};
use crate::helpers::*;
use crate::process;

fn parley(args: &[&str]) -> String {
    let out = Command::new(process::PARLEY).args(args).output().expect("run parley");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "parley {args:?} failed: {text}");
    text
}

fn count(dir: &std::path::Path, sql: &str) -> i64 {
    rusqlite::Connection::open(dir.join("parley.db")).expect("open").query_row(sql, [], |r| r.get(0)).expect("count")
}

/// Every page of a collection.
fn all_pages(http: &Http, path: &str, session: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let sep = if path.contains('?') { '&' } else { '?' };
    loop {
        let (status, body) = http
            .call("GET", &format!("{path}{sep}limit=100&offset={}", items.len()), &[("X-Session-ID", session)], None)
            .expect("get");
        assert_eq!(status, 200, "{path}: {body}");
        let page = body["data"].as_array().expect("page").clone();
        let done = page.len() < 100;
        items.extend(page);
        if done {
            return items;
        }
    }
}

/// Asserts that `a` and `b` answer `path` alike (their base URLs aside).
fn same(a: &Http, b: &Http, path: &str, session: &str) -> Value {
    let get = |h: &Http| h.call("GET", path, &[("X-Session-ID", session)], None).expect("get");
    let (sa, ba) = get(a);
    let (sb, bb) = get(b);
    let ba: Value = serde_json::from_str(&ba.to_string().replace(&a.base, &b.base)).expect("json");
    assert_eq!((sa, &ba), (sb, &bb), "{path} differs after restore");
    bb
}

fn same_bytes(a: &Http, b: &Http, path_a: &str, session: &str) {
    assert!(a.bytes(path_a, session) == b.bytes(path_a, session), "{path_a} differs after restore");
}

fn local(url: &Value) -> Option<String> {
    url.as_str().and_then(|u| u.splitn(4, '/').nth(3)).map(|p| format!("/{p}"))
}

/// Every resource of the instance, as an agent and as a customer, compared;
/// returns how many messages and attachment bodies were compared.
fn compare_everything(original: &Http, restored: &Http, sessions: &Sessions, data: &std::path::Path) -> (usize, usize) {
    let (mut compared_messages, mut bodies) = (0, 0);
    let simon = sessions.simon.as_str();
    let caryn = sessions.caryn.as_str();
    for path in [
        "/api/v1/conversations?include=*&limit=100",
        "/api/v1/conversations/forms",
        "/api/v1/conversations/fields?include=*",
        "/api/v1/cases/statuses",
        "/api/v1/cases/priorities",
        "/api/v1/cases/types",
        "/api/v1/teams/1",
        "/api/v1/roles/1",
        "/api/v1/conversations/starter",
    ] {
        same(original, restored, path, simon);
    }
    same(original, restored, "/api/v1/conversations?limit=100", caryn);
    let conversations = all_pages(original, "/api/v1/conversations", simon);
    assert_eq!(conversations.len() as i64, count(data, "SELECT COUNT(*) FROM conversations"));
    for c in &conversations {
        let id = c["id"].as_i64().expect("id");
        same(original, restored, &format!("/api/v1/conversations/{id}?include=*"), simon);
        same(original, restored, &format!("/api/v1/conversations/{id}/participants?limit=100"), simon);
        same(original, restored, &format!("/api/v1/conversations/{id}/ratings?limit=100"), simon);
        let messages = all_pages(original, &format!("/api/v1/conversations/{id}/messages"), simon);
        let mut offset = 0;
        while offset < messages.len() {
            same(original, restored, &format!("/api/v1/conversations/{id}/messages?limit=100&offset={offset}"), simon);
            offset += 100;
        }
        compared_messages += messages.len();
        for m in &messages {
            for a in m["attachments"].as_array().into_iter().flatten() {
                same(original, restored, &local(&a["resource_url"]).expect("attachment"), simon);
                same_bytes(original, restored, &local(&a["url_download"]).expect("download"), simon);
                bodies += 1;
                for t in a["thumbnails"].as_array().into_iter().flatten() {
                    same_bytes(original, restored, &local(&t["url"]).expect("thumbnail"), simon);
                }
            }
            if let Some(zip) = local(&m["download_all"]) {
                same_bytes(original, restored, &zip, simon);
            }
        }
    }
    for id in 1..=count(data, "SELECT MAX(id) FROM users") {
        same(original, restored, &format!("/api/v1/users/{id}"), simon);
    }
    for id in 1..=count(data, "SELECT COALESCE(MAX(id), 0) FROM files") {
        same(original, restored, &format!("/api/v1/files/{id}"), simon);
    }
    (compared_messages, bodies)
}

#[test]
fn a_backup_taken_under_write_load_restores_every_acknowledged_write() {
    let dir = tempfile::tempdir().expect("dir");
    let mut args = vec!["--demo"];
    args.extend(UNLIMITED);
    let server = process::serve(dir.path(), &args);
    let http = Http::new(&server.base);
    let sessions = Sessions {
        caryn: http.session(CARYN),
        simon: http.session(SIMON),
        own_conversation: (0..4).map(|w| (w, 10 + w as i64)).collect(),
    };
    let demo_messages = count(dir.path(), "SELECT MAX(id) FROM messages");
    let (mid_load, acked_before) = {
        let stop = AtomicBool::new(false);
        let acks = Mutex::new(Vec::new());
        let backup = dir.path().join("mid-load.zip");
        let acked_before = std::thread::scope(|s| {
            load(s, &http, &sessions, 0, &stop, &acks);
            eventually("the load is under way", || acks.lock().expect("acks").len() >= 40);
            let acked_before = acks.lock().expect("acks").clone();
            parley(&["backup", &backup.display().to_string(), "--data-dir", &dir.path().display().to_string()]);
            let after = acked_before.len() + 40;
            eventually("the load went on", || acks.lock().expect("acks").len() >= after);
            stop.store(true, Ordering::Relaxed);
            acked_before
        });
        (backup, acked_before)
    };
    let quiet = dir.path().join("quiet.zip");
    let said = parley(&["backup", &quiet.display().to_string(), "--data-dir", &dir.path().display().to_string()]);
    assert!(said.contains("backed up"), "{said}");

    // The backup taken under load: everything acknowledged before it began, and a sound database.
    let r1 = tempfile::tempdir().expect("dir");
    parley(&["restore", &mid_load.display().to_string(), "--data-dir", &r1.path().display().to_string()]);
    let restored = process::serve(r1.path(), &UNLIMITED);
    verify_acks(&Http::new(&restored.base), &sessions, &acked_before);
    verify_database(r1.path(), demo_messages);
    drop(restored);

    // The backup taken at rest: the same instance, request for request.
    let r2 = tempfile::tempdir().expect("dir");
    let said = parley(&["restore", &quiet.display().to_string(), "--data-dir", &r2.path().display().to_string()]);
    assert!(said.contains("restored"), "{said}");
    let restored = process::serve(r2.path(), &UNLIMITED);
    let (messages, bodies) = compare_everything(&http, &Http::new(&restored.base), &sessions, dir.path());
    assert_eq!(messages as i64, count(dir.path(), "SELECT COUNT(*) FROM messages"), "every message was compared");
    assert!(bodies > 3, "attachments written under load were compared byte for byte: {bodies}");
    assert_eq!(
        std::fs::read_to_string(r2.path().join("messenger.key")).expect("key"),
        std::fs::read_to_string(dir.path().join("messenger.key")).expect("key"),
    );
}

#[test]
fn restore_refuses_a_directory_that_holds_an_instance_and_a_file_that_is_not_a_backup() {
    let dir = tempfile::tempdir().expect("dir");
    let server = process::serve(dir.path(), &["--demo"]);
    let file = dir.path().join("b.zip");
    parley(&["backup", &file.display().to_string(), "--data-dir", &dir.path().display().to_string()]);
    drop(server);
    let out = Command::new(process::PARLEY)
        .args(["restore", &file.display().to_string(), "--data-dir", &dir.path().display().to_string()])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already holds an instance"));
    let junk = dir.path().join("junk.zip");
    std::fs::write(&junk, b"not a zip").expect("junk");
    let empty = tempfile::tempdir().expect("dir");
    let out = Command::new(process::PARLEY)
        .args(["restore", &junk.display().to_string(), "--data-dir", &empty.path().display().to_string()])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a Parley backup"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!empty.path().join("parley.db").exists(), "nothing was restored");
}
