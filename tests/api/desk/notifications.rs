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

// ---- By mail: one digest per agent, for what is still unread after the delay ----

/// A server whose notifications are mailed 2 s after they are raised (a
/// second more than the requests of a test take, so the events of one step
/// land in one digest).
fn with_digests() -> TestApp {
    spawn_with(true, |c| c.mail.notification_mail_delay_seconds = 2)
}

/// A new messenger conversation; its id.
fn conversation(app: &TestApp, phone: &str, subject: &str) -> i64 {
    let c = app.device_conversation(phone, "Pat Doe", &format!("pat.{}@example.org", &phone[..8]), subject);
    assert_eq!(c.status, 201, "{}", c.text);
    c.body["data"]["id"].as_i64().expect("id")
}

fn assign(app: &TestApp, session: &str, id: i64, agent: i64) {
    let put = app
        .put(&format!("/api/v1/conversations/{id}"))
        .session(session)
        .json(&json!({"assigned_agent_id": agent}))
        .send();
    assert_eq!(put.status, 200, "{}", put.text);
}

fn customer_writes(app: &TestApp, phone: &str, id: i64, text: &str) {
    let r = app
        .post(&format!("/api/v1/conversations/{id}/messages"))
        .fingerprint(phone)
        .json(&json!({"contents": text}))
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
}

/// The id of an agent's notification of `kind` about `conversation`.
fn notification(app: &TestApp, session: &str, conversation: i64, kind: &str) -> i64 {
    feed(app, session)
        .iter()
        .find(|n| n["conversation"]["id"] == conversation && n["notification_type"] == kind)
        .and_then(|n| n["id"].as_i64())
        .unwrap_or_else(|| panic!("no {kind} notification about {conversation}"))
}

/// The mails the file transport wrote to `address`, oldest first.
fn mailed_to(app: &TestApp, address: &str) -> Vec<Vec<u8>> {
    crate::mail::sent(app)
        .into_iter()
        .filter(|m| crate::mail::header(m, "To").is_some_and(|to| to.contains(address)))
        .collect()
}

/// Waits for the first mail to `address`; it, parsed: (subject, text).
fn first_mail_to(app: &TestApp, address: &str) -> (Vec<u8>, String, String) {
    eventually(&format!("a mail to {address}"), || !mailed_to(app, address).is_empty());
    let raw = mailed_to(app, address).remove(0);
    let parsed = mail_parser::MessageParser::default().parse(&raw).expect("a mail");
    let subject = parsed.subject().unwrap_or_default().to_owned();
    let text = parsed.body_text(0).expect("text").into_owned();
    (raw, subject, text)
}

/// Waits until the digest pass decided a notification's mail (`mailed_at`).
fn settled(app: &TestApp, id: i64) {
    eventually(&format!("notification {id} is settled"), || {
        app.db()
            .query_row("SELECT mailed_at IS NOT NULL FROM notifications WHERE id = ?1", [id], |r| r.get::<_, bool>(0))
            .unwrap_or(false)
    });
}

/// The digests queued for `address`.
fn digests_for(app: &TestApp, address: &str) -> i64 {
    app.db()
        .query_row(
            "SELECT COUNT(*) FROM outbox WHERE kind = 'NOTIFY' AND conversation_id IS NULL AND recipients LIKE ?1",
            [format!("%\"{address}\"%")],
            |r| r.get(0),
        )
        .expect("count")
}

fn message_mail_rows(app: &TestApp) -> i64 {
    app.db().query_row("SELECT COUNT(*) FROM message_mail", [], |r| r.get(0)).expect("count")
}

