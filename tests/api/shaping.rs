//! include, _case=camel and fields, shared by every response.

use serde_json::Value;

use crate::helpers::*;

#[test]
fn include_expands_stubs_inline_in_both_spellings() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    for include in ["user_minimal,case_status", "userMinimal,caseStatus"] {
        let r = app.get(&format!("/api/v1/conversations/1?include={include}")).session(&caryn).send();
        assert_eq!(r.status, 200);
        let d = &r.body["data"];
        assert_eq!(d["requester"]["full_name"], "Caryn Pryor", "{include}");
        assert_eq!(d["requester"]["resource_url"], format!("{}/api/v1/users/2", app.base));
        assert_eq!(d["status"]["label"], "New");
        assert_eq!(
            d["priority"],
            serde_json::json!({"id": 3, "resource_type": "case_priority"}),
            "not named, stays a stub"
        );
    }
    let unknown = app.get("/api/v1/conversations/1?include=nonsense").session(&caryn).send();
    assert_eq!(unknown.status, 200);
    assert_eq!(unknown.body["data"]["requester"], serde_json::json!({"id": 2, "resource_type": "user_minimal"}));
}

#[test]
fn include_star_expands_everything_including_nested_stubs() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let r = app.get("/api/v1/conversations/1?include=*").session(&caryn).send();
    let d = &r.body["data"];
    assert_eq!(d["assigned_team"]["title"], "Support");
    assert_eq!(d["type"]["label"], "Question");
    assert_eq!(d["priority"]["label"], "High");
    assert_eq!(d["read_marker"]["last_read_post_id"], 1);
    assert_eq!(d["custom_fields"][0]["field"]["key"], "reported_issues");
    assert_eq!(d["custom_fields"][0]["field"]["titles"][0]["locale"], "en-us", "nested stubs expand too");
    assert_eq!(d["creator"]["role"]["type"], "AGENT");
    let rating = app.get("/api/v1/conversations/1/ratings?include=conversation").session(&caryn).send();
    assert_eq!(rating.body["data"][0]["conversation"]["subject"], "Atmosphere Coffee, Inc annual maintenance");
}

#[test]
fn camel_case_renames_keys_and_resource_types_but_not_user_maps() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let r = app.get("/api/v1/conversations?_case=camel&include=user_minimal").session(&caryn).send();
    assert_eq!(r.status, 200);
    assert!(r.body.get("totalCount").is_some());
    assert!(r.body.get("total_count").is_none());
    let one = app.get("/api/v1/conversations/1?_case=camel&include=userMinimal").session(&caryn).send();
    let d = &one.body["data"];
    assert!(d["lastMessagePreview"].as_str().is_some_and(|p| p.starts_with("Dear Caryn")), "{d}");
    assert_eq!(d["resourceType"], "conversation");
    assert_eq!(d["requester"]["resourceType"], "userMinimal");
    assert_eq!(d["requester"]["fullName"], "Caryn Pryor");
    assert_eq!(d["customFields"][0]["resourceType"], "conversationFieldValue");
    let m = app.get("/api/v1/conversations/1/messages/1?_case=camel").session(&caryn).send();
    assert_eq!(m.body["resource"], "conversationMessage");
    assert_eq!(m.body["data"]["resourceType"], "caseMessage");
    assert_eq!(m.body["data"]["metadata"]["page_url"], "https://brewfictus.kayako.com/pricing", "metadata keys kept");
}

#[test]
fn fields_keeps_only_the_named_keys_and_identity() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let r = app.get("/api/v1/conversations/1?fields=subject,lastMessagePreview&_case=camel").session(&caryn).send();
    let keys: Vec<&String> = r.body["data"].as_object().expect("object").keys().collect();
    assert_eq!(keys, ["id", "subject", "lastMessagePreview", "resourceType", "resourceUrl"]);
    let list = app.get("/api/v1/conversations?fields=subject").session(&caryn).send();
    for item in list.body["data"].as_array().expect("list") {
        let obj = item.as_object().expect("object");
        assert_eq!(obj.len(), 4, "{item}");
        assert!(obj.contains_key("subject"));
    }
}

#[test]
fn a_basic_request_with_camel_case_gets_session_id_camel_cased() {
    let app = spawn_demo();
    let r = app.get("/api/v1/conversations?_case=camel").basic(CARYN, PASSWORD).send();
    assert!(r.body["sessionId"].as_str().is_some_and(|s| !s.is_empty()), "{}", r.text);
    assert_eq!(r.body.get("session_id"), None::<&Value>);
}
