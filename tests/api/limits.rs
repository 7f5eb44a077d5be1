//! Spam limits: conversations per address and per device, messages and upload
//! bytes per identity; `429 RATE_LIMIT_REACHED` with `Retry-After`, nothing
//! changed; staff never limited.

use serde_json::json;

use crate::helpers::*;

fn count(app: &TestApp, table: &str) -> i64 {
    app.db().query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).expect("count")
}

fn rate_limited(r: &Resp) -> i64 {
    assert_eq!(r.status, 429, "{}", r.text);
    assert_eq!(r.error_codes(), ["RATE_LIMIT_REACHED"], "{}", r.text);
    r.header("retry-after").expect("Retry-After").parse().expect("seconds")
}

fn anonymous_conversation(app: &TestApp, n: usize, from: Option<&str>, fingerprint: Option<&str>) -> Resp {
    let mut req = app.post("/api/v1/conversations");
    if let Some(ip) = from {
        req = req.header("X-Forwarded-For", ip);
    }
    if let Some(fp) = fingerprint {
        req = req.fingerprint(fp);
    }
    req.json(&json!({"name": format!("Visitor {n}"), "email": format!("visitor{n}@example.org"),
                      "subject": "Hello", "contents": "Is anyone there?"}))
        .send()
}

#[test]
fn anonymous_conversations_are_limited_per_address() {
    let app = spawn_with(true, |c| {
        c.conversations_per_hour_per_address = 3;
        c.trusted_proxies = vec!["127.0.0.1".parse().expect("ip")];
    });
    for n in 0..3 {
        assert_eq!(anonymous_conversation(&app, n, Some("203.0.113.5"), None).status, 201);
    }
    let (conversations, users) = (count(&app, "conversations"), count(&app, "users"));
    let wait = rate_limited(&anonymous_conversation(&app, 3, Some("203.0.113.5"), None));
    assert!((1100..=1200).contains(&wait), "a third of an hour for one more: {wait}");
    assert_eq!((count(&app, "conversations"), count(&app, "users")), (conversations, users), "nothing was created");
    assert_eq!(anonymous_conversation(&app, 4, Some("203.0.113.6"), None).status, 201, "another address may");
    // A signed-in customer is not an anonymous visitor.
    let caryn = app.session(CARYN);
    let r = app
        .post("/api/v1/conversations")
        .header("X-Forwarded-For", "203.0.113.5")
        .session(&caryn)
        .json(&json!({"subject": "Signed in", "contents": "x"}))
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
}

#[test]
fn messenger_devices_are_limited_per_fingerprint() {
    let app = spawn_with(true, |c| c.conversations_per_hour_per_device = 2);
    let phone = new_fingerprint();
    for n in 0..2 {
        assert_eq!(anonymous_conversation(&app, n, None, Some(&phone)).status, 201);
    }
    rate_limited(&anonymous_conversation(&app, 2, None, Some(&phone)));
    assert_eq!(anonymous_conversation(&app, 3, None, Some(&new_fingerprint())).status, 201);
}

#[test]
fn messages_are_limited_per_identity_but_never_for_staff() {
    let app = spawn_with(true, |c| c.messages_per_hour = 3);
    let caryn = app.session(CARYN);
    for i in 0..3 {
        let r = app
            .post("/api/v1/conversations/1/messages")
            .session(&caryn)
            .json(&json!({"contents": format!("m{i}")}))
            .send();
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let before = count(&app, "messages");
    rate_limited(
        &app.post("/api/v1/conversations/1/messages").session(&caryn).json(&json!({"contents": "one more"})).send(),
    );
    assert_eq!(count(&app, "messages"), before);
    let simon = app.session(SIMON);
    for i in 0..5 {
        let r = app
            .post("/api/v1/conversations/1/messages")
            .session(&simon)
            .json(&json!({"contents": format!("a{i}")}))
            .send();
        assert_eq!(r.status, 201, "{}", r.text);
    }
}

#[test]
fn upload_bytes_are_limited_per_identity_and_a_refused_upload_leaves_nothing() {
    let app = spawn_with(true, |c| c.upload_bytes_per_hour = 1000);
    let caryn = app.session(CARYN);
    let file = |name: &str| Part::file("content", name, "text/plain", &[b'x'; 600]);
    assert_eq!(app.post("/api/v1/files").session(&caryn).parts(&[file("a.txt")]).send().status, 201);
    let stored = app.stored_files();
    rate_limited(&app.post("/api/v1/files").session(&caryn).parts(&[file("b.txt")]).send());
    let r = app
        .post("/api/v1/conversations/1/messages")
        .session(&caryn)
        .parts(&[Part::text("contents", "with a file"), Part::file("files[]", "c.txt", "text/plain", &[b'y'; 600])])
        .send();
    rate_limited(&r);
    assert_eq!(app.stored_files(), stored, "refused uploads left nothing on disk");
    // A large body is refused before it is read.
    let big = vec![b'z'; 3 * 1024 * 1024];
    rate_limited(
        &app.post("/api/v1/files")
            .session(&caryn)
            .parts(&[Part::file("content", "big.bin", "text/plain", &big)])
            .send(),
    );
    assert_eq!(app.stored_files(), stored);
    // Text-only messages still go through.
    let r = app.post("/api/v1/conversations/1/messages").session(&caryn).json(&json!({"contents": "no files"})).send();
    assert_eq!(r.status, 201, "{}", r.text);
}
