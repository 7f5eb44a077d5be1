//! Kayako's mobile realtime protocol (Phoenix channels, serializer 1.0.0)
//! at `/api/v1/realtime/websocket`, driven by a minimal Phoenix client over a
//! real WebSocket: joins and refusals, heartbeats, NEW_POST / CHANGE_POST /
//! CHANGE for every kind of event, presence and typing in both directions
//! with Parley's own streams, leave, idle drop, many topics on one socket.

use std::net::TcpStream;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::*;
use crate::realtime::sse;

const SIMON: &str = "simon@brewfictus.com";

/// A Phoenix client: frames out through a channel, frames in through another.
pub(crate) struct Phx {
    out: mpsc::Sender<String>,
    rx: mpsc::Receiver<Value>,
    next_ref: std::cell::Cell<u64>,
    /// Frames read while waiting for others, in order.
    seen: std::cell::RefCell<Vec<Value>>,
}

/// Connects with `query` (the credentials Kayako's SDKs send) and `vsn=1.0.0`.
pub(crate) fn connect(app: &TestApp, query: &str) -> Result<Phx, u16> {
    use tungstenite::client::IntoClientRequest;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let url = format!("ws://{addr}/api/v1/realtime/websocket?{query}&vsn=1.0.0");
    let socket = TcpStream::connect(&addr).expect("connect");
    socket.set_read_timeout(Some(Duration::from_millis(20))).expect("timeout");
    let (mut ws, _) = match tungstenite::client(url.into_client_request().expect("request"), socket) {
        Ok(ok) => ok,
        Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(r))) => return Err(r.status().as_u16()),
        Err(e) => panic!("handshake: {e}"),
    };
    let (out, outgoing) = mpsc::channel::<String>();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || loop {
        while let Ok(text) = outgoing.try_recv() {
            if ws.send(tungstenite::Message::text(text)).is_err() {
                return;
            }
        }
        match ws.read() {
            Ok(tungstenite::Message::Text(text)) => {
                if tx.send(serde_json::from_str::<Value>(&text).expect("a JSON frame")).is_err() {
                    return;
                }
            }
            Ok(tungstenite::Message::Close(frame)) => {
                let code = frame.map(|f| u16::from(f.code));
                let _ = tx.send(json!({ "event": ":close", "payload": code }));
                return;
            }
            Ok(_) => {}
            Err(tungstenite::Error::Io(e))
                if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => {
                let _ = tx.send(json!({ "event": ":close", "payload": null }));
                return;
            }
        }
    });
    Ok(Phx { out, rx, next_ref: 0.into(), seen: Vec::new().into() })
}

impl Phx {
    /// Sends a frame; returns its ref.
    pub(crate) fn push(&self, topic: &str, event: &str, payload: Value) -> String {
        let r = self.next_ref.get() + 1;
        self.next_ref.set(r);
        let frame = json!({ "topic": topic, "event": event, "payload": payload, "ref": r.to_string() });
        self.out.send(frame.to_string()).expect("socket open");
        r.to_string()
    }

    /// The first frame (seen before or arriving within 10 s) that `pred` accepts.
    pub(crate) fn wait(&self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let found = self.seen.borrow().iter().position(&pred);
        if let Some(i) = found {
            return self.seen.borrow_mut().remove(i);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let frame =
                self.rx.recv_timeout(left).unwrap_or_else(|_| panic!("no {what}; got {:?}", self.seen.borrow()));
            if pred(&frame) {
                return frame;
            }
            self.seen.borrow_mut().push(frame);
        }
    }

    /// The reply to the frame with ref `r`: `(status, response)`.
    pub(crate) fn reply(&self, r: &str) -> (String, Value) {
        let f = self.wait("phx_reply", |f| f["event"] == "phx_reply" && f["ref"] == r);
        (f["payload"]["status"].as_str().unwrap_or("").to_owned(), f["payload"]["response"].clone())
    }

    pub(crate) fn join(&self, topic: &str) -> (String, Value) {
        let r = self.push(topic, "phx_join", json!({}));
        self.reply(&r)
    }

    /// The next `event` on `topic`.
    pub(crate) fn event(&self, topic: &str, event: &str) -> Value {
        self.wait(event, |f| f["topic"] == topic && f["event"] == event)["payload"].clone()
    }

    /// Frames received so far, waiting for none.
    pub(crate) fn drain(&self) -> Vec<Value> {
        let mut all: Vec<Value> = self.seen.borrow_mut().drain(..).collect();
        all.extend(self.rx.try_iter());
        all
    }
}

