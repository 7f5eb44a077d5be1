//! Realtime: SSE and WebSocket delivery, resume, authorization, read state,
//! presence, the starter and identity verification.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::*;

/// One event as a client received it.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub(crate) id: Option<i64>,
    pub(crate) kind: String,
    pub(crate) data: Value,
}

/// A client connection delivering events (or comments, as kind `:comment`).
pub(crate) struct Client {
    rx: mpsc::Receiver<Event>,
    socket: TcpStream,
}

impl Client {
    pub(crate) fn next(&self) -> Event {
        self.rx.recv_timeout(Duration::from_secs(10)).expect("an event within 10 s")
    }

    /// The next event of `kind`, skipping others (heartbeats, other kinds).
    pub(crate) fn next_of(&self, kind: &str) -> Event {
        loop {
            let e = self.next();
            if e.kind == kind {
                return e;
            }
        }
    }

    /// The next logged or typing event, skipping heartbeats and presence.
    pub(crate) fn next_content(&self) -> Event {
        loop {
            let e = self.next();
            if !e.kind.starts_with(':') && !e.kind.starts_with("presence.") {
                return e;
            }
        }
    }

    pub(crate) fn close(&self) {
        let _ = self.socket.shutdown(Shutdown::Both);
    }

    /// Whether the server ends the stream within `limit` (events before the end are skipped).
    pub(crate) fn ends_within(&self, limit: Duration) -> bool {
        let deadline = std::time::Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(_) => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => return true,
                Err(mpsc::RecvTimeoutError::Timeout) => return false,
            }
        }
    }
}

/// Opens an SSE subscription; `Err(status line, body)` when refused.
pub(crate) fn sse(app: &TestApp, channel: &str, headers: &[(&str, &str)]) -> Result<Client, (u16, String)> {
    sse_at(&app.base, channel, headers)
}

/// [`sse`] against any server.
pub(crate) fn sse_at(base: &str, channel: &str, headers: &[(&str, &str)]) -> Result<Client, (u16, String)> {
    let query = serde_urlencoded::to_string([("channel", channel)]).expect("query");
    sse_url(&format!("{base}/api/v1/realtime?{query}"), headers)
}

/// An SSE subscription at a whole URL (`http://host:port/api/v1/realtime?...`).
pub(crate) fn sse_url(url: &str, headers: &[(&str, &str)]) -> Result<Client, (u16, String)> {
    let rest = url.trim_start_matches("http://");
    let (addr, target) = rest.split_once('/').map(|(a, t)| (a.to_owned(), format!("/{t}"))).expect("a URL with a path");
    let mut socket = TcpStream::connect(&addr).expect("connect");
    let mut head = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    socket.write_all(head.as_bytes()).expect("request");
    let mut reader = BufReader::new(socket.try_clone().expect("clone"));
    let mut status = String::new();
    reader.read_line(&mut status).expect("status line");
    let code: u16 = status.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let mut chunked = false;
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("header");
        let l = line.trim().to_ascii_lowercase();
        if l.is_empty() {
            break;
        }
        chunked |= l == "transfer-encoding: chunked";
        if let Some(n) = l.strip_prefix("content-length:") {
            length = n.trim().parse().unwrap_or(0);
        }
    }
    if code != 200 {
        let mut body = vec![0; length];
        reader.read_exact(&mut body).expect("error body");
        return Err((code, String::from_utf8_lossy(&body).into_owned()));
    }
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut text = String::new();
        loop {
            // De-chunk: size line, data, CRLF.
            let mut size = String::new();
            if !chunked || reader.read_line(&mut size).unwrap_or(0) == 0 {
                return;
            }
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 {
                return;
            }
            let mut buf = vec![0; n + 2];
            if reader.read_exact(&mut buf).is_err() {
                return;
            }
            text.push_str(&String::from_utf8_lossy(&buf[..n]));
            while let Some(end) = text.find("\n\n") {
                let frame: String = text.drain(..end + 2).collect();
                if let Some(e) = parse_frame(&frame) {
                    if tx.send(e).is_err() {
                        return;
                    }
                }
            }
        }
    });
    Ok(Client { rx, socket })
}

