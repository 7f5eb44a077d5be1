//! The browser apps as files: pages revalidated with ETags under a strict
//! CSP, assets cached for a year under a versioned path, the embed script for
//! any origin; and the API bits they need (who am I, signing out).

use crate::helpers::*;

fn csp(r: &Resp) -> String {
    r.header("content-security-policy").unwrap_or_default().to_owned()
}

#[test]
fn pages_are_revalidated_and_carry_a_strict_csp() {
    let app = spawn_demo();
    for (path, framing) in
        [("/messenger", "frame-ancestors *"), ("/agent", "frame-ancestors 'none'"), ("/", "frame-ancestors 'none'")]
    {
        let r = app.get(path).send();
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        assert_eq!(r.header("cache-control"), Some("no-cache"));
        let policy = csp(&r);
        assert!(policy.contains("script-src 'self'") && policy.contains("default-src 'none'"), "{policy}");
        assert!(policy.contains(framing), "{path}: {policy}");
        assert!(!r.text.contains("<script>") && !r.text.contains("style="), "no inline code in {path}");
        let etag = r.header("etag").expect("etag").to_owned();
        let again = app.get(path).header("If-None-Match", &etag).send();
        assert_eq!(again.status, 304, "{path}");
    }
    assert_eq!(app.get("/agent").send().header("x-frame-options"), Some("DENY"));
    assert_eq!(app.get("/messenger").send().header("x-frame-options"), None, "the messenger is framed by host sites");
}

#[test]
fn assets_are_cached_for_a_year_under_their_build_and_the_embed_loads_anywhere() {
    let app = spawn_demo();
    let page = app.get("/messenger").send().text;
    let script = page.split("src=\"").nth(1).and_then(|s| s.split('"').next()).expect("the app's script").to_owned();
    assert!(script.starts_with("/assets/") && script.ends_with("/messenger/app.js"), "{script}");
    let (status, headers, body) = app.get(&script).send_bytes();
    assert_eq!(status, 200);
    assert_eq!(headers.get("cache-control").map(String::as_str), Some("public, max-age=31536000, immutable"));
    assert_eq!(headers.get("content-type").map(String::as_str), Some("text/javascript; charset=utf-8"));
    assert!(String::from_utf8_lossy(&body).contains("import"));
    // An older build's page still gets the file, without the year of caching.
    let (status, headers, _) = app.get("/assets/0000000000000000/messenger/app.js").send_bytes();
    assert_eq!((status, headers.get("cache-control").map(String::as_str)), (200, Some("no-cache")));
    assert_eq!(app.get("/assets/0000000000000000/../../Cargo.toml").send().status, 404);
    assert_eq!(app.get(&script.replace("app.js", "nothing.js")).send().error_codes(), ["RESOURCE_NOT_FOUND"]);
    let embed = app.get("/messenger.js").send();
    assert_eq!(embed.header("access-control-allow-origin"), Some("*"));
    assert!(embed.text.contains("ParleyMessenger"));
}

#[test]
fn a_session_says_who_it_is_and_signing_out_ends_it() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let r = app.get("/api/v1/session").session(&simon).send();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["data"]["user"]["id"], 1);
    assert_eq!(r.body["data"]["user"]["email"], SIMON);
    assert_eq!(r.body["data"]["user"]["role_type"], "AGENT");
    let out = app.req("DELETE", "/api/v1/session").session(&simon).send();
    assert_eq!(out.status, 200, "{}", out.text);
    let after = app.get("/api/v1/session").session(&simon).send();
    assert_eq!(after.error_codes(), ["AUTHENTICATION_FAILED"]);
    assert_eq!(app.get("/api/v1/session").send().error_codes(), ["AUTHENTICATION_REQUIRED"]);
    assert_eq!(
        app.get("/api/v1/session").fingerprint(&new_fingerprint()).send().error_codes(),
        ["AUTHENTICATION_REQUIRED"]
    );
}

#[test]
fn the_starter_names_its_agents_with_avatars_and_online_state() {
    let app = spawn_demo();
    let r = app.get("/api/v1/conversations/starter").fingerprint(&new_fingerprint()).send();
    let agents = r.body["data"]["last_active_agents"].as_array().expect("agents").clone();
    assert!(!agents.is_empty());
    for a in agents {
        assert!(a["full_name"].is_string() && a["avatar"].is_string(), "{a}");
        assert!(a["is_online"].is_boolean(), "{a}");
        assert!(a.get("email").is_none(), "{a}");
    }
}

#[test]
fn the_list_filters_by_exact_priority() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let r = app.get("/api/v1/conversations?priority_id=3&limit=100").session(&simon).send();
    assert_eq!(r.status, 200, "{}", r.text);
    let items = r.body["data"].as_array().expect("list");
    assert!(!items.is_empty() && items.iter().all(|c| c["priority"]["id"] == 3));
}
