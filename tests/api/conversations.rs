//! Conversations: visibility by role, filters, paging, creation and updates.

use serde_json::{json, Value};

use crate::helpers::*;

/// Every conversation as an agent sees it.
fn all_conversations(app: &TestApp) -> Vec<Value> {
    let simon = app.session(SIMON);
    let r = app.get("/api/v1/conversations?limit=100").session(&simon).send();
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["data"].as_array().expect("array").clone()
}

fn ids_where(all: &[Value], pred: impl Fn(&Value) -> bool) -> Vec<i64> {
    all.iter().filter(|c| pred(c)).filter_map(|c| c["id"].as_i64()).collect()
}

#[test]
fn customers_see_only_conversations_they_requested() {
    let app = spawn_demo();
    let all = all_conversations(&app);
    assert!(all.len() >= 21, "the demo has at least 21 conversations, got {}", all.len());
    for (email, user_id) in [(CARYN, 2), (MARK, 3), (DANA, 4)] {
        let session = app.session(email);
        let r = app.get("/api/v1/conversations?limit=100").session(&session).send();
        let expected = ids_where(&all, |c| c["requester"]["id"] == user_id);
        assert!(!expected.is_empty());
        assert_eq!(r.ids(), expected, "{email}");
        assert_eq!(r.body["total_count"].as_i64(), Some(expected.len() as i64));
        let foreign = ids_where(&all, |c| c["requester"]["id"] != user_id)[0];
        let hidden = app.get(&format!("/api/v1/conversations/{foreign}")).session(&session).send();
        assert_eq!(hidden.status, 404, "{email} must not see {foreign}");
        assert_eq!(hidden.error_codes(), ["RESOURCE_NOT_FOUND"]);
        for sub in ["messages", "participants", "ratings"] {
            let r = app.get(&format!("/api/v1/conversations/{foreign}/{sub}")).session(&session).send();
            assert_eq!(r.status, 404, "{email} {sub}");
        }
    }
}

#[test]
fn a_hidden_conversation_looks_exactly_like_a_missing_one() {
    let app = spawn_demo();
    let dana = app.session(DANA);
    let hidden = app.get("/api/v1/conversations/1").session(&dana).send();
    let missing = app.get("/api/v1/conversations/999999").session(&dana).send();
    assert_eq!(hidden.status, missing.status);
    assert_eq!(hidden.body, missing.body);
}

#[test]
fn my_organization_adds_the_conversations_of_colleagues() {
    let app = spawn_demo();
    let all = all_conversations(&app);
    let mark = app.session(MARK);
    let r = app.get("/api/v1/conversations?limit=100&filters=MY_ORGANIZATION").session(&mark).send();
    assert_eq!(r.status, 200, "{}", r.text);
    let expected = ids_where(&all, |c| c["requester"]["id"] == 2 || c["requester"]["id"] == 3);
    assert_eq!(r.ids(), expected);
    assert!(r.ids().contains(&1), "Caryn's conversation is shared within Atmosphere Coffee");
    let direct = app.get("/api/v1/conversations/1?filters=MY_ORGANIZATION").session(&mark).send();
    assert_eq!(direct.status, 200);
    let dana = app.session(DANA);
    let other_org = app.get("/api/v1/conversations/1?filters=MY_ORGANIZATION").session(&dana).send();
    assert_eq!(other_org.status, 404);
    let bad = app.get("/api/v1/conversations?filters=EVERYTHING").session(&mark).send();
    assert_eq!(bad.errors(), [("FIELD_INVALID".to_owned(), "filters".to_owned())]);
}

#[test]
fn staff_of_every_role_see_every_conversation() {
    let app = spawn_demo();
    let all = all_conversations(&app);
    for email in [ALEX, JORDAN, MORGAN] {
        let s = app.session(email);
        let r = app.get("/api/v1/conversations?limit=100").session(&s).send();
        assert_eq!(r.body["total_count"].as_i64(), Some(all.len() as i64), "{email}");
        assert_eq!(app.get("/api/v1/conversations/1").session(&s).send().status, 200);
    }
}

