//! The resources conversations point at resolve, with customer visibility.

use serde_json::json;

use crate::helpers::*;

#[test]
fn every_resource_url_of_conversation_1_resolves_for_its_requester() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let c = app.get("/api/v1/conversations/1").session(&caryn).send();
    let data = &c.body["data"];
    for key in ["requester", "creator", "assigned_agent"] {
        let id = &data[key]["id"];
        let r = app.get(&format!("/api/v1/users/{id}")).session(&caryn).send();
        assert_eq!(r.status, 200, "{key}: {}", r.text);
        assert_eq!(r.body["data"]["resource_type"], "user_minimal");
    }
    assert_eq!(app.get("/api/v1/teams/1").session(&caryn).send().body["data"]["title"], "Support");
    assert_eq!(app.get("/api/v1/cases/statuses/1").session(&caryn).send().body["data"]["type"], "NEW");
    assert_eq!(app.get("/api/v1/cases/priorities/3").session(&caryn).send().body["data"]["level"], 3);
    assert_eq!(app.get("/api/v1/cases/types/1").session(&caryn).send().body["data"]["label"], "Question");
    assert_eq!(app.get("/api/v1/roles/2").session(&caryn).send().body["data"]["type"], "AGENT");
    let title = app.get("/api/v1/locales/fields/1").send();
    assert_eq!(
        title.body["data"],
        json!({
            "id": 1, "locale": "en-us", "translation": title.body["data"]["translation"], "created_at": title.body["data"]["created_at"],
            "updated_at": title.body["data"]["updated_at"], "resource_type": "locale_field",
            "resource_url": format!("{}/api/v1/locales/fields/1", app.base)
        })
    );
    assert_eq!(app.get("/api/v1/locales/fields/2").send().body["data"]["locale"], "de");
    let statuses = app.get("/api/v1/cases/statuses").session(&caryn).send();
    assert_eq!(statuses.ids(), vec![1, 2, 3, 4, 5]);
    let priorities = app.get("/api/v1/cases/priorities").session(&caryn).send();
    assert_eq!(priorities.ids(), vec![1, 2, 3, 4]);
    assert_eq!(app.get("/api/v1/cases/types").send().ids(), vec![1, 2, 3, 4]);
    let avatar = app.get("/avatar/get/a6d2cc92-85e7-5005-b962-955efa915d26").send();
    assert_eq!(avatar.status, 200);
    assert_eq!(avatar.header("content-type"), Some("image/svg+xml"));
    assert!(avatar.text.contains(">SB<"));
}

#[test]
fn customers_see_people_of_their_conversations_but_not_the_directory() {
    let app = spawn_demo();
    let dana = app.session(DANA);
    let caryn_profile = app.get("/api/v1/users/2").session(&dana).send();
    assert_eq!(caryn_profile.status, 404, "Dana shares no conversation with Caryn");
    let herself = app.get("/api/v1/users/4").session(&dana).send();
    assert_eq!(herself.status, 200);
    assert_eq!(herself.body["data"]["email"], DANA);
    let caryn = app.session(CARYN);
    let simon = app.get("/api/v1/users/1").session(&caryn).send();
    assert_eq!(simon.status, 200);
    assert!(simon.body["data"].get("email").is_none(), "customers do not get staff emails");
    let agent = app.session(SIMON);
    assert_eq!(app.get("/api/v1/users/4").session(&agent).send().body["data"]["email"], DANA);
    assert_eq!(app.get("/api/v1/users/4242").session(&agent).send().status, 404);
}

#[test]
fn resource_urls_use_the_configured_public_url() {
    let app = spawn_with(true, |c| c.public_url = Some("https://help.brewfictus.example/".into()));
    let caryn = app.session(CARYN);
    let r = app.get("/api/v1/conversations/1?include=user_minimal").session(&caryn).send();
    assert_eq!(r.body["data"]["resource_url"], "https://help.brewfictus.example/api/v1/conversations/1");
    assert_eq!(
        r.body["data"]["creator"]["avatar"],
        "https://help.brewfictus.example/avatar/get/a6d2cc92-85e7-5005-b962-955efa915d26"
    );
}
