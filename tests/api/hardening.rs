//! Regression tests for the hardening issue: hostile or careless input gets a
//! clear Kayako error, changes nothing, and never takes the server down.

use serde_json::json;

use crate::helpers::*;

fn conversation_count(app: &TestApp) -> i64 {
    app.db().query_row("SELECT COUNT(*) FROM conversations", [], |r| r.get(0)).expect("count")
}

fn message_count(app: &TestApp) -> i64 {
    app.db().query_row("SELECT COUNT(*) FROM messages", [], |r| r.get(0)).expect("count")
}

fn invalid(r: &Resp, parameter: &str) {
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.errors(), [("FIELD_INVALID".to_owned(), parameter.to_owned())], "{}", r.text);
}

#[test]
fn a_key_nested_thousands_deep_is_refused_in_every_encoding_and_the_server_lives() {
    let app = spawn_demo();
    let before = conversation_count(&app);
    let key = format!("metadata{}", "[a]".repeat(5000));
    let base = [("name", "Deep"), ("email", "deep@example.org"), ("subject", "s"), ("contents", "c")];
    let mut pairs: Vec<(&str, &str)> = base.to_vec();
    pairs.push((key.as_str(), "x"));
    invalid(&app.post("/api/v1/conversations").form(&pairs).send(), "metadata");
    invalid(&app.post("/api/v1/conversations").multipart(&pairs).send(), "metadata");
    let deep_json = format!(
        r#"{{"name":"Deep","email":"deep@example.org","subject":"s","contents":"c","metadata":{}1{}}}"#,
        "[".repeat(100),
        "]".repeat(100)
    );
    invalid(&app.post("/api/v1/conversations").raw("application/json", deep_json.as_bytes()).send(), "metadata");
    // A JSON object hidden in a multipart text part is held to the same bound.
    let mut hidden = base.to_vec();
    let nested = format!("{}1{}", "[".repeat(50), "]".repeat(50));
    let as_text = format!(r#"{{"user_agent":{nested}}}"#);
    hidden.push(("metadata", as_text.as_str()));
    invalid(&app.post("/api/v1/conversations").multipart(&hidden).send(), "metadata");
    assert_eq!(app.get("/healthz").send().status, 200);
    assert_eq!(conversation_count(&app), before);
}

#[test]
fn too_many_parameters_and_overlong_names_are_refused() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let many: String = (0..1500).map(|i| format!("k{i}=v&")).collect::<String>() + "contents=hi";
    let r = app
        .post("/api/v1/conversations/1/messages")
        .session(&caryn)
        .raw("application/x-www-form-urlencoded", many.as_bytes())
        .send();
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.error_codes(), ["FIELD_INVALID"]);
    let long = format!("{}=1&contents=hi", "k".repeat(4096));
    let r = app
        .post("/api/v1/conversations/1/messages")
        .session(&caryn)
        .raw("application/x-www-form-urlencoded", long.as_bytes())
        .send();
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.error_codes(), ["FIELD_INVALID"]);
    let query: String = (0..1500).map(|i| format!("k{i}=v&")).collect();
    let r = app.get(&format!("/api/v1/conversations?{query}")).session(&caryn).send();
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.error_codes(), ["FIELD_INVALID"]);
}

#[test]
fn numbers_and_booleans_are_not_text() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let before = message_count(&app);
    for contents in [json!(12345), json!(true), json!(["a"]), json!({"a": "b"})] {
        let r =
            app.post("/api/v1/conversations/1/messages").session(&caryn).json(&json!({ "contents": contents })).send();
        invalid(&r, "contents");
    }
    let r = app
        .post("/api/v1/conversations/1/messages")
        .session(&caryn)
        .json(&json!({"contents": "ok", "metadata": {"user_agent": 7}}))
        .send();
    invalid(&r, "metadata.user_agent");
    let r = app
        .post("/api/v1/conversations")
        .json(&json!({"name": "N", "email": "n@example.org", "subject": 1, "contents": "x"}))
        .send();
    invalid(&r, "subject");
    assert_eq!(message_count(&app), before);
    // Typed values stay welcome where the type fits.
    let r = app
        .post("/api/v1/conversations/1/messages")
        .session(&caryn)
        .json(&json!({"contents": "ok", "file_ids": []}))
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
}