#[test]
fn conversations_are_newest_first_and_paged() {
    let app = spawn_demo();
    let all = all_conversations(&app);
    let created: Vec<&str> = all.iter().map(|c| c["created_at"].as_str().expect("ts")).collect();
    let mut sorted = created.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(created, sorted, "ordered by created_at descending");
    let simon = app.session(SIMON);
    let page = app.get("/api/v1/conversations?offset=3&limit=5").session(&simon).send();
    assert_eq!(page.body["offset"], 3);
    assert_eq!(page.body["limit"], 5);
    assert_eq!(page.ids(), all[3..8].iter().map(|c| c["id"].as_i64().expect("id")).collect::<Vec<_>>());
    let default = app.get("/api/v1/conversations").session(&simon).send();
    assert_eq!(default.body["limit"], 10);
    assert_eq!(default.ids().len(), 10);
    let clamped = app.get("/api/v1/conversations?limit=5000").session(&simon).send();
    assert_eq!(clamped.body["limit"], 100);
    for bad in ["offset=-1", "limit=-5", "limit=ten", "offset=1.5"] {
        let r = app.get(&format!("/api/v1/conversations?{bad}")).session(&simon).send();
        assert_eq!(r.status, 400, "{bad}");
        assert_eq!(r.error_codes(), ["FIELD_INVALID"], "{bad}");
    }
}

#[test]
fn status_and_priority_filters_match_types_and_levels() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let all = all_conversations(&app);
    let status_kind = |id: i64| match id {
        1 => "NEW",
        2 => "OPEN",
        3 => "PENDING",
        4 => "COMPLETED",
        _ => "CLOSED",
    };
    for kind in ["NEW", "OPEN", "PENDING", "COMPLETED", "CLOSED"] {
        let r = app.get(&format!("/api/v1/conversations?limit=100&status={kind}")).session(&simon).send();
        let expected = ids_where(&all, |c| status_kind(c["status"]["id"].as_i64().unwrap_or(0)) == kind);
        assert_eq!(r.ids(), expected, "{kind}");
        assert!(r.body["data"].as_array().expect("list").iter().all(|c| c["is_closed"] == (kind == "CLOSED")));
    }
    let closed = app.get("/api/v1/conversations?status=CLOSED").session(&simon).send();
    assert!(closed.body["total_count"].as_i64() >= Some(1), "the demo has a closed conversation");
    // Priorities 1..4 have levels 1..4 in the demo.
    let r = app.get("/api/v1/conversations?limit=100&priority=2").session(&simon).send();
    let expected = ids_where(&all, |c| c["priority"]["id"].as_i64().is_some_and(|p| p <= 2));
    assert_eq!(r.ids(), expected);
    assert!(!expected.is_empty());
    let bad = app.get("/api/v1/conversations?status=SLEEPING").session(&simon).send();
    assert_eq!(bad.errors(), [("FIELD_INVALID".to_owned(), "status".to_owned())]);
    let bad = app.get("/api/v1/conversations?priority=high").session(&simon).send();
    assert_eq!(bad.errors(), [("FIELD_INVALID".to_owned(), "priority".to_owned())]);
}

