//! What the server remembers stays exact: every page of every inbox view, at
//! every offset, equals what the database holds, before and after the writes
//! that change what a view holds or its order; the catalog follows every
//! committed change of its tables; a page of messages counts exactly what the
//! conversation holds; a remembered identity ends with its session.

use serde_json::json;

use crate::helpers::*;
use parley::db::manage;

/// The views the agent inbox offers, plus combinations no single index serves.
const VIEWS: &[&str] = &[
    "",
    "status=OPEN",
    "status=NEW",
    "assigned_agent_id=none",
    "assigned_agent_id=1",
    "assigned_team_id=1",
    "priority_id=2",
    "requester_id=2",
    "status=OPEN&assigned_agent_id=none",
    "priority=2",
];

/// What a view holds, newest first, straight from the file.
fn expected(app: &TestApp, view: &str) -> Vec<i64> {
    let mut cond = vec!["1".to_owned()];
    for pair in view.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').expect("k=v");
        cond.push(match (k, v) {
            ("status", kind) => format!("c.status_id IN (SELECT id FROM case_statuses WHERE type = '{kind}')"),
            ("priority", level) => format!("c.priority_id IN (SELECT id FROM case_priorities WHERE level <= {level})"),
            (column, "none") => format!("c.{column} IS NULL"),
            (column, id) => format!("c.{column} = {id}"),
        });
    }
    let sql =
        format!("SELECT c.id FROM conversations c WHERE {} ORDER BY c.created_at DESC, c.id DESC", cond.join(" AND "));
    let db = app.db();
    let mut stmt = db.prepare(&sql).expect("oracle query");
    let ids = stmt.query_map([], |r| r.get(0)).expect("rows").collect::<Result<_, _>>().expect("ids");
    ids
}

/// Reads pages of `view` at many offsets, each twice (the second from what the
/// server remembers), and compares each with the file.
fn check_every_page(app: &TestApp, session: &str, view: &str) {
    let want = expected(app, view);
    let n = want.len() as i64;
    let mut offsets = vec![0, 1, 3, 4, 7, n - 1, n, n + 5];
    offsets.retain(|o| *o >= 0);
    for offset in offsets.into_iter().chain(0..n) {
        for _ in 0..2 {
            let sep = if view.is_empty() { "" } else { "&" };
            let r =
                app.get(&format!("/api/v1/conversations?{view}{sep}offset={offset}&limit=4")).session(session).send();
            assert_eq!(r.status, 200, "{view} @ {offset}: {}", r.text);
            let page: Vec<i64> = want.iter().skip(offset as usize).take(4).copied().collect();
            assert_eq!(r.ids(), page, "view `{view}` at offset {offset}");
            assert_eq!(r.body["total_count"], n, "total of `{view}`");
        }
    }
}

#[test]
fn every_page_of_every_view_stays_exact_through_the_writes_that_change_views() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let check = || {
        for view in VIEWS {
            check_every_page(&app, &simon, view);
        }
    };
    check();
    // New conversations: from a device, and by an agent for a customer.
    let phone = new_fingerprint();
    for subject in ["First from the widget", "Second from the widget"] {
        assert_eq!(app.device_conversation(&phone, "Pat Doe", "pat@example.org", subject).status, 201);
    }
    let r = app
        .post("/api/v1/conversations")
        .session(&simon)
        .json(&json!({"subject": "Called in", "contents": "Logged from a call", "email": CARYN}))
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
    let created = r.body["data"]["id"].as_i64().expect("id");
    check();
    // Status, assignment, team and priority move conversations between views.
    for (id, change) in [
        (created, json!({"status_id": 2})),
        (3, json!({"assigned_agent_id": 1})),
        (created, json!({"assigned_team_id": 1, "priority_id": 2})),
        (4, json!({"assigned_agent_id": null, "status_id": 2})),
    ] {
        let r = app.put(&format!("/api/v1/conversations/{id}")).session(&simon).json(&change).send();
        assert_eq!(r.status, 200, "{change}: {}", r.text);
        check();
    }
    // A reply changes no view's membership or order, and lists still show it.
    let r =
        app.post("/api/v1/conversations/3/messages").session(&simon).json(&json!({"contents": "Still there?"})).send();
    assert_eq!(r.status, 201, "{}", r.text);
    let listed = app.get("/api/v1/conversations?limit=100").session(&simon).send();
    let three = listed.body["data"].as_array().expect("list").iter().find(|c| c["id"] == 3).expect("listed").clone();
    assert_eq!(three["last_message_preview"], "Still there?", "rows are read fresh, only positions are remembered");
    check();
}

