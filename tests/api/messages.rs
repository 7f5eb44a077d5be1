//! Messages: list, retrieve, add (with retries), receipts and read markers.

use serde_json::{json, Value};

use crate::helpers::*;

fn conversation(app: &TestApp, session: &str, id: i64) -> Value {
    let r = app.get(&format!("/api/v1/conversations/{id}?include=read_marker")).session(session).send();
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["data"].clone()
}

#[test]
fn a_reply_updates_the_conversation_summary_and_participants() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let long = "x".repeat(300);
    let r = app
        .post("/api/v1/conversations/1/messages")
        .session(&simon)
        .json(&json!({"contents": long, "client_id": "agent-1"}))
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
    let m = &r.body["data"];
    assert_eq!(m["creator"]["id"], 1);
    assert_eq!(m["source"], "AGENT");
    assert_eq!(m["message_status"], "SENT");
    assert_eq!(m["client_id"], "agent-1");
    assert_eq!(m["subject"], "Atmosphere Coffee, Inc annual maintenance");
    assert_eq!(r.body["resource"], "conversation_message");

    let c = conversation(&app, &simon, 1);
    assert_eq!(c["last_replier"]["id"], 1);
    assert_eq!(c["last_agent_replier"]["id"], 1);
    assert_eq!(c["last_message_status"], "SENT");
    assert_eq!(c["last_message_preview"].as_str().expect("preview").chars().count(), 255);
    assert_eq!(c["last_replied_at"], m["created_at"]);
    assert_eq!(c["updated_at"], m["created_at"]);

    let jordan = app.session(JORDAN);
    let shared = app
        .post("/api/v1/conversations/1/messages")
        .session(&jordan)
        .json(&json!({"contents": "Jordan here, I can help"}))
        .send();
    assert_eq!(shared.status, 201, "{}", shared.text);
    let participants = app.get("/api/v1/conversations/1/participants").session(&simon).send();
    assert!(participants.ids().contains(&6), "a new author becomes a participant");
    let caryn = app.session(CARYN);
    let answer =
        app.post("/api/v1/conversations/1/messages").session(&caryn).json(&json!({"contents": "Thanks"})).send();
    assert_eq!(answer.status, 201, "{}", answer.text);
    let c = conversation(&app, &simon, 1);
    assert_eq!(c["last_replier"]["id"], 2);
    assert_eq!(c["last_agent_replier"]["id"], 6, "customers never become the last agent replier");

    let listed = app.get("/api/v1/conversations/1/messages").session(&simon).send();
    assert_eq!(listed.body["total_count"], 4);
    assert_eq!(listed.ids()[0], answer.body["data"]["id"].as_i64().expect("id"), "newest first");
}

#[test]
fn a_retried_client_id_returns_the_first_message() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let body = json!({"contents": "Is the technician coming?", "client_id": "5f0c2b1e-retry"});
    let first = app.post("/api/v1/conversations/1/messages").session(&caryn).json(&body).send();
    assert_eq!(first.status, 201);
    let again = app.post("/api/v1/conversations/1/messages").session(&caryn).json(&body).send();
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.body["data"]["id"], first.body["data"]["id"]);
    let listed = app.get("/api/v1/conversations/1/messages").session(&caryn).send();
    assert_eq!(listed.body["total_count"], 2, "no duplicate");
}

#[test]
fn a_closed_conversation_cannot_be_replied_to() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let closed = app.get("/api/v1/conversations?status=CLOSED").session(&simon).send();
    let c = closed.body["data"][0].clone();
    let id = c["id"].as_i64().expect("a closed demo conversation");
    assert_eq!(c["is_closed"], true);
    let before =
        app.get(&format!("/api/v1/conversations/{id}/messages")).session(&simon).send().body["total_count"].clone();
    let r = app
        .post(&format!("/api/v1/conversations/{id}/messages"))
        .session(&simon)
        .json(&json!({"contents": "hi"}))
        .send();
    assert_eq!(r.status, 403);
    assert_eq!(r.error_codes(), ["PERMISSION_DENIED"]);
    let after =
        app.get(&format!("/api/v1/conversations/{id}/messages")).session(&simon).send().body["total_count"].clone();
    assert_eq!(before, after);
}