/// A device's conversation: `(fingerprint, conversation id, realtime channel, customer id)`.
pub(crate) fn device_conversation(app: &TestApp) -> (String, i64, String, i64) {
    let phone = new_fingerprint();
    let r = app.device_conversation(&phone, "Pat Doe", "pat@example.org", "Help from my phone");
    let id = r.body["data"]["id"].as_i64().expect("id");
    let channel = r.body["data"]["realtime_channel"].as_str().expect("channel").to_owned();
    let customer = r.body["data"]["requester"]["id"].as_i64().expect("requester");
    (phone, id, channel, customer)
}

fn ids_in(group: &Value) -> Vec<i64> {
    group.as_object().map(|o| o.keys().filter_map(|k| k.parse().ok()).collect()).unwrap_or_default()
}

#[test]
fn joins_what_the_identity_may_read_refuses_the_rest_and_answers_heartbeats() {
    let app = spawn_demo();
    let (phone, _, channel, _) = device_conversation(&app);
    let other_channel = {
        let simon = app.session(SIMON);
        app.get("/api/v1/conversations/2").session(&simon).send().body["data"]["realtime_channel"]
            .as_str()
            .expect("channel")
            .to_owned()
    };
    let phx = connect(&app, &format!("fingerprint_id={phone}")).expect("socket");
    assert_eq!(phx.join(&channel), ("ok".into(), json!({})));
    assert_eq!(phx.join(&other_channel), ("error".into(), json!({"reason": "unauthorized"})));
    assert_eq!(phx.join("inbox").0, "error", "Parley's staff inbox is no Phoenix topic for a device");
    assert_eq!(phx.join("presence-nothing@v1_cases_999").0, "error");
    let r = phx.push("phoenix", "heartbeat", json!({}));
    assert_eq!(phx.reply(&r), ("ok".into(), json!({})));
    // No credentials, or unknown ones: no socket at all.
    assert_eq!(connect(&app, "instance=localhost").err(), Some(401));
    assert_eq!(connect(&app, "session_id=not-a-session").err(), Some(401));
}

#[test]
fn every_kind_of_event_reaches_a_joined_agent_as_kayako_names_it() {
    let app = spawn_demo();
    let (phone, id, channel, _) = device_conversation(&app);
    let simon = app.session(SIMON);
    let agent = connect(&app, &format!("session_id={simon}&user_agent=test&instance=localhost")).expect("socket");
    assert_eq!(agent.join(&channel).0, "ok");

    // A new message: NEW_POST, then CHANGE of the conversation.
    let sent = app
        .post(&format!("/api/v1/conversations/{id}/messages"))
        .fingerprint(&phone)
        .json(&json!({"contents": "Anyone there?"}))
        .send();
    assert_eq!(sent.status, 201, "{}", sent.text);
    let mid = sent.body["data"]["id"].as_i64().expect("message id");
    let post = agent.event(&channel, "NEW_POST");
    assert_eq!(post["resource_type"], "post");
    assert_eq!(post["resource_id"], mid);
    let url = format!("{}/api/v1/conversations/{id}/messages/{mid}", app.base);
    assert_eq!(post["resource_url"], url);
    assert_eq!(post["customer_resource_url"], url);
    let change = agent.event(&channel, "CHANGE");
    assert_eq!(change["resource_type"], "conversation");
    assert_eq!(change["resource_id"], id);
    assert!(change["changed_properties"].get("post_count").is_some(), "{change}");
    // What the URL names is what the client then fetches.
    let path = url.trim_start_matches(&app.base);
    assert_eq!(app.get(path).session(&simon).send().body["data"]["content_text"], "Anyone there?");

    // A receipt: CHANGE_POST.
    let seen = app
        .put(&format!("/api/v1/conversations/{id}/messages/{mid}"))
        .session(&simon)
        .json(&json!({"message_status": "SEEN"}))
        .send();
    assert_eq!(seen.status, 200, "{}", seen.text);
    let change_post = agent.event(&channel, "CHANGE_POST");
    assert_eq!(change_post["resource_id"], mid);

    // A changed conversation: CHANGE naming what changed, and no values.
    let put = app.put(&format!("/api/v1/conversations/{id}")).session(&simon).json(&json!({"status_id": 3})).send();
    assert_eq!(put.status, 200, "{}", put.text);
    let change = agent.wait("CHANGE of status", |f| {
        f["event"] == "CHANGE" && f["payload"]["changed_properties"].get("status").is_some()
    });
    assert_eq!(change["payload"]["changed_properties"]["status"], Value::Null);

    // A rating: CHANGE.
    let rated = app
        .post(&format!("/api/v1/conversations/{id}/ratings"))
        .fingerprint(&phone)
        .json(&json!({"score": "GOOD"}))
        .send();
    assert!(rated.status == 201, "{}", rated.text);
    agent.wait("CHANGE of rating", |f| {
        f["event"] == "CHANGE" && f["payload"]["changed_properties"].get("rating").is_some()
    });
}

