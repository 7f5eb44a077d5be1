//! What Kayako's own SDKs read, as they read it: channels from the
//! reference's list, camelCased errors, team and status fields, and the
//! credentials their apps append to file links (and nowhere else).

use serde_json::json;

use crate::helpers::*;

const CHANNELS: [&str; 5] = ["MAIL", "HELPCENTER", "TWITTER", "MESSENGER", "FACEBOOK"];

#[test]
fn every_channel_is_one_the_sdks_know_api_conversations_are_mail() {
    let app = spawn_demo();
    let simon = app.session("simon@brewfictus.com");
    let r = app
        .post("/api/v1/conversations")
        .session(&simon)
        .json(&json!({"subject": "From our ERP", "contents": "Order 4711 failed", "source": "API", "requester_id": 2}))
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["data"]["channel"], "MAIL");
    let id = r.body["data"]["id"].as_i64().expect("id");
    let messages = app.get(&format!("/api/v1/conversations/{id}/messages")).session(&simon).send();
    assert_eq!(messages.body["data"][0]["channel"], "MAIL");
    assert_eq!(messages.body["data"][0]["source"], "API", "the source still says where it came from");
    for (source, channel) in [("HELPCENTER", "HELPCENTER"), ("MESSENGER", "MESSENGER")] {
        let r = app
            .post("/api/v1/conversations")
            .session(&simon)
            .json(&json!({"subject": "s", "contents": "c", "source": source, "requester_id": 2}))
            .send();
        assert_eq!(r.body["data"]["channel"], channel, "{}", r.text);
    }
    // Every conversation and message of the demo, and the ones just made.
    let db = app.db();
    let stray: i64 = db
        .query_row(
            "SELECT (SELECT COUNT(*) FROM conversations WHERE channel NOT IN ('MAIL','HELPCENTER','TWITTER','MESSENGER','FACEBOOK'))
                  + (SELECT COUNT(*) FROM messages WHERE channel NOT IN ('MAIL','HELPCENTER','TWITTER','MESSENGER','FACEBOOK'))",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(stray, 0);
    let page = app.get("/api/v1/conversations?limit=100").session(&simon).send();
    for c in page.body["data"].as_array().expect("data") {
        assert!(CHANNELS.contains(&c["channel"].as_str().unwrap_or("")), "{}", c["channel"]);
    }
}

#[test]
fn conversations_stored_with_an_api_channel_are_migrated_to_mail() {
    let dir = tempfile::tempdir().expect("dir");
    // As an older Parley stored what the API started.
    version_1_database(
        dir.path(),
        "UPDATE conversations SET channel = 'API' WHERE id = 11;
         UPDATE messages SET channel = 'API' WHERE conversation_id = 11;
         PRAGMA user_version = 1;",
    );
    let app = spawn_in_dir(dir, |_| {});
    let simon = app.session("simon@brewfictus.com");
    let r = app.get("/api/v1/conversations/11").session(&simon).send();
    assert_eq!(r.body["data"]["channel"], "MAIL", "{}", r.text);
    let messages = app.get("/api/v1/conversations/11/messages").session(&simon).send();
    assert!(messages.body["data"].as_array().expect("data").iter().all(|m| m["channel"] == "MAIL"));
}

#[test]
fn errors_are_camelcased_under_case_camel() {
    let app = spawn_demo();
    // Answered before any handler: a wrong password.
    let r = app.get("/api/v1/conversations?_case=camel").basic("nobody@example.com", "wrong").send();
    assert_eq!(r.status, 401);
    assert!(
        r.body["errors"][0]["moreInfo"].as_str().is_some_and(|u| u.contains("AUTHENTICATION_FAILED")),
        "{}",
        r.text
    );
    assert!(r.body["errors"][0].get("more_info").is_none());
    // A handler's field errors name their parameter.
    let simon = app.session("simon@brewfictus.com");
    let r = app.post("/api/v1/conversations?_case=camel").session(&simon).json(&json!({"subject": ""})).send();
    assert_eq!(r.status, 400);
    let first = &r.body["errors"][0];
    assert_eq!((first["code"].as_str(), first["parameter"].as_str()), (Some("FIELD_REQUIRED"), Some("subject")));
    assert!(first.get("moreInfo").is_some(), "{}", r.text);
    // Without it, snake_case as always.
    let r = app.get("/api/v1/conversations/99999").session(&simon).send();
    assert!(r.body["errors"][0].get("more_info").is_some(), "{}", r.text);
}