#[test]
fn nul_bytes_are_refused_in_every_encoding() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let before = message_count(&app);
    let url = "/api/v1/conversations/1/messages";
    invalid(&app.post(url).session(&caryn).json(&json!({"contents": "a\u{0}b"})).send(), "contents");
    invalid(
        &app.post(url).session(&caryn).raw("application/x-www-form-urlencoded", b"contents=a%00b").send(),
        "contents",
    );
    invalid(&app.post(url).session(&caryn).multipart(&[("contents", "a\u{0}b")]).send(), "contents");
    invalid(
        &app.post(url).session(&caryn).json(&json!({"contents": "x", "metadata": {"page_url": "a\u{0}"}})).send(),
        "metadata.page_url",
    );
    assert_eq!(message_count(&app), before);
}

#[test]
fn invalid_utf8_is_refused_the_same_way_in_every_encoding() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let before = message_count(&app);
    let url = "/api/v1/conversations/1/messages";
    invalid(&app.post(url).session(&caryn).raw("application/json", b"{\"contents\": \"caf\xe9\"}").send(), "contents");
    invalid(
        &app.post(url).session(&caryn).raw("application/x-www-form-urlencoded", b"contents=caf%E9").send(),
        "contents",
    );
    let mut body = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"contents\"\r\n\r\n").into_bytes();
    body.extend_from_slice(b"caf\xe9\r\n");
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let ct = format!("multipart/form-data; boundary={BOUNDARY}");
    invalid(&app.post(url).session(&caryn).raw(&ct, &body).send(), "contents");
    assert_eq!(message_count(&app), before);
    let r = app.get("/api/v1/conversations?include=%E9").session(&caryn).send();
    invalid(&r, "include");
}

#[test]
fn my_organization_widens_what_a_customer_reads_never_what_they_write() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    // Conversation 2 is Mark's; Caryn is his colleague.
    let read = app.get("/api/v1/conversations/2?filters=MY_ORGANIZATION").session(&caryn).send();
    assert_eq!(read.status, 200, "{}", read.text);
    let before = app.get("/api/v1/conversations/2?filters=MY_ORGANIZATION").session(&caryn).send().body;
    let messages = message_count(&app);
    let put = app
        .put("/api/v1/conversations/2?filters=MY_ORGANIZATION")
        .session(&caryn)
        .json(&json!({"subject": "Hijacked"}))
        .send();
    assert_eq!((put.status, put.error_codes()), (404, vec!["RESOURCE_NOT_FOUND".to_owned()]), "{}", put.text);
    let reply = app
        .post("/api/v1/conversations/2/messages?filters=MY_ORGANIZATION")
        .session(&caryn)
        .json(&json!({"contents": "Not my conversation"}))
        .send();
    assert_eq!(reply.status, 404, "{}", reply.text);
    let receipt = app
        .put("/api/v1/conversations/2/messages/3?filters=MY_ORGANIZATION")
        .session(&caryn)
        .json(&json!({"message_status": "SEEN"}))
        .send();
    assert_eq!(receipt.status, 404, "{}", receipt.text);
    let typing = app.post("/api/v1/conversations/2/typing?filters=MY_ORGANIZATION").session(&caryn).send();
    assert_eq!(typing.status, 404, "{}", typing.text);
    let rating = app
        .post("/api/v1/conversations/2/ratings?filters=MY_ORGANIZATION")
        .session(&caryn)
        .json(&json!({"score": "BAD"}))
        .send();
    assert_eq!(rating.status, 404, "{}", rating.text);
    assert_eq!(message_count(&app), messages);
    let after = app.get("/api/v1/conversations/2?filters=MY_ORGANIZATION").session(&caryn).send().body;
    assert_eq!(before, after);
}

