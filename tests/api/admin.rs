//! The admin API through HTTP: admins and owners set the instance up, agents
//! read, customers are refused; every change shows on the next request and
//! lands in the owners' audit log; refused changes change nothing.

use crate::helpers::*;
use serde_json::{json, Value};

const ALEX_ADMIN: &str = ALEX;
const MORGAN_OWNER: &str = MORGAN;

fn audit(app: &TestApp, owner: &str) -> Vec<Value> {
    let r = app.get("/api/v1/audit?limit=100").session(owner).send();
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["data"].as_array().expect("entries").clone()
}

#[test]
fn only_admins_and_owners_change_the_setup_agents_read_customers_are_refused() {
    let app = spawn_demo();
    let (simon, caryn, alex) = (app.session(SIMON), app.session(CARYN), app.session(ALEX_ADMIN));
    let body = json!({"title": "Night shift"});
    assert_eq!(app.post("/api/v1/teams").json(&body).send().error_codes(), ["AUTHENTICATION_REQUIRED"]);
    assert_eq!(app.post("/api/v1/teams").session(&caryn).json(&body).send().error_codes(), ["PERMISSION_DENIED"]);
    assert_eq!(app.post("/api/v1/teams").session(&simon).json(&body).send().error_codes(), ["PERMISSION_DENIED"]);
    let created = app.post("/api/v1/teams").session(&alex).json(&body).send();
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["data"]["title"], "Night shift");
    // Agents read what admins write; customers do not.
    assert_eq!(app.get("/api/v1/cases/fields").session(&simon).send().status, 200);
    assert_eq!(app.get("/api/v1/settings").session(&simon).send().status, 200);
    assert_eq!(app.get("/api/v1/organizations").session(&caryn).send().error_codes(), ["PERMISSION_DENIED"]);
    // The audit log is the owners'.
    assert_eq!(app.get("/api/v1/audit").session(&alex).send().error_codes(), ["PERMISSION_DENIED"]);
    let morgan = app.session(MORGAN_OWNER);
    let entries = audit(&app, &morgan);
    assert_eq!(entries[0]["action"], "team.create");
    assert_eq!(entries[0]["actor"]["id"], 5);
    assert_eq!(entries[0]["before"], Value::Null);
    assert_eq!(entries[0]["after"]["title"], "Night shift");
}

#[test]
fn a_created_agent_signs_in_and_a_disabled_one_cannot_though_their_history_stays() {
    let app = spawn_demo();
    let alex = app.session(ALEX_ADMIN);
    let r = app
        .post("/api/v1/users")
        .session(&alex)
        .form(&[
            ("full_name", "Riley Chen"),
            ("email", "riley@brewfictus.com"),
            ("role", "AGENT"),
            ("password", "espresso-shots"),
            ("team_ids", "1,6"),
        ])
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["data"]["id"].as_i64().expect("id");
    assert_eq!(r.body["data"]["role_type"], "AGENT");
    assert_eq!(r.body["data"]["is_enabled"], true);
    assert_eq!(r.body["data"]["teams"].as_array().expect("teams").len(), 2);
    assert_eq!(r.body["resource"], "user");

    let riley = app
        .get("/api/v1/conversations")
        .basic("riley@brewfictus.com", "espresso-shots")
        .header("X-CSRF", "false")
        .send();
    assert_eq!(riley.status, 200, "{}", riley.text);
    let session = riley.body["session_id"].as_str().expect("session").to_owned();
    let reply =
        app.post("/api/v1/conversations/1/messages").session(&session).json(&json!({"contents": "On it."})).send();
    assert_eq!(reply.status, 201, "{}", reply.text);
    let message = reply.body["data"]["id"].as_i64().expect("message");

    // Disabled: the session stops at once, sign-in is refused, the history stays.
    let off = app.put(&format!("/api/v1/users/{id}")).session(&alex).json(&json!({"is_enabled": false})).send();
    assert_eq!(off.status, 200, "{}", off.text);
    assert_eq!(off.body["data"]["is_enabled"], false);
    assert_eq!(app.get("/api/v1/session").session(&session).send().status, 401);
    let again = app.get("/api/v1/conversations").basic("riley@brewfictus.com", "espresso-shots").send();
    assert_eq!(again.error_codes(), ["AUTHENTICATION_FAILED"]);
    let simon = app.session(SIMON);
    let kept = app.get(&format!("/api/v1/conversations/1/messages/{message}")).session(&simon).send();
    assert_eq!((kept.status, kept.body["data"]["creator"]["id"].as_i64()), (200, Some(id)));
    let listed = app.get("/api/v1/users?is_enabled=false").session(&simon).send();
    assert_eq!(listed.ids(), [id]);
    assert!(!app.get("/api/v1/users?limit=100").session(&simon).send().ids().contains(&id));

    let on = app.put(&format!("/api/v1/users/{id}")).session(&alex).json(&json!({"is_enabled": true})).send();
    assert_eq!(on.status, 200);
    assert_eq!(app.get("/api/v1/session").basic("riley@brewfictus.com", "espresso-shots").send().status, 200);

    let morgan = app.session(MORGAN_OWNER);
    let actions: Vec<String> =
        audit(&app, &morgan).iter().map(|e| e["action"].as_str().unwrap_or_default().to_owned()).collect();
    assert_eq!(actions[..3], ["user.enable", "user.disable", "user.create"]);
    let everything = app.get("/api/v1/audit?limit=100").session(&morgan).send().text;
    assert!(!everything.contains("argon2") && !everything.contains("password_hash"), "no secret is logged");
}