#[test]
fn a_customer_reply_reopens_a_completed_conversation() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let done = app.put("/api/v1/conversations/1").session(&caryn).json(&json!({"status_id": 4})).send();
    assert_eq!(done.body["data"]["status"]["id"], 4);
    let r = app
        .post("/api/v1/conversations/1/messages")
        .session(&caryn)
        .json(&json!({"contents": "It broke again"}))
        .send();
    assert_eq!(r.status, 201);
    assert_eq!(conversation(&app, &caryn, 1)["status"]["id"], 2, "back to Open");
}

#[test]
fn message_status_only_moves_forward_and_seen_moves_the_read_marker() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let caryn = app.session(CARYN);
    let sent =
        app.post("/api/v1/conversations/1/messages").session(&simon).json(&json!({"contents": "On our way"})).send();
    let mid = sent.body["data"]["id"].as_i64().expect("id");
    let marker = conversation(&app, &caryn, 1)["read_marker"].clone();
    assert_eq!(marker["unread_count"], 1, "Caryn has not read Simon's reply");
    assert_eq!(marker["last_read_post_id"], 1);

    let url = format!("/api/v1/conversations/1/messages/{mid}");
    let delivered = app.put(&url).session(&caryn).json(&json!({"message_status": "DELIVERED"})).send();
    assert_eq!(delivered.status, 200, "{}", delivered.text);
    let m = app.get(&url).session(&caryn).send();
    assert_eq!(delivered.body, m.body, "the answer is the message as it now stands");
    assert_eq!(m.body["data"]["message_status"], "DELIVERED");
    assert_eq!(conversation(&app, &simon, 1)["last_message_status"], "DELIVERED");

    let seen = app.put(&url).session(&caryn).multipart(&[("message_status", "SEEN")]).send();
    assert_eq!(seen.status, 200, "the SDKs send PUTs as multipart: {}", seen.text);
    let back = app.put(&url).session(&caryn).json(&json!({"message_status": "DELIVERED"})).send();
    assert_eq!(back.status, 200, "accepted");
    assert_eq!(back.body["data"]["message_status"], "SEEN", "and answered with where it stands");
    let m = app.get(&url).session(&caryn).send();
    assert_eq!(m.body["data"]["message_status"], "SEEN", "but never moved backward");
    let marker = conversation(&app, &caryn, 1)["read_marker"].clone();
    assert_eq!(marker["unread_count"], 0);
    assert_eq!(marker["last_read_post_id"], mid);

    let bad = app.put(&url).session(&caryn).json(&json!({"message_status": "READ"})).send();
    assert_eq!(bad.errors(), [("FIELD_INVALID".to_owned(), "message_status".to_owned())]);
    let missing = app.put(&url).session(&caryn).json(&json!({})).send();
    assert_eq!(missing.errors(), [("FIELD_REQUIRED".to_owned(), "message_status".to_owned())]);
    let nope = app
        .put("/api/v1/conversations/1/messages/999999")
        .session(&caryn)
        .json(&json!({"message_status": "SEEN"}))
        .send();
    assert_eq!(nope.status, 404);
}

#[test]
fn an_author_cannot_mark_their_own_message_seen() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let sent = app.post("/api/v1/conversations/1/messages").session(&simon).json(&json!({"contents": "Note"})).send();
    let url = format!("/api/v1/conversations/1/messages/{}", sent.body["data"]["id"]);
    assert_eq!(app.put(&url).session(&simon).json(&json!({"message_status": "SEEN"})).send().status, 200);
    assert_eq!(app.get(&url).session(&simon).send().body["data"]["message_status"], "SENT");
}

#[test]
fn messages_of_another_conversation_are_not_reachable_through_this_one() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let listed = app.get("/api/v1/conversations/2/messages").session(&simon).send();
    let foreign = listed.ids()[0];
    let r = app.get(&format!("/api/v1/conversations/1/messages/{foreign}")).session(&simon).send();
    assert_eq!(r.status, 404);
}

#[test]
fn replies_need_contents_and_known_files() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let r = app.post("/api/v1/conversations/1/messages").session(&caryn).json(&json!({"contents": ""})).send();
    assert_eq!(r.errors(), [("FIELD_REQUIRED".to_owned(), "contents".to_owned())]);
    let r = app
        .post("/api/v1/conversations/1/messages")
        .session(&caryn)
        .json(&json!({"contents": "see file", "file_ids": "41"}))
        .send();
    assert_eq!(r.errors(), [("FIELD_INVALID".to_owned(), "file_ids".to_owned())]);
    let listed = app.get("/api/v1/conversations/1/messages").session(&caryn).send();
    assert_eq!(listed.body["total_count"], 1, "the refused message was rolled back");
}