#[test]
fn naming_an_email_is_not_proving_it() {
    let app = spawn_demo();
    let phone = new_fingerprint();
    app.device_conversation(&phone, "Caryn Pryor", CARYN, "From a stranger's phone");
    // The device sees the customer as a participant of what it created: no email, no comings and goings.
    let r = app.get("/api/v1/users/2").fingerprint(&phone).send();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["data"]["full_name"], "Caryn Pryor");
    assert!(r.body["data"].get("email").is_none(), "{}", r.text);
    assert!(r.body["data"]["last_seen_at"].is_null(), "{}", r.text);
    assert!(r.body["data"]["presence_channel"].is_null(), "{}", r.text);
    // Caryn herself sees all of it.
    let caryn = app.session(CARYN);
    let own = app.get("/api/v1/users/2").session(&caryn).send();
    assert_eq!(own.body["data"]["email"], CARYN);
    let presence = own.body["data"]["presence_channel"].as_str().expect("presence channel").to_owned();
    assert!(!own.body["data"]["last_seen_at"].is_null());
    // Her presence channel is hers, not the device's.
    let refused =
        crate::realtime::sse(&app, &presence, &[("X-Fingerprint-ID", phone.as_str())]).err().expect("refused");
    assert_eq!(refused.0, 404, "{}", refused.1);
    let mine = crate::realtime::sse(&app, &presence, &[("X-Session-ID", caryn.as_str())]);
    assert!(mine.is_ok());
    // A colleague reading Caryn's conversations still does not see her comings and goings.
    let mark = app.session(MARK);
    let seen_by_mark = app.get("/api/v1/users/2?filters=MY_ORGANIZATION").session(&mark).send();
    assert_eq!(seen_by_mark.status, 200, "{}", seen_by_mark.text);
    assert!(seen_by_mark.body["data"]["last_seen_at"].is_null());
    assert!(seen_by_mark.body["data"].get("email").is_none());
    // Agents' presence stays visible to the customers they talk to.
    let simon = app.get("/api/v1/users/1").session(&caryn).send();
    let simon_presence = simon.body["data"]["presence_channel"].as_str().expect("agent presence").to_owned();
    assert!(crate::realtime::sse(&app, &simon_presence, &[("X-Session-ID", caryn.as_str())]).is_ok());
}

/// Whether `done` holds within `limit`; for windows in which something must
/// *not* happen, where there is no condition to await.
fn holds_within(limit: std::time::Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + limit;
    while std::time::Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    done()
}

