//! Satisfaction ratings: only the requester rates.

use serde_json::json;

use crate::helpers::*;

#[test]
fn the_requester_rates_and_updates_a_rating() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let r = app
        .post("/api/v1/conversations/1/ratings")
        .session(&caryn)
        .form(&[("score", "BAD"), ("comment", "Technician was late")])
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["data"]["score"], "BAD");
    assert_eq!(r.body["data"]["creator"]["id"], 2);
    let rid = r.body["data"]["id"].as_i64().expect("id");
    let updated = app
        .put(&format!("/api/v1/conversations/1/ratings/{rid}"))
        .session(&caryn)
        .json(&json!({"score": "GOOD"}))
        .send();
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.body["data"]["score"], "GOOD");
    assert_eq!(updated.body["data"]["comment"], "Technician was late", "an omitted comment is kept");
    let listed = app.get("/api/v1/conversations/1/ratings").session(&caryn).send();
    assert_eq!(listed.ids()[0], rid, "newest first");
    assert_eq!(listed.body["total_count"], 2);
}

#[test]
fn customer_cannot_rate_someone_elses_conversation() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let r = app.post("/api/v1/conversations/1/ratings").session(&simon).json(&json!({"score": "GOOD"})).send();
    assert_eq!(r.status, 403, "agents may not rate");
    assert_eq!(r.error_codes(), ["PERMISSION_DENIED"]);
    let mark = app.session(MARK);
    let shared = app
        .post("/api/v1/conversations/1/ratings?filters=MY_ORGANIZATION")
        .session(&mark)
        .json(&json!({"score": "GOOD"}))
        .send();
    assert_eq!(shared.status, 404, "a colleague may read it with the filter, never write to it");
    let update = app
        .put("/api/v1/conversations/1/ratings/1?filters=MY_ORGANIZATION")
        .session(&mark)
        .json(&json!({"score": "BAD"}))
        .send();
    assert_eq!(update.status, 404);
    let dana = app.session(DANA);
    let hidden = app.post("/api/v1/conversations/1/ratings").session(&dana).json(&json!({"score": "GOOD"})).send();
    assert_eq!(hidden.status, 404);
    let caryn = app.session(CARYN);
    assert_eq!(app.get("/api/v1/conversations/1/ratings").session(&caryn).send().body["total_count"], 1);
}

#[test]
fn a_score_must_be_good_or_bad() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let missing = app.post("/api/v1/conversations/1/ratings").session(&caryn).json(&json!({"comment": "hm"})).send();
    assert_eq!(missing.errors(), [("FIELD_REQUIRED".to_owned(), "score".to_owned())]);
    let bad = app.post("/api/v1/conversations/1/ratings").session(&caryn).json(&json!({"score": "MEH"})).send();
    assert_eq!(bad.errors(), [("FIELD_INVALID".to_owned(), "score".to_owned())]);
    let wrong = app.put("/api/v1/conversations/1/ratings/1").session(&caryn).json(&json!({"score": "MEH"})).send();
    assert_eq!(wrong.errors(), [("FIELD_INVALID".to_owned(), "score".to_owned())]);
    let elsewhere =
        app.put("/api/v1/conversations/1/ratings/999").session(&caryn).json(&json!({"score": "BAD"})).send();
    assert_eq!(elsewhere.status, 404);
}

#[test]
fn a_device_of_the_requester_may_rate_its_conversation() {
    let app = spawn_demo();
    let phone = new_fingerprint();
    let c = app.device_conversation(&phone, "Dana Lee", DANA, "Beans late");
    let id = c.body["data"]["id"].as_i64().expect("id");
    let r = app
        .post(&format!("/api/v1/conversations/{id}/ratings"))
        .fingerprint(&phone)
        .json(&json!({"score": "GOOD"}))
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["data"]["creator"]["id"], 4);
}