#[test]
fn users_are_searched_by_name_or_email() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    assert_eq!(app.get("/api/v1/users?query=rivera").session(&simon).send().ids(), [5]);
    assert_eq!(app.get("/api/v1/users?query=ATMOSPHERECOFFEE").session(&simon).send().ids(), [2, 3]);
    assert_eq!(app.get("/api/v1/users?query=%25").session(&simon).send().ids(), Vec::<i64>::new(), "% is literal");
    let page = app.get("/api/v1/users?query=brewfictus.com&role=AGENT,ADMIN").session(&simon).send();
    assert_eq!(page.ids(), [5, 1]);
    assert_eq!(page.body["total_count"], 2);
    let bad = app.get("/api/v1/users?is_enabled=maybe").session(&simon).send();
    assert_eq!(bad.errors(), [("FIELD_INVALID".to_owned(), "is_enabled".to_owned())]);
}

#[test]
fn a_reset_password_replaces_the_old_and_ends_every_session() {
    let app = spawn_demo();
    let (alex, simon) = (app.session(ALEX_ADMIN), app.session(SIMON));
    let short = app.put("/api/v1/users/1/password").session(&alex).json(&json!({"password": "short"})).send();
    assert_eq!(short.errors(), [("FIELD_INVALID".to_owned(), "password".to_owned())]);
    assert_eq!(app.get("/api/v1/session").session(&simon).send().status, 200, "a refused reset changes nothing");
    let r = app.put("/api/v1/users/1/password").session(&alex).json(&json!({"password": "new-secret-beans"})).send();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(app.get("/api/v1/session").session(&simon).send().status, 401);
    assert_eq!(app.get("/api/v1/session").basic(SIMON, PASSWORD).send().status, 401);
    assert_eq!(app.get("/api/v1/session").basic(SIMON, "new-secret-beans").send().status, 200);
}

#[test]
fn owners_alone_touch_owners_and_the_last_one_stays() {
    let app = spawn_demo();
    let (alex, morgan) = (app.session(ALEX_ADMIN), app.session(MORGAN_OWNER));
    let make_owner = json!({"full_name": "Pat", "email": "pat@brewfictus.com", "role": "OWNER"});
    assert_eq!(app.post("/api/v1/users").session(&alex).json(&make_owner).send().error_codes(), ["PERMISSION_DENIED"]);
    assert_eq!(
        app.put("/api/v1/users/7").session(&alex).json(&json!({"full_name": "M"})).send().error_codes(),
        ["PERMISSION_DENIED"]
    );
    assert_eq!(
        app.put("/api/v1/users/7/password").session(&alex).json(&json!({"password": "12345678"})).send().status,
        403
    );
    let demote = app.put("/api/v1/users/7").session(&morgan).json(&json!({"role": "ADMIN"})).send();
    assert_eq!(demote.error_codes(), ["PERMISSION_DENIED"], "the last owner");
    assert_eq!(app.put("/api/v1/users/7").session(&morgan).json(&json!({"is_enabled": false})).send().status, 403);
    let pat = app.post("/api/v1/users").session(&morgan).json(&make_owner).send();
    assert_eq!(pat.status, 201, "{}", pat.text);
    let now_ok = app.put("/api/v1/users/7").session(&morgan).json(&json!({"role": "ADMIN"})).send();
    assert_eq!((now_ok.status, &now_ok.body["data"]["role_type"]), (200, &json!("ADMIN")));
    // The role changes for the session already open.
    assert_eq!(app.get("/api/v1/session").session(&morgan).send().body["data"]["user"]["role_type"], "ADMIN");
    assert_eq!(app.get("/api/v1/audit").session(&morgan).send().error_codes(), ["PERMISSION_DENIED"]);
}

