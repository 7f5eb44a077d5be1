//! Identity: session, Basic, CSRF, fingerprints, request tokens, public.

use serde_json::json;

use crate::helpers::*;

#[test]
fn basic_authentication_creates_a_session_with_a_csrf_token() {
    let app = spawn_demo();
    let r = app.get("/api/v1/conversations").basic(CARYN, PASSWORD).send();
    assert_eq!(r.status, 200, "{}", r.text);
    let session = r.body["session_id"].as_str().expect("session_id").to_owned();
    let csrf = r.header("x-csrf-token").expect("X-CSRF-Token header").to_owned();

    let again = app.get("/api/v1/conversations").session(&session).send();
    assert_eq!(again.status, 200);
    assert!(again.body.get("session_id").is_none(), "only the creating request carries session_id");

    let body = json!({"subject": "Renamed"});
    let without = app.put("/api/v1/conversations/1").session(&session).json(&body).send();
    assert_eq!(without.status, 403);
    assert_eq!(without.error_codes(), ["CSRF_FAILED"]);
    let wrong = app.put("/api/v1/conversations/1").session(&session).header("X-CSRF-Token", "nope").json(&body).send();
    assert_eq!(wrong.error_codes(), ["CSRF_FAILED"]);
    let check = app.get("/api/v1/conversations/1").session(&session).send();
    assert_eq!(
        check.body["data"]["subject"], "Atmosphere Coffee, Inc annual maintenance",
        "refused PUT changed nothing"
    );

    let with = app.put("/api/v1/conversations/1").session(&session).header("X-CSRF-Token", &csrf).json(&body).send();
    assert_eq!(with.status, 200, "{}", with.text);
    assert_eq!(with.body["data"]["subject"], "Renamed");
}

#[test]
fn a_session_created_with_csrf_off_needs_no_token() {
    let app = spawn_demo();
    let session = app.session(CARYN);
    let r = app.put("/api/v1/conversations/1").session(&session).json(&json!({"subject": "No CSRF"})).send();
    assert_eq!(r.status, 200, "{}", r.text);
}

#[test]
fn wrong_credentials_unknown_sessions_and_bad_fingerprints_fail_authentication() {
    let app = spawn_demo();
    let wrong = app.get("/api/v1/conversations").basic(CARYN, "not-the-password").send();
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.error_codes(), ["AUTHENTICATION_FAILED"]);
    let unknown_user = app.get("/api/v1/conversations").basic("nobody@example.com", PASSWORD).send();
    assert_eq!(unknown_user.error_codes(), ["AUTHENTICATION_FAILED"]);
    let garbage = app.get("/api/v1/conversations").header("Authorization", "Basic !!!").send();
    assert_eq!(garbage.error_codes(), ["AUTHENTICATION_FAILED"]);
    let session = app.get("/api/v1/conversations").session("deadbeef").send();
    assert_eq!(session.status, 401);
    assert_eq!(session.error_codes(), ["AUTHENTICATION_FAILED"]);
    let fp = app.get("/api/v1/conversations").fingerprint("not-a-uuid").send();
    assert_eq!(fp.error_codes(), ["AUTHENTICATION_FAILED"]);
    // A UUID, but version 1, is not a device fingerprint either.
    let v1 = app.get("/api/v1/conversations").fingerprint("c232ab00-9414-11ec-b3c8-9f6bdeced846").send();
    assert_eq!(v1.error_codes(), ["AUTHENTICATION_FAILED"]);
}

#[test]
fn public_callers_must_authenticate_for_private_endpoints() {
    let app = spawn_demo();
    for path in [
        "/api/v1/conversations",
        "/api/v1/conversations/1",
        "/api/v1/conversations/1/messages",
        "/api/v1/conversations/1/participants",
        "/api/v1/conversations/1/ratings",
        "/api/v1/users/1",
    ] {
        let r = app.get(path).send();
        assert_eq!(r.status, 401, "{path}");
        assert_eq!(r.error_codes(), ["AUTHENTICATION_REQUIRED"], "{path}");
    }
    // Forms and fields are public.
    assert_eq!(app.get("/api/v1/conversations/forms").send().status, 200);
    assert_eq!(app.get("/api/v1/conversations/fields").send().status, 200);
}