fn parse_frame(frame: &str) -> Option<Event> {
    let mut id = None;
    let mut kind = None;
    let mut data = None;
    for line in frame.lines() {
        if let Some(c) = line.strip_prefix(':') {
            return Some(Event { id: None, kind: format!(":{}", c.trim()), data: Value::Null });
        } else if let Some(v) = line.strip_prefix("id: ") {
            id = v.parse().ok();
        } else if let Some(v) = line.strip_prefix("event: ") {
            kind = Some(v.to_owned());
        } else if let Some(v) = line.strip_prefix("data: ") {
            data = serde_json::from_str::<Value>(v).ok();
        }
    }
    let data = data?;
    assert_eq!(data["event"].as_str(), kind.as_deref(), "the JSON repeats the SSE event name");
    Some(Event { id, kind: kind?, data: data["data"].clone() })
}

/// Opens a WebSocket subscription.
fn websocket(app: &TestApp, channel: &str, headers: &[(&str, &str)], since: Option<i64>) -> Client {
    websocket_at(&app.base, channel, headers, since)
}

/// [`websocket`] against any server; a close frame arrives as event `:close`
/// with its code as data.
pub(crate) fn websocket_at(base: &str, channel: &str, headers: &[(&str, &str)], since: Option<i64>) -> Client {
    use tungstenite::client::IntoClientRequest;
    let addr = base.trim_start_matches("http://").to_owned();
    let mut query = vec![("channel", channel.to_owned())];
    if let Some(s) = since {
        query.push(("since", s.to_string()));
    }
    let url = format!("ws://{addr}/api/v1/realtime/ws?{}", serde_urlencoded::to_string(&query).expect("query"));
    let mut request = url.into_client_request().expect("request");
    for (k, v) in headers {
        request
            .headers_mut()
            .insert(tungstenite::http::HeaderName::from_bytes(k.as_bytes()).expect("name"), v.parse().expect("value"));
    }
    let socket = TcpStream::connect(&addr).expect("connect");
    let handle = socket.try_clone().expect("clone");
    let (mut ws, response) = tungstenite::client(request, socket).expect("WebSocket handshake");
    assert_eq!(response.status(), 101);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        while let Ok(msg) = ws.read() {
            if let tungstenite::Message::Close(frame) = &msg {
                let code = frame.as_ref().map(|f| u16::from(f.code));
                let _ = tx.send(Event { id: None, kind: ":close".into(), data: json!(code) });
            }
            if let tungstenite::Message::Text(text) = msg {
                let v: Value = serde_json::from_str(&text).expect("JSON event");
                let e = Event {
                    id: v["id"].as_i64(),
                    kind: v["event"].as_str().unwrap_or("").to_owned(),
                    data: v["data"].clone(),
                };
                if tx.send(e).is_err() {
                    return;
                }
            }
        }
    });
    Client { rx, socket: handle }
}

/// A conversation a device started, with the device and the channel.
fn device_conversation(app: &TestApp) -> (String, i64, String) {
    let phone = new_fingerprint();
    let r = app.device_conversation(&phone, "Pat Doe", "pat@example.org", "Realtime help");
    let id = r.body["data"]["id"].as_i64().expect("id");
    let channel = r.body["data"]["realtime_channel"].as_str().expect("channel").to_owned();
    (phone, id, channel)
}

