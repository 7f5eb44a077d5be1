//! What the agent inbox needs from the API: the staff-wide `inbox` stream,
//! streams over several channels, assignment, and the list filters.

use serde_json::json;

use crate::helpers::*;
use crate::realtime::sse;

fn channel_of(app: &TestApp, session: &str, id: i64) -> String {
    let r = app.get(&format!("/api/v1/conversations/{id}")).session(session).send();
    r.body["data"]["realtime_channel"].as_str().expect("channel").to_owned()
}

#[test]
fn staff_follow_every_conversation_on_the_inbox_stream() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let inbox = sse(&app, "inbox", &[("X-Session-ID", simon.as_str())]).expect("staff subscribe to the inbox");
    let phone = new_fingerprint();
    let created = app.device_conversation(&phone, "Pat Doe", "pat@example.org", "Fresh from the widget");
    let id = created.body["data"]["id"].as_i64().expect("id");
    let e = inbox.next_of("conversation.created");
    assert_eq!(e.data["conversation_id"], id);
    let caryn = app.session(CARYN);
    let r =
        app.post("/api/v1/conversations/14/messages").session(&caryn).json(&json!({"contents": "Any update?"})).send();
    assert_eq!(r.status, 201, "{}", r.text);
    let e = inbox.next_of("message.created");
    assert_eq!(e.data["conversation_id"], 14);
    assert_eq!(app.post(&format!("/api/v1/conversations/{id}/typing")).fingerprint(&phone).send().status, 200);
    assert_eq!(inbox.next_of("typing").data["conversation_id"], id);
    // Customers and devices may not.
    let refused = sse(&app, "inbox", &[("X-Session-ID", caryn.as_str())]).err().expect("refused");
    assert_eq!(refused.0, 404);
    let refused = sse(&app, "inbox", &[("X-Fingerprint-ID", phone.as_str())]).err().expect("refused");
    assert_eq!(refused.0, 404);
}

#[test]
fn one_stream_covers_several_conversations_and_resumes_across_them() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let simon = app.session(SIMON);
    let (a, b) = (channel_of(&app, &caryn, 1), channel_of(&app, &caryn, 14));
    let both = format!("{a},{b}");
    let stream = sse(&app, &both, &[("X-Session-ID", caryn.as_str())]).expect("subscribed");
    for id in [1, 14] {
        let r = app
            .post(&format!("/api/v1/conversations/{id}/messages"))
            .session(&simon)
            .json(&json!({"contents": "hi"}))
            .send();
        assert_eq!(r.status, 201);
    }
    let first = stream.next_of("message.created");
    let second = stream.next_of("message.created");
    assert_eq!((first.data["conversation_id"].clone(), second.data["conversation_id"].clone()), (json!(1), json!(14)));
    stream.close();
    // Resuming from the first event yields the second, from either channel.
    let resumed =
        sse(&app, &both, &[("X-Session-ID", caryn.as_str()), ("Last-Event-ID", &first.id.expect("id").to_string())])
            .expect("resumed");
    assert_eq!(resumed.next_of("message.created").id, second.id);
    // Every channel must be allowed.
    let dana = app.session(DANA);
    assert_eq!(sse(&app, &both, &[("X-Session-ID", dana.as_str())]).err().map(|e| e.0), Some(404));
}

#[test]
fn staff_assign_conversations_to_an_agent_and_a_team() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    // Conversation 23 is assigned to nobody.
    let channel = channel_of(&app, &simon, 23);
    let stream = sse(&app, &channel, &[("X-Session-ID", simon.as_str())]).expect("subscribed");
    let r = app
        .put("/api/v1/conversations/23")
        .session(&simon)
        .json(&json!({"assigned_agent_id": 5, "assigned_team_id": 6}))
        .send();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["data"]["assigned_agent"]["id"], 5);
    assert_eq!(r.body["data"]["assigned_team"]["id"], 6);
    let e = stream.next_of("conversation.updated");
    assert_eq!(e.data["changed"], json!(["assigned_agent", "assigned_team"]));
    let r = app.put("/api/v1/conversations/23").session(&simon).json(&json!({"assigned_agent_id": null})).send();
    assert!(r.body["data"]["assigned_agent"].is_null(), "{}", r.text);
    assert_eq!(r.body["data"]["assigned_team"]["id"], 6, "the team stays");
    let r = app
        .put("/api/v1/conversations/23")
        .session(&simon)
        .form(&[("assigned_agent_id", "2"), ("assigned_team_id", "99")])
        .send();
    assert_eq!(r.status, 400);
    assert_eq!(
        r.errors(),
        [
            ("FIELD_INVALID".to_owned(), "assigned_agent_id".to_owned()),
            ("FIELD_INVALID".to_owned(), "assigned_team_id".to_owned())
        ]
    );
    let caryn = app.session(CARYN);
    let r = app.put("/api/v1/conversations/1").session(&caryn).json(&json!({"assigned_agent_id": 1})).send();
    assert_eq!((r.status, r.errors()), (403, vec![("PERMISSION_DENIED".to_owned(), "assigned_agent_id".to_owned())]));
    let jordan = app.session(JORDAN);
    let r = app.put("/api/v1/conversations/1").session(&jordan).json(&json!({"assigned_team_id": 1})).send();
    assert_eq!(r.status, 403, "collaborators do not triage");
}