#[test]
fn a_committed_upload_keeps_its_file_when_the_client_resets_before_the_answer() {
    use std::io::Write;
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let messages_before = message_count(&app);
    let files_before = app.stored_files();
    // Hold the write lock, so the upload's transaction waits on the writer.
    let lock = app.db();
    lock.execute_batch("BEGIN IMMEDIATE").expect("lock");
    let (content_type, body) = multipart_body(&[
        Part::text("contents", "Notes attached"),
        Part::file("files[]", "notes.txt", "text/plain", b"pressure drops after ten shots"),
    ]);
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut socket = std::net::TcpStream::connect(&addr).expect("connect");
    let head = format!(
        "POST /api/v1/conversations/1/messages HTTP/1.1\r\nHost: {addr}\r\nX-Session-ID: {caryn}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    socket.write_all(head.as_bytes()).expect("head");
    socket.write_all(&body).expect("body");
    // The file is durable on disk and its row is waiting for the writer...
    let new_files = || app.stored_files().into_iter().filter(|f| !files_before.contains(f)).collect::<Vec<_>>();
    eventually("the upload is stored", || new_files().iter().any(|f| !f.ends_with(".part")));
    let stored = new_files();
    // ...when the client resets the connection without waiting for the answer.
    socket2::SockRef::from(&socket).set_linger(Some(std::time::Duration::ZERO)).expect("linger");
    drop(socket);
    let vanished = holds_within(std::time::Duration::from_secs(2), || new_files() != stored);
    lock.execute_batch("COMMIT").expect("unlock");
    eventually("the message commits", || message_count(&app) == messages_before + 1);
    assert!(!vanished, "the committed upload's file was deleted");
    // Every file a row names is on disk, and the attachment downloads.
    let names: Vec<String> = {
        let db = app.db();
        let mut stmt = db.prepare("SELECT storage_name FROM files").expect("query");
        let rows = stmt.query_map([], |r| r.get(0)).expect("rows").collect::<Result<_, _>>().expect("names");
        rows
    };
    let on_disk = app.stored_files();
    for name in &names {
        assert!(on_disk.contains(name), "row names a missing file {name}");
    }
    let listed = app.get("/api/v1/conversations/1/messages?limit=1").session(&caryn).send();
    let url = listed.body["data"][0]["attachments"][0]["url_download"].as_str().expect("attachment").to_owned();
    let path = url.splitn(4, '/').nth(3).map(|p| format!("/{p}")).expect("path");
    let (status, _, bytes) = app.get(&path).session(&caryn).send_bytes();
    assert_eq!((status, bytes.as_slice()), (200, &b"pressure drops after ten shots"[..]));
}

/// Whether `needle` appears anywhere in the database's files (main file and WAL).
fn database_files_contain(app: &TestApp, needle: &str) -> bool {
    ["parley.db", "parley.db-wal"].iter().any(|name| {
        let bytes = std::fs::read(app.dir.path().join(name)).unwrap_or_default();
        bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
    })
}

#[test]
fn a_copy_of_the_database_holds_no_live_secret() {
    let app = spawn_demo();
    let login = app.get("/api/v1/conversations").basic(CARYN, PASSWORD).send();
    let session = login.body["session_id"].as_str().expect("session").to_owned();
    let csrf = login.header("x-csrf-token").expect("csrf").to_owned();
    let created = app
        .post("/api/v1/conversations")
        .json(&json!({"name": "Pat", "email": "pat@example.org", "subject": "s", "contents": "c"}))
        .send();
    let token = created.header("x-request-token").expect("request token").to_owned();
    let messenger = parley::commands::user::messenger_token(app.dir.path(), false).expect("messenger token");
    for secret in [&session, &csrf, &token, &messenger] {
        assert!(!database_files_contain(&app, secret), "{secret} is stored in the database");
    }
    // The messenger token lives in its own key file, readable by the owner only.
    let key = app.dir.path().join("messenger.key");
    assert_eq!(std::fs::read_to_string(&key).expect("key file").trim(), messenger);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&key).expect("metadata").permissions().mode() & 0o777, 0o600);
    // And every one of them still works.
    let r = app
        .put("/api/v1/conversations/1")
        .session(&session)
        .header("X-CSRF-Token", &csrf)
        .json(&json!({"subject": "Renamed"}))
        .send();
    assert_eq!(r.status, 200, "{}", r.text);
    let wrong = app
        .put("/api/v1/conversations/1")
        .session(&session)
        .header("X-CSRF-Token", &session)
        .json(&json!({"subject": "x"}))
        .send();
    assert_eq!(wrong.error_codes(), ["CSRF_FAILED"]);
    let id = created.body["data"]["id"].as_i64().expect("id");
    assert_eq!(app.get(&format!("/api/v1/conversations/{id}?token={token}")).send().status, 200);
}

