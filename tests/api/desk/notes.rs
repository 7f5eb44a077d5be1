//! Private notes: the API, and the privacy matrix: a note reaches no
//! customer or device by any route (messages, summaries, counts, unread
//! counts, SSE, WebSocket, Phoenix, search, mail).

use serde_json::json;

use super::{note, reply, search};
use crate::helpers::*;
use crate::phoenix;
use crate::realtime::{sse, websocket_at};

#[test]
fn staff_write_read_and_edit_notes_with_files_and_mentions() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let r = app
        .post("/api/v1/conversations/2/notes")
        .session(&simon)
        .parts(&[
            Part::text("contents", "@Alex Rivera the <gasket> photo is attached; cc @jordan"),
            Part::text("client_id", "note-1"),
            Part::file("files[]", "gasket.png", "image/png", &png(40, 30)),
        ])
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
    let n = &r.body["data"];
    assert_eq!(n["resource_type"], "note");
    assert_eq!(n["creator"]["id"], 1);
    let mentioned: Vec<i64> =
        n["mentions"].as_array().expect("mentions").iter().map(|m| m["id"].as_i64().expect("an id")).collect();
    assert_eq!(mentioned, vec![5, 6]);
    let html = n["body_html"].as_str().expect("html");
    assert!(html.contains("<span class=\"mention\" data-user-id=\"5\">@Alex Rivera</span>"), "{html}");
    assert!(html.contains("&lt;gasket&gt;"), "{html}");
    let url = n["attachments"][0]["url"].as_str().expect("attachment url").to_owned();
    let (status, _, body) = app.get(&path_of(&json!(url))).session(&simon).send_bytes();
    assert_eq!((status, body), (200, png(40, 30)));
    // A retry with the same client_id gets the first note back.
    let again = app
        .post("/api/v1/conversations/2/notes")
        .session(&simon)
        .json(&json!({"contents": "@Alex Rivera the <gasket> photo is attached; cc @jordan", "client_id": "note-1"}))
        .send();
    assert_eq!((again.status, again.body["data"]["id"].clone()), (200, n["id"].clone()));
    // Listed newest first, for every staff role.
    note(&app, &simon, 2, "Second thought");
    let list = app.get("/api/v1/conversations/2/notes").session(&app.session(JORDAN)).send();
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(list.body["total_count"], 2);
    assert_eq!(list.body["data"][0]["body_text"], "Second thought");
    // Only its author or an admin edits it.
    let path = format!("/api/v1/conversations/2/notes/{}", n["id"]);
    let by_jordan = app.put(&path).session(&app.session(JORDAN)).json(&json!({"contents": "mine now"})).send();
    assert_eq!(by_jordan.status, 403);
    let by_alex =
        app.put(&path).session(&app.session(ALEX)).json(&json!({"contents": "Checked, @Simon Blackhouse"})).send();
    assert_eq!(by_alex.status, 200, "{}", by_alex.text);
    assert_eq!(by_alex.body["data"]["mentions"], json!([{"id": 1, "resource_type": "user_minimal"}]));
    // Bad input changes nothing.
    let empty = app.post("/api/v1/conversations/2/notes").session(&simon).json(&json!({"contents": "  "})).send();
    assert_eq!(empty.errors(), vec![("FIELD_REQUIRED".into(), "contents".into())]);
    let missing = app.post("/api/v1/conversations/999/notes").session(&simon).json(&json!({"contents": "x"})).send();
    assert_eq!(missing.status, 404);
    let count: i64 =
        app.db().query_row("SELECT COUNT(*) FROM notes WHERE conversation_id = 2", [], |r| r.get(0)).expect("count");
    assert_eq!(count, 2);
}