#[test]
fn bad_input_is_reported_whole_and_changes_nothing() {
    let app = spawn_demo();
    let (alex, morgan) = (app.session(ALEX_ADMIN), app.session(MORGAN_OWNER));
    let before = audit(&app, &morgan).len();
    let r = app.post("/api/v1/users").session(&alex).json(&json!({"email": "not-an-email", "password": "x"})).send();
    assert_eq!(r.status, 400);
    let mut errors = r.errors();
    errors.sort();
    assert_eq!(
        errors,
        [
            ("FIELD_INVALID".to_owned(), "email".to_owned()),
            ("FIELD_INVALID".to_owned(), "password".to_owned()),
            ("FIELD_REQUIRED".to_owned(), "full_name".to_owned()),
            ("FIELD_REQUIRED".to_owned(), "role".to_owned()),
        ]
    );
    let taken = app
        .post("/api/v1/users")
        .session(&alex)
        .json(&json!({"full_name": "X", "email": SIMON, "role": "AGENT"}))
        .send();
    assert_eq!(taken.errors(), [("FIELD_INVALID".to_owned(), "email".to_owned())]);
    let no_team = json!({"full_name": "X", "email": "x@example.org", "role": "AGENT", "team_ids": "999"});
    assert_eq!(app.post("/api/v1/users").session(&alex).json(&no_team).send().errors()[0].1, "team_ids");
    let customer_team = json!({"full_name": "X", "email": "x@example.org", "role": "CUSTOMER", "team_ids": "1"});
    assert_eq!(app.post("/api/v1/users").session(&alex).json(&customer_team).send().status, 400);
    assert!(app.get("/api/v1/users?query=x@example.org&role=AGENT,CUSTOMER").session(&alex).send().ids().is_empty());
    let broken = app.post("/api/v1/teams").session(&alex).raw("application/json", b"{\"title\":").send();
    assert_eq!(broken.error_codes(), ["INVALID_REQUEST_BODY"]);
    assert_eq!(audit(&app, &morgan).len(), before, "nothing refused is audited");
}

