//! Mail and crashes: the binary killed with SIGKILL while mail waits for a
//! relay, and in the middle of an SMTP session.

use serde_json::json;

use super::*;
use crate::process::serve;

fn db(dir: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("parley.db")).expect("open")
}

#[test]
fn mail_queued_while_the_relay_is_down_all_arrives_after_a_kill_and_a_restart() {
    let dir = tempfile::tempdir().expect("dir");
    let relay_port = free_port();
    let relay_url = format!("smtp://127.0.0.1:{relay_port}");
    let args = ["--demo", "--mail-transport", "smtp", "--smtp-relay", relay_url.as_str()];
    let mut server = serve(dir.path(), &args);
    let app = TestApp::at(&server.base, std::sync::Arc::new(tempfile::tempdir().expect("unused")));
    let (code, err) = std::process::Command::new(crate::process::PARLEY)
        .args(["mail", "ingest", "--data-dir"])
        .arg(dir.path())
        .arg(fixture_path("new_mail.eml"))
        .output()
        .map(|o| (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned()))
        .expect("ingest");
    assert_eq!(code, Some(0), "{err}");
    let mut id = 0;
    eventually("the mail is a conversation", || {
        id = db(dir.path()).query_row("SELECT conversation_id FROM mails", [], |r| r.get(0)).unwrap_or(0);
        id > 0
    });
    let simon = server.session(crate::helpers::SIMON);
    let mut uuids = Vec::new();
    for n in 0..5 {
        let r = app
            .post(&format!("/api/v1/conversations/{id}/messages"))
            .session(&simon)
            .json(&json!({"contents": format!("Reply {n}")}))
            .send();
        assert_eq!(r.status, 201, "{}", r.text);
        uuids.push(r.body["data"]["uuid"].as_str().expect("uuid").to_owned());
    }
    eventually("every reply was tried once", || {
        db(dir.path())
            .query_row("SELECT MIN(attempts) FROM outbox", [], |r| r.get::<_, Option<i64>>(0))
            .ok()
            .flatten()
            .unwrap_or(0)
            >= 1
    });
    server.kill();

    let relay = Relay::start(relay_port);
    let _server = serve(dir.path(), &args);
    eventually("all five arrive", || relay.received().len() >= 5);
    let mut got: Vec<String> = relay.received().iter().map(|m| id_of(m)).collect();
    got.sort();
    let mut want: Vec<String> = uuids.iter().map(|u| format!("m.{u}@brewfictus.com")).collect();
    want.sort();
    assert_eq!(got, want, "each reply once");
}

fn fixture_path(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/api/mail/fixtures").join(name)
}

#[test]
fn a_kill_in_the_middle_of_an_smtp_session_leaves_no_half_imported_mail() {
    let dir = tempfile::tempdir().expect("dir");
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut server = serve(dir.path(), &["--demo", "--smtp-listen", listen.as_str()]);
    let raw = fixture("attachments.eml", &[]);
    let (mut smtp, _) = Smtp::connect(port);
    smtp.cmd("EHLO client.example.net");
    assert!(smtp.cmd("MAIL FROM:<joe.bloggs@example.net>").starts_with("250"));
    assert!(smtp.cmd("RCPT TO:<support@brewfictus.com>").starts_with("250"));
    assert!(smtp.cmd("DATA").starts_with("354"));
    smtp.raw(&raw[..raw.len() / 2]).expect("half the mail");
    server.kill();
    drop(smtp);

    let _server = serve(dir.path(), &["--smtp-listen", listen.as_str()]);
    let db = db(dir.path());
    let mails: i64 = db.query_row("SELECT COUNT(*) FROM mails", [], |r| r.get(0)).expect("mails");
    let files: i64 = db
        .query_row("SELECT COUNT(*) FROM files WHERE name IN ('receipt.txt', 'burr.png')", [], |r| r.get(0))
        .expect("files");
    let posts: i64 = db
        .query_row("SELECT COUNT(*) FROM messages WHERE subject = 'Photos of the burrs'", [], |r| r.get(0))
        .expect("posts");
    assert_eq!((mails, files, posts), (0, 0, 0), "nothing of the interrupted mail");
    // The client tries again, and the mail is taken once.
    let (mut smtp, _) = Smtp::connect(port);
    smtp.cmd("EHLO client.example.net");
    let r = smtp.send("joe.bloggs@example.net", &["support@brewfictus.com"], &raw);
    assert!(r.starts_with("250"), "{r}");
    let posts: i64 = db
        .query_row("SELECT COUNT(*) FROM messages WHERE subject = 'Photos of the burrs'", [], |r| r.get(0))
        .expect("posts");
    assert_eq!(posts, 1);
}

#[test]
fn stopping_ends_idle_smtp_sessions_with_421_and_the_server_exits() {
    let dir = tempfile::tempdir().expect("dir");
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut server = serve(dir.path(), &["--demo", "--smtp-listen", listen.as_str()]);
    let (mut smtp, _) = Smtp::connect(port);
    assert!(smtp.cmd("EHLO client.example.net").starts_with("250"));
    server.terminate();
    let bye = smtp.reply();
    assert!(bye.starts_with("421"), "{bye}");
    let status = server.exits_within(std::time::Duration::from_secs(20)).expect("it stops");
    assert!(status.success(), "{status:?}");
}

#[test]
fn hostile_mail_neither_stalls_the_binary_nor_bloats_its_memory() {
    let dir = tempfile::tempdir().expect("dir");
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let server = serve(dir.path(), &["--demo", "--smtp-listen", listen.as_str()]);
    let pid = server.child.id();
    let before = crate::process::rss_kib(pid);
    let (mut smtp, _) = Smtp::connect(port);
    smtp.cmd("EHLO client.example.net");
    // A line of 100 MB: read to its end in bounded memory, then refused.
    assert!(smtp.cmd("MAIL FROM:<a@example.net>").starts_with("250"));
    assert!(smtp.cmd("RCPT TO:<support@brewfictus.com>").starts_with("250"));
    assert!(smtp.cmd("DATA").starts_with("354"));
    smtp.raw(b"From: a@example.net\r\nSubject: long\r\n\r\n").expect("head");
    let chunk = vec![b'x'; 1024 * 1024];
    for _ in 0..100 {
        smtp.raw(&chunk).expect("the line");
    }
    smtp.raw(b"\r\n.\r\n").expect("end");
    let r = smtp.reply();
    assert!(r.starts_with("552"), "{r}");
    // A header bomb, within the size limit: refused with why.
    let mut bomb = String::from("From: b@example.net\r\nMessage-ID: <bomb@example.net>\r\n");
    for i in 0..50_000 {
        bomb.push_str(&format!("X-B{i}: {}\r\n", "v".repeat(100)));
    }
    bomb.push_str("\r\nbody\r\n");
    let r = smtp.send("b@example.net", &["support@brewfictus.com"], bomb.as_bytes());
    assert!(r.starts_with("554") && r.contains("header lines"), "{r}");
    let started = std::time::Instant::now();
    let health = ureq::get(&format!("{}/healthz", server.base)).call().expect("healthz");
    assert_eq!(health.status(), 200);
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "the server answers at once");
    let grown = crate::process::rss_kib(pid).saturating_sub(before);
    assert!(grown < 96 * 1024, "resident memory grew by {grown} KiB");
    let kept: i64 = db(dir.path()).query_row("SELECT COUNT(*) FROM mails", [], |r| r.get(0)).expect("mails");
    assert_eq!(kept, 0);
}