#[test]
fn presence_and_typing_travel_both_ways_with_parleys_own_streams() {
    let app = spawn_demo();
    let (phone, id, channel, customer) = device_conversation(&app);
    let simon = app.session(SIMON);
    let phone_socket = connect(&app, &format!("fingerprint_id={phone}")).expect("socket");
    assert_eq!(phone_socket.join(&channel).0, "ok");
    let state = phone_socket.event(&channel, "presence_state");
    assert_eq!(ids_in(&state), [customer]);
    let meta = &state[customer.to_string()]["metas"][0];
    assert_eq!(meta["user"]["full_name"], "Pat Doe");
    assert!(meta["user"]["avatar"].as_str().is_some_and(|a| a.starts_with("http")), "{meta}");

    // The agent joins: the phone sees them arrive.
    let agent = connect(&app, &format!("session_id={simon}")).expect("socket");
    assert_eq!(agent.join(&channel).0, "ok");
    let state = agent.event(&channel, "presence_state");
    let mut present = ids_in(&state);
    present.sort();
    assert_eq!(present, [1, customer]);
    let arrived =
        phone_socket.wait("Simon's join", |f| f["event"] == "presence_diff" && ids_in(&f["payload"]["joins"]) == [1]);
    assert_eq!(arrived["payload"]["joins"]["1"]["metas"][0]["user"]["full_name"], "Simon Blackhouse");

    // The phone types (presence meta): the agent's socket and Parley's own stream hear it.
    let listener = sse(&app, &channel, &[("X-Session-ID", &simon)]).expect("stream");
    let r = phone_socket.push(
        &channel,
        "update-presence-meta",
        json!({"is_typing": true, "last_active_at": 1_700_000_000_000_i64}),
    );
    assert_eq!(phone_socket.reply(&r).0, "ok");
    let typing = agent.wait("typing meta", |f| {
        f["event"] == "presence_diff" && f["payload"]["joins"][customer.to_string()]["metas"][0]["is_typing"] == true
    });
    assert_eq!(ids_in(&typing["payload"]["leaves"]), [customer], "an update leaves the old meta");
    let heard = listener.next_of("typing");
    assert_eq!((heard.data["is_typing"].clone(), heard.data["user"]["id"].clone()), (json!(true), json!(customer)));

    // The agent types through Parley's own API: the phone sees it as presence.
    let typed = app
        .post(&format!("/api/v1/conversations/{id}/typing"))
        .session(&simon)
        .json(&json!({"is_typing": true}))
        .send();
    assert_eq!(typed.status, 200, "{}", typed.text);
    phone_socket.wait("the agent typing", |f| {
        f["event"] == "presence_diff"
            && f["payload"]["joins"]["1"]["metas"].as_array().is_some_and(|m| m.iter().any(|m| m["is_typing"] == true))
    });
    let stopped = app
        .post(&format!("/api/v1/conversations/{id}/typing"))
        .session(&simon)
        .json(&json!({"is_typing": false}))
        .send();
    assert_eq!(stopped.status, 200);
    phone_socket.wait("the agent stopping", |f| {
        f["event"] == "presence_diff"
            && f["payload"]["leaves"]["1"]["metas"].as_array().is_some_and(|m| m.iter().any(|m| m["is_typing"] == true))
    });

    // The agent leaves: the phone sees them go, and the agent gets nothing more.
    let r = agent.push(&channel, "phx_leave", json!({}));
    assert_eq!(agent.reply(&r).0, "ok");
    phone_socket.wait("Simon's leave", |f| f["event"] == "presence_diff" && ids_in(&f["payload"]["leaves"]) == [1]);
    let sent = app
        .post(&format!("/api/v1/conversations/{id}/messages"))
        .fingerprint(&phone)
        .json(&json!({"contents": "Bye"}))
        .send();
    assert_eq!(sent.status, 201);
    phone_socket.event(&channel, "NEW_POST");
    let hb = agent.push("phoenix", "heartbeat", json!({}));
    agent.reply(&hb);
    assert!(agent.drain().iter().all(|f| f["event"] != "NEW_POST"), "a left topic gets no events");
}