#[test]
fn a_version_1_database_is_migrated_to_digests_and_its_sessions_keep_working() {
    let app = spawn_empty();
    let dir = tempfile::tempdir().expect("dir");
    // Build a version 1 file as an older Parley left it: plain tokens.
    version_1_database(
        dir.path(),
        "INSERT INTO sessions (id, user_id, csrf_token, created_at, last_used_at)
             VALUES ('plain-session-id', 2, 'plain-csrf', unixepoch(), unixepoch());
         INSERT INTO request_tokens (token, conversation_id, expires_at) VALUES ('plain-token', 1, unixepoch() + 100);
         INSERT INTO settings (key, value) VALUES ('messenger_token', 'legacy-messenger-token');
         PRAGMA user_version = 1;",
    );
    let old = spawn_in_dir(dir, |_| {});
    let r = old.get("/api/v1/conversations/1").session("plain-session-id").send();
    assert_eq!(r.status, 200, "{}", r.text);
    let r = old
        .put("/api/v1/conversations/1")
        .session("plain-session-id")
        .header("X-CSRF-Token", "plain-csrf")
        .json(&json!({"subject": "Still me"}))
        .send();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(old.get("/api/v1/conversations/1?token=plain-token").send().status, 200);
    assert_eq!(
        parley::commands::user::messenger_token(old.dir.path(), false).expect("token"),
        "legacy-messenger-token"
    );
    for secret in ["plain-session-id", "plain-csrf", "plain-token", "legacy-messenger-token"] {
        assert!(!database_files_contain(&old, secret), "{secret} is still stored");
    }
    // The migrated schema is the fresh one.
    let schema = |c: rusqlite::Connection| -> Vec<(String, String)> {
        let mut stmt = c.prepare("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name").expect("q");
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("schema");
        rows
    };
    assert_eq!(schema(old.db()), schema(app.db()));
    let version =
        |c: rusqlite::Connection| -> i64 { c.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version") };
    assert_eq!(version(old.db()), version(app.db()));
    // Message counts were filled in for the conversations already there.
    let wrong: i64 = old
        .db()
        .query_row(
            "SELECT COUNT(*) FROM conversations c
             WHERE post_count <> (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id)",
            [],
            |r| r.get(0),
        )
        .expect("counts");
    assert_eq!(wrong, 0);
    let r = old.get("/api/v1/conversations/1/messages").session("plain-session-id").send();
    let stored: i64 =
        old.db().query_row("SELECT COUNT(*) FROM messages WHERE conversation_id = 1", [], |r| r.get(0)).expect("count");
    assert!(stored > 0);
    assert_eq!(r.body["total_count"], stored, "{}", r.text);
}

#[test]
fn request_text_held_in_memory_is_bounded_across_requests() {
    use std::io::Write;
    let app = spawn_with(true, |c| c.max_buffered_text_bytes = 160 * 1024);
    // One client holds 100 KiB of a body in the server's memory and stops
    // sending (anonymous bodies may use three quarters of the budget, 120 KiB).
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut slow = std::net::TcpStream::connect(&addr).expect("connect");
    let total = 110 * 1024;
    write!(slow, "POST /api/v1/conversations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {total}\r\n\r\n")
        .expect("head");
    let mut body = format!("{{\"subject\": \"{}\"}}", "s".repeat(total - 15)).into_bytes();
    body.truncate(total);
    slow.write_all(&body[..100 * 1024]).expect("most of the body");
    // Others are refused with 503 while it lasts, never queued without bound.
    let other =
        || app.post("/api/v1/conversations").json(&json!({"subject": "x".repeat(30 * 1024), "contents": "c"})).send();
    eventually("the budget is spent", || other().status == 503);
    let r = other();
    assert_eq!((r.status, r.error_codes()), (503, vec!["SERVICE_UNAVAILABLE".to_owned()]), "{}", r.text);
    assert_eq!(r.header("retry-after"), Some("1"));
    // Once the slow client is done, its memory is given back.
    slow.write_all(&body[100 * 1024..]).expect("the rest");
    let mut answer = [0u8; 12];
    std::io::Read::read_exact(&mut slow, &mut answer).expect("answer");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    eventually("the budget is given back", || other().status == 400);
}

#[test]
fn multipart_text_parts_together_are_held_to_the_size_of_a_text_body() {
    let app = spawn_demo();
    let before = message_count(&app);
    let big = "t".repeat(1024 * 1024 - 1);
    let parts = [Part::text("a", &big), Part::text("b", &big), Part::text("c", &big)];
    let caryn = app.session(CARYN);
    let r = app.post("/api/v1/conversations/1/messages").session(&caryn).parts(&parts).send();
    assert_eq!((r.status, r.error_codes()), (413, vec!["PAYLOAD_TOO_LARGE".to_owned()]), "{}", r.text);
    assert_eq!(message_count(&app), before);
}
