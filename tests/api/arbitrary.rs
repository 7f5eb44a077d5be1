//! Arbitrary requests against the real server (proptest): any body, in any
//! encoding, to any write endpoint, with any query, gets a JSON answer and
//! never a 5xx.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::helpers::*;

fn content_type() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("application/json".to_owned()),
        Just("application/x-www-form-urlencoded".to_owned()),
        Just(format!("multipart/form-data; boundary={BOUNDARY}")),
        Just("multipart/form-data".to_owned()),
        Just("text/plain".to_owned()),
        Just(String::new()),
    ]
}

/// Bodies that are mostly well-formed in some encoding, and sometimes noise.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let key = prop_oneof![
        Just("contents".to_owned()),
        Just("subject".to_owned()),
        Just("name".to_owned()),
        Just("email".to_owned()),
        Just("field_values[reported_issues]".to_owned()),
        Just("metadata[page_url]".to_owned()),
        Just("message_status".to_owned()),
        Just("score".to_owned()),
        Just("file_ids".to_owned()),
        "[a-z\\[\\]]{1,20}",
    ];
    let pairs = prop::collection::vec((key, "\\PC{0,30}"), 0..6);
    prop_oneof![
        pairs.clone().prop_map(|p| serde_urlencoded::to_string(&p).unwrap_or_default().into_bytes()),
        pairs.clone().prop_map(|p| {
            let parts: Vec<Part> = p.iter().map(|(k, v)| Part::text(k, v)).collect();
            multipart_body(&parts).1
        }),
        pairs.prop_map(|p| {
            let map: serde_json::Map<String, serde_json::Value> = p.into_iter().map(|(k, v)| (k, v.into())).collect();
            serde_json::Value::Object(map).to_string().into_bytes()
        }),
        prop::collection::vec(any::<u8>(), 0..512),
    ]
}

fn endpoint() -> impl Strategy<Value = (&'static str, &'static str)> {
    prop::sample::select(vec![
        ("POST", "/api/v1/conversations"),
        ("PUT", "/api/v1/conversations/1"),
        ("POST", "/api/v1/conversations/1/messages"),
        ("PUT", "/api/v1/conversations/1/messages/1"),
        ("POST", "/api/v1/conversations/1/ratings"),
        ("PUT", "/api/v1/conversations/1/ratings/1"),
        ("POST", "/api/v1/conversations/1/typing"),
        ("POST", "/api/v1/files"),
        ("GET", "/api/v1/conversations"),
        ("GET", "/api/v1/conversations/1/messages"),
    ])
}

#[test]
fn any_request_gets_a_json_answer_and_never_a_5xx() {
    let app = spawn_with(true, |c| {
        c.messages_per_hour = 0;
        c.conversations_per_hour_per_address = 0;
    });
    let caryn = app.session(CARYN);
    let query = "[a-z_]{1,8}=[\\PC&&[^&#]]{0,12}(&[a-z_]{1,8}=[a-z*,_]{0,20}){0,3}";
    let mut runner = TestRunner::new(Config { cases: 300, failure_persistence: None, ..Config::default() });
    runner
        .run(
            &(endpoint(), content_type(), body(), query, any::<bool>()),
            |((method, path), ct, body, query, signed_in)| {
                let url = format!("{path}?{}", query.replace(' ', "+"));
                let mut req = app.req(method, &url);
                if signed_in {
                    req = req.session(&caryn);
                }
                let r = if method == "GET" { req.send() } else { req.raw(&ct, &body).send() };
                prop_assert!(r.status < 500, "{method} {url} ({ct}) answered {}: {}", r.status, r.text);
                prop_assert_eq!(r.header("content-type"), Some("application/json"));
                prop_assert!(r.body.is_object(), "a JSON body: {}", r.text);
                if r.status >= 400 {
                    prop_assert!(!r.error_codes().is_empty(), "an error envelope: {}", r.text);
                }
                Ok(())
            },
        )
        .expect("every arbitrary request is answered cleanly");
}
