//! The second hardening round, for realtime: authority that outlives a
//! change, fan-out one client can amplify, writes under read rules, and
//! events that tell customers what they may not see.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::*;
use crate::phoenix::{connect, device_conversation};
use crate::realtime::sse;

fn user_id(app: &TestApp, email: &str) -> i64 {
    app.db().query_row("SELECT id FROM users WHERE email = ?1", [email], |r| r.get(0)).expect("user")
}

fn as_owner(req: Req<'_>) -> Req<'_> {
    req.basic(MORGAN, PASSWORD).header("X-CSRF", "false")
}

/// Waits (at most `limit`) for the socket's close frame; its code.
fn closed_with(phx: &crate::phoenix::Phx, limit: Duration) -> Option<u64> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(close) = phx.drain().into_iter().find(|f| f["event"] == ":close") {
            return close["payload"].as_u64();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

#[test]
fn a_role_or_team_change_ends_the_users_open_streams_and_sockets_at_once() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let inbox = sse(&app, "inbox", &[("X-Session-ID", &simon)]).expect("inbox stream");
    let phx = connect(&app, &format!("session_id={simon}")).expect("socket");
    let own = app.get(&format!("/api/v1/users/{}", user_id(&app, SIMON))).session(&simon).send();
    let presence = own.body["data"]["presence_channel"].as_str().expect("presence channel").to_owned();
    assert_eq!(phx.join(&presence).0, "ok");
    let demoted =
        as_owner(app.put(&format!("/api/v1/users/{}", user_id(&app, SIMON)))).json(&json!({"role": "CUSTOMER"})).send();
    assert_eq!(demoted.status, 200, "{}", demoted.text);
    assert!(inbox.ends_within(Duration::from_secs(3)), "the inbox stream ends (heartbeats are 20 s apart)");
    assert_eq!(closed_with(&phx, Duration::from_secs(3)), Some(1008), "the socket closes as a policy matter");
    assert!(sse(&app, "inbox", &[("X-Session-ID", &simon)]).is_err(), "and cannot reopen the inbox");

    // A team change: what the team showed is re-judged too.
    let alex = app.session(ALEX);
    let stream = sse(&app, "inbox", &[("X-Session-ID", &alex)]).expect("inbox stream");
    let team: i64 = app
        .db()
        .query_row("SELECT team_id FROM team_members WHERE user_id = ?1", [user_id(&app, ALEX)], |r| r.get(0))
        .expect("Alex's team");
    let removed =
        as_owner(app.req("DELETE", &format!("/api/v1/teams/{team}/members?agent_ids={}", user_id(&app, ALEX)))).send();
    assert_eq!(removed.status, 200, "{}", removed.text);
    assert!(stream.ends_within(Duration::from_secs(3)));
    // Alex is still an agent: the stream reopens, on what Alex may see now.
    assert!(sse(&app, "inbox", &[("X-Session-ID", &alex)]).is_ok());
}

#[test]
fn a_customer_reading_a_colleagues_conversation_may_not_write_presence_or_typing_there() {
    let app = spawn_demo();
    let mark = app.session(MARK);
    let theirs = app.get("/api/v1/conversations?limit=1").session(&mark).send();
    let channel = theirs.body["data"][0]["realtime_channel"].as_str().expect("channel").to_owned();
    let caryn = app.session(CARYN);
    let phx = connect(&app, &format!("session_id={caryn}&filters=MY_ORGANIZATION")).expect("socket");
    let (status, _) = phx.join(&channel);
    assert_eq!(status, "ok", "reading a colleague's conversation is allowed");
    let state = phx.event(&channel, "presence_state");
    assert!(!state.as_object().expect("state").contains_key(&user_id(&app, CARYN).to_string()), "{state}");
    let r = phx.push(&channel, "update-presence-meta", json!({"is_typing": true}));
    assert_eq!(phx.reply(&r), ("error".to_owned(), json!({"reason": "unauthorized"})));
}

#[test]
fn presence_changes_are_spaced_and_sockets_per_device_are_bounded() {
    let app = spawn_demo();
    let (phone, id, channel, _) = device_conversation(&app);
    let simon = app.session(SIMON);
    let watching = sse(&app, &channel, &[("X-Session-ID", &simon)]).expect("agent stream");
    let phx = connect(&app, &format!("fingerprint_id={phone}")).expect("socket");
    assert_eq!(phx.join(&channel).0, "ok");
    let mut refused = 0;
    for i in 0..30 {
        let r = phx.push(&channel, "update-presence-meta", json!({"is_typing": i % 2 == 0}));
        if phx.reply(&r).0 == "error" {
            refused += 1;
        }
    }
    assert!(refused >= 10, "toggling typing as fast as it can is refused: {refused} of 30");
    // What reached the agent before a message sent after them: a handful of
    // typing events, not thirty.
    let marker = app
        .post(&format!("/api/v1/conversations/{id}/messages"))
        .fingerprint(&phone)
        .json(&json!({"contents": "done typing"}))
        .send();
    assert_eq!(marker.status, 201, "{}", marker.text);
    let mut typing = 0;
    loop {
        let e = watching.next();
        match e.kind.as_str() {
            "message.created" => break,
            "typing" => typing += 1,
            _ => {}
        }
    }
    assert!(typing <= 30 - refused, "{typing} typing events");
    assert!(typing < 15, "{typing} typing events");

    let held: Vec<_> = (1..20).map(|_| connect(&app, &format!("fingerprint_id={phone}")).expect("socket")).collect();
    assert_eq!(connect(&app, &format!("fingerprint_id={phone}")).err(), Some(429), "the 21st socket of one device");
    drop(held);
}

#[test]
fn customers_hear_nothing_of_changes_to_what_they_may_not_see() {
    let app = spawn_demo();
    let hide = as_owner(app.put("/api/v1/settings")).json(&json!({"values": {"customers_see_type": "false"}})).send();
    assert_eq!(hide.status, 200, "{}", hide.text);
    let (phone, id, channel, _) = device_conversation(&app);
    let customer = sse(&app, &channel, &[("X-Fingerprint-ID", &phone)]).expect("customer stream");
    let simon = app.session(SIMON);
    let staff = sse(&app, &channel, &[("X-Session-ID", &simon)]).expect("staff stream");
    let set = |body: serde_json::Value| {
        let r = app.put(&format!("/api/v1/conversations/{id}")).session(&simon).json(&body).send();
        assert_eq!(r.status, 200, "{}", r.text);
    };
    set(json!({"type_id": 2}));
    set(json!({"subject": "A new subject"}));
    let e = staff.next_of("conversation.updated");
    assert_eq!(e.data["changed"], json!(["type"]), "staff hear of the type");
    assert!(e.data.get("staff_only").is_none(), "the log's bookkeeping stays in the log");
    let e = customer.next_of("conversation.updated");
    assert_eq!(e.data["changed"], json!(["subject"]), "the customer hears only of the subject: {:?}", e.data);
}