#[test]
fn no_customer_or_device_sees_a_note_by_any_route() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let caryn = app.session(CARYN);
    let (phone, id, channel, _) = phoenix::device_conversation(&app);
    let secret = "Customer is on the late-payment list, hold shipments";
    let before = app.get(&format!("/api/v1/conversations/{id}?include=read_marker")).fingerprint(&phone).send();
    // Open every live door a customer has before the note is written.
    let customer_sse = sse(&app, &channel, &[("X-Fingerprint-ID", &phone)]).expect("customer stream");
    let customer_ws = websocket_at(&app.base, &channel, &[("X-Fingerprint-ID", &phone)], None);
    let customer_phx = phoenix::connect(&app, &format!("fingerprint_id={phone}")).expect("phoenix");
    assert_eq!(customer_phx.join(&channel).0, "ok");
    let inbox = sse(&app, "inbox", &[("X-Session-ID", &simon)]).expect("staff inbox");

    let n = note(&app, &simon, id, secret);
    let nid = n["id"].as_i64().expect("note id");
    // Staff hear of it on the inbox channel.
    let e = inbox.next_of("note.created");
    assert_eq!(e.data["note"]["body_text"], secret);
    // Then a message, which every customer door must deliver first: the note never came before it.
    reply(&app, &simon, id, "We are looking into it");
    for (door, first) in [("sse", customer_sse.next_content()), ("websocket", customer_ws.next_content())] {
        assert_eq!(first.kind, "message.created", "{door} delivered {first:?} first");
        assert!(!first.data.to_string().contains("late-payment"), "{door}");
    }
    let frame = customer_phx.wait("the message", |f| f["event"] == "NEW_POST");
    assert!(!frame.to_string().contains("late-payment"));
    assert!(customer_phx.drain().iter().all(|f| !f.to_string().contains("late-payment")));

    // Reads: the notes routes refuse customers and devices outright.
    for req in [
        app.get(&format!("/api/v1/conversations/{id}/notes")).fingerprint(&phone),
        app.get(&format!("/api/v1/conversations/{id}/notes/{nid}")).fingerprint(&phone),
        app.get("/api/v1/conversations/1/notes").session(&caryn),
    ] {
        assert_eq!(req.send().status, 403);
    }
    let write =
        app.post(&format!("/api/v1/conversations/{id}/notes")).fingerprint(&phone).json(&json!({"contents": "x"}));
    assert_eq!(write.send().status, 403);
    // Messages, the summary, counts and unread counts are as if there were no note.
    let messages = app.get(&format!("/api/v1/conversations/{id}/messages")).fingerprint(&phone).send();
    assert!(!messages.text.contains("late-payment"));
    assert_eq!(messages.body["total_count"], 2, "the customer's first message and the reply");
    let after = app.get(&format!("/api/v1/conversations/{id}?include=read_marker")).fingerprint(&phone).send();
    assert!(!after.text.contains("late-payment"));
    assert_eq!(after.body["data"]["last_message_preview"], "We are looking into it");
    let unread = |r: &Resp| r.body["data"]["read_marker"]["unread_count"].as_i64().unwrap_or(0);
    assert_eq!(unread(&after), unread(&before) + 1, "only the reply is unread");
    let list = app.get("/api/v1/conversations").fingerprint(&phone).send();
    assert!(!list.text.contains("late-payment"));
    // Search: customers may not search at all, and staff find the note.
    assert_eq!(search(&app, &caryn, "late-payment", "").status, 403);
    assert_eq!(app.get("/api/v1/search?query=late-payment").fingerprint(&phone).send().status, 403);
    let hits = search(&app, &simon, "late-payment", "");
    assert_eq!(hits.body["data"][0]["id"], id);
    let snippet = hits.body["data"][0]["snippet"].as_str().expect("snippet").to_owned();
    assert!(snippet.contains("<em>late") && snippet.contains("payment</em>"), "{snippet}");
}

#[test]
fn a_note_on_a_mail_conversation_sends_no_mail() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    // Conversation 1 is a MAIL conversation: a reply is mailed, a note never.
    note(&app, &simon, 1, "Internal: the contract price is negotiable");
    reply(&app, &simon, 1, "Your visit is booked for Tuesday");
    let mails = crate::mail::sent_count(&app, 1);
    let text = String::from_utf8_lossy(&mails[0]).into_owned();
    assert!(text.contains("Tuesday") && !text.contains("negotiable"), "{text}");
    let queued: i64 = app.db().query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0)).expect("outbox");
    assert_eq!(queued, 1);
}

#[test]
fn note_attachments_are_staff_only_and_never_swept_as_unattached() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let upload = app
        .post("/api/v1/files")
        .session(&simon)
        .parts(&[Part::file("content", "plan.txt", "text/plain", b"plan")])
        .send();
    let fid = upload.body["data"]["id"].as_i64().expect("file");
    let r = app
        .post("/api/v1/conversations/1/notes")
        .session(&simon)
        .json(&json!({"contents": "The plan", "file_ids": [fid]}))
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
    let download = path_of(&r.body["data"]["attachments"][0]["url_download"]);
    assert_eq!(app.get(&download).session(&simon).send_bytes().2, b"plan");
    assert_eq!(app.get(&download).session(&app.session(CARYN)).send().status, 403);
    // The same file cannot be attached twice (not to a message either).
    let twice = app
        .post("/api/v1/conversations/1/messages")
        .session(&simon)
        .json(&json!({"contents": "x", "file_ids": [fid]}))
        .send();
    assert_eq!(twice.errors(), vec![("FIELD_INVALID".into(), "file_ids".into())]);
    let unattached: i64 = app
        .db()
        .query_row(
            "SELECT COUNT(*) FROM files WHERE id = ?1 AND message_id IS NULL AND note_id IS NOT NULL",
            [fid],
            |r| r.get(0),
        )
        .expect("file");
    assert_eq!(unattached, 1);
}
