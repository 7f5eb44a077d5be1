//! Forms and custom fields: public, ordered, hidden fields only for staff.

use crate::helpers::*;

#[test]
fn forms_are_listed_by_sort_order_with_a_total_count() {
    let app = spawn_demo();
    let r = app.get("/api/v1/conversations/forms").send();
    assert_eq!(r.status, 200);
    assert!(r.body.get("offset").is_none(), "forms are not paged");
    let ids = r.ids();
    assert_eq!(ids[0], 1);
    assert!(ids.len() >= 2);
    let one = app.get("/api/v1/conversations/forms/2").send();
    assert_eq!(one.body["data"]["id"], 2);
    assert_eq!(app.get("/api/v1/conversations/forms/77").send().status, 404);
    assert_eq!(app.get("/api/v1/conversations/forms/abc").send().status, 404);
}

#[test]
fn fields_hidden_from_customers_exist_only_for_staff() {
    let app = spawn_demo();
    let public = app.get("/api/v1/conversations/fields?limit=100").send();
    assert_eq!(public.status, 200);
    let keys: Vec<String> = public.body["data"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["key"].as_str().expect("key").to_owned())
        .collect();
    assert!(keys.contains(&"reported_issues".to_owned()));
    assert!(!keys.contains(&"internal_notes".to_owned()));
    assert_eq!(public.body["total_count"].as_i64(), Some(keys.len() as i64));
    assert_eq!(app.get("/api/v1/conversations/fields/15").send().status, 404);
    let simon = app.session(SIMON);
    let staff = app.get("/api/v1/conversations/fields?limit=100").session(&simon).send();
    assert_eq!(staff.body["total_count"].as_i64(), Some(keys.len() as i64 + 1));
    assert_eq!(app.get("/api/v1/conversations/fields/15").session(&simon).send().status, 200);
    let paged = app.get("/api/v1/conversations/fields?limit=2&offset=1").send();
    assert_eq!(paged.ids().len(), 2);
    assert_eq!(paged.body["offset"], 1);
}

#[test]
fn select_fields_list_their_options_and_options_expand_to_their_labels() {
    let app = spawn_demo();
    let r = app.get("/api/v1/conversations/fields/11?include=field_option,locale_field").send();
    assert_eq!(r.status, 200, "{}", r.text);
    let options = r.body["data"]["options"].as_array().expect("options");
    assert_eq!(options.len(), 3);
    assert_eq!(options[0]["resource_type"], "field_option");
    assert_eq!(options[0]["values"][0]["resource_type"], "locale_field");
    assert!(options[0]["values"][0]["translation"].as_str().is_some_and(|t| !t.is_empty()));
}

#[test]
fn customers_cannot_set_fields_that_are_hidden_or_not_editable() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let hidden = app
        .put("/api/v1/conversations/1")
        .session(&caryn)
        .json(&serde_json::json!({"field_values": {"internal_notes": "peek"}}))
        .send();
    assert_eq!(hidden.errors(), [("FIELD_INVALID".to_owned(), "field_values.internal_notes".to_owned())]);
    let simon = app.session(SIMON);
    let staff = app
        .put("/api/v1/conversations/1")
        .session(&simon)
        .json(&serde_json::json!({"field_values": {"internal_notes": "Customer prefers mornings"}}))
        .send();
    assert_eq!(staff.status, 200, "{}", staff.text);
    let seen_by_caryn = app.get("/api/v1/conversations/1").session(&caryn).send();
    let ids: Vec<i64> = seen_by_caryn.body["data"]["custom_fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["field"]["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids, vec![10], "the internal note stays internal");
}