#[test]
fn teams_and_organizations_with_their_members() {
    let app = spawn_demo();
    let (alex, simon) = (app.session(ALEX_ADMIN), app.session(SIMON));
    let team = app.post("/api/v1/teams").session(&alex).json(&json!({"title": "Espresso", "agent_ids": "1"})).send();
    let id = team.body["data"]["id"].as_i64().expect("team");
    assert_eq!(team.body["data"]["member_count"], 1);
    // Simon's own session sees his new team at once.
    let me = app.get("/api/v1/session").session(&simon).send();
    assert!(me.body["data"]["user"]["teams"].as_array().expect("teams").iter().any(|t| t["id"] == id));
    let added = app.post(&format!("/api/v1/teams/{id}/members")).session(&alex).form(&[("agent_ids", "5,6")]).send();
    assert_eq!(added.status, 200, "{}", added.text);
    assert_eq!(added.ids(), [1, 5, 6]);
    let customer = app.post(&format!("/api/v1/teams/{id}/members")).session(&alex).form(&[("agent_ids", "2")]).send();
    assert_eq!(customer.errors(), [("FIELD_INVALID".to_owned(), "agent_ids".to_owned())]);
    let removed = app.req("DELETE", &format!("/api/v1/teams/{id}/members?agent_ids=1,6")).session(&alex).send();
    assert_eq!(removed.ids(), [5]);
    let renamed = app.put(&format!("/api/v1/teams/{id}")).session(&alex).json(&json!({"title": "Espresso bar"})).send();
    assert_eq!(renamed.body["data"]["title"], "Espresso bar");
    // A team with a conversation: deleting it leaves the conversation with no team.
    let assign = app.put("/api/v1/conversations/2").session(&alex).json(&json!({"assigned_team_id": id})).send();
    assert_eq!(assign.status, 200, "{}", assign.text);
    assert_eq!(app.req("DELETE", &format!("/api/v1/teams/{id}")).session(&alex).send().status, 200);
    assert_eq!(app.get(&format!("/api/v1/teams/{id}")).session(&simon).send().status, 404);
    assert_eq!(app.get("/api/v1/conversations/2").session(&simon).send().body["data"]["assigned_team"], Value::Null);

    let org = app.post("/api/v1/organizations").session(&alex).json(&json!({"name": "Harbour Roasters"})).send();
    assert_eq!(org.status, 201, "{}", org.text);
    let org_id = org.body["data"]["id"].as_i64().expect("organization");
    let same = app.post("/api/v1/organizations").session(&alex).json(&json!({"name": "harbour roasters"})).send();
    assert_eq!(same.errors(), [("FIELD_INVALID".to_owned(), "name".to_owned())]);
    let moved = app.put("/api/v1/users/4").session(&alex).json(&json!({"organization_id": org_id})).send();
    assert_eq!(moved.body["data"]["organization"]["id"], org_id);
    let expanded = app.get("/api/v1/users/4?include=organization").session(&simon).send();
    assert_eq!(expanded.body["data"]["organization"]["name"], "Harbour Roasters");
    let members = app.get(&format!("/api/v1/organizations/{org_id}/members")).session(&simon).send();
    assert_eq!(members.ids(), [4]);
    assert_eq!(
        app.get(&format!("/api/v1/organizations/{org_id}")).session(&simon).send().body["data"]["member_count"],
        1
    );
    assert_eq!(app.req("DELETE", &format!("/api/v1/organizations/{org_id}")).session(&alex).send().status, 200);
    assert_eq!(app.get("/api/v1/users/4").session(&simon).send().body["data"]["organization"], Value::Null);
}

