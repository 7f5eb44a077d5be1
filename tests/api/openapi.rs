//! The OpenAPI document and `/docs`: the document describes this server
//! (its address, its schemes, operations that answer as documented), the
//! reference page is Swagger UI served from the binary, and a method a path
//! lacks is `405` naming those it has.

use crate::helpers::*;
use serde_json::Value;

#[test]
fn the_document_describes_this_server_and_its_operations_answer_as_documented() {
    let app = spawn_demo();
    let r = app.get("/api/v1/openapi.json").send();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let doc = r.body;
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], app.base.as_str());
    assert_eq!(app.get("/api/v1/openapi").send().body, doc, "the .json suffix is optional");
    let schemes = doc["components"]["securitySchemes"].as_object().expect("an object");
    let mut names = schemes.keys().map(String::as_str).collect::<Vec<_>>();
    names.sort();
    assert_eq!(names, ["basic", "fingerprint", "requestToken", "session"]);
    assert_eq!(schemes["session"]["name"], "X-Session-ID");
    assert_eq!(schemes["fingerprint"]["name"], "X-Fingerprint-ID");

    // As an owner, who may call everything.
    let owner = app.session(MORGAN);
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().expect("an object") {
        for (method, operation) in item.as_object().expect("an object") {
            // Every documented operation is routed: ids that exist nowhere get
            // 404 or a refusal, never "no such method".
            let concrete = path.split('/').map(|s| if s.starts_with('{') { "999999" } else { s }).collect::<Vec<_>>();
            let concrete = concrete.join("/");
            if path.contains("/realtime") || path == "/metrics" || (path == "/api/v1/session" && method == "delete") {
                continue; // streams, a loopback-only page, and signing out (last, below)
            }
            let r = app.req(&method.to_uppercase(), &concrete).session(&owner).send();
            assert_ne!(r.status, 405, "{method} {path} is documented but not routed");
            let documented: Vec<&String> = operation["responses"].as_object().expect("an object").keys().collect();
            assert!(documented.contains(&&r.status.to_string()), "{method} {path} answered {}: {}", r.status, r.text);
            // Collections read as an owner answer their documented success, in their schema's envelope.
            let file = path.ends_with(".json") || path.ends_with(".csv");
            if method == "get" && !path.contains('{') && path.starts_with("/api/v1/") && !file {
                assert_eq!(r.status, 200, "{path}: {}", r.text);
                assert!(operation["responses"]["200"]["content"]["application/json"].is_object(), "{path}");
                assert!(r.body["data"].is_array() || r.body["data"].is_object(), "{path}: {}", r.text);
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "only {checked} collections read");
    assert_eq!(app.req("DELETE", "/api/v1/session").session(&owner).send().status, 200);
}

#[test]
fn a_documented_list_matches_its_schema_keys() {
    let app = spawn_demo();
    let doc = app.get("/api/v1/openapi.json").send().body;
    let simon = app.session(SIMON);
    let conversation = app.get("/api/v1/conversations/1").session(&simon).send().body;
    let keys = |schema: &str| -> Vec<String> {
        let mut k: Vec<String> = doc["components"]["schemas"][schema]["properties"]
            .as_object()
            .expect("an object")
            .keys()
            .cloned()
            .collect();
        k.sort();
        k
    };
    let mut served: Vec<String> = conversation["data"].as_object().expect("an object").keys().cloned().collect();
    served.sort();
    assert_eq!(served, keys("Conversation"), "a conversation has exactly the documented keys");
    let message = app.get("/api/v1/conversations/1/messages/1").session(&simon).send().body;
    let mut served: Vec<String> = message["data"].as_object().expect("an object").keys().cloned().collect();
    // `mail` is there only for messages that came or went by mail.
    served.push("mail".into());
    served.sort();
    assert_eq!(served, keys("Message"), "a message has exactly the documented keys");
    let page = app.get("/api/v1/conversations?limit=1").session(&simon).send().body;
    let envelope = &doc["paths"]["/api/v1/conversations"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"]["properties"];
    for key in ["status", "data", "resource", "offset", "limit", "total_count"] {
        assert!(!page[key].is_null(), "{key} is served");
        assert!(envelope[key].is_object(), "{key} is documented");
    }
}

#[test]
fn docs_is_swagger_ui_served_from_the_binary() {
    let app = spawn_demo();
    let page = app.get("/docs").send();
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    let policy = page.header("content-security-policy").unwrap_or_default();
    assert!(policy.contains("script-src 'self'") && policy.contains("connect-src 'self'"), "{policy}");
    let sources: Vec<&str> =
        page.text.split('"').filter(|s| s.starts_with("/assets/") || s.starts_with("http")).collect();
    assert!(sources.iter().all(|s| s.starts_with("/assets/")), "nothing from elsewhere: {sources:?}");
    assert!(sources.iter().any(|s| s.ends_with("swagger-ui-bundle.js")), "{sources:?}");
    for source in &sources {
        let (status, headers, body) = app.get(source).send_bytes();
        assert_eq!(status, 200, "{source}");
        assert!(!body.is_empty() && headers.contains_key("content-type"), "{source}");
    }
    assert!(app.get("/").send().text.contains("href=\"/docs\""), "the landing page links the reference");
}

#[test]
fn a_method_a_path_lacks_is_405_naming_the_ones_it_has() {
    let app = spawn_demo();
    for (method, path, allow) in [
        ("PATCH", "/api/v1/conversations", "GET, POST"),
        ("DELETE", "/api/v1/conversations/1/messages/1", "GET, PUT"),
        ("POST", "/api/v1/session", "GET, DELETE"),
        ("DELETE", "/healthz", "GET"),
        ("POST", "/docs", "GET"),
    ] {
        let r = app.req(method, path).send();
        assert_eq!(r.status, 405, "{method} {path}");
        assert_eq!(r.header("allow"), Some(allow), "{method} {path}");
        assert_eq!(r.error_codes(), ["METHOD_NOT_ALLOWED"], "{method} {path}");
        assert!(matches!(r.body, Value::Object(_)));
    }
}