fn exchange(app: &TestApp, agent_client: &Client, customer_client: &Client, phone: &str, simon: &str, id: i64) {
    let sent = app
        .post(&format!("/api/v1/conversations/{id}/messages"))
        .fingerprint(phone)
        .json(&json!({"contents": "Is anyone there?"}))
        .send();
    assert_eq!(sent.status, 201);
    let seen_by_agent = agent_client.next_of("message.created");
    assert_eq!(seen_by_agent.data["message"]["content_text"], "Is anyone there?");
    assert_eq!(customer_client.next_of("message.created").data["message"]["id"], sent.body["data"]["id"]);
    let customer_message = sent.body["data"]["id"].as_i64().expect("id");

    // The customer types; the agent sees it. The agent reads; the customer gets the receipt.
    let typing = app.post(&format!("/api/v1/conversations/{id}/typing")).fingerprint(phone).send();
    assert_eq!(typing.status, 200, "{}", typing.text);
    let t = agent_client.next_of("typing");
    assert_eq!(t.data["user"]["role"], "CUSTOMER");
    let delivered = app
        .put(&format!("/api/v1/conversations/{id}/messages/{customer_message}"))
        .session(simon)
        .json(&json!({"message_status": "DELIVERED"}))
        .send();
    assert_eq!(delivered.status, 200);
    let receipt = customer_client.next_of("message.status_changed");
    assert_eq!(receipt.data["message_id"], customer_message);
    assert_eq!(receipt.data["message_status"], "DELIVERED");
    assert_eq!(receipt.data["reader"]["role"], "AGENT", "an agent's receipt");
    // Everyone on the channel sees every event, the agent's own receipt included.
    assert_eq!(agent_client.next_of("message.status_changed").data["message_id"], customer_message);

    let typing = app.post(&format!("/api/v1/conversations/{id}/typing")).session(simon).send();
    assert_eq!(typing.status, 200);
    let t = customer_client.next_of("typing");
    assert_eq!(t.id, None, "typing is not logged");
    assert_eq!(t.data["user"]["id"], 1);
    assert_eq!(t.data["is_typing"], true);

    let reply = app
        .post(&format!("/api/v1/conversations/{id}/messages"))
        .session(simon)
        .json(&json!({"contents": "Yes, Simon here."}))
        .send();
    let reply_id = reply.body["data"]["id"].as_i64().expect("id");
    assert_eq!(customer_client.next_of("message.created").data["message"]["content_text"], "Yes, Simon here.");
    let seen = app
        .put(&format!("/api/v1/conversations/{id}/messages/{reply_id}"))
        .fingerprint(phone)
        .json(&json!({"message_status": "SEEN"}))
        .send();
    assert_eq!(seen.status, 200);
    let receipt = agent_client.next_of("message.status_changed");
    assert_eq!(receipt.data["message_id"], reply_id);
    assert_eq!(receipt.data["message_status"], "SEEN");
    assert_eq!(receipt.data["reader"]["role"], "CUSTOMER", "a customer's receipt");
}

#[test]
fn customer_and_agent_see_each_others_messages_receipts_and_typing_over_sse() {
    let app = spawn_demo();
    let (phone, id, channel) = device_conversation(&app);
    let simon = app.session(SIMON);
    let agent = sse(&app, &channel, &[("X-Session-ID", &simon)]).expect("agent subscribes");
    let customer = sse(&app, &channel, &[("X-Fingerprint-ID", &phone)]).expect("device subscribes");
    exchange(&app, &agent, &customer, &phone, &simon, id);
}

#[test]
fn customer_and_agent_see_each_others_messages_receipts_and_typing_over_websocket() {
    let app = spawn_demo();
    let (phone, id, channel) = device_conversation(&app);
    let simon = app.session(SIMON);
    let agent = websocket(&app, &channel, &[("X-Session-ID", &simon)], None);
    let customer = websocket(&app, &channel, &[("X-Fingerprint-ID", &phone)], None);
    exchange(&app, &agent, &customer, &phone, &simon, id);
}

#[test]
fn a_client_resuming_with_last_event_id_gets_exactly_what_it_missed() {
    let app = spawn_demo();
    // Mail off, so that the log holds this conversation's events alone (a
    // mailed reply's delivery is logged for the staff inbox).
    let r = app.req("DELETE", "/api/v1/mailboxes/1").session(&app.session(ALEX)).send();
    assert_eq!(r.status, 200, "{}", r.text);
    let caryn = app.session(CARYN);
    let simon = app.session(SIMON);
    let channel = app.get("/api/v1/conversations/1").session(&caryn).send().body["data"]["realtime_channel"]
        .as_str()
        .expect("channel")
        .to_owned();
    let say = |who: &str, text: &str| {
        let r = app.post("/api/v1/conversations/1/messages").session(who).json(&json!({"contents": text})).send();
        assert_eq!(r.status, 201);
    };
    let first = sse(&app, &channel, &[("X-Session-ID", &caryn)]).expect("subscribe");
    say(&simon, "one");
    let one = first.next_of("message.created");
    let last_id = one.id.expect("logged events have ids");
    first.close();

    say(&simon, "two");
    let put = app.put("/api/v1/conversations/1").session(&simon).json(&json!({"priority_id": 4})).send();
    assert_eq!(put.status, 200);
    say(&caryn, "three");

    let resumed =
        sse(&app, &channel, &[("X-Session-ID", &caryn), ("Last-Event-ID", &last_id.to_string())]).expect("resume");
    let got: Vec<Event> = (0..3).map(|_| resumed.next_content()).collect();
    let kinds: Vec<&str> = got.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["message.created", "conversation.updated", "message.created"]);
    assert_eq!(got[0].data["message"]["content_text"], "two");
    assert_eq!(got[1].data["changed"], json!(["priority"]));
    assert_eq!(got[2].data["message"]["content_text"], "three");
    let ids: Vec<i64> = got.iter().map(|e| e.id.expect("id")).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]) && ids[0] > last_id, "in order, after the resume point: {ids:?}");
    // Nothing else was missed or repeated: the next event is a new, live one.
    say(&simon, "four");
    let live = resumed.next_content();
    assert_eq!(live.data["message"]["content_text"], "four");
    assert_eq!(live.id, Some(ids[2] + 1));

    // `since` does the same over a WebSocket.
    let ws = websocket(&app, &channel, &[("X-Session-ID", &caryn)], Some(ids[1]));
    assert_eq!(ws.next_content().data["message"]["content_text"], "three");
    assert_eq!(ws.next_content().data["message"]["content_text"], "four");
}