#[test]
fn adding_a_conversation_records_everything_the_client_sent() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let r = app
        .post("/api/v1/conversations.json")
        .session(&caryn)
        .json(&json!({
            "subject": "  Steam wand clogged  ",
            "contents": "Line one\nLine <two>",
            "source": "HELPCENTER",
            "form_id": 1,
            "field_values": {"reported_issues": "3"},
            "client_id": "client-123",
            "metadata": {"user_agent_raw": "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/115.0",
                         "page_url": "https://brewfictus.example/help", "ignored": "x"}
        }))
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["status"], 201);
    let c = &r.body["data"];
    assert_eq!(c["subject"], "Steam wand clogged", "strings are trimmed");
    assert_eq!(c["channel"], "HELPCENTER");
    assert_eq!(c["requester"]["id"], 2);
    assert_eq!(c["creator"]["id"], 2);
    assert_eq!(c["last_replier"]["id"], 2);
    assert_eq!(c["last_agent_replier"], Value::Null);
    assert_eq!(c["status"]["id"], 1, "new conversations start as New");
    assert_eq!(c["is_closed"], false);
    assert_eq!(c["last_message_status"], "SENT");
    assert_eq!(c["last_message_preview"], "Line one\nLine <two>");
    assert_eq!(c["custom_fields"][0]["value"], "3");
    let id = c["id"].as_i64().expect("id");
    assert!(c["realtime_channel"].as_str().expect("channel").ends_with(&format!("@v1_cases_{id}")));
    assert_eq!(c["read_marker"]["resource_type"], "read_marker");

    let messages = app.get(&format!("/api/v1/conversations/{id}/messages")).session(&caryn).send();
    let m = &messages.body["data"][0];
    assert_eq!(messages.body["total_count"], 1);
    assert_eq!(m["content_text"], "Line one\nLine <two>");
    assert_eq!(m["content_html"], "Line one<br />\nLine &lt;two&gt;");
    assert_eq!(m["client_id"], "client-123");
    assert_eq!(m["source"], "HELPCENTER");
    assert_eq!(m["metadata"], json!({"user_agent": "Firefox", "page_url": "https://brewfictus.example/help"}));
    let participants = app.get(&format!("/api/v1/conversations/{id}/participants")).session(&caryn).send();
    assert_eq!(participants.ids(), vec![2]);
}

#[test]
fn an_agent_can_open_a_conversation_for_a_new_customer() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let r = app
        .post("/api/v1/conversations")
        .session(&simon)
        .json(&json!({"name": "Robin Fox", "email": "robin@foxroast.example", "subject": "Welcome", "contents": "Hi Robin"}))
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
    let c = &r.body["data"];
    assert_eq!(c["creator"]["id"], 1);
    assert_eq!(c["last_agent_replier"]["id"], 1);
    assert_ne!(c["requester"]["id"], 1);
    let requester = c["requester"]["id"].as_i64().expect("id");
    let user = app.get(&format!("/api/v1/users/{requester}")).session(&simon).send();
    assert_eq!(user.body["data"]["full_name"], "Robin Fox");
    assert_eq!(user.body["data"]["role"]["id"], 4, "created as a customer");
}

#[test]
fn missing_subject_and_contents_are_reported_together() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let r = app.post("/api/v1/conversations").session(&caryn).json(&json!({"subject": "   "})).send();
    assert_eq!(r.status, 400);
    let mut errors = r.errors();
    errors.sort();
    assert_eq!(
        errors,
        [("FIELD_REQUIRED".to_owned(), "contents".to_owned()), ("FIELD_REQUIRED".to_owned(), "subject".to_owned())]
    );
    assert_eq!(r.body["errors"][0]["message"], "This action requires the field to be specified");
    assert!(r.body["errors"][0]["more_info"].as_str().expect("more_info").ends_with("/FIELD_REQUIRED"));
    let anonymous = app.post("/api/v1/conversations").json(&json!({"subject": "s", "contents": "c"})).send();
    let mut errors = anonymous.errors();
    errors.sort();
    assert_eq!(
        errors,
        [("FIELD_REQUIRED".to_owned(), "email".to_owned()), ("FIELD_REQUIRED".to_owned(), "name".to_owned())]
    );
}

#[test]
fn invalid_creation_parameters_are_rejected_and_nothing_is_stored() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let before = app.get("/api/v1/conversations").session(&simon).send().body["total_count"].clone();
    let cases = [
        (json!({"name": "A", "email": "not-an-email", "subject": "s", "contents": "c"}), "email"),
        (json!({"name": "A", "email": "a@b.example", "subject": "s", "contents": "c", "source": "FAX"}), "source"),
        (json!({"name": "A", "email": "a@b.example", "subject": "s", "contents": "c", "form_id": 999}), "form_id"),
        (
            json!({"name": "A", "email": "a@b.example", "subject": "s", "contents": "c", "form_id": 1}),
            "field_values.reported_issues",
        ),
        (
            json!({"name": "A", "email": "a@b.example", "subject": "s", "contents": "c", "field_values": {"reported_issues": "many"}}),
            "field_values.reported_issues",
        ),
        (
            json!({"name": "A", "email": "a@b.example", "subject": "s", "contents": "c", "field_values": {"nope": "1"}}),
            "field_values.nope",
        ),
        (json!({"name": "A", "email": "a@b.example", "subject": ["s"], "contents": "c"}), "subject"),
    ];
    for (body, parameter) in cases {
        let r = app.post("/api/v1/conversations").json(&body).send();
        assert_eq!(r.status, 400, "{body}: {}", r.text);
        assert!(r.errors().iter().any(|(_, p)| p == parameter), "{parameter}: {}", r.text);
        assert!(r.header("x-request-token").is_none());
    }
    let after = app.get("/api/v1/conversations").session(&simon).send().body["total_count"].clone();
    assert_eq!(before, after);
    let r = app.get("/api/v1/users/8").session(&simon).send();
    assert_eq!(r.status, 404, "no customer was created by the refused requests");
}

