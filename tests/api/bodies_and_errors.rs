//! Body encodings, the error envelope, 404/405/413, health.

use serde_json::json;

use crate::helpers::*;

fn count(app: &TestApp) -> i64 {
    let simon = app.session(SIMON);
    app.get("/api/v1/conversations").session(&simon).send().body["total_count"].as_i64().expect("count")
}

#[test]
fn all_three_body_encodings_create_the_same_conversation() {
    let app = spawn_demo();
    let json_body = app
        .post("/api/v1/conversations")
        .json(&json!({"name": "Kim", "email": "kim@example.org", "subject": "Enc", "contents": "Body",
                      "form_id": 1, "field_values": {"reported_issues": "5"}, "metadata": {"user_agent": "Safari"}}))
        .send();
    let form = app
        .post("/api/v1/conversations")
        .form(&[
            ("name", "Kim"),
            ("email", "kim@example.org"),
            ("subject", "Enc"),
            ("contents", "Body"),
            ("form_id", "1"),
            ("field_values[reported_issues]", "5"),
            ("metadata[user_agent]", "Safari"),
        ])
        .send();
    let multipart = app
        .post("/api/v1/conversations")
        .multipart(&[
            ("contents", "Body"),
            ("field_values[reported_issues]", "5"),
            ("subject", "Enc"),
            ("form_id", "1"),
            ("name", "Kim"),
            ("metadata[user_agent]", "Safari"),
            ("email", "kim@example.org"),
        ])
        .send();
    for r in [&json_body, &form, &multipart] {
        assert_eq!(r.status, 201, "{}", r.text);
        let d = &r.body["data"];
        assert_eq!(d["subject"], "Enc");
        assert_eq!(d["custom_fields"][0]["value"], "5");
        assert_eq!(d["requester"], json_body.body["data"]["requester"], "same customer each time");
        let token = r.header("x-request-token").expect("token");
        let m = app.get(&format!("/api/v1/conversations/{}?token={token}", d["id"])).send();
        assert_eq!(m.status, 200);
    }
    let simon = app.session(SIMON);
    let id = multipart.body["data"]["id"].as_i64().expect("id");
    let msgs = app.get(&format!("/api/v1/conversations/{id}/messages")).session(&simon).send();
    assert_eq!(msgs.body["data"][0]["metadata"], json!({"user_agent": "Safari"}));
}

#[test]
fn unparseable_bodies_are_invalid_request_bodies_and_change_nothing() {
    let app = spawn_demo();
    let before = count(&app);
    let cases: [(&str, &[u8]); 5] = [
        ("application/json", b"{\"subject\": "),
        ("application/json", b"[1, 2, 3]"),
        ("text/plain", b"subject=hello"),
        ("multipart/form-data", b"--x\r\n"),
        (
            "multipart/form-data; boundary=abc",
            b"--abc\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\nunterminated",
        ),
    ];
    for (ct, body) in cases {
        let r = app.post("/api/v1/conversations").raw(ct, body).send();
        assert_eq!(r.status, 400, "{ct}: {}", r.text);
        assert_eq!(r.error_codes(), ["INVALID_REQUEST_BODY"], "{ct}");
        assert_eq!(r.header("content-type"), Some("application/json"));
    }
    assert_eq!(count(&app), before);
}

#[test]
fn an_oversized_body_is_payload_too_large() {
    let app = spawn_demo();
    let before = count(&app);
    let huge = "x".repeat(3 * 1024 * 1024);
    let r = app
        .post("/api/v1/conversations")
        .json(&json!({"name": "Big", "email": "big@example.org", "subject": "s", "contents": huge}))
        .send();
    assert_eq!(r.status, 413);
    assert_eq!(r.error_codes(), ["PAYLOAD_TOO_LARGE"]);
    assert_eq!(count(&app), before);
}

#[test]
fn too_many_multipart_parts_are_refused() {
    let app = spawn_demo();
    let parts: Vec<(String, String)> = (0..1000).map(|i| (format!("p{i}"), String::new())).collect();
    let refs: Vec<(&str, &str)> = parts.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = app.post("/api/v1/conversations").multipart(&refs).send();
    assert_eq!(r.status, 413, "{}", r.text);
    assert_eq!(r.error_codes(), ["PAYLOAD_TOO_LARGE"]);
}

