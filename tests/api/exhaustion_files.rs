//! The second hardening round, for the disk: uploads and the zips of a
//! message's files. Each test is a bounded loopback attack that succeeded
//! before its fix.

use serde_json::json;

use crate::helpers::*;

fn upload(app: &TestApp, fingerprint: &str, bytes: usize) -> Resp {
    app.post("/api/v1/files")
        .fingerprint(fingerprint)
        .parts(&[Part::file("content", "f.bin", "application/octet-stream", &vec![b'x'; bytes])])
        .send()
}

fn refused(r: &Resp, says: &str) {
    assert_eq!(r.status, 429, "{}", r.text);
    assert_eq!(r.error_codes(), ["RATE_LIMIT_REACHED"], "{}", r.text);
    assert!(r.text.contains(says), "{}", r.text);
    assert!(r.header("retry-after").is_some());
}

#[test]
fn fresh_fingerprints_share_their_addresss_upload_allowance() {
    let app = spawn_with(true, |c| c.upload_bytes_per_hour = 1024 * 1024);
    assert_eq!(upload(&app, &new_fingerprint(), 600 * 1024).status, 201);
    let before = app.stored_files();
    for _ in 0..3 {
        refused(&upload(&app, &new_fingerprint(), 600 * 1024), "from one address");
    }
    assert_eq!(app.stored_files(), before, "refused uploads left nothing on disk");
}

#[test]
fn uploads_waiting_to_be_attached_are_bounded_per_address_and_in_all() {
    let app = spawn_with(true, |c| {
        c.upload_bytes_per_hour = 0;
        c.max_unattached_bytes_per_address = 1024 * 1024;
    });
    let device = new_fingerprint();
    let first = upload(&app, &device, 600 * 1024);
    assert_eq!(first.status, 201, "{}", first.text);
    let before = app.stored_files();
    refused(&upload(&app, &new_fingerprint(), 600 * 1024), "from one address");
    assert_eq!(app.stored_files(), before, "the refused upload's file is gone");
    // Attached, an upload no longer waits: the address may upload again.
    let conversation = app.device_conversation(&device, "Ann Upload", "ann.upload@example.org", "files");
    let id = conversation.body["data"]["id"].as_i64().expect("conversation");
    let fid = first.body["data"]["id"].as_i64().expect("file");
    let r = app
        .post(&format!("/api/v1/conversations/{id}/messages"))
        .fingerprint(&device)
        .json(&json!({"contents": "here it is", "file_ids": fid.to_string()}))
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(upload(&app, &device, 600 * 1024).status, 201);

    let app = spawn_with(true, |c| {
        c.upload_bytes_per_hour = 0;
        c.max_unattached_bytes_per_address = 0;
        c.max_unattached_bytes = 1024 * 1024;
    });
    assert_eq!(upload(&app, &new_fingerprint(), 600 * 1024).status, 201);
    refused(&upload(&app, &new_fingerprint(), 600 * 1024), "may wait to be attached");
    // Staff are not bounded.
    let simon = app.session(SIMON);
    let r = app
        .post("/api/v1/files")
        .session(&simon)
        .parts(&[Part::file("content", "s.bin", "application/octet-stream", &vec![b'x'; 600 * 1024])])
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
}

#[test]
fn unattached_uploads_are_swept_after_an_hour() {
    let app = spawn_demo();
    let old = upload(&app, &new_fingerprint(), 10);
    let young = upload(&app, &new_fingerprint(), 10);
    let db = app.db();
    let name = |id: i64| -> String {
        db.query_row("SELECT storage_name FROM files WHERE id = ?1", [id], |r| r.get(0)).expect("name")
    };
    let (old_id, young_id) =
        (old.body["data"]["id"].as_i64().expect("id"), young.body["data"]["id"].as_i64().expect("id"));
    let (old_name, young_name) = (name(old_id), name(young_id));
    db.execute("UPDATE files SET created_at = created_at - 3700 WHERE id = ?1", [old_id]).expect("age");
    db.execute("UPDATE files SET created_at = created_at - 1800 WHERE id = ?1", [young_id]).expect("age");
    let _restarted = app.restart();
    eventually("the hour-old upload to go", || !app.stored_files().contains(&old_name));
    assert!(app.stored_files().contains(&young_name), "a half-hour-old one stays");
}

/// Files the server process holds open that are deleted temporary zips.
fn open_temporary_zips() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("fds")
        .filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
        .filter(|target| target.to_string_lossy().contains(".zip.part"))
        .count()
}

#[test]
fn unread_zips_of_a_messages_files_pin_no_disk() {
    use std::io::Write;
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let big = vec![b'z'; 2 * 1024 * 1024];
    let parts: Vec<Part> = (0..3)
        .map(|i| Part::file("files[]", &format!("f{i}.bin"), "application/octet-stream", &big))
        .chain([Part::text("contents", "three files")])
        .collect();
    let m = app.post("/api/v1/conversations/1/messages").session(&caryn).parts(&parts).send();
    assert_eq!(m.status, 201, "{}", m.text);
    let path = path_of(&m.body["data"]["download_all"]);
    // Twenty requests whose answers are never read.
    let unread: Vec<std::net::TcpStream> = (0..20)
        .map(|_| {
            let mut s = std::net::TcpStream::connect(app.base.trim_start_matches("http://")).expect("connect");
            write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\nX-Session-ID: {caryn}\r\n\r\n").expect("request");
            s
        })
        .collect();
    // Each answer has started (its first bytes are waiting) before the count.
    for s in &unread {
        let mut byte = [0u8; 1];
        s.set_read_timeout(Some(std::time::Duration::from_secs(10))).expect("timeout");
        assert_eq!(s.peek(&mut byte).expect("an answer"), 1);
    }
    assert_eq!(open_temporary_zips(), 0, "no temporary zip is written, so none is held");
    drop(unread);
    // The zip is still whole and exact.
    let (status, _, bytes) = app.get(&path).session(&caryn).send_bytes();
    assert_eq!(status, 200);
    assert_eq!(bytes.len(), 3 * (30 + 6 + big.len()) + 3 * (46 + 6) + 22);
}