#[test]
fn a_user_is_online_while_present_on_their_own_channel_and_one_socket_holds_many_topics() {
    let app = spawn_demo();
    let (phone, id, channel, _) = device_conversation(&app);
    let simon = app.session(SIMON);
    let simon_channel = app.get("/api/v1/users/1").session(&simon).send().body["data"]["presence_channel"]
        .as_str()
        .expect("channel")
        .to_owned();
    let online = || -> bool {
        let starter = app.get("/api/v1/conversations/starter").fingerprint(&phone).send();
        starter.body["data"]["last_active_agents"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|a| a["id"] == 1 && a["is_online"] == true)
    };
    // Simon has written in the conversation, so the customer may watch him.
    let reply = app
        .post(&format!("/api/v1/conversations/{id}/messages"))
        .session(&simon)
        .json(&json!({"contents": "Hi Pat"}))
        .send();
    assert_eq!(reply.status, 201);
    assert!(!online());

    let agent = connect(&app, &format!("session_id={simon}")).expect("socket");
    assert_eq!(agent.join(&simon_channel).0, "ok");
    assert_eq!(agent.join(&channel).0, "ok");
    let state = agent.event(&simon_channel, "presence_state");
    assert_eq!(ids_in(&state), [1]);
    eventually("Simon is online", online);

    // The phone watches Simon's channel too, and sees him go.
    let phone_socket = connect(&app, &format!("fingerprint_id={phone}")).expect("socket");
    assert_eq!(phone_socket.join(&simon_channel).0, "ok");
    assert_eq!(ids_in(&phone_socket.event(&simon_channel, "presence_state")), [1]);
    // Events of both topics arrive on the one socket, each under its topic.
    let sent = app
        .post(&format!("/api/v1/conversations/{id}/messages"))
        .fingerprint(&phone)
        .json(&json!({"contents": "Thanks"}))
        .send();
    assert_eq!(sent.status, 201);
    assert_eq!(agent.event(&channel, "NEW_POST")["resource_id"], sent.body["data"]["id"]);
    let r = agent.push(&simon_channel, "phx_leave", json!({}));
    assert_eq!(agent.reply(&r).0, "ok");
    phone_socket.wait("Simon leaving", |f| f["event"] == "presence_diff" && ids_in(&f["payload"]["leaves"]) == [1]);
    eventually("Simon is offline", || !online());

    // Another customer may not watch this customer's channel, nor Simon's.
    let customer_channel = app.get("/api/v1/users/2").session(&simon).send().body["data"]["presence_channel"]
        .as_str()
        .expect("channel")
        .to_owned();
    let stranger = connect(
        &app,
        &format!("fingerprint_id={}", {
            let other = new_fingerprint();
            app.device_conversation(&other, "Sam Roe", "sam@example.org", "Mine");
            other
        }),
    )
    .expect("socket");
    assert_eq!(stranger.join(&customer_channel).0, "error");
    assert_eq!(stranger.join(&simon_channel).0, "error");
}

#[test]
fn a_rejoin_replaces_the_join_and_a_silent_socket_is_dropped() {
    let app = spawn_with(true, |c| c.socket_timeout_seconds = 1);
    let (phone, id, channel, _) = device_conversation(&app);
    let phx = connect(&app, &format!("fingerprint_id={phone}")).expect("socket");
    assert_eq!(phx.join(&channel).0, "ok");
    assert_eq!(phx.join(&channel).0, "ok", "a reconnecting client joins again");
    let sent = app
        .post(&format!("/api/v1/conversations/{id}/messages"))
        .fingerprint(&phone)
        .json(&json!({"contents": "Once"}))
        .send();
    assert_eq!(sent.status, 201);
    phx.event(&channel, "NEW_POST");
    // Kept alive by heartbeats for longer than the timeout, then silent: closed.
    for _ in 0..4 {
        std::thread::sleep(Duration::from_millis(400));
        let r = phx.push("phoenix", "heartbeat", json!({}));
        assert_eq!(phx.reply(&r).0, "ok");
    }
    phx.wait("the close", |f| f["event"] == ":close");
    let posts = phx.drain().into_iter().filter(|f| f["event"] == "NEW_POST").count();
    assert_eq!(posts, 0, "the message was delivered once");
}