#[test]
fn field_values_are_validated_by_type() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let base = json!({"subject": "Typed", "contents": "c"});
    let with = |values: Value| {
        let mut b = base.clone();
        b["field_values"] = values;
        app.post("/api/v1/conversations").session(&simon).json(&b).send()
    };
    let ok = with(json!({"under_warranty": "yes", "visit_date": "2026-12-01", "serial_number": "AB-1234",
                         "product": "1", "contact_times": "6,4", "reported_issues": 7}));
    assert_eq!(ok.status, 201, "{}", ok.text);
    let values: Vec<(i64, String)> = ok.body["data"]["custom_fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| (f["field"]["id"].as_i64().expect("id"), f["value"].as_str().expect("value").to_owned()))
        .collect();
    assert!(values.contains(&(12, "true".to_owned())), "{values:?}");
    assert!(values.contains(&(16, "4,6".to_owned())), "{values:?}");
    assert!(values.contains(&(10, "7".to_owned())), "{values:?}");
    for bad in [
        json!({"under_warranty": "perhaps"}),
        json!({"visit_date": "next tuesday"}),
        json!({"serial_number": "ab-12"}),
        json!({"product": "999"}),
        json!({"contact_times": "4,999"}),
        json!({"reported_issues": "2.5"}),
    ] {
        let r = with(bad.clone());
        assert_eq!(r.status, 400, "{bad}");
        assert_eq!(r.error_codes(), ["FIELD_INVALID"], "{bad}");
    }
}

#[test]
fn customers_may_change_only_what_conventions_allow() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let put = |body: Value| app.put("/api/v1/conversations/1").session(&caryn).json(&body).send();
    let r = put(
        json!({"subject": "Annual maintenance 2026", "field_values": {"reported_issues": "4"}, "source": "HELPCENTER"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["data"]["subject"], "Annual maintenance 2026");
    assert_eq!(r.body["data"]["custom_fields"][0]["value"], "4");
    assert_ne!(r.body["data"]["updated_at"], "2015-12-28T03:52:45+00:00", "updated_at moves");
    for (body, parameter) in [
        (json!({"type_id": 2}), "type_id"),
        (json!({"priority_id": 4}), "priority_id"),
        (json!({"status_id": 2}), "status_id"),
    ] {
        let r = put(body);
        assert_eq!(r.status, 403, "{parameter}");
        assert_eq!(r.errors(), [("PERMISSION_DENIED".to_owned(), parameter.to_owned())]);
    }
    let done = put(json!({"status_id": 4}));
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.body["data"]["status"]["id"], 4);
    let fingerprint =
        app.put("/api/v1/conversations/1").fingerprint(&new_fingerprint()).json(&json!({"subject": "x"})).send();
    assert_eq!(fingerprint.status, 401, "updates do not support fingerprints");
}