#[test]
fn statuses_priorities_and_types_change_and_what_is_in_use_stays() {
    let app = spawn_demo();
    let (alex, simon, caryn) = (app.session(ALEX_ADMIN), app.session(SIMON), app.session(CARYN));
    let s = app
        .post("/api/v1/cases/statuses")
        .session(&alex)
        .json(&json!({"label": "Waiting on parts", "type": "PENDING", "sort_order": 4}))
        .send();
    assert_eq!(s.status, 201, "{}", s.text);
    let sid = s.body["data"]["id"].as_i64().expect("status");
    assert_eq!(s.body["data"]["type"], "PENDING");
    // Usable at once.
    let used = app.put("/api/v1/conversations/1").session(&simon).json(&json!({"status_id": sid})).send();
    assert_eq!((used.status, used.body["data"]["status"]["id"].as_i64()), (200, Some(sid)), "{}", used.text);
    let in_use = app.req("DELETE", &format!("/api/v1/cases/statuses/{sid}")).session(&alex).send();
    assert_eq!(in_use.error_codes(), ["PERMISSION_DENIED"]);
    assert_eq!(app.req("DELETE", "/api/v1/cases/statuses/1").session(&alex).send().status, 403, "in use");
    let retype = app.put("/api/v1/cases/statuses/5").session(&alex).json(&json!({"type": "OPEN"})).send();
    assert_eq!(retype.errors(), [("FIELD_INVALID".to_owned(), "type".to_owned())], "the only CLOSED status");
    let renamed =
        app.put(&format!("/api/v1/cases/statuses/{sid}")).session(&alex).json(&json!({"label": "Parts"})).send();
    assert_eq!(renamed.body["data"]["label"], "Parts");
    assert_eq!(app.get(&format!("/api/v1/cases/statuses/{sid}")).session(&simon).send().body["data"]["label"], "Parts");

    let p = app.post("/api/v1/cases/priorities").session(&alex).form(&[("label", "Critical"), ("level", "9")]).send();
    let pid = p.body["data"]["id"].as_i64().expect("priority");
    assert_eq!(p.body["data"]["level"], 9);
    let changed = app.put(&format!("/api/v1/cases/priorities/{pid}")).session(&alex).json(&json!({"level": 5})).send();
    assert_eq!(changed.body["data"]["level"], 5);
    assert_eq!(app.req("DELETE", &format!("/api/v1/cases/priorities/{pid}")).session(&alex).send().status, 200);
    assert_eq!(app.get(&format!("/api/v1/cases/priorities/{pid}")).session(&simon).send().status, 404);

    let t = app.post("/api/v1/cases/types").session(&alex).json(&json!({"label": "Recall"})).send();
    let tid = t.body["data"]["id"].as_i64().expect("type");
    assert_eq!(t.body["data"]["type"], "CUSTOM");
    assert_eq!(app.req("DELETE", &format!("/api/v1/cases/types/{tid}")).session(&alex).send().status, 200);
    assert_eq!(app.post("/api/v1/cases/types").session(&alex).json(&json!({})).send().errors()[0].1, "label");

    // Settings take effect for the next request: customers stop seeing statuses, then see them again.
    assert_eq!(app.get("/api/v1/conversations/1").session(&caryn).send().body["data"]["status"]["id"], sid);
    let off = app.put("/api/v1/settings").session(&alex).form(&[("values[customers_see_status]", "false")]).send();
    assert_eq!(off.status, 200, "{}", off.text);
    assert_eq!(app.get("/api/v1/conversations/1").session(&caryn).send().body["data"]["status"], Value::Null);
    assert_eq!(
        app.put("/api/v1/settings").session(&alex).json(&json!({"customers_see_status": true})).send().status,
        200
    );
    assert_eq!(app.get("/api/v1/conversations/1").session(&caryn).send().body["data"]["status"]["id"], sid);
    let bad = app
        .put("/api/v1/settings")
        .session(&alex)
        .json(&json!({"values": {"customers_see_type": "perhaps", "colour": "red"}}))
        .send();
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["errors"].as_array().expect("errors").len(), 2);
}

