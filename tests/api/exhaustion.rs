//! The second hardening round: what one client, anonymous or holding a stale
//! credential, could exhaust. Each test is a bounded loopback attack that
//! succeeded before its fix.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::front::{code, connect, read_response};
use crate::helpers::*;

/// Opens a raw WebSocket on `path_and_query` and reads the `101`.
fn raw_websocket(app: &TestApp, path_and_query: &str) -> TcpStream {
    let mut socket = TcpStream::connect(app.base.trim_start_matches("http://")).expect("connect");
    socket.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let head = format!(
        "GET {path_and_query} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).expect("upgrade");
    let mut answer = Vec::new();
    let mut byte = [0u8; 1];
    while !answer.ends_with(b"\r\n\r\n") {
        socket.read_exact(&mut byte).expect("the upgrade answer");
        answer.push(byte[0]);
    }
    assert!(answer.starts_with(b"HTTP/1.1 101"), "{}", String::from_utf8_lossy(&answer));
    socket
}

/// Announces a masked text frame of `declared` bytes, sends `sent` of them,
/// and returns what the server answered before it closed the socket, and
/// when it closed it. Without a close the read times out and the test fails.
fn oversized_frame(mut socket: TcpStream, declared: u64, sent: usize) -> (Vec<u8>, Duration) {
    let started = Instant::now();
    let mut header = vec![0x81, 0x80 | 127];
    header.extend_from_slice(&declared.to_be_bytes());
    header.extend_from_slice(&[0, 0, 0, 0]);
    socket.write_all(&header).expect("the frame header");
    let mut writer = socket.try_clone().expect("clone");
    let sending = std::thread::spawn(move || {
        let chunk = vec![b'a'; 64 * 1024];
        for _ in 0..sent / chunk.len() {
            if writer.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let mut answer = Vec::new();
    let closed = loop {
        let mut buf = [0u8; 1024];
        match socket.read(&mut buf) {
            Ok(0) => break true,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut => {
                break false
            }
            Err(_) => break true,
        }
    };
    let _ = sending.join();
    assert!(closed, "the server kept the socket open, buffering the frame");
    (answer, started.elapsed())
}

/// The close frame for 1009 (message too big).
fn closes_as_too_big(answer: &[u8]) -> bool {
    answer.windows(4).any(|w| w == [0x88, 17, 0x03, 0xF1])
}

#[test]
fn a_websocket_frame_declaring_more_than_the_limit_is_refused_at_its_header() {
    let app = spawn_demo();
    // Phoenix: any fresh fingerprint may open one.
    let phoenix =
        raw_websocket(&app, &format!("/api/v1/realtime/websocket?fingerprint_id={}&vsn=1.0.0", new_fingerprint()));
    let (answer, took) = oversized_frame(phoenix, 300 << 20, 2 << 20);
    assert!(closes_as_too_big(&answer), "close 1009 expected, got {answer:?}");
    assert!(took < Duration::from_secs(5), "closed at the header, not after the payload: {took:?}");
    // Parley's own WebSocket stream, as an agent on the inbox.
    let simon = app.session(SIMON);
    let stream = raw_websocket(&app, &format!("/api/v1/realtime/ws?channel=inbox&session_id={simon}"));
    let (answer, _) = oversized_frame(stream, 200 << 20, 2 << 20);
    assert!(closes_as_too_big(&answer), "close 1009 expected, got {answer:?}");
    // A frame just over the limit is refused as well; the server is unharmed.
    let phoenix =
        raw_websocket(&app, &format!("/api/v1/realtime/websocket?fingerprint_id={}&vsn=1.0.0", new_fingerprint()));
    let (answer, _) = oversized_frame(phoenix, 64 * 1024 + 1, 0);
    assert!(closes_as_too_big(&answer), "{answer:?}");
    assert_eq!(app.get("/healthz").send().status, 200);
}

#[test]
fn a_body_that_stops_arriving_is_answered_408_and_its_connection_closed() {
    let app = spawn_with(true, |c| c.body_idle_timeout_seconds = 1);
    let (mut socket, mut reader) = connect(&app);
    let started = Instant::now();
    socket
        .write_all(b"POST /api/v1/conversations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{\"a")
        .expect("half a body");
    let (status, body) = read_response(&mut reader);
    assert_eq!((status, code(&body)), (408, "REQUEST_TIMEOUT"), "{body}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    let mut rest = Vec::new();
    let _ = reader.read_to_end(&mut rest);
    assert!(rest.is_empty(), "then the connection closes");
}

#[test]
fn a_trickled_body_is_cut_off_but_a_slow_steady_one_gets_through() {
    let app = spawn_with(true, |c| c.body_idle_timeout_seconds = 1);
    let (mut socket, mut reader) = connect(&app);
    socket
        .write_all(b"POST /api/v1/conversations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")
        .expect("head");
    let started = Instant::now();
    let mut writer = socket.try_clone().expect("clone");
    let trickle = std::thread::spawn(move || {
        // One byte every 200 ms is 5 bytes a second: far under the floor.
        for _ in 0..40 {
            if writer.write_all(b" ").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    let (status, body) = read_response(&mut reader);
    assert_eq!((status, code(&body)), (408, "REQUEST_TIMEOUT"), "{body}");
    assert!(started.elapsed() < Duration::from_secs(6), "a trickle keeps nothing alive: {:?}", started.elapsed());
    drop(reader);
    drop(socket);
    let _ = trickle.join();

    // 24 KiB at 8 KiB/s in 2 KiB steps: slow, but above the floor.
    let body = serde_json::json!({
        "name": "Slow Mobile", "email": "slow@example.org", "subject": "from the train",
        "contents": "x".repeat(24 * 1024),
    })
    .to_string();
    let (mut socket, mut reader) = connect(&app);
    let head = format!(
        "POST /api/v1/conversations HTTP/1.1\r\nHost: x\r\nX-CSRF: false\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    socket.write_all(head.as_bytes()).expect("head");
    for piece in body.as_bytes().chunks(2048) {
        socket.write_all(piece).expect("piece");
        std::thread::sleep(Duration::from_millis(250));
    }
    let (status, answer) = read_response(&mut reader);
    assert_eq!(status, 201, "{answer}");
}

#[test]
fn one_address_holds_at_most_its_share_of_connections() {
    let app = spawn_with(true, |c| c.max_connections_per_address = 8);
    let held: Vec<_> = (0..8).map(|_| connect(&app)).collect();
    // Each of the 8 is served (the cap counts, it does not queue).
    let (mut socket, mut reader) = connect(&app);
    socket.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").expect("request");
    let (status, body) = read_response(&mut reader);
    assert_eq!((status, code(&body)), (429, "TOO_MANY_REQUESTS"), "the ninth is refused at once: {body}");
    drop(held);
    eventually("the slots come back when the connections close", || app.get("/healthz").send().status == 200);
}

#[test]
fn anonymous_bodies_cannot_starve_staff_writes() {
    let budget = 4 * 1024 * 1024;
    let app = spawn_with(true, |c| c.max_buffered_text_bytes = budget);
    let simon = app.session(SIMON);
    // Greedy fill, as the attack did: half-sent bodies until the door answers at once.
    let mut held = Vec::new();
    let mut n = 1024 * 1024;
    while n >= 16 {
        let (mut socket, mut reader) = connect(&app);
        let head = "POST /api/v1/conversations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n";
        socket.write_all(head.as_bytes()).expect("head");
        let mut part = vec![b'a'; n];
        part[0] = b'{';
        socket.write_all(&part).expect("part");
        socket.set_read_timeout(Some(Duration::from_millis(400))).expect("timeout");
        let mut probe = [0u8; 1];
        match reader.get_mut().peek(&mut probe) {
            Ok(_) => n /= 2,
            Err(_) => held.push((socket, reader)),
        }
    }
    assert!(!held.is_empty());
    let anonymous = app.post("/api/v1/conversations").form(&[
        ("name", "Late"),
        ("email", "late@example.org"),
        ("subject", "s"),
        ("contents", &"c".repeat(64 * 1024)),
    ]);
    assert_eq!(anonymous.send().status, 503, "the anonymous share is spent");
    let reply = app
        .post("/api/v1/conversations/1/messages")
        .session(&simon)
        .json(&serde_json::json!({ "contents": "the agent still answers" }))
        .send();
    assert_eq!(reply.status, 201, "{}", reply.text);
    drop(held);
}

#[test]
fn a_chunk_extension_the_door_cannot_follow_is_refused_and_every_head_stays_timed() {
    let app = spawn_with(true, |c| c.head_timeout_seconds = 1);
    let (mut socket, mut reader) = connect(&app);
    let mut request = b"POST /api/v1/conversations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2;".to_vec();
    request.extend(std::iter::repeat_n(b'e', 1100));
    request.extend_from_slice(b"\r\n{}\r\n0\r\n\r\n");
    socket.write_all(&request).expect("request");
    let (status, body) = read_response(&mut reader);
    assert_eq!((status, code(&body)), (400, "INVALID_REQUEST"), "{body}");
    let mut rest = Vec::new();
    let _ = reader.read_to_end(&mut rest);
    assert!(rest.is_empty(), "the connection closes: nothing passes the door unexamined");
}

#[test]
fn metrics_behind_a_trusted_proxy_are_for_clients_on_this_machine_only() {
    let app = spawn_with(true, |c| c.trusted_proxies = vec!["127.0.0.1".parse().expect("ip")]);
    let from = |client: &str| app.get("/metrics").header("X-Forwarded-For", client).send().status;
    assert_eq!(from("203.0.113.50"), 401, "a client on the internet, through the proxy");
    assert_eq!(from("127.0.0.1"), 200, "the monitoring on this machine, through the proxy");
    let direct = spawn_demo();
    let spoofed = direct.get("/metrics").header("X-Forwarded-For", "203.0.113.50").send();
    assert_eq!(spoofed.status, 200, "without trusted proxies the peer is judged, and it is loopback");
}

#[test]
fn the_public_create_does_not_tell_staff_emails_from_others() {
    let app = spawn_demo();
    let create = |email: &str| {
        app.post("/api/v1/conversations")
            .fingerprint(&new_fingerprint())
            .form(&[("name", "X"), ("email", email), ("subject", "s"), ("contents", "c")])
            .send()
    };
    let staff = create(MORGAN);
    let other = create("nobody-here@brewfictus.com");
    assert_eq!(staff.status, other.status, "{} / {}", staff.text, other.text);
    assert_eq!(staff.status, 201);
    let keys = |r: &Resp| -> Vec<String> {
        let mut k: Vec<String> = r.body["data"]["requester"].as_object().expect("requester").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&staff), keys(&other), "the answers have one shape");
    // Nobody wrote as Morgan.
    let id = staff.body["data"]["id"].as_i64().expect("id");
    let author: String = app
        .db()
        .query_row(
            "SELECT u.email FROM messages m JOIN users u ON u.id = m.creator_id WHERE m.conversation_id = ?1",
            [id],
            |r| r.get(0),
        )
        .expect("author");
    assert_ne!(author.to_lowercase(), MORGAN);
}

#[test]
fn every_api_answer_says_nosniff() {
    let app = spawn_demo();
    for path in ["/api/v1/conversations", "/api/v1/conversations/forms", "/api/v1/nothing-here", "/healthz"] {
        let r = app.get(path).send();
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{path}: {}", r.status);
    }
}
