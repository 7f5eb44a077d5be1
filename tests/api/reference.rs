//! The demo instance answers with the reference's own examples.

use serde_json::{json, Value};

use crate::helpers::*;

fn conversation_1(base: &str) -> Value {
    json!({
        "id": 1,
        "uuid": "3502b1bf-8a7f-5ac7-967e-e2f02d0fb056",
        "legacy_id": null,
        "subject": "Atmosphere Coffee, Inc annual maintenance",
        "channel": "MAIL",
        "requester": {"id": 2, "resource_type": "user_minimal"},
        "creator": {"id": 1, "resource_type": "user_minimal"},
        "last_replier": {"id": 1, "resource_type": "user_minimal"},
        "last_agent_replier": {"id": 1, "resource_type": "user_minimal"},
        "assigned_team": {"id": 1, "legacy_id": null, "resource_type": "team"},
        "assigned_agent": {"id": 1, "resource_type": "user_minimal"},
        "status": {"id": 1, "resource_type": "case_status"},
        "is_closed": false,
        "priority": {"id": 3, "resource_type": "case_priority"},
        "type": {"id": 1, "resource_type": "case_type"},
        "read_marker": {"id": 1, "resource_type": "read_marker"},
        "custom_fields": [{
            "field": {"id": 10, "resource_type": "conversation_field"},
            "value": "12",
            "resource_type": "conversation_field_value"
        }],
        // The reference's summary contradicts its own message 1 (a preview of
        // another text, SEEN, a reply before the conversation existed); the
        // demo derives it from message 1, as the server does for every conversation.
        "last_message_status": "SENT",
        "last_message_preview": "Dear Caryn,\n\n\t\t\t\tIt is that fun time of the year again - annual maintenance time! Further to our phone conversation, .....",
        "realtime_channel": "presence-d6c6a8b31be92885222ee53dde6c99c745c5f4cf77f1bd9dd3519d07fa730c71@v1_cases_1",
        // The reference's +05:00 times, in UTC as conventions §3 requires.
        "last_replied_at": "2015-12-28T03:52:45+00:00",
        "created_at": "2015-12-28T03:52:45+00:00",
        "updated_at": "2015-12-28T03:52:45+00:00",
        "resource_type": "conversation",
        "resource_url": format!("{base}/api/v1/conversations/1")
    })
}

#[test]
fn demo_conversation_1_matches_the_reference_example_field_by_field() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let r = app.get("/api/v1/conversations/1.json").session(&caryn).send();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], 200);
    assert_eq!(r.body["resource"], "conversation");
    assert_eq!(r.body["data"], conversation_1(&app.base));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("x-api-version"), Some("1"));
}

#[test]
fn demo_conversation_1_is_in_carynss_list_with_the_reference_envelope() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let r = app.get("/api/v1/conversations?limit=100").session(&caryn).send();
    assert_eq!(r.status, 200);
    let items = r.body["data"].as_array().expect("array");
    let one = items.iter().find(|c| c["id"] == 1).expect("conversation 1 listed");
    assert_eq!(one, &conversation_1(&app.base));
    assert_eq!(r.body["resource"], "conversation");
    assert_eq!(r.body["offset"], 0);
    assert_eq!(r.body["limit"], 100);
    assert_eq!(r.body["total_count"].as_i64(), Some(items.len() as i64));
}

#[test]
fn demo_message_1_matches_the_reference_example() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let r = app.get("/api/v1/conversations/1/messages").session(&caryn).send();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["resource"], "conversation_message");
    assert_eq!(r.body["total_count"], 1);
    let expected = json!({
        "id": 1,
        "uuid": "c96c7abe-2d75-4ab9-ad85-87cf1b609e93",
        "client_id": "93a236f0-edac-4b5a-8747-14140da7d4dc",
        "subject": "Atmosphere Coffee, Inc annual maintenance",
        "channel": "MAIL",
        "content_text": "Dear Caryn,\n\n\t\t\t\tIt is that fun time of the year again - annual maintenance time! Further to our phone conversation, .....",
        "content_html": "Dear Caryn,<br />\n<br />\n\t\t\t\tIt is that fun time of the year again - annual maintenance time! Further to our phone conversation, .....",
        "creator": {"id": 1, "resource_type": "user_minimal"},
        "attachments": [],
        "download_all": null,
        "source": "MESSENGER",
        "metadata": {"user_agent": "Chrome", "page_url": "https://brewfictus.kayako.com/pricing"},
        "message_status": "SENT",
        "message_status_reject_type": null,
        "message_status_reject_reason": null,
        "message_status_updated_at": "2016-11-08T18:44:27+00:00",
        "created_at": "2015-12-28T03:52:45+00:00",
        "updated_at": "2015-12-28T03:52:45+00:00",
        "resource_type": "case_message",
        "resource_url": format!("{}/api/v1/conversations/1/messages/1", app.base)
    });
    assert_eq!(r.body["data"][0], expected);
    let one = app.get("/api/v1/conversations/1/messages/1.json").session(&caryn).send();
    assert_eq!(one.status, 200);
    assert_eq!(one.body["data"], expected);
}