#[test]
fn only_identities_that_may_read_the_conversation_can_subscribe() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let channel = app.get("/api/v1/conversations/1").session(&caryn).send().body["data"]["realtime_channel"]
        .as_str()
        .expect("channel")
        .to_owned();
    let dana = app.session(DANA);
    let refused = sse(&app, &channel, &[("X-Session-ID", &dana)]).err().expect("refused");
    assert_eq!(refused.0, 404, "{}", refused.1);
    assert!(refused.1.contains("RESOURCE_NOT_FOUND"));
    assert_eq!(sse(&app, &channel, &[]).err().expect("public refused").0, 401);
    assert_eq!(sse(&app, &channel, &[("X-Fingerprint-ID", &new_fingerprint())]).err().expect("device refused").0, 404);
    assert_eq!(sse(&app, "presence-made-up@v1_cases_9999", &[("X-Session-ID", &caryn)]).err().expect("unknown").0, 404);
    // Presence: Caryn may follow Simon (in her conversation), Dana may not follow Caryn.
    let simon_presence = app.get("/api/v1/users/1").session(&caryn).send().body["data"]["presence_channel"]
        .as_str()
        .expect("presence channel")
        .to_owned();
    assert!(sse(&app, &simon_presence, &[("X-Session-ID", &caryn)]).is_ok());
    let caryn_presence = app.get("/api/v1/users/2").session(&caryn).send().body["data"]["presence_channel"]
        .as_str()
        .expect("presence channel")
        .to_owned();
    assert_eq!(sse(&app, &caryn_presence, &[("X-Session-ID", &dana)]).err().expect("refused").0, 404);
    // EventSource cannot send headers: the realtime endpoint also takes credentials in the query.
    let query =
        serde_urlencoded::to_string([("channel", channel.as_str()), ("session_id", caryn.as_str())]).expect("q");
    let agent = ureq::AgentBuilder::new().timeout_read(Duration::from_secs(5)).build();
    let r = agent.get(&format!("{}/api/v1/realtime?{query}", app.base)).call().expect("subscribed by query");
    assert_eq!(r.status(), 200);
    assert_eq!(r.header("content-type"), Some("text/event-stream"));
    let query = serde_urlencoded::to_string([("session_id", caryn.as_str())]).expect("q");
    let elsewhere = app.get(&format!("/api/v1/conversations/1?{query}")).send();
    assert_eq!(elsewhere.status, 401, "only the realtime endpoint reads credentials from the query");
}

#[test]
fn agents_announce_presence_while_connected() {
    // A closed SSE client is noticed at the next write: offline follows within a heartbeat.
    let app = spawn_with(true, |c| c.heartbeat_seconds = 1);
    let caryn = app.session(CARYN);
    let simon = app.session(SIMON);
    let presence = app.get("/api/v1/users/1").session(&caryn).send().body["data"]["presence_channel"]
        .as_str()
        .expect("presence channel")
        .to_owned();
    let watcher = sse(&app, &presence, &[("X-Session-ID", &caryn)]).expect("watch Simon");
    let channel = app.get("/api/v1/conversations/1").session(&simon).send().body["data"]["realtime_channel"]
        .as_str()
        .expect("channel")
        .to_owned();
    let agent = sse(&app, &channel, &[("X-Session-ID", &simon)]).expect("Simon connects");
    let online = watcher.next_of("presence.online");
    assert_eq!(online.data["user_id"], 1);
    let starter = app.get("/api/v1/conversations/starter").session(&caryn).send();
    let simon_entry = starter.body["data"]["last_active_agents"]
        .as_array()
        .expect("agents")
        .iter()
        .find(|a| a["id"] == 1)
        .cloned()
        .expect("Simon is among the recently active agents");
    assert_eq!(simon_entry["is_online"], true);
    let seen = app.get("/api/v1/users/1").session(&caryn).send().body["data"]["last_seen_at"].clone();
    assert_ne!(seen, json!("2015-12-13T01:39:09+00:00"), "last_seen_at moved");
    agent.close();
    assert_eq!(watcher.next_of("presence.offline").data["user_id"], 1);
}

