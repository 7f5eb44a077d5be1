//! `parley export` and `parley import` as the command line runs them: the
//! demo world, with admin changes, a device and an upload on top, exported
//! while its server runs and imported into an empty instance, answers every
//! API request the same; an instance with data is refused unless merging,
//! and a merge adds what is new and keeps what both hold.

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::helpers::*;
use crate::process::{self, PARLEY};
use serde_json::{json, Value};

/// Runs the binary; its exit status, stdout and stderr.
fn parley(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(PARLEY).args(args).output().expect("run parley");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A response with this server's address and the moments of sign-in taken out.
fn normalised(app: &TestApp, mut v: Value) -> Value {
    fn walk(v: &mut Value, base: &str) {
        match v {
            Value::Object(m) => {
                for key in ["last_activity_at", "last_active_at", "last_seen_at", "session_id", "is_online"] {
                    m.remove(key);
                }
                m.values_mut().for_each(|v| walk(v, base));
            }
            Value::Array(a) => a.iter_mut().for_each(|v| walk(v, base)),
            Value::String(s) if s.contains(base) => *s = s.replace(base, "BASE"),
            _ => {}
        }
    }
    walk(&mut v, &app.base);
    v
}

/// Every resource the API shows an owner, a customer and a device.
fn world(app: &TestApp, device: &str) -> Vec<(String, Value)> {
    let owner = app.session(MORGAN);
    let caryn = app.session(CARYN);
    let mut paths: Vec<String> = [
        "/api/v1/users?limit=100",
        "/api/v1/users?limit=100&is_enabled=false",
        "/api/v1/teams",
        "/api/v1/organizations?limit=100",
        "/api/v1/roles",
        "/api/v1/cases/statuses",
        "/api/v1/cases/priorities",
        "/api/v1/cases/types",
        "/api/v1/cases/fields?limit=100&include=field_option,locale_field",
        "/api/v1/cases/forms?include=locale_field",
        "/api/v1/settings",
        "/api/v1/audit?limit=100",
        "/api/v1/conversations?limit=100",
    ]
    .map(String::from)
    .to_vec();
    let list = app.get("/api/v1/conversations?limit=100").session(&owner).send();
    assert!(list.ids().len() > 20);
    for id in list.ids() {
        paths.push(format!("/api/v1/conversations/{id}?include=*"));
        paths.push(format!("/api/v1/conversations/{id}/messages?limit=100&include=*"));
        paths.push(format!("/api/v1/conversations/{id}/participants?limit=100"));
        paths.push(format!("/api/v1/conversations/{id}/ratings"));
    }
    for id in app.get("/api/v1/users?limit=100").session(&owner).send().ids() {
        paths.push(format!("/api/v1/users/{id}"));
        paths.push(format!("/api/v1/teams/{}", 1));
    }
    let mut out = Vec::new();
    for path in &paths {
        let r = app.get(path).session(&owner).send();
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        out.push((format!("owner {path}"), normalised(app, r.body)));
    }
    for path in [
        "/api/v1/conversations?limit=100&include=*",
        "/api/v1/conversations/forms",
        "/api/v1/conversations/fields?limit=100",
    ] {
        out.push((format!("customer {path}"), normalised(app, app.get(path).session(&caryn).send().body)));
    }
    let mine = app.get("/api/v1/conversations?limit=100").fingerprint(device).send();
    assert_eq!(mine.ids().len(), 1, "the device's own conversation");
    out.push(("device conversations".into(), normalised(app, mine.body)));
    // Attachment bytes, through their URLs.
    for (_, body) in out.clone() {
        let text = body.to_string();
        for url in text.split('"').filter(|s| s.starts_with("BASE/") && s.ends_with("/url")) {
            let (status, _, bytes) = app.get(&url.replacen("BASE", "", 1)).session(&owner).send_bytes();
            assert_eq!(status, 200, "{url}");
            let digest: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
            out.push((format!("{url} bytes"), json!(digest)));
        }
    }
    out
}

#[test]
fn an_export_imported_into_an_empty_instance_answers_every_request_the_same() {
    let a = spawn_demo();
    // On top of the demo: admin changes (and so audit entries), a device, an upload.
    let alex = a.session(ALEX);
    let field = a
        .post("/api/v1/cases/fields")
        .session(&alex)
        .json(&json!({"type": "SELECT", "key": "bean", "title": "Bean", "options": ["Arabica", "Robusta"]}))
        .send();
    assert_eq!(field.status, 201, "{}", field.text);
    assert_eq!(
        a.post("/api/v1/teams").session(&alex).json(&json!({"title": "Roastery", "agent_ids": "1"})).send().status,
        201
    );
    assert_eq!(a.put("/api/v1/users/6").session(&alex).json(&json!({"is_enabled": false})).send().status, 200);
    let device = new_fingerprint();
    a.device_conversation(&device, "Pat Doe", "pat@example.org", "From my phone");
    let simon = a.session(SIMON);
    let upload = a
        .post("/api/v1/conversations/1/messages")
        .session(&simon)
        .parts(&[Part::text("contents", "Photo attached"), Part::file("files", "shot.png", "image/png", &png(40, 30))])
        .send();
    assert_eq!(upload.status, 201, "{}", upload.text);
    // The reply goes out by mail: the export is taken once it has, so that
    // both instances tell of the same delivery.
    crate::mail::sent_count(&a, 1);
    eventually("the delivery is recorded", || {
        a.db()
            .query_row("SELECT COUNT(*) FROM message_mail WHERE delivery = 'QUEUED'", [], |r| r.get::<_, i64>(0))
            .is_ok_and(|n| n == 0)
    });

    let work = tempfile::tempdir().expect("dir");
    let archive = work.path().join("instance.zip");
    let (ok, stdout, stderr) =
        parley(&["export", archive.to_str().expect("path"), "--data-dir", a.dir.path().to_str().expect("path")]);
    assert!(ok, "{stderr}");
    assert!(stdout.starts_with("exported ") && stdout.contains("files to"), "{stdout}");
    assert!(
        stderr.lines().any(|l| l.starts_with("exported messages: ")),
        "plain progress lines off a terminal: {stderr}"
    );

    let target = tempfile::tempdir().expect("dir");
    let data = target.path().to_str().expect("path").to_owned();
    let (ok, stdout, stderr) = parley(&["import", archive.to_str().expect("path"), "--data-dir", &data]);
    assert!(ok, "{stderr}");
    assert!(stdout.starts_with("imported "), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(target.path().join("messenger.key")).expect("key"),
        std::fs::read_to_string(a.dir.path().join("messenger.key")).expect("key"),
        "signed identities keep verifying"
    );
    let b = spawn_in_dir(target, |_| {});

    let (before, after) = (world(&a, &device), world(&b, &device));
    assert_eq!(before.len(), after.len());
    for ((path, x), (_, y)) in before.iter().zip(&after) {
        assert_eq!(x, y, "{path} differs after the round trip");
    }
    // And the instance works on: Simon signs in with his password and replies.
    let r = b
        .post("/api/v1/conversations/1/messages")
        .basic(SIMON, PASSWORD)
        .json(&json!({"contents": "Still here"}))
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
}

#[test]
fn an_instance_with_data_is_refused_unless_merging_and_a_merge_keeps_what_both_hold() {
    let a = spawn_demo();
    let work = tempfile::tempdir().expect("dir");
    let archive = work.path().join("demo.zip");
    let a_dir = a.dir.path().to_str().expect("path").to_owned();
    assert!(parley(&["export", archive.to_str().expect("path"), "--data-dir", &a_dir]).0);

    // Another instance, run as its own process: one owner, one conversation of its own.
    let target = Arc::new(tempfile::tempdir().expect("dir"));
    let data = target.path().to_str().expect("path").to_owned();
    let (ok, _, stderr) = parley(&[
        "user",
        "add",
        "--data-dir",
        &data,
        "--init",
        "--name",
        "Quinn Ode",
        "--email",
        "quinn@example.org",
        "--role",
        "OWNER",
        "--password",
        PASSWORD,
    ]);
    assert!(ok, "{stderr}");
    let mut server = process::serve(target.path(), &[]);
    let b = TestApp::at(&server.base, target.clone());
    let quinn = server.session("quinn@example.org");
    let own = b
        .post("/api/v1/conversations")
        .session(&quinn)
        .json(&json!({"subject": "Our own", "contents": "Hello", "email": CARYN, "name": "Caryn P."}))
        .send();
    assert_eq!(own.status, 201, "{}", own.text);
    let own_id = own.body["data"]["id"].as_i64().expect("id");
    let (ok, _, stderr) = parley(&["import", archive.to_str().expect("path"), "--data-dir", &data, "--merge"]);
    assert!(!ok && stderr.contains("a server is running"), "an import waits for the server to stop: {stderr}");
    server.terminate();
    assert!(server.exits_within(Duration::from_secs(10)).is_some_and(|s| s.success()));

    let (ok, _, stderr) = parley(&["import", archive.to_str().expect("path"), "--data-dir", &data]);
    assert!(!ok);
    assert!(stderr.contains("--merge"), "{stderr}");
    let not_an_export = work.path().join("notes.zip");
    std::fs::write(&not_an_export, b"PK but not really").expect("write");
    let (ok, _, stderr) = parley(&["import", not_an_export.to_str().expect("path"), "--data-dir", &data, "--merge"]);
    assert!(!ok && stderr.contains("is not a Parley export"), "{stderr}");
    let (ok, stdout, stderr) = parley(&["import", archive.to_str().expect("path"), "--data-dir", &data, "--merge"]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("kept"), "{stdout}");
    // Merging the same export again adds nothing.
    let (ok, again, _) = parley(&["import", archive.to_str().expect("path"), "--data-dir", &data, "--merge"]);
    assert!(ok && again.starts_with("imported 0 rows"), "{again}");

    let b = spawn_at(target);
    let owner = b.session("quinn@example.org");
    let all = b.get("/api/v1/conversations?limit=100").session(&owner).send();
    assert_eq!(all.ids().len(), 25, "the demo's 24 and its own");
    assert!(all.ids().contains(&own_id));
    // Caryn existed in both (by email): one Caryn, kept as this instance had her, who
    // requested both this instance's conversation and the demo's.
    let caryns = b.get("/api/v1/users?query=caryn@atmospherecoffee.com&role=CUSTOMER").session(&owner).send();
    assert_eq!(caryns.ids().len(), 1);
    assert_eq!(caryns.body["data"][0]["full_name"], "Caryn P.");
    let caryn = caryns.ids()[0];
    let hers = b.get(&format!("/api/v1/conversations?limit=100&requester_id={caryn}")).session(&owner).send();
    assert!(hers.ids().contains(&own_id) && hers.ids().len() > 1, "{}", hers.text);
    // A field value naming an option follows the option's new id: the same labels as in the demo.
    assert_eq!(option_values(&a, &a.session(MORGAN)), option_values(&b, &owner));
}

/// Every option-type field value of every conversation, as `subject: key = label`.
fn option_values(app: &TestApp, session: &str) -> Vec<String> {
    let fields = app.get("/api/v1/cases/fields?limit=100&include=field_option,locale_field").session(session).send();
    let mut label = std::collections::HashMap::new();
    let mut keys = std::collections::HashMap::new();
    for f in fields.body["data"].as_array().expect("fields") {
        keys.insert(f["id"].as_i64().expect("id"), f["key"].as_str().expect("key").to_owned());
        for o in f["options"].as_array().expect("options") {
            label.insert(
                o["id"].as_i64().expect("id"),
                o["values"][0]["translation"].as_str().expect("label").to_owned(),
            );
        }
    }
    let list = app.get("/api/v1/conversations?limit=100").session(session).send();
    let mut out = Vec::new();
    for c in list.body["data"].as_array().expect("list") {
        for v in c["custom_fields"].as_array().expect("values") {
            let key = &keys[&v["field"]["id"].as_i64().expect("field")];
            let text = v["value"].as_str().unwrap_or_default();
            let named: Vec<String> = text
                .split(',')
                .map(|part| {
                    part.trim().parse::<i64>().ok().and_then(|id| label.get(&id).cloned()).unwrap_or(part.to_owned())
                })
                .collect();
            out.push(format!("{}: {key} = {}", c["subject"].as_str().unwrap_or_default(), named.join(",")));
        }
    }
    out.sort();
    out
}