#[test]
fn the_list_filters_by_assignee_team_and_requester() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let all = |q: &str| {
        let r = app.get(&format!("/api/v1/conversations?limit=100&{q}")).session(&simon).send();
        assert_eq!(r.status, 200, "{q}: {}", r.text);
        r.body["data"].as_array().expect("list").clone()
    };
    let mine = all("assigned_agent_id=1");
    assert!(!mine.is_empty() && mine.iter().all(|c| c["assigned_agent"]["id"] == 1));
    let nobody = all("assigned_agent_id=none");
    assert!(!nobody.is_empty() && nobody.iter().all(|c| c["assigned_agent"].is_null()));
    let field = all("assigned_team_id=6");
    assert!(!field.is_empty() && field.iter().all(|c| c["assigned_team"]["id"] == 6));
    let marks = all("requester_id=3");
    assert!(!marks.is_empty() && marks.iter().all(|c| c["requester"]["id"] == 3));
    let r = app.get("/api/v1/conversations?assigned_agent_id=someone").session(&simon).send();
    assert_eq!(r.errors(), [("FIELD_INVALID".to_owned(), "assigned_agent_id".to_owned())]);

    // Which of a few a view holds (what the inbox asks after a burst of events).
    let named: Vec<i64> = mine.iter().take(2).map(|c| c["id"].as_i64().expect("id")).collect();
    let unassigned = nobody[0]["id"].as_i64().expect("id");
    let q = format!("ids={},{},{unassigned}", named[0], named[1]);
    let mut few: Vec<i64> = all(&q).iter().map(|c| c["id"].as_i64().expect("id")).collect();
    few.sort_unstable();
    let mut expected = vec![named[0], named[1], unassigned];
    expected.sort_unstable();
    assert_eq!(few, expected);
    let mut of_mine: Vec<i64> =
        all(&format!("{q}&assigned_agent_id=1")).iter().map(|c| c["id"].as_i64().expect("id")).collect();
    of_mine.sort_unstable();
    let mut named_sorted = named.clone();
    named_sorted.sort_unstable();
    assert_eq!(of_mine, named_sorted);
    // Caryn names a conversation that is not hers: it is simply not there.
    let caryn = app.session(CARYN);
    let theirs = app.get(&format!("/api/v1/conversations?{q}")).session(&caryn).send();
    assert_eq!(theirs.status, 200, "{}", theirs.text);
    assert!(theirs.body["data"].as_array().expect("list").len() < 3);
    let many = (1..=101).map(|i| i.to_string()).collect::<Vec<_>>().join(",");
    for bad in ["ids=1,x", "ids=0", &format!("ids={many}")] {
        let r = app.get(&format!("/api/v1/conversations?{bad}")).session(&simon).send();
        assert_eq!(r.errors(), [("FIELD_INVALID".to_owned(), "ids".to_owned())], "{bad}");
    }
}

#[test]
fn staff_list_the_people_and_teams_to_assign_to() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let r = app.get("/api/v1/users?role=AGENT,ADMIN,OWNER").session(&simon).send();
    assert_eq!(r.status, 200, "{}", r.text);
    let mut ids = r.ids();
    ids.sort_unstable();
    assert_eq!(ids, [1, 5, 7]);
    assert!(r.body["data"][0]["email"].is_string());
    let caryn = app.session(CARYN);
    let refused = app.get("/api/v1/users").session(&caryn).send();
    assert_eq!(refused.error_codes(), ["PERMISSION_DENIED"]);
    let teams = app.get("/api/v1/teams").session(&simon).send();
    assert_eq!(teams.body["total_count"], 2);
    assert_eq!(teams.body["data"][0]["title"], "Field Service");
}