#[test]
fn idle_connections_get_heartbeats() {
    let app = spawn_with(true, |c| c.heartbeat_seconds = 1);
    let caryn = app.session(CARYN);
    let channel = app.get("/api/v1/conversations/1").session(&caryn).send().body["data"]["realtime_channel"]
        .as_str()
        .expect("channel")
        .to_owned();
    let client = sse(&app, &channel, &[("X-Session-ID", &caryn)]).expect("subscribe");
    assert_eq!(client.next().kind, ":connected");
    assert_eq!(client.next().kind, ":heartbeat");
}

#[test]
fn unread_counts_and_read_markers_follow_a_scripted_exchange() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let simon = app.session(SIMON);
    let marker = |session: &str, id: i64| {
        app.get(&format!("/api/v1/conversations/{id}?include=read_marker")).session(session).send().body["data"]
            ["read_marker"]
            .clone()
    };
    let created =
        app.post("/api/v1/conversations").session(&caryn).json(&json!({"subject": "s", "contents": "hello"})).send();
    let id = created.body["data"]["id"].as_i64().expect("id");
    let first = app.get(&format!("/api/v1/conversations/{id}/messages")).session(&caryn).send().ids()[0];
    assert_eq!(marker(&caryn, id)["unread_count"], 0);
    assert_eq!(marker(&caryn, id)["last_read_post_id"], first);
    assert_eq!(marker(&simon, id), Value::Null, "Simon has read nothing yet");

    let post = |session: &str, text: &str| {
        app.post(&format!("/api/v1/conversations/{id}/messages"))
            .session(session)
            .json(&json!({"contents": text}))
            .send()
            .body["data"]["id"]
            .as_i64()
            .expect("id")
    };
    let a = post(&simon, "first answer");
    let b = post(&simon, "second answer");
    assert_eq!(marker(&caryn, id)["unread_count"], 2);
    assert_eq!(marker(&simon, id)["unread_count"], 0, "his own messages are not unread");
    let see = |session: &str, mid: i64| {
        let r = app
            .put(&format!("/api/v1/conversations/{id}/messages/{mid}"))
            .session(session)
            .json(&json!({"message_status": "SEEN"}))
            .send();
        assert_eq!(r.status, 200);
    };
    see(&caryn, a);
    assert_eq!(marker(&caryn, id)["unread_count"], 1);
    assert_eq!(marker(&caryn, id)["last_read_post_id"], a);
    see(&caryn, b);
    let m = marker(&caryn, id);
    assert_eq!((m["unread_count"].clone(), m["last_read_post_id"].clone()), (json!(0), json!(b)));
    assert!(m["last_read_at"].is_string());
    let c = post(&caryn, "thanks");
    assert_eq!(marker(&simon, id)["unread_count"], 1);
    see(&simon, c);
    assert_eq!(marker(&simon, id)["unread_count"], 0);
    let summary = app.get(&format!("/api/v1/conversations/{id}")).session(&simon).send();
    assert_eq!(summary.body["data"]["last_message_status"], "SEEN");
    let msg = app.get(&format!("/api/v1/conversations/{id}/messages/{c}")).session(&caryn).send();
    assert_eq!(msg.body["data"]["message_status"], "SEEN");
    assert!(msg.body["data"]["message_status_updated_at"].is_string());
}

