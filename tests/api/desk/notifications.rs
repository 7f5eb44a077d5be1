//! Agents' notifications: which events reach whom (never their own doing),
//! the preferences that decide it, the live feed only its agent may hear,
//! and marking read.

use serde_json::{json, Value};

use super::{note, reply};
use crate::helpers::*;
use crate::realtime::sse;

fn feed(app: &TestApp, session: &str) -> Vec<Value> {
    let r = app.get("/api/v1/notifications?limit=100").session(session).send();
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["data"].as_array().cloned().unwrap_or_default()
}

fn kinds_about(app: &TestApp, session: &str, conversation: i64) -> Vec<String> {
    feed(app, session)
        .iter()
        .filter(|n| n["conversation"]["id"] == conversation)
        .map(|n| n["notification_type"].as_str().unwrap_or("").to_owned())
        .collect()
}

fn unread(app: &TestApp, session: &str) -> i64 {
    app.get("/api/v1/notifications?unread=true").session(session).send().body["total_count"].as_i64().expect("count")
}

#[test]
fn each_event_reaches_the_agents_it_concerns_and_never_its_author() {
    let app = spawn_demo();
    let (simon, alex, jordan) = (app.session(SIMON), app.session(ALEX), app.session(JORDAN));
    let alex_live = sse(&app, "notifications", &[("X-Session-ID", &alex)]).expect("alex's feed");
    // A new, unassigned conversation: every agent hears of it.
    let phone = new_fingerprint();
    let c = app.device_conversation(&phone, "Pat Doe", "pat@example.org", "Kettle won't boil");
    let id = c.body["data"]["id"].as_i64().expect("id");
    for session in [&simon, &alex, &jordan] {
        assert_eq!(kinds_about(&app, session, id), vec!["case_created"]);
    }
    let live = alex_live.next_of("notification.created");
    assert_eq!(live.data["conversation"]["id"], id);
    assert!(live.data["summary"].as_str().expect("summary").contains("Kettle won't boil"));
    // Simon assigns it to Alex: Alex hears, Simon does not.
    let put =
        app.put(&format!("/api/v1/conversations/{id}")).session(&simon).json(&json!({"assigned_agent_id": 5})).send();
    assert_eq!(put.status, 200, "{}", put.text);
    assert_eq!(kinds_about(&app, &alex, id), vec!["case_assigned_to_agent", "case_created"]);
    assert_eq!(kinds_about(&app, &simon, id), vec!["case_created"]);
    // The customer writes back: the assignee hears; an agent's reply notifies no one.
    let r = app
        .post(&format!("/api/v1/conversations/{id}/messages"))
        .fingerprint(&phone)
        .json(&json!({"contents": "Still cold"}))
        .send();
    assert_eq!(r.status, 201);
    reply(&app, &simon, id, "On it");
    assert_eq!(kinds_about(&app, &alex, id), vec!["reply_on_case", "case_assigned_to_agent", "case_created"]);
    assert_eq!(kinds_about(&app, &simon, id), vec!["case_created"]);
    // A mention reaches whom it names, not its author (who named themself too).
    note(&app, &simon, id, "@Jordan Kim can you bring a kettle element? cc @Simon Blackhouse");
    assert_eq!(kinds_about(&app, &jordan, id), vec!["mentioned_in_conversation", "case_created"]);
    assert_eq!(kinds_about(&app, &simon, id), vec!["case_created"]);
    // A rating reaches the assignee.
    let rated = app
        .post(&format!("/api/v1/conversations/{id}/ratings"))
        .fingerprint(&phone)
        .json(&json!({"score": "GOOD"}))
        .send();
    assert_eq!(rated.status, 201, "{}", rated.text);
    assert_eq!(kinds_about(&app, &alex, id)[0], "case_rated");
    // Assigning oneself is no news.
    let mine = app.device_conversation(&new_fingerprint(), "Lee Roe", "lee@example.org", "Grinder jam");
    let mid = mine.body["data"]["id"].as_i64().expect("id");
    app.put(&format!("/api/v1/conversations/{mid}")).session(&alex).json(&json!({"assigned_agent_id": 5})).send();
    assert_eq!(kinds_about(&app, &alex, mid), vec!["case_created"]);
}