#[test]
fn a_device_and_a_customer_see_exactly_their_own_through_new_conversations() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let phone = new_fingerprint();
    let mut mine = vec![];
    for i in 0..5 {
        let r = app.device_conversation(&phone, "Pat Doe", "pat@example.org", &format!("Question {i}"));
        mine.insert(0, r.body["data"]["id"].as_i64().expect("id"));
        let listed = app.get("/api/v1/conversations?limit=100").fingerprint(&phone).send();
        assert_eq!(listed.ids(), mine);
        assert_eq!(listed.body["total_count"], mine.len());
        let second = app.get("/api/v1/conversations?offset=1&limit=2").fingerprint(&phone).send();
        assert_eq!(second.ids(), mine.iter().skip(1).take(2).copied().collect::<Vec<_>>());
    }
    let before = app.get("/api/v1/conversations?limit=100").session(&caryn).send();
    let r = app
        .post("/api/v1/conversations")
        .session(&caryn)
        .json(&json!({"subject": "One more", "contents": "From the help center"}))
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
    let after = app.get("/api/v1/conversations?limit=100").session(&caryn).send();
    assert_eq!(after.body["total_count"], before.body["total_count"].as_i64().expect("total") + 1);
    assert_eq!(after.ids()[0], r.body["data"]["id"].as_i64().expect("id"));
    assert_eq!(after.ids()[1..], before.ids()[..]);
}

#[test]
fn the_catalog_follows_every_committed_change_of_its_tables() {
    let dir = tempfile::tempdir().expect("dir");
    let (db, _) = parley::db::Db::open(&dir.path().join("parley.db"), true).expect("demo database");
    let before = db.catalog().expect("catalog");
    assert_eq!(before.teams.len(), 2);
    assert!(std::sync::Arc::ptr_eq(&before, &db.catalog().expect("catalog")), "unchanged tables: the same snapshot");
    let added: i64 = db.write_blocking(|c| manage::create_team(c, "Night shift", 0)).expect("insert");
    let after = db.catalog().expect("catalog");
    assert_eq!(after.teams[&added].title, "Night shift");
    let waiting = manage::LookupChange { label: Some("Waiting".into()), kind: None, order: None };
    db.write_blocking(move |c| manage::update_lookup(c, manage::Lookup::Status, 3, &waiting, 0)).expect("update");
    assert_eq!(db.catalog().expect("catalog").statuses[&3].label, "Waiting");
    // A write that failed changed nothing, and the catalog shows nothing of it.
    let failed = db.write_blocking(move |c| {
        manage::delete_team(c, added)?;
        Err::<(), _>(parley::error::ApiError::Internal("on purpose".into()))
    });
    assert!(failed.is_err());
    assert!(db.catalog().expect("catalog").teams.contains_key(&added));
}

#[test]
fn a_page_of_messages_counts_exactly_what_the_conversation_holds() {
    let app = spawn_demo();
    let simon = app.session("simon@brewfictus.com");
    let caryn = app.session("caryn@atmospherecoffee.com");
    let stored = |id: i64| -> i64 {
        app.db()
            .query_row("SELECT COUNT(*) FROM messages WHERE conversation_id = ?1", [id], |r| r.get(0))
            .expect("count")
    };
    for round in 0..3 {
        for (who, session) in [("simon", &simon), ("caryn", &caryn)] {
            let r = app
                .post("/api/v1/conversations/1/messages")
                .session(session)
                .json(&json!({"contents": format!("{who} writes, round {round}")}))
                .send();
            assert_eq!(r.status, 201, "{}", r.text);
            let page = app.get("/api/v1/conversations/1/messages?limit=2").session(&simon).send();
            assert_eq!(page.body["total_count"], stored(1), "{}", page.text);
            assert_eq!(page.body["data"][0]["id"], r.body["data"]["id"], "the newest comes first");
        }
    }
    // A conversation started with a message counts it.
    let r = app
        .post("/api/v1/conversations")
        .session(&caryn)
        .json(&json!({"subject": "Counted", "contents": "One"}))
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["data"]["id"].as_i64().expect("id");
    let page = app.get(&format!("/api/v1/conversations/{id}/messages")).session(&simon).send();
    assert_eq!((page.body["total_count"].as_i64(), stored(id)), (Some(1), 1), "{}", page.text);
}

#[test]
fn a_remembered_session_stops_working_when_it_expires() {
    let app = spawn_with(true, |c| c.session_ttl = 2);
    let simon = app.session("simon@brewfictus.com");
    // Used again and again (each worker remembers it), then left alone: it
    // expires on time all the same.
    for _ in 0..8 {
        assert_eq!(app.get("/api/v1/conversations/1").session(&simon).send().status, 200);
    }
    eventually("the session expires", || {
        app.get("/api/v1/conversations/1").session(&simon).send().error_codes() == ["AUTHENTICATION_FAILED"]
    });
}

#[test]
fn a_sessions_use_is_recorded_after_the_answer_and_keeps_it_alive() {
    let app = spawn_with(true, |c| c.session_ttl = 300);
    let simon = app.session("simon@brewfictus.com");
    // Last used four minutes ago: one more minute and it would expire.
    app.db().execute("UPDATE sessions SET last_used_at = unixepoch() - 240", []).expect("age the session");
    assert_eq!(app.get("/api/v1/conversations/1").session(&simon).send().status, 200);
    let used = || -> i64 {
        app.db()
            .query_row("SELECT unixepoch() - MAX(last_used_at) FROM sessions WHERE user_id = 1", [], |r| r.get(0))
            .expect("last use")
    };
    eventually("the session's use is recorded", || used() < 10);
    let active: Option<i64> = app
        .db()
        .query_row("SELECT unixepoch() - last_activity_at FROM users WHERE id = 1", [], |r| r.get(0))
        .expect("activity");
    assert!(active.is_some_and(|a| a < 10), "{active:?}");
}