#[test]
fn a_colleagues_receipt_does_not_mark_a_customer_message_seen() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let mark = app.session(MARK);
    let sent =
        app.post("/api/v1/conversations/1/messages").session(&caryn).json(&json!({"contents": "from Caryn"})).send();
    let url = format!("/api/v1/conversations/1/messages/{}?filters=MY_ORGANIZATION", sent.body["data"]["id"]);
    // The filter lets a colleague read, never write (receipts included).
    assert_eq!(app.put(&url).session(&mark).json(&json!({"message_status": "SEEN"})).send().status, 404);
    assert_eq!(app.get(&url).session(&mark).send().body["data"]["message_status"], "SENT");
    let simon = app.session(SIMON);
    assert_eq!(app.put(&url).session(&simon).json(&json!({"message_status": "DELIVERED"})).send().status, 200);
    assert_eq!(app.get(&url).session(&simon).send().body["data"]["message_status"], "DELIVERED");
}

#[test]
fn a_replayed_client_id_returns_the_first_conversation() {
    let app = spawn_demo();
    let phone = new_fingerprint();
    app.device_conversation(&phone, "Pat Doe", "pat@example.org", "First");
    let body = json!({"subject": "Retry me", "contents": "once only", "client_id": "conv-retry-1"});
    let first = app.post("/api/v1/conversations").fingerprint(&phone).json(&body).send();
    assert_eq!(first.status, 201);
    let again = app.post("/api/v1/conversations").fingerprint(&phone).json(&body).send();
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.body["data"]["id"], first.body["data"]["id"]);
    assert_eq!(app.get("/api/v1/conversations").fingerprint(&phone).send().body["total_count"], 2);
}

#[test]
fn the_starter_lists_agents_reply_time_open_conversations_and_the_realtime_url() {
    let app = spawn_demo();
    let phone = new_fingerprint();
    let c = app.device_conversation(&phone, "Pat Doe", "pat@example.org", "Open one");
    let r = app.get("/api/v1/conversations/starter").fingerprint(&phone).send();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["resource"], "conversation_starter");
    let d = &r.body["data"];
    assert!(!d["last_active_agents"].as_array().expect("agents").is_empty());
    assert!(d["last_active_agents"].as_array().expect("agents").iter().all(|a| a["resource_type"] == "user_minimal"));
    assert!(
        d["average_reply_time"].as_i64().is_some_and(|s| s > 0),
        "the demo has recent replies: {}",
        d["average_reply_time"]
    );
    let active: Vec<i64> =
        d["active_conversations"].as_array().expect("list").iter().filter_map(|c| c["id"].as_i64()).collect();
    assert_eq!(active, vec![c.body["data"]["id"].as_i64().expect("id")]);
    assert_eq!(d["realtime_url"], format!("{}/api/v1/realtime", app.base));
    let public = app.get("/api/v1/conversations/starter").send();
    assert_eq!(public.status, 200);
    assert_eq!(public.body["data"]["active_conversations"], json!([]));
}

#[test]
fn a_verified_device_sees_all_of_the_customers_conversations() {
    let app = spawn_demo();
    let token = parley::commands::user::messenger_token(app.dir.path(), false).expect("token");
    assert_eq!(token.len(), 64);
    let phone = new_fingerprint();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() as i64;
    let signed = |name: &str, email: &str, ts: i64, key: &str| {
        let signature = parley::auth::verify::sign(key, name, email, &ts.to_string());
        app.get("/api/v1/conversations?limit=100")
            .fingerprint(&phone)
            .header("X-Identity-Name", name)
            .header("X-Identity-Email", email)
            .header("X-Identity-Timestamp", &ts.to_string())
            .header("X-Identity-Signature", &signature)
            .send()
    };
    let forged = signed("Caryn Pryor", CARYN, now, "not-the-token");
    assert_eq!(forged.status, 401);
    assert_eq!(forged.error_codes(), ["AUTHENTICATION_FAILED"]);
    let stale = signed("Caryn Pryor", CARYN, now - 601, &token);
    assert_eq!(stale.error_codes(), ["AUTHENTICATION_FAILED"]);
    assert_eq!(app.get("/api/v1/conversations").fingerprint(&phone).send().body["total_count"], 0, "nothing verified");
    let staff = signed("Simon", SIMON, now, &token);
    assert_eq!(staff.status, 401, "staff cannot be verified by the messenger");

    let ok = signed("Caryn Pryor", CARYN, now, &token);
    assert_eq!(ok.status, 200, "{}", ok.text);
    let caryn = app.session(CARYN);
    let hers = app.get("/api/v1/conversations?limit=100").session(&caryn).send();
    assert_eq!(ok.ids(), hers.ids());
    // The verification stays with the device.
    let later = app.get("/api/v1/conversations/1").fingerprint(&phone).send();
    assert_eq!(later.status, 200);
}