#[test]
fn fields_with_options_and_forms_and_a_field_in_use_is_disabled_not_deleted() {
    let app = spawn_demo();
    let (alex, simon) = (app.session(ALEX_ADMIN), app.session(SIMON));
    let field = app
        .post("/api/v1/cases/fields")
        .session(&alex)
        .json(&json!({
            "type": "CASCADINGSELECT",
            "key": "machine_kind",
            "titles": [{"locale": "en-us", "translation": "Machine"}, {"locale": "de", "translation": "Maschine"}],
            "descriptions": [{"locale": "en-us", "translation": "Which machine?"}],
            "is_required": true,
            "options": [
                {"values": [{"locale": "en-us", "translation": "Espresso"}], "options": [
                    {"values": "Single group"}, {"values": "Double group"}
                ]},
                {"values": "Grinder"}
            ]
        }))
        .send();
    assert_eq!(field.status, 201, "{}", field.text);
    let data = &field.body["data"];
    let fid = data["id"].as_i64().expect("field");
    assert_eq!(data["resource_type"], "case_field");
    assert_eq!(data["titles"].as_array().expect("titles").len(), 2);
    assert_eq!(data["is_enabled"], true);
    let options =
        app.get(&format!("/api/v1/cases/fields/{fid}?include=field_option,locale_field")).session(&simon).send();
    let options = options.body["data"]["options"].as_array().expect("options").clone();
    assert_eq!(options.len(), 4);
    let espresso = options.iter().find(|o| o["values"][0]["translation"] == "Espresso").expect("espresso");
    let single = options.iter().find(|o| o["values"][0]["translation"] == "Single group").expect("nested");
    assert_eq!(single["parent"]["id"], espresso["id"]);

    let regex = app
        .post("/api/v1/cases/fields")
        .session(&alex)
        .json(&json!({"type": "REGEX", "key": "serial", "title": "Serial", "regular_expression": "([a-z"}))
        .send();
    assert_eq!(regex.errors(), [("FIELD_INVALID".to_owned(), "regular_expression".to_owned())]);
    let dup = app
        .post("/api/v1/cases/fields")
        .session(&alex)
        .json(&json!({"type": "TEXT", "key": "machine_kind", "title": "X"}))
        .send();
    assert_eq!(dup.errors(), [("FIELD_INVALID".to_owned(), "key".to_owned())]);

    // A form with it, made the default; a second default replaces the first.
    let form = app
        .post("/api/v1/cases/forms")
        .session(&alex)
        .json(&json!({"title": "Machine repair", "field_ids": format!("{fid},10"), "is_default": true}))
        .send();
    assert_eq!(form.status, 201, "{}", form.text);
    let form_id = form.body["data"]["id"].as_i64().expect("form");
    assert_eq!(form.body["data"]["fields"][0]["id"], fid);
    let other = app.put("/api/v1/cases/forms/1").session(&alex).json(&json!({"is_default": true})).send();
    assert_eq!(other.body["data"]["is_default"], true);
    assert_eq!(
        app.get(&format!("/api/v1/cases/forms/{form_id}")).session(&simon).send().body["data"]["is_default"],
        false
    );

    // Customers see the new field at once, and a conversation holds a value for it.
    let public = app.get("/api/v1/conversations/fields?limit=100").send();
    assert!(public.ids().contains(&fid));
    let grinder = options.iter().find(|o| o["values"][0]["translation"] == "Grinder").expect("grinder")["id"].clone();
    let c = app
        .post("/api/v1/conversations")
        .session(&simon)
        .json(&json!({"subject": "Grinder", "contents": "Burrs", "email": CARYN,
                      "field_values": {"machine_kind": grinder.to_string()}}))
        .send();
    assert_eq!(c.status, 201, "{}", c.text);
    let cid = c.body["data"]["id"].as_i64().expect("conversation");

    // An option in use cannot be left out; the field cannot be deleted, only disabled.
    let drop = app
        .put(&format!("/api/v1/cases/fields/{fid}"))
        .session(&alex)
        .json(&json!({"options": [{"id": espresso["id"], "values": "Espresso"}]}))
        .send();
    assert_eq!(drop.errors(), [("FIELD_INVALID".to_owned(), "options".to_owned())]);
    assert_eq!(
        app.req("DELETE", &format!("/api/v1/cases/fields/{fid}")).session(&alex).send().error_codes(),
        ["PERMISSION_DENIED"]
    );
    let off = app.put(&format!("/api/v1/cases/fields/{fid}")).session(&alex).json(&json!({"is_enabled": false})).send();
    assert_eq!(off.body["data"]["is_enabled"], false);
    assert!(!app.get("/api/v1/conversations/fields?limit=100").send().ids().contains(&fid));
    let refused = app
        .post("/api/v1/conversations")
        .session(&simon)
        .json(&json!({"subject": "Again", "contents": "x", "email": CARYN, "field_values": {"machine_kind": grinder.to_string()}}))
        .send();
    assert_eq!(refused.errors(), [("FIELD_INVALID".to_owned(), "field_values.machine_kind".to_owned())]);
    let kept = app.get(&format!("/api/v1/conversations/{cid}")).session(&simon).send();
    assert!(kept.body["data"]["custom_fields"].as_array().expect("values").iter().any(|v| v["field"]["id"] == fid));

    // A field nobody used goes; so does a form.
    let spare = app
        .post("/api/v1/cases/fields")
        .session(&alex)
        .json(&json!({"type": "TEXT", "key": "spare", "title": "Spare"}))
        .send();
    let spare = spare.body["data"]["id"].as_i64().expect("spare");
    assert_eq!(app.req("DELETE", &format!("/api/v1/cases/fields/{spare}")).session(&alex).send().status, 200);
    assert_eq!(app.req("DELETE", &format!("/api/v1/cases/forms/{form_id}")).session(&alex).send().status, 200);
    assert_eq!(app.get(&format!("/api/v1/conversations/forms/{form_id}")).send().status, 404);

    let morgan = app.session(MORGAN_OWNER);
    let fields = app.get("/api/v1/audit?resource_type=case_field&limit=100").session(&morgan).send();
    let actions: Vec<&str> =
        fields.body["data"].as_array().expect("entries").iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions, ["field.delete", "field.create", "field.update", "field.create"]);
}

