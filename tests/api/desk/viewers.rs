//! Colleague presence: who has a conversation open and who writes a reply
//! or a note, told to staff on the inbox channel and to no customer.

use serde_json::json;

use super::reply;
use crate::helpers::*;
use crate::phoenix;
use crate::realtime::sse;

fn say(app: &TestApp, session: &str, id: i64, activity: &str) -> Resp {
    app.post(&format!("/api/v1/conversations/{id}/viewers"))
        .session(session)
        .json(&json!({ "activity": activity }))
        .send()
}

#[test]
fn agents_see_who_else_is_in_a_conversation_and_what_they_write() {
    let app = spawn_demo();
    let (simon, alex) = (app.session(SIMON), app.session(ALEX));
    let inbox = sse(&app, "inbox", &[("X-Session-ID", &simon)]).expect("staff inbox");

    let r = say(&app, &alex, 1, "VIEWING");
    assert_eq!(r.status, 200, "{}", r.text);
    let e = inbox.next_of("viewers.changed");
    assert_eq!(e.data["conversation_id"], 1);
    assert_eq!(e.data["viewers"][0]["user"]["full_name"], "Alex Rivera");
    assert_eq!(e.data["viewers"][0]["activity"], "VIEWING");

    // Simon opens it too and sees Alex there, then Alex starts a note.
    let both = say(&app, &simon, 1, "VIEWING");
    let names: Vec<_> = both.body["data"].as_array().expect("list").iter().map(|v| v["user"]["id"].clone()).collect();
    assert_eq!(names, vec![json!(5), json!(1)]);
    assert_eq!(inbox.next_of("viewers.changed").data["viewers"].as_array().map(Vec::len), Some(2));
    say(&app, &alex, 1, "NOTING");
    let e = inbox.next_of("viewers.changed");
    let alex_now = e.data["viewers"].as_array().expect("list").iter().find(|v| v["user"]["id"] == 5).cloned();
    assert_eq!(alex_now.expect("alex")["activity"], "NOTING");
    let listed = app.get("/api/v1/conversations/1/viewers").session(&simon).send();
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(listed.body["data"].as_array().map(Vec::len), Some(2));

    // Saying "still here" is not news; leaving is.
    say(&app, &alex, 1, "NOTING");
    say(&app, &alex, 1, "LEFT");
    let e = inbox.next_of("viewers.changed");
    assert_eq!(e.data["viewers"].as_array().map(Vec::len), Some(1), "the heartbeat was not told: {e:?}");
    assert_eq!(e.data["viewers"][0]["user"]["id"], 1);

    let bad = say(&app, &alex, 1, "dancing");
    assert_eq!(bad.errors(), vec![("FIELD_INVALID".into(), "activity".into())]);
    assert_eq!(say(&app, &alex, 999_999, "VIEWING").status, 404);
}

#[test]
fn no_customer_learns_that_an_agent_is_writing_a_note() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let (phone, id, channel, _) = phoenix::device_conversation(&app);
    let customer = sse(&app, &channel, &[("X-Fingerprint-ID", &phone)]).expect("customer stream");
    let customer_phx = phoenix::connect(&app, &format!("fingerprint_id={phone}")).expect("phoenix");
    assert_eq!(customer_phx.join(&channel).0, "ok");

    assert_eq!(say(&app, &simon, id, "NOTING").status, 200);
    reply(&app, &simon, id, "Back with you in a minute");
    let first = customer.next_content();
    assert_eq!(first.kind, "message.created", "the customer heard {first:?} first");
    customer_phx.wait("the reply", |f| f["event"] == "NEW_POST");
    let frames = customer_phx.drain();
    assert!(frames.iter().all(|f| !f.to_string().contains("NOTING") && f["event"] != "TYPING_START"), "{frames:?}");

    // Customers and devices cannot ask or tell, nor join the staff channel.
    let caryn = app.session(CARYN);
    assert_eq!(say(&app, &caryn, 1, "VIEWING").status, 403);
    assert_eq!(app.get("/api/v1/conversations/1/viewers").session(&caryn).send().status, 403);
    let device = app.post(&format!("/api/v1/conversations/{id}/viewers")).fingerprint(&phone).json(&json!({})).send();
    assert_eq!(device.status, 403);
    assert!(sse(&app, "inbox", &[("X-Fingerprint-ID", &phone)]).is_err());
}