#[test]
fn a_public_conversation_returns_a_request_token_that_opens_only_it() {
    let app = spawn_demo();
    let created = app
        .post("/api/v1/conversations")
        .json(&json!({"name": "Pat Doe", "email": "pat@example.org", "subject": "Grinder noise", "contents": "It squeaks."}))
        .send();
    assert_eq!(created.status, 201, "{}", created.text);
    let token = created.header("x-request-token").expect("X-Request-Token").to_owned();
    let id = created.body["data"]["id"].as_i64().expect("id");

    let opened = app.get(&format!("/api/v1/conversations/{id}?token={token}")).send();
    assert_eq!(opened.status, 200, "{}", opened.text);
    assert_eq!(opened.body["data"]["subject"], "Grinder noise");

    let other = app.get(&format!("/api/v1/conversations/1?token={token}")).send();
    assert_eq!(other.status, 401);
    assert_eq!(other.error_codes(), ["AUTHENTICATION_FAILED"]);
    let messages = app.get(&format!("/api/v1/conversations/{id}/messages?token={token}")).send();
    assert_eq!(messages.status, 401, "the token opens nothing but the conversation itself");
    let forged = app.get(&format!("/api/v1/conversations/{id}?token=0123456789abcdef")).send();
    assert_eq!(forged.error_codes(), ["AUTHENTICATION_FAILED"]);
}

#[test]
fn a_request_token_expires_after_120_seconds() {
    let app = spawn_demo();
    let created = app
        .post("/api/v1/conversations")
        .json(&json!({"name": "Pat Doe", "email": "pat@example.org", "subject": "Old token", "contents": "Hi"}))
        .send();
    let token = created.header("x-request-token").expect("token").to_owned();
    let id = created.body["data"]["id"].as_i64().expect("id");
    // Age the token in the database, as 121 seconds would.
    let conn = rusqlite::Connection::open(app.dir.path().join("parley.db")).expect("open db");
    conn.execute("UPDATE request_tokens SET expires_at = expires_at - 121", []).expect("age token");
    let r = app.get(&format!("/api/v1/conversations/{id}?token={token}")).send();
    assert_eq!(r.status, 401);
    assert_eq!(r.error_codes(), ["AUTHENTICATION_FAILED"]);
}

#[test]
fn a_logged_in_creation_gets_no_request_token() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let r = app.post("/api/v1/conversations").session(&caryn).json(&json!({"subject": "s", "contents": "c"})).send();
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(r.header("x-request-token").is_none());
}

#[test]
fn a_fingerprint_sees_only_the_conversations_started_or_joined_from_it() {
    let app = spawn_demo();
    let phone = new_fingerprint();
    let created = app.device_conversation(&phone, "Caryn Pryor", CARYN, "From my phone");
    let id = created.body["data"]["id"].as_i64().expect("id");
    assert_eq!(created.body["data"]["requester"]["id"], 2, "the customer with that email is the requester");
    assert_eq!(created.body["data"]["channel"], "MESSENGER");

    let list = app.get("/api/v1/conversations").fingerprint(&phone).send();
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(list.ids(), vec![id], "knowing Caryn's email does not open her history");
    let old = app.get("/api/v1/conversations/1").fingerprint(&phone).send();
    assert_eq!(old.status, 404);

    // The device can follow up on its own conversation.
    let reply = app
        .post(&format!("/api/v1/conversations/{id}/messages"))
        .fingerprint(&phone)
        .json(&json!({"contents": "Any news?"}))
        .send();
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["data"]["creator"]["id"], 2);
    assert_eq!(reply.body["data"]["source"], "MESSENGER");

    // Another device knows nothing of it.
    let laptop = new_fingerprint();
    let empty = app.get("/api/v1/conversations").fingerprint(&laptop).send();
    assert_eq!(empty.status, 200);
    assert_eq!(empty.body["total_count"], 0);
    assert_eq!(app.get(&format!("/api/v1/conversations/{id}")).fingerprint(&laptop).send().status, 404);

    // Caryn herself, logged in, sees it among all of hers.
    let caryn = app.session(CARYN);
    let hers = app.get("/api/v1/conversations?limit=100").session(&caryn).send();
    assert!(hers.ids().contains(&id) && hers.ids().contains(&1));
}

