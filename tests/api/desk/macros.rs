//! Saved replies: who sees and manages which, the audit log, placeholders,
//! and their changes applied in the reply's own write.

use serde_json::json;

use crate::helpers::*;

fn titles(r: &Resp) -> Vec<String> {
    r.body["data"].as_array().expect("list").iter().map(|m| m["title"].as_str().unwrap_or("").to_owned()).collect()
}

#[test]
fn shared_and_personal_macros_each_with_their_managers() {
    let app = spawn_demo();
    let (simon, alex, jordan) = (app.session(SIMON), app.session(ALEX), app.session(JORDAN));
    // The demo's shared ones and Simon's own; Alex sees only the shared ones.
    let mine = app.get("/api/v1/macros?limit=50").session(&simon).send();
    assert!(titles(&mine).contains(&"My sign-off for Atmosphere Coffee".to_owned()), "{}", mine.text);
    let theirs = app.get("/api/v1/macros?limit=50").session(&alex).send();
    assert!(!titles(&theirs).contains(&"My sign-off for Atmosphere Coffee".to_owned()));
    assert_eq!(app.get("/api/v1/macros/4").session(&alex).send().status, 404);
    // Agents save their own; only admins and owners share.
    let own = app
        .post("/api/v1/macros")
        .session(&simon)
        .json(&json!({"title": "Thanks", "reply_text": "Thanks, {{customer.first_name}}!"}))
        .send();
    assert_eq!(own.status, 201, "{}", own.text);
    assert_eq!(own.body["data"]["is_shared"], false);
    let shared = app
        .post("/api/v1/macros")
        .session(&simon)
        .json(&json!({"title": "X", "reply_text": "x", "is_shared": true}))
        .send();
    assert_eq!(shared.status, 403);
    let by_admin = app
        .post("/api/v1/macros")
        .session(&alex)
        .json(&json!({"title": "Closing", "reply_text": "Closing this now.", "is_shared": true, "status_id": 5}))
        .send();
    assert_eq!(by_admin.status, 201, "{}", by_admin.text);
    let shared_id = by_admin.body["data"]["id"].as_i64().expect("id");
    assert_eq!(by_admin.body["data"]["changes"]["status"], json!({"id": 5, "resource_type": "case_status"}));
    // Simon may use it but not change it; Alex may.
    let path = format!("/api/v1/macros/{shared_id}");
    assert_eq!(app.put(&path).session(&simon).json(&json!({"title": "Mine"})).send().status, 403);
    assert_eq!(app.put(&path).session(&alex).json(&json!({"title": "Closing, with thanks"})).send().status, 200);
    // A collaborator saves text, not changes.
    let text_only =
        app.post("/api/v1/macros").session(&jordan).json(&json!({"title": "Hello", "reply_text": "Hello!"})).send();
    assert_eq!(text_only.status, 201);
    let changes = app
        .post("/api/v1/macros")
        .session(&jordan)
        .json(&json!({"title": "Close", "reply_text": "x", "status_id": 5}))
        .send();
    assert_eq!(changes.status, 403);
    // Bad input: every problem, nothing saved.
    let before: i64 = app.db().query_row("SELECT COUNT(*) FROM macros", [], |r| r.get(0)).expect("count");
    let bad = app.post("/api/v1/macros").session(&simon).json(&json!({"status_id": 99, "assigned_agent_id": 2})).send();
    let mut errors = bad.errors();
    errors.sort();
    assert_eq!(
        errors,
        vec![
            ("FIELD_INVALID".into(), "assigned_agent_id".into()),
            ("FIELD_INVALID".into(), "status_id".into()),
            ("FIELD_REQUIRED".into(), "reply_text".into()),
            ("FIELD_REQUIRED".into(), "title".into()),
        ]
    );
    let after: i64 = app.db().query_row("SELECT COUNT(*) FROM macros", [], |r| r.get(0)).expect("count");
    assert_eq!(before, after);
    // Customers see none.
    assert_eq!(app.get("/api/v1/macros").session(&app.session(CARYN)).send().status, 403);
    // Deleting, and every change in the audit log.
    assert_eq!(app.req("DELETE", &path).session(&alex).send().status, 200);
    assert_eq!(app.get(&path).session(&alex).send().status, 404);
    let audit = app.get("/api/v1/audit?resource_type=macro&limit=50").session(&app.session(MORGAN)).send();
    let actions: Vec<String> = audit.body["data"]
        .as_array()
        .expect("audit")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or("").to_owned())
        .collect();
    for action in ["macro.create", "macro.update", "macro.delete"] {
        assert!(actions.contains(&action.to_owned()), "{action} missing from {actions:?}");
    }
}

#[test]
fn placeholders_fill_in_for_a_conversation() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let r = app.get("/api/v1/macros/2?conversation_id=1").session(&simon).send();
    assert_eq!(r.status, 200, "{}", r.text);
    let filled = r.body["data"]["reply_filled"].as_str().expect("filled");
    assert!(filled.starts_with("Hi Caryn,"), "{filled}");
    assert!(filled.contains("Your reference is #1.") && filled.ends_with("Simon Blackhouse"), "{filled}");
    assert!(r.body["data"]["reply_text"].as_str().expect("text").contains("{{customer.first_name}}"));
    assert_eq!(app.get("/api/v1/macros/2?conversation_id=999").session(&simon).send().status, 404);
}

#[test]
fn a_reply_using_a_macro_applies_its_changes_in_the_same_write() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    // Macro 2: status Pending, priority High, team Field Service.
    let inbox = crate::realtime::sse(&app, "inbox", &[("X-Session-ID", &simon)]).expect("inbox");
    let before = app.get("/api/v1/conversations/23").session(&simon).send();
    assert_eq!(before.body["data"]["status"]["id"], 1);
    let sent = app
        .post("/api/v1/conversations/23/messages")
        .session(&simon)
        .json(&json!({"contents": "A technician will visit.", "macro_id": 2}))
        .send();
    assert_eq!(sent.status, 201, "{}", sent.text);
    let after = app.get("/api/v1/conversations/23").session(&simon).send();
    assert_eq!(after.body["data"]["status"]["id"], 3);
    assert_eq!(after.body["data"]["priority"]["id"], 3);
    assert_eq!(after.body["data"]["assigned_team"]["id"], 6);
    let changed = inbox.next_of("conversation.updated");
    assert_eq!(changed.data["conversation_id"], 23);
    let m = app.get("/api/v1/macros/2").session(&simon).send();
    assert_eq!(m.body["data"]["usage_count"], 10);
    // A macro that is not the caller's: refused, and the reply is not written either.
    let count = |app: &TestApp| -> i64 {
        app.db().query_row("SELECT COUNT(*) FROM messages WHERE conversation_id = 23", [], |r| r.get(0)).expect("count")
    };
    let n = count(&app);
    let alex = app.session(ALEX);
    let refused = app
        .post("/api/v1/conversations/23/messages")
        .session(&alex)
        .json(&json!({"contents": "Sign-off", "macro_id": 4}))
        .send();
    assert_eq!(refused.errors(), vec![("FIELD_INVALID".into(), "macro_id".into())]);
    assert_eq!(count(&app), n);
    // Customers cannot name one.
    let phone = new_fingerprint();
    let c = app.device_conversation(&phone, "Pat Doe", "pat@example.org", "Hi");
    let id = c.body["data"]["id"].as_i64().expect("id");
    let r = app
        .post(&format!("/api/v1/conversations/{id}/messages"))
        .fingerprint(&phone)
        .json(&json!({"contents": "x", "macro_id": 1}))
        .send();
    assert_eq!(r.status, 403);
}