#[test]
fn preferences_round_trip_and_decide_what_is_raised() {
    let app = spawn_demo();
    let (simon, jordan) = (app.session(SIMON), app.session(JORDAN));
    let r = app.get("/api/v1/notification_preferences").session(&jordan).send();
    assert_eq!(r.status, 200, "{}", r.text);
    let prefs = r.body["data"].as_array().expect("preferences").clone();
    assert_eq!(prefs.len(), 5);
    let created = prefs.iter().find(|p| p["notification_type"] == "case_created").expect("case_created");
    assert_eq!((created["channel_desktop"].clone(), created["channel_email"].clone()), (json!(true), json!(false)));
    // Kayako's form: values[kind][channel].
    let put = app
        .put("/api/v1/notification_preferences")
        .session(&jordan)
        .form(&[
            ("values[mentioned_in_conversation][channel_desktop]", "false"),
            ("values[mentioned_in_conversation][channel_email]", "false"),
            ("values[case_created][channel_email]", "true"),
        ])
        .send();
    assert_eq!(put.status, 200, "{}", put.text);
    let again = app.get("/api/v1/notification_preferences").session(&jordan).send();
    let by_kind = |kind: &str| {
        again.body["data"]
            .as_array()
            .expect("list")
            .iter()
            .find(|p| p["notification_type"] == kind)
            .cloned()
            .expect(kind)
    };
    assert_eq!(by_kind("mentioned_in_conversation")["channel_desktop"], false);
    assert_eq!(by_kind("case_created")["channel_email"], true);
    assert_eq!(by_kind("case_created")["channel_desktop"], true, "a channel not named keeps its value");
    // Nothing wanted: nothing raised.
    note(&app, &simon, 2, "@Jordan Kim fyi");
    assert!(kinds_about(&app, &jordan, 2).is_empty());
    // Bad input: every problem, nothing saved.
    let bad = app
        .put("/api/v1/notification_preferences")
        .session(&jordan)
        .json(&json!({"values": {"bogus": {"channel_email": true}, "case_rated": {"channel_fax": true}, "reply_on_case": {"channel_email": "maybe"}}}))
        .send();
    let mut params: Vec<String> = bad.errors().into_iter().map(|(_, p)| p).collect();
    params.sort();
    assert_eq!(params, vec!["values.bogus", "values.case_rated.channel_fax", "values.reply_on_case.channel_email"]);
    let unchanged = app.get("/api/v1/notification_preferences").session(&jordan).send();
    assert_eq!(unchanged.body["data"], again.body["data"]);
    // Customers have none.
    assert_eq!(app.get("/api/v1/notification_preferences").session(&app.session(CARYN)).send().status, 403);
    assert_eq!(app.get("/api/v1/notifications").session(&app.session(CARYN)).send().status, 403);
}

#[test]
fn the_live_feed_is_its_agents_alone_and_marking_read_counts_down() {
    let app = spawn_demo();
    let (simon, alex) = (app.session(SIMON), app.session(ALEX));
    let caryn = app.session(CARYN);
    assert_eq!(sse(&app, "notifications", &[("X-Session-ID", &caryn)]).err().map(|e| e.0), Some(404));
    assert_eq!(sse(&app, "notifications@5", &[("X-Session-ID", &simon)]).err().map(|e| e.0), Some(404));
    assert!(sse(&app, "notifications@5", &[("X-Session-ID", &alex)]).is_ok());
    for n in 0..3 {
        app.device_conversation(&new_fingerprint(), "Pat Doe", &format!("pat{n}@example.org"), "Help");
    }
    let before = unread(&app, &alex);
    assert!(before >= 3);
    let newest = feed(&app, &alex)[0]["id"].as_i64().expect("id");
    let one = app.put(&format!("/api/v1/notifications/{newest}")).session(&alex).json(&json!({"is_read": true})).send();
    assert_eq!((one.status, one.body["data"]["is_read"].clone()), (200, json!(true)));
    assert_eq!(unread(&app, &alex), before - 1);
    // Another agent's notification does not exist for Simon.
    assert_eq!(
        app.put(&format!("/api/v1/notifications/{newest}"))
            .session(&simon)
            .json(&json!({"is_read": true}))
            .send()
            .status,
        404
    );
    assert_eq!(app.put("/api/v1/notifications").session(&alex).json(&json!({"is_read": false})).send().status, 400);
    assert_eq!(app.put("/api/v1/notifications").session(&alex).json(&json!({"is_read": true})).send().status, 200);
    assert_eq!(unread(&app, &alex), 0);
    assert!(unread(&app, &simon) >= 3, "Simon's stay unread");
}