#[test]
fn a_known_device_can_start_another_conversation_without_repeating_its_identity() {
    let app = spawn_demo();
    let phone = new_fingerprint();
    app.device_conversation(&phone, "Pat Doe", "pat@example.org", "First");
    let second = app
        .post("/api/v1/conversations")
        .fingerprint(&phone)
        .json(&json!({"subject": "Second", "contents": "Me again"}))
        .send();
    assert_eq!(second.status, 201, "{}", second.text);
    let list = app.get("/api/v1/conversations").fingerprint(&phone).send();
    assert_eq!(list.body["total_count"], 2);
    assert!(second.header("x-request-token").is_some(), "answered without a session");
}

#[test]
fn nobody_may_write_as_staff_by_knowing_a_staff_email() {
    let app = spawn_demo();
    let r = app
        .post("/api/v1/conversations")
        .json(&json!({"name": "Simon", "email": SIMON, "subject": "Fake", "contents": "I am Simon"}))
        .send();
    // Answered like any other email (a refusal would tell staff emails apart),
    // but taken as from a new customer, never from Simon.
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["data"]["id"].as_i64().expect("id");
    let requester: String = app
        .db()
        .query_row(
            "SELECT u.email FROM conversations c JOIN users u ON u.id = c.requester_id WHERE c.id = ?1",
            [id],
            |r| r.get(0),
        )
        .expect("requester");
    assert!(requester.ends_with("@parley.invalid"), "{requester}");
    let by_simon: i64 = app
        .db()
        .query_row(
            "SELECT COUNT(*) FROM messages m JOIN users u ON u.id = m.creator_id WHERE m.conversation_id = ?1 AND u.email = ?2",
            rusqlite::params![id, SIMON],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(by_simon, 0, "nothing was written as Simon");
}

#[test]
fn passwords_are_stored_as_argon2id_hashes() {
    let app = spawn_demo();
    let conn = rusqlite::Connection::open(app.dir.path().join("parley.db")).expect("open db");
    let hash: String = conn.query_row("SELECT password_hash FROM users WHERE id = 1", [], |r| r.get(0)).expect("hash");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(PASSWORD));
}

#[test]
fn browsers_on_other_origins_may_call_the_api() {
    let app = spawn_demo();
    let preflight = app
        .req("OPTIONS", "/api/v1/conversations")
        .header("Origin", "http://localhost:3000")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "x-fingerprint-id, content-type")
        .send();
    assert_eq!(preflight.status, 200, "{}", preflight.text);
    assert!(preflight.header("access-control-allow-origin").is_some());
    let r = app.get("/api/v1/conversations/forms").header("Origin", "http://localhost:3000").send();
    assert!(r
        .header("access-control-expose-headers")
        .is_some_and(|h| h.to_ascii_lowercase().contains("x-request-token")));
}

#[test]
fn an_idle_session_expires() {
    let app = spawn_demo();
    let session = app.session(CARYN);
    let conn = rusqlite::Connection::open(app.dir.path().join("parley.db")).expect("open db");
    conn.execute("UPDATE sessions SET last_used_at = last_used_at - 86401", []).expect("age session");
    let r = app.get("/api/v1/conversations").session(&session).send();
    assert_eq!(r.status, 401);
    assert_eq!(r.error_codes(), ["AUTHENTICATION_FAILED"]);
}

#[test]
fn a_user_added_on_the_command_line_can_sign_in() {
    let app = spawn_empty();
    let args = parley::config::AddUser {
        data_dir: app.dir.path().to_path_buf(),
        name: "Olive Owner".into(),
        email: "olive@example.org".into(),
        role: "owner".into(),
        organization: Some("Olive Roasters".into()),
        password: None,
        init: false,
    };
    let id = parley::commands::user::add_user(&args, "correct horse").expect("user added");
    let r = app.get(&format!("/api/v1/users/{id}")).basic("olive@example.org", "correct horse").send();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["data"]["full_name"], "Olive Owner");
    assert_eq!(r.body["data"]["role"]["id"], 5, "OWNER");
    assert!(parley::commands::user::add_user(&args, "correct horse").is_err(), "emails are unique");
    assert!(parley::commands::user::add_user(
        &parley::config::AddUser { role: "KING".into(), ..args.clone() },
        "password1"
    )
    .is_err());
    let short = parley::config::AddUser { email: "s@example.org".into(), ..args };
    assert!(parley::commands::user::add_user(&short, "short").is_err());
}