#[test]
fn demo_rating_1_matches_the_reference_example() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let r = app.get("/api/v1/conversations/1/ratings").session(&caryn).send();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["resource"], "conversation_rating");
    let expected = json!({
        "id": 1,
        "score": "GOOD",
        "comment": "Excellent service!",
        "conversation": {"id": 1, "resource_type": "conversation"},
        "creator": {"id": 2, "resource_type": "user_minimal"},
        "created_at": "2015-07-28T01:15:24+00:00",
        "updated_at": "2015-07-28T01:15:24+00:00",
        "resource_type": "conversation_rating",
        "resource_url": format!("{}/api/v1/cases/ratings/1", app.base)
    });
    assert_eq!(r.body["data"][0], expected);
    let via_url = app.get("/api/v1/cases/ratings/1").session(&caryn).send();
    assert_eq!(via_url.body["data"], expected);
}

#[test]
fn demo_form_1_and_field_10_match_the_reference_examples() {
    let app = spawn_demo();
    let forms = app.get("/api/v1/conversations/forms.json").send();
    assert_eq!(forms.status, 200, "{}", forms.text);
    assert_eq!(forms.body["resource"], "conversation_form");
    let form = &forms.body["data"][0];
    assert_eq!(form["id"], 1);
    assert_eq!(form["title"], "Maintenance job form");
    assert_eq!(form["description"], Value::Null);
    assert_eq!(form["fields"], json!([{"id": 10, "resource_type": "conversation_field"}]));
    assert_eq!(form["brand"], Value::Null);
    assert_eq!(form["created_at"], "2015-12-28T03:52:45+00:00");
    assert_eq!(form["resource_url"], format!("{}/api/v1/conversations/forms/1", app.base));
    assert_eq!(forms.body["total_count"].as_i64(), Some(forms.body["data"].as_array().expect("forms").len() as i64));

    let field = app.get("/api/v1/conversations/fields/10").send();
    assert_eq!(field.status, 200, "{}", field.text);
    assert_eq!(
        field.body["data"],
        json!({
            "id": 10,
            "fielduuid": "7a9b2b25-b164-48a5-99c4-59eee826e285",
            "titles": [{"id": 1, "resource_type": "locale_field"}, {"id": 2, "resource_type": "locale_field"}],
            "type": "NUMERIC",
            "key": "reported_issues",
            "descriptions": [],
            "is_required": true,
            "is_editable": true,
            "is_system": false,
            "regular_expression": null,
            "options": [],
            "created_at": "2015-12-28T03:52:45+00:00",
            "updated_at": "2015-12-28T03:52:45+00:00",
            "resource_type": "conversation_field",
            "resource_url": format!("{}/api/v1/conversations/fields/10", app.base)
        })
    );
}

#[test]
fn participants_are_user_minimal_resources_like_the_reference() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let r = app.get("/api/v1/conversations/1/participants").session(&caryn).send();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["resource"], "user_minimal");
    let simon = r.body["data"].as_array().expect("array").iter().find(|u| u["id"] == 1).expect("Simon").clone();
    assert_eq!(simon["uuid"], "11b60c25-c44c-47b8-9f48-56631cd7fa01");
    assert_eq!(simon["full_name"], "Simon Blackhouse");
    assert_eq!(simon["role"], json!({"id": 2, "resource_type": "role"}));
    assert_eq!(
        simon["teams"],
        json!([{"id": 1, "resource_type": "team_minimal"}, {"id": 6, "resource_type": "team_minimal"}])
    );
    assert_eq!(simon["avatar"], format!("{}/avatar/get/a6d2cc92-85e7-5005-b962-955efa915d26", app.base));
    assert_eq!(simon["last_active_at"], "2015-12-13T01:39:09+00:00");
    assert_eq!(
        simon["presence_channel"],
        "user_presence-281f395f6f51d031a6d3db3489906c98285191ebac41bb744f9323f61af63433@5c98cdaa58dd91ff1119a476e8b3e305d2906d3b"
    );
    assert_eq!(simon["resource_url"], format!("{}/api/v1/users/1", app.base));
    let ids = r.ids();
    assert!(ids.contains(&2), "the requester takes part: {ids:?}");
}

#[test]
fn every_demo_conversation_summary_agrees_with_its_messages() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let list = app.get("/api/v1/conversations?limit=100").session(&simon).send();
    let conversations = list.body["data"].as_array().expect("conversations").clone();
    assert!(conversations.len() > 20);
    for c in conversations {
        let id = c["id"].as_i64().expect("id");
        let newest = app.get(&format!("/api/v1/conversations/{id}/messages?limit=1")).session(&simon).send();
        let m = &newest.body["data"][0];
        let text = m["content_text"].as_str().expect("text");
        let preview: String = text.chars().take(255).collect();
        assert_eq!(c["last_message_preview"], preview.as_str(), "conversation {id}");
        assert_eq!(c["last_message_status"], m["message_status"], "conversation {id}");
        assert_eq!(c["last_replied_at"], m["created_at"], "conversation {id}");
        assert_eq!(c["last_replier"]["id"], m["creator"]["id"], "conversation {id}");
        assert!(c["created_at"].as_str() <= c["last_replied_at"].as_str(), "conversation {id}");
    }
}