#[test]
fn teams_count_their_members_and_statuses_say_whether_slas_run() {
    let app = spawn_demo();
    let simon = app.session("simon@brewfictus.com");
    let members: i64 =
        app.db().query_row("SELECT COUNT(*) FROM team_members WHERE team_id = 1", [], |r| r.get(0)).expect("count");
    assert!(members > 0);
    let team = app.get("/api/v1/teams/1?_case=camel").session(&simon).send();
    assert_eq!(team.body["data"]["memberCount"], members, "{}", team.text);
    let statuses = app.get("/api/v1/cases/statuses").session(&simon).send();
    for s in statuses.body["data"].as_array().expect("statuses") {
        let waiting_on_team = matches!(s["type"].as_str(), Some("NEW" | "OPEN" | "CUSTOM"));
        assert_eq!(s["is_sla_active"], waiting_on_team, "{s}");
        assert_eq!(s["is_deleted"], false);
    }
}

#[test]
fn file_links_take_kayakos_query_credentials_and_nothing_else_does() {
    let app = spawn_demo();
    let phone = new_fingerprint();
    let r = app.device_conversation(&phone, "Pat Doe", "pat@example.org", "Photo of the gauge");
    let id = r.body["data"]["id"].as_i64().expect("id");
    let sent = app
        .post(&format!("/api/v1/conversations/{id}/messages"))
        .fingerprint(&phone)
        .parts(&[Part::text("contents", "see photo"), Part::file("files", "gauge.png", "image/png", &png(400, 300))])
        .send();
    assert_eq!(sent.status, 201, "{}", sent.text);
    let mid = sent.body["data"]["id"].as_i64().expect("message");
    let a = &sent.body["data"]["attachments"][0];
    let links = [
        path_of(&a["url"]),
        path_of(&a["url_download"]),
        path_of(&a["thumbnails"][0]["url"]),
        format!("/api/v1/conversations/{id}/messages/{mid}/download_all"),
    ];
    let with = |path: &str, query: &str| {
        let sep = if path.contains('?') { '&' } else { '?' };
        app.get(&format!("{path}{sep}{query}")).send_bytes().0
    };
    for link in &links {
        assert_eq!(app.get(link).send_bytes().0, 401, "{link} needs a credential");
        assert_eq!(with(link, &format!("_fingerprint_id={phone}")), 200, "{link} as Android appends it");
        assert_eq!(with(link, &format!("fingerprint_id={phone}")), 401, "{link}: only Kayako's argument name");
    }
    // iOS replaces the query: the attachment's own path with only the credential.
    let bare = links[0].split('?').next().expect("path").to_owned();
    assert_eq!(with(&bare, &format!("_fingerprint_id={phone}")), 200);
    // Staff sessions too.
    let simon = app.session("simon@brewfictus.com");
    assert_eq!(with(&links[1], &format!("_session_id={simon}")), 200);
    // Everything else refuses them: a link is no standing credential.
    for path in [
        format!("/api/v1/conversations/{id}"),
        format!("/api/v1/conversations/{id}/messages"),
        format!("/api/v1/conversations/{id}/messages/{mid}/attachments/{}", a["id"]),
        "/api/v1/conversations".to_owned(),
    ] {
        assert_eq!(with(&path, &format!("_fingerprint_id={phone}")), 401, "{path}");
        assert_eq!(with(&path, &format!("_session_id={simon}")), 401, "{path}");
    }
    let upload = app
        .post(&format!("/api/v1/files?_session_id={simon}"))
        .parts(&[Part::file("content", "a.txt", "text/plain", b"x")])
        .send();
    assert_eq!(upload.status, 401, "{}", upload.text);
}