#[test]
fn an_agents_unread_notifications_are_mailed_in_one_digest_after_the_delay() {
    let app = with_digests();
    let (simon, alex) = (app.session(SIMON), app.session(ALEX));
    let before = message_mail_rows(&app);
    let phone = new_fingerprint();
    let id = conversation(&app, &phone, "Kettle won't boil");
    assign(&app, &simon, id, 5);
    customer_writes(&app, &phone, id, "Still cold");
    let (raw, subject, text) = first_mail_to(&app, ALEX);
    assert_eq!(subject, "2 updates in your inbox");
    assert!(text.contains("Simon Blackhouse assigned “Kettle won't boil” to you"), "{text}");
    assert!(text.contains("Pat Doe replied to “Kettle won't boil”"), "{text}");
    assert!(text.contains(&format!("{}/agent/#/conversations/{id}", app.base)), "{text}");
    assert!(text.contains("notification preferences"), "{text}");
    assert!(!text.contains("started"), "case_created is not mailed by default: {text}");
    let header = |name: &str| crate::mail::header(&raw, name);
    assert_eq!(header("Auto-Submitted").as_deref(), Some("auto-generated"));
    assert_eq!(header("Reply-To"), None, "a digest carries no reply token");
    assert!(header("From").expect("From").contains("support@brewfictus.com"));
    // Exactly one: every notification of Alex's is settled, in one digest.
    for kind in ["case_created", "case_assigned_to_agent", "reply_on_case"] {
        settled(&app, notification(&app, &alex, id, kind));
    }
    assert_eq!(digests_for(&app, ALEX), 1);
    eventually("the digest is marked sent", || {
        app.db()
            .query_row("SELECT state FROM outbox WHERE kind = 'NOTIFY'", [], |r| r.get::<_, String>(0))
            .is_ok_and(|s| s == "SENT")
    });
    assert_eq!(mailed_to(&app, ALEX).len(), 1);
    // Mailing is not reading: the feed still counts them.
    assert!(unread(&app, &alex) >= 2);
    // The digest marks no message (its ids are notifications).
    assert_eq!(message_mail_rows(&app), before);
    // Simon did both of what reached Alex; he hears of neither.
    assert_eq!(digests_for(&app, SIMON), 0);
}

#[test]
fn a_notification_read_before_the_delay_is_never_mailed() {
    let app = with_digests();
    let (simon, alex, jordan) = (app.session(SIMON), app.session(ALEX), app.session(JORDAN));
    // Alex reads one; Jordan reads all of theirs.
    let first = conversation(&app, &new_fingerprint(), "Grinder jam");
    assign(&app, &simon, first, 5);
    let seen = notification(&app, &alex, first, "case_assigned_to_agent");
    let one = app.put(&format!("/api/v1/notifications/{seen}")).session(&alex).json(&json!({"is_read": true})).send();
    assert_eq!(one.status, 200, "{}", one.text);
    let second = conversation(&app, &new_fingerprint(), "Milk frother");
    assign(&app, &simon, second, 6);
    let all = app.put("/api/v1/notifications").session(&jordan).json(&json!({"is_read": true})).send();
    assert_eq!(all.status, 200, "{}", all.text);
    // Later, Alex hands Simon a conversation: that digest's pass comes after both delays.
    let third = conversation(&app, &new_fingerprint(), "Descaler");
    assign(&app, &alex, third, 1);
    let (_, subject, _) = first_mail_to(&app, SIMON);
    assert_eq!(subject, "Alex Rivera assigned “Descaler” to you");
    assert!(mailed_to(&app, ALEX).is_empty() && mailed_to(&app, JORDAN).is_empty());
    assert_eq!((digests_for(&app, ALEX), digests_for(&app, JORDAN)), (0, 0));
}

#[test]
fn an_agent_who_wants_no_mail_for_a_kind_gets_none_and_it_stays_in_the_feed() {
    let app = with_digests();
    let (simon, jordan) = (app.session(SIMON), app.session(JORDAN));
    let put = app
        .put("/api/v1/notification_preferences")
        .session(&jordan)
        .form(&[("values[case_assigned_to_agent][channel_email]", "false")])
        .send();
    assert_eq!(put.status, 200, "{}", put.text);
    let id = conversation(&app, &new_fingerprint(), "Water filter");
    assign(&app, &simon, id, 6);
    let n = notification(&app, &jordan, id, "case_assigned_to_agent");
    settled(&app, n);
    assert_eq!(digests_for(&app, JORDAN), 0);
    assert!(mailed_to(&app, JORDAN).is_empty());
    assert!(feed(&app, &jordan).iter().any(|f| f["id"] == n && f["is_read"] == false), "still unread in the feed");
}

#[test]
fn an_agent_never_gets_mail_of_their_own_doing() {
    let app = with_digests();
    let alex = app.session(ALEX);
    let phone = new_fingerprint();
    let id = conversation(&app, &phone, "Steam wand");
    // Alex takes it and mentions themself: neither is news to them.
    assign(&app, &alex, id, 5);
    note(&app, &alex, id, "@Alex Rivera remember the gasket");
    customer_writes(&app, &phone, id, "It hisses");
    let (_, subject, text) = first_mail_to(&app, ALEX);
    assert_eq!(subject, "Pat Doe replied to “Steam wand”");
    assert!(!text.contains("assigned") && !text.contains("mentioned"), "{text}");
    settled(&app, notification(&app, &alex, id, "reply_on_case"));
    assert_eq!(digests_for(&app, ALEX), 1);
}