#[test]
fn agents_triage_and_collaborators_may_not() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let r = app
        .put("/api/v1/conversations/1")
        .session(&simon)
        .json(&json!({"status_id": 2, "priority_id": 4, "type_id": 3}))
        .send();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["data"]["status"]["id"], 2);
    assert_eq!(r.body["data"]["priority"]["id"], 4);
    assert_eq!(r.body["data"]["type"]["id"], 3);
    let unknown = app.put("/api/v1/conversations/1").session(&simon).json(&json!({"status_id": 99})).send();
    assert_eq!(unknown.errors(), [("FIELD_INVALID".to_owned(), "status_id".to_owned())]);
    let jordan = app.session(JORDAN);
    for body in [json!({"status_id": 3}), json!({"priority_id": 1}), json!({"type_id": 1})] {
        let r = app.put("/api/v1/conversations/1").session(&jordan).json(&body).send();
        assert_eq!(r.status, 403, "{body}");
        assert_eq!(r.error_codes(), ["PERMISSION_DENIED"]);
    }
    let subject = app.put("/api/v1/conversations/1").session(&jordan).json(&json!({"subject": "Collab edit"})).send();
    assert_eq!(subject.status, 200);
    let still = app.get("/api/v1/conversations/1").session(&simon).send();
    assert_eq!(still.body["data"]["status"]["id"], 2, "refused changes left the conversation alone");
}

#[test]
fn customers_see_status_priority_and_type_only_where_the_instance_allows() {
    let app = spawn_empty();
    let simon_email = "agent@example.org";
    // An empty instance keeps Kayako's default: hidden from customers.
    let conn = rusqlite::Connection::open(app.dir.path().join("parley.db")).expect("db");
    conn.execute(
        "INSERT INTO users (uuid, full_name, email, role_id, password_hash, avatar_uuid, presence_channel, created_at, updated_at)
         SELECT 'u-1', 'Agent', ?1, 2, password_hash, 'a-1', 'p-1', 0, 0 FROM (SELECT ?2 AS password_hash)",
        rusqlite::params![simon_email, parley::secret::password::hash_password(PASSWORD).expect("hash")],
    )
    .expect("agent");
    let created = app
        .post("/api/v1/conversations")
        .fingerprint(&new_fingerprint())
        .json(&json!({"name": "Pat", "email": "pat@example.org", "subject": "s", "contents": "c"}))
        .send();
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["data"]["status"], Value::Null, "hidden from the customer");
    let agent = app.session(simon_email);
    let id = created.body["data"]["id"].as_i64().expect("id");
    let seen = app.get(&format!("/api/v1/conversations/{id}")).session(&agent).send();
    assert_eq!(seen.body["data"]["status"]["id"], 1, "staff always see it");
    let statuses = app.get("/api/v1/cases/statuses").send();
    assert_eq!(statuses.status, 403);
    assert_eq!(app.get("/api/v1/cases/statuses").session(&agent).send().status, 200);
}

#[test]
fn a_remembered_answer_never_outlives_a_write_nor_crosses_callers() {
    // Workers remember GET answers per caller and URL until the next commit:
    // the same request twice, a write in between, and callers who must differ.
    let app = spawn_demo();
    let (simon, caryn) = (app.session(SIMON), app.session(CARYN));
    let path = "/api/v1/conversations/1";
    let first = app.get(path).session(&simon).send();
    assert_eq!(first.text, app.get(path).session(&simon).send().text, "the same answer twice");
    let reply =
        app.post("/api/v1/conversations/1/messages").session(&caryn).json(&json!({"contents": "Any news?"})).send();
    assert_eq!(reply.status, 201);
    let after = app.get(path).session(&simon).send();
    assert_eq!(after.body["data"]["last_message_preview"], "Any news?", "a write is seen at once");
    let listed = app.get("/api/v1/conversations/1/messages?limit=1").session(&simon).send();
    assert_eq!(listed.body["data"][0]["content_text"], "Any news?");
    // Another caller with the same URL gets their own answer (read markers are per user).
    let hers = app.get(path).session(&caryn).send();
    let his = app.get(path).session(&simon).send();
    assert_ne!(hers.body["data"]["read_marker"], his.body["data"]["read_marker"]);
    // A setting is a write too: customers stop seeing the status at once.
    let alex = app.session(ALEX);
    assert!(hers.body["data"]["status"].is_object());
    let off = app.put("/api/v1/settings").session(&alex).json(&json!({"customers_see_status": false})).send();
    assert_eq!(off.status, 200);
    assert_eq!(app.get(path).session(&caryn).send().body["data"]["status"], Value::Null);
}