#[test]
fn unknown_paths_are_404_and_wrong_methods_405_in_the_envelope() {
    let app = spawn_demo();
    for path in ["/api/v1/nothing", "/nothing", "/api/v1/conversations/abc", "/api/v2/conversations"] {
        let r = app.get(path).send();
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.error_codes(), ["RESOURCE_NOT_FOUND"]);
        assert_eq!(r.body["status"], 404);
    }
    for (method, path) in [
        ("DELETE", "/api/v1/conversations/1"),
        ("POST", "/api/v1/conversations/forms"),
        ("PUT", "/api/v1/conversations"),
        ("DELETE", "/api/v1/conversations/1/messages/1"),
        ("GET", "/api/v1/conversations/1/ratings/1"),
    ] {
        let simon = app.session(SIMON);
        let r = app.req(method, path).session(&simon).send();
        assert_eq!(r.status, 405, "{method} {path}");
        assert_eq!(r.error_codes(), ["METHOD_NOT_ALLOWED"]);
    }
}

#[test]
fn the_json_suffix_is_optional_everywhere() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let plain = app.get("/api/v1/conversations/1/messages?limit=1").session(&caryn).send();
    let suffixed = app.get("/api/v1/conversations/1/messages.json?limit=1").session(&caryn).send();
    assert_eq!(plain.body, suffixed.body);
    assert_eq!(app.get("/api/v1/conversations/fields/10.json").send().status, 200);
}

#[test]
fn health_answers_ok() {
    let app = spawn_empty();
    let r = app.get("/healthz").send();
    assert_eq!(r.status, 200);
    assert_eq!(r.body, json!({"status": "ok"}));
}

#[test]
fn data_survives_a_restart_and_demo_loading_is_idempotent() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let r =
        app.post("/api/v1/conversations").session(&caryn).json(&json!({"subject": "Persist", "contents": "me"})).send();
    assert_eq!(r.status, 201);
    // Open the same data directory a second time with --demo: nothing is duplicated or lost.
    let mut config = parley::config::ServeConfig::with_data_dir(app.dir.path().to_path_buf());
    config.demo = true;
    let (db, outcome) = parley::db::Db::open(&config.db_path(), true).expect("reopen");
    assert_eq!(outcome, Some(parley::db::migrate::DemoOutcome::AlreadyLoaded));
    drop(db);
    let subjects: Vec<String> = app
        .db()
        .prepare("SELECT subject FROM conversations WHERE subject = 'Persist'")
        .expect("query")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("subjects");
    assert_eq!(subjects, ["Persist"]);
}

#[test]
fn camel_case_parameter_names_are_accepted() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let r = app
        .post("/api/v1/conversations/1/messages?_case=camel")
        .session(&caryn)
        .json(&json!({"contents": "camel", "clientId": "camel-1"}))
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["data"]["clientId"], "camel-1");
}

#[test]
fn internal_errors_carry_no_detail() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let conn = rusqlite::Connection::open(app.dir.path().join("parley.db")).expect("db");
    conn.execute_batch("DROP TABLE ratings").expect("break the database");
    let r = app.get("/api/v1/conversations/1/ratings").session(&caryn).send();
    assert_eq!(r.status, 500);
    assert_eq!(r.error_codes(), ["INTERNAL_SERVER_ERROR"]);
    assert!(!r.text.contains("ratings"), "no internal detail leaks: {}", r.text);
    assert_eq!(r.header("content-type"), Some("application/json"));
}

#[test]
fn the_database_is_in_wal_mode_and_a_newer_schema_is_refused() {
    let app = spawn_empty();
    let path = app.dir.path().join("parley.db");
    let conn = rusqlite::Connection::open(&path).expect("db");
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode");
    assert_eq!(mode, "wal");
    let other = tempfile::tempdir().expect("dir");
    let newer = other.path().join("parley.db");
    rusqlite::Connection::open(&newer).expect("create").execute_batch("PRAGMA user_version = 99").expect("version");
    let err = parley::db::Db::open(&newer, false).err().expect("refused");
    assert!(err.to_string().contains("newer"), "{err}");
}