#[test]
fn the_messenger_words_and_token_change_without_a_restart() {
    let app = spawn_demo();
    let alex = app.session(ALEX_ADMIN);
    let r = app
        .put("/api/v1/settings")
        .session(&alex)
        .json(&json!({"values": {"messenger_team_name": "Brewfictus Support", "messenger_greeting": "Ask the baristas",
                                 "messenger_reply_time": "Back within the hour"}}))
        .send();
    assert_eq!(r.status, 200, "{}", r.text);
    let starter = app.get("/api/v1/conversations/starter").send().body;
    assert_eq!(starter["data"]["team_name"], "Brewfictus Support");
    assert_eq!(starter["data"]["greeting"], "Ask the baristas");
    assert_eq!(starter["data"]["reply_time_text"], "Back within the hour");
    let cleared = app.put("/api/v1/settings").session(&alex).json(&json!({"messenger_greeting": ""})).send();
    assert_eq!(cleared.status, 200);
    assert_eq!(app.get("/api/v1/conversations/starter").send().body["data"]["greeting"], Value::Null);

    let old = parley::commands::user::messenger_token(app.dir.path(), false).expect("token");
    let rotated = app.post("/api/v1/messenger/token").session(&alex).send();
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    let new = rotated.body["data"]["token"].as_str().expect("token").to_owned();
    assert_ne!(new, old);
    assert_eq!(
        parley::commands::user::messenger_token(app.dir.path(), false).expect("token"),
        new,
        "the key file holds it"
    );
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs().to_string();
    let signed = |key: &str| {
        let signature = parley::auth::verify::sign(key, "Caryn Pryor", CARYN, &now);
        app.get("/api/v1/conversations")
            .fingerprint(&new_fingerprint())
            .header("X-Identity-Name", "Caryn Pryor")
            .header("X-Identity-Email", CARYN)
            .header("X-Identity-Timestamp", &now)
            .header("X-Identity-Signature", &signature)
            .send()
    };
    assert_eq!(signed(&old).status, 401, "the old token no longer signs");
    assert_eq!(signed(&new).status, 200);
    let morgan = app.session(MORGAN_OWNER);
    let log = app.get("/api/v1/audit").session(&morgan).send().text;
    assert!(log.contains("messenger_token.rotate") && !log.contains(&new) && !log.contains(&old), "{log}");
}

#[test]
fn signing_out_disabling_or_a_new_password_ends_live_streams_too() {
    let app = spawn_with(true, |c| c.heartbeat_seconds = 1);
    let alex = app.session(ALEX_ADMIN);
    let channel = app.get("/api/v1/conversations/1").session(&alex).send().body["data"]["realtime_channel"]
        .as_str()
        .expect("channel")
        .to_owned();
    let listen = |session: &str| crate::realtime::sse(&app, &channel, &[("X-Session-ID", session)]).expect("subscribe");
    let stays = std::time::Duration::from_millis(2500);
    let ends = std::time::Duration::from_secs(10);

    let simon = app.session(SIMON);
    let stream = listen(&simon);
    assert!(!stream.ends_within(stays), "a standing session keeps its stream");
    assert_eq!(app.put("/api/v1/users/1").session(&alex).json(&json!({"is_enabled": false})).send().status, 200);
    assert!(stream.ends_within(ends), "disabling Simon ends his stream");
    assert_eq!(app.put("/api/v1/users/1").session(&alex).json(&json!({"is_enabled": true})).send().status, 200);

    let simon = app.session(SIMON);
    let stream = listen(&simon);
    let r = app.put("/api/v1/users/1/password").session(&alex).json(&json!({"password": "another-roast"})).send();
    assert_eq!(r.status, 200);
    assert!(stream.ends_within(ends), "a new password ends his stream");

    let jordan = app.session(JORDAN);
    let stream = listen(&jordan);
    assert_eq!(app.req("DELETE", "/api/v1/session").session(&jordan).send().status, 200);
    assert!(stream.ends_within(ends), "signing out ends the stream");
}
