//! The front door: what the HTTP layer refuses before any handler runs is
//! still answered in the Kayako envelope, on a connection that stays usable
//! up to the refused request.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;

use crate::helpers::*;

/// One response read off a raw connection: status and JSON body.
pub fn read_response(reader: &mut BufReader<TcpStream>) -> (u16, Value) {
    let mut status = String::new();
    reader.read_line(&mut status).expect("status line");
    let code: u16 =
        status.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or_else(|| panic!("{status:?}"));
    let (mut length, mut chunked, mut json) = (0usize, false, false);
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("header");
        let l = line.trim().to_ascii_lowercase();
        if l.is_empty() {
            break;
        }
        if let Some(n) = l.strip_prefix("content-length:") {
            length = n.trim().parse().expect("length");
        }
        chunked |= l == "transfer-encoding: chunked";
        json |= l == "content-type: application/json";
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).expect("chunk size");
            let n = usize::from_str_radix(size.trim(), 16).expect("hex");
            let mut chunk = vec![0; n + 2];
            reader.read_exact(&mut chunk).expect("chunk");
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    } else {
        body.resize(length, 0);
        reader.read_exact(&mut body).expect("body");
    }
    assert!(json, "every answer is JSON (status {code})");
    (code, serde_json::from_slice(&body).expect("a JSON body"))
}

pub fn connect(app: &TestApp) -> (TcpStream, BufReader<TcpStream>) {
    let socket = TcpStream::connect(app.base.trim_start_matches("http://")).expect("connect");
    socket.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    let reader = BufReader::new(socket.try_clone().expect("clone"));
    (socket, reader)
}

/// Sends `request` (from another thread: the server may answer before reading it all) and reads one answer.
fn exchange(app: &TestApp, request: Vec<u8>) -> (u16, Value) {
    let (mut socket, mut reader) = connect(app);
    let writer = std::thread::spawn(move || {
        let _ = socket.write_all(&request);
    });
    let answer = read_response(&mut reader);
    let _ = writer.join();
    answer
}

pub fn code(body: &Value) -> &str {
    body["errors"][0]["code"].as_str().unwrap_or("")
}

#[test]
fn oversized_and_malformed_requests_get_the_kayako_envelope() {
    let app = spawn_demo();
    let huge = format!("GET /api/v1/conversations HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "a".repeat(1024 * 1024));
    let (status, body) = exchange(&app, huge.into_bytes());
    assert_eq!((status, code(&body)), (431, "HEADERS_TOO_LARGE"), "{body}");
    assert_eq!(body["status"], 431);

    let many: String = (0..500).map(|i| format!("X-Header-{i}: v\r\n")).collect();
    let (status, body) = exchange(&app, format!("GET /healthz HTTP/1.1\r\nHost: x\r\n{many}\r\n").into_bytes());
    assert_eq!((status, code(&body)), (431, "HEADERS_TOO_LARGE"), "{body}");

    let query = "q=".to_owned() + &"a".repeat(100 * 1024);
    let (status, body) =
        exchange(&app, format!("GET /api/v1/conversations?{query} HTTP/1.1\r\nHost: x\r\n\r\n").into_bytes());
    assert_eq!((status, code(&body)), (414, "URI_TOO_LONG"), "{body}");

    let (status, body) = exchange(&app, b"GARBAGE\r\n\r\n".to_vec());
    assert_eq!((status, code(&body)), (400, "INVALID_REQUEST"), "{body}");

    let smuggle =
        b"POST /api/v1/conversations HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: gzip\r\n\r\nabcd";
    let (status, body) = exchange(&app, smuggle.to_vec());
    assert_eq!((status, code(&body)), (400, "INVALID_REQUEST"), "{body}");

    assert_eq!(app.get("/healthz").send().status, 200, "the server is unharmed");
}

#[test]
fn a_client_too_slow_to_send_its_head_is_answered_408() {
    let app = spawn_with(true, |c| c.head_timeout_seconds = 1);
    let (mut socket, mut reader) = connect(&app);
    socket.write_all(b"GET /api/v1/conversations HTTP/1.1\r\nHost: x\r\n").expect("half a head");
    let (status, body) = read_response(&mut reader);
    assert_eq!((status, code(&body)), (408, "REQUEST_TIMEOUT"), "{body}");
}

#[test]
fn a_refused_request_is_answered_after_those_before_it_on_the_same_connection() {
    let app = spawn_demo();
    let (mut socket, mut reader) = connect(&app);
    let mut pipeline = Vec::new();
    pipeline.extend_from_slice(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    pipeline.extend_from_slice(b"POST /api/v1/conversations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    pipeline.extend_from_slice(
        b"POST /api/v1/conversations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n1\r\n}\r\n0\r\n\r\n",
    );
    let many: String = (0..200).map(|i| format!("X-{i}: v\r\n")).collect();
    pipeline.extend_from_slice(format!("GET /healthz HTTP/1.1\r\nHost: x\r\n{many}\r\n").as_bytes());
    socket.write_all(&pipeline).expect("pipeline");
    assert_eq!(read_response(&mut reader).0, 200);
    let (status, body) = read_response(&mut reader);
    assert_eq!((status, code(&body)), (400, "FIELD_REQUIRED"), "an empty body reaches the handler: {body}");
    let (status, body) = read_response(&mut reader);
    assert_eq!((status, code(&body)), (400, "FIELD_REQUIRED"), "so does a chunked one: {body}");
    let (status, body) = read_response(&mut reader);
    assert_eq!((status, code(&body)), (431, "HEADERS_TOO_LARGE"), "{body}");
    let mut rest = Vec::new();
    let _ = reader.read_to_end(&mut rest);
    assert!(rest.is_empty(), "then the connection closes");
}
