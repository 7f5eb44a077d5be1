//! `GET /api/v1/search`: the index follows every write in its transaction,
//! the query language, hostile input, resources, sorting and who may search.

use serde_json::json;

use super::{found, hits, note, reply, search};
use crate::helpers::*;

#[test]
fn what_is_written_is_found_at_once_and_edits_and_deletes_follow() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let caryn = app.session(CARYN);
    // A message: findable the moment its 201 arrives.
    let mid = reply(&app, &caryn, 1, "The flux capacitor on our roaster is humming again");
    assert_eq!(found(&app, &simon, "capacitor"), vec![1]);
    // A subject change: the new words find it, the old ones no longer do.
    let put = app.put("/api/v1/conversations/4").session(&simon).json(&json!({"subject": "Zanzibar invoice"})).send();
    assert_eq!(put.status, 200, "{}", put.text);
    assert_eq!(found(&app, &simon, "zanzibar"), vec![4]);
    let old: i64 = app
        .db()
        .query_row(
            "SELECT COUNT(*) FROM conversation_search WHERE conversation_search MATCH 'subject:VAT' AND rowid = 4",
            [],
            |r| r.get(0),
        )
        .expect("old subject");
    assert_eq!(old, 0, "the old subject left the index");
    // A requester renamed: their conversations follow the new name.
    let put =
        app.put("/api/v1/users/3").session(&app.session(ALEX)).json(&json!({"full_name": "Quentin Quibble"})).send();
    assert_eq!(put.status, 200, "{}", put.text);
    let quentin = found(&app, &simon, "quibble");
    let theirs: Vec<i64> = {
        let db = app.db();
        let mut stmt = db.prepare("SELECT id FROM conversations WHERE requester_id = 3 ORDER BY id").expect("q");
        stmt.query_map([], |r| r.get(0)).expect("rows").map(Result::unwrap).collect()
    };
    let mut sorted = quentin.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, theirs);
    // A note, then its edit.
    let n = note(&app, &simon, 2, "Gasket batch 7781 is faulty");
    assert_eq!(found(&app, &simon, "7781"), vec![2]);
    let path = format!("/api/v1/conversations/2/notes/{}", n["id"]);
    let put = app.put(&path).session(&simon).json(&json!({"contents": "Gasket batch 7782 is faulty"})).send();
    assert_eq!(put.status, 200, "{}", put.text);
    assert!(found(&app, &simon, "7781").is_empty());
    assert_eq!(found(&app, &simon, "7782"), vec![2]);
    // A message deleted from the file (as an import's clear or merge does): gone from the index too.
    app.db().execute("DELETE FROM messages WHERE id = ?1", [mid]).expect("delete");
    assert!(found(&app, &simon, "capacitor").is_empty());
    // The index agrees with its tables.
    for index in ["message_search", "note_search", "user_search", "organization_search", "conversation_search"] {
        app.db()
            .execute(&format!("INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', 1)"), [])
            .unwrap_or_else(|e| panic!("{index}: {e}"));
    }
}

#[test]
fn diacritics_prefixes_phrases_and_exclusions() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    reply(&app, &simon, 3, "Your café crème order ships Friday");
    reply(&app, &simon, 12, "A cafe creme voucher is attached");
    reply(&app, &simon, 7, "Refunds take five days; the refunded amount shows on your statement");
    let both = |q: &str| {
        let mut ids = found(&app, &simon, q);
        ids.sort_unstable();
        ids
    };
    assert_eq!(both("cafe creme"), vec![3, 12]);
    assert_eq!(both("CAFÉ CRÈME"), vec![3, 12]);
    assert_eq!(both("\"creme order\""), vec![3]);
    assert_eq!(both("creme -voucher"), vec![3]);
    assert_eq!(both("refun*"), vec![7]);
    assert!(both("refun").is_empty(), "a word without * is a whole word");
    // Newest first: the later message's conversation leads.
    assert_eq!(found(&app, &simon, "creme"), vec![12, 3]);
    // Hits carry the resource, a highlighted snippet and Kayako's fields.
    let r = search(&app, &simon, "voucher", "");
    let hit = &hits(&r.body)[0];
    assert_eq!(hit["resource"], "conversation");
    assert_eq!(hit["resource_type"], "search_result");
    assert_eq!(hit["data"], json!({"id": 12, "resource_type": "conversation"}));
    assert!(hit["snippet"].as_str().expect("snippet").contains("<em>voucher</em>"), "{hit}");
    assert_eq!(hit["title"], "House blend tastes darker than usual");
    assert_eq!(r.body["total_count"], 1);
}

#[test]
fn snippets_are_escaped_html() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    reply(&app, &caryn, 1, "<script>alert('grommet')</script> & <b>bold</b>");
    let r = search(&app, &app.session(SIMON), "grommet", "");
    let snippet = hits(&r.body)[0]["snippet"].as_str().expect("snippet").to_owned();
    assert!(snippet.contains("&lt;script&gt;"), "{snippet}");
    assert!(!snippet.contains("<script>") && !snippet.contains("<b>"), "{snippet}");
    assert!(snippet.contains("<em>grommet</em>"), "{snippet}");
}

#[test]
fn filters_narrow_by_status_assignee_channel_author_and_time() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let caryn = app.session(CARYN);
    // Conversation 1 is Caryn's MAIL conversation, assigned to Simon; 3 is a messenger one of Alex's.
    reply(&app, &caryn, 1, "The wobbly tamper again");
    reply(&app, &simon, 3, "Wobbly tamper? We will send a new one");
    let sorted = |q: &str| {
        let mut ids = found(&app, &simon, q);
        ids.sort_unstable();
        ids
    };
    assert_eq!(sorted("wobbly"), vec![1, 3]);
    assert_eq!(sorted("wobbly assignee:me"), vec![1]);
    assert_eq!(sorted("wobbly assignee:alex@brewfictus.com"), vec![3]);
    assert_eq!(sorted("wobbly channel:mail"), vec![1]);
    assert_eq!(sorted("wobbly channel:messenger"), vec![3]);
    assert_eq!(sorted(&format!("wobbly from:{CARYN}")), vec![1]);
    assert_eq!(sorted("wobbly from:me"), vec![3]);
    assert_eq!(sorted("wobbly from:nobody@example.org"), Vec::<i64>::new());
    let status_of = |id: i64| -> String {
        app.db()
            .query_row(
                "SELECT lower(s.type) FROM conversations c JOIN case_statuses s ON s.id = c.status_id WHERE c.id = ?1",
                [id],
                |r| r.get(0),
            )
            .expect("status")
    };
    let same: Vec<i64> = [1, 3].into_iter().filter(|id| status_of(*id) == status_of(1)).collect();
    assert_eq!(sorted(&format!("wobbly status:{}", status_of(1))), same);
    assert_eq!(sorted("wobbly status:no-such-status"), Vec::<i64>::new());
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
    assert_eq!(sorted(&format!("wobbly before:{tomorrow}")), vec![1, 3]);
    assert_eq!(sorted(&format!("wobbly after:{tomorrow}")), Vec::<i64>::new());
    // Filters alone list conversations: everything assigned to nobody.
    let unassigned = sorted("assignee:none");
    let expected: Vec<i64> = {
        let db = app.db();
        let mut stmt =
            db.prepare("SELECT id FROM conversations WHERE assigned_agent_id IS NULL ORDER BY id").expect("q");
        stmt.query_map([], |r| r.get(0)).expect("rows").map(Result::unwrap).collect()
    };
    assert!(!expected.is_empty());
    assert_eq!(unassigned, expected);
}

#[test]
fn any_input_gives_results_or_an_empty_list() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    for q in [
        "\"",
        "*",
        "-",
        "NEAR(",
        "NEAR(a b",
        "a OR",
        "AND",
        "(",
        ")",
        "^x",
        "\"\"",
        "a\"b\"c",
        "--",
        "-*",
        "x:",
        ":",
        "col:value",
        "status:",
        "before:2026-13-45",
        "🙂",
        "' OR 1=1 --",
        "a*b*",
        "**",
        "{}",
        "[",
        "grinder -",
        "NOT grinder",
        "- -grinder",
        "\\",
        "%",
        "_",
        "\u{7f}",
        "\u{202e}x",
    ] {
        let r = search(&app, &simon, q, "");
        assert_eq!(r.status, 200, "{q:?}: {}", r.text);
        assert!(r.body["data"].is_array(), "{q:?}: {}", r.text);
    }
    // NUL is refused in every query parameter, with a clear error.
    assert_eq!(search(&app, &simon, "a\u{0}b", "").errors(), vec![("FIELD_INVALID".into(), "query".into())]);
    let long = "grinder ".repeat(2000);
    assert_eq!(search(&app, &simon, &long, "").status, 200);
    // Parameters other than the query are checked.
    assert_eq!(search(&app, &simon, "x", "sort=sideways").errors(), vec![("FIELD_INVALID".into(), "sort".into())]);
    assert_eq!(
        search(&app, &simon, "x", "resources=tweets").errors(),
        vec![("FIELD_INVALID".into(), "resources".into())]
    );
}

#[test]
fn users_organizations_and_include() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let r = search(&app, &simon, "caryn", "resources=users");
    assert_eq!(r.status, 200, "{}", r.text);
    let users = hits(&r.body);
    assert_eq!(users.len(), 1);
    assert_eq!(users[0]["resource"], "user");
    assert_eq!(users[0]["id"], 2);
    // Kayako's agent app writes `in:users`.
    let r = search(&app, &simon, "in:users caryn", "");
    assert_eq!(hits(&r.body).iter().map(|h| h["resource"].clone()).collect::<Vec<_>>(), vec![json!("user")]);
    let r = search(&app, &simon, "atmosphere", "resources=organizations");
    assert_eq!(hits(&r.body)[0]["resource"], "organization");
    assert_eq!(hits(&r.body)[0]["title"], "Atmosphere Coffee, Inc");
    // Every type at once: conversations first, then users, organizations; paged across them.
    let all = search(&app, &simon, "atmosphere", "limit=100");
    let kinds: Vec<String> = hits(&all.body).iter().map(|h| h["resource"].as_str().unwrap_or("").to_owned()).collect();
    assert!(kinds.contains(&"conversation".into()) && kinds.last() == Some(&"organization".into()), "{kinds:?}");
    let total = all.body["total_count"].as_i64().expect("total");
    assert_eq!(total as usize, kinds.len());
    let last = search(&app, &simon, "atmosphere", &format!("offset={}&limit=1", total - 1));
    assert_eq!(hits(&last.body)[0]["resource"], "organization");
    // `include` expands the found resource.
    let r = search(&app, &simon, "hopper", "include=conversation");
    let data = &hits(&r.body)[0]["data"];
    assert_eq!(data["subject"], "Grinder hopper cracked");
    assert_eq!(data["resource_type"], "conversation");
}

#[test]
fn relevance_ranks_few_hits_and_gives_way_to_newest_first_beyond_the_bound() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    reply(&app, &simon, 6, "burrs");
    reply(&app, &simon, 9, "burrs burrs burrs, and more burrs: burrs everywhere, burrs");
    let r = search(&app, &simon, "burrs", "sort=relevance&resources=conversations");
    let ranked = hits(&r.body);
    assert_eq!(ranked[0]["id"], 9, "{}", r.text);
    let scores: Vec<f64> = ranked.iter().map(|h| h["relevance"].as_f64().expect("a relevance")).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    // Newest first carries no relevance.
    assert!(hits(&search(&app, &simon, "burrs", "").body)[0]["relevance"].is_null());
    // Past the bound (10,000 matching documents), the order is newest first again.
    app.db()
        .execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10001)
             INSERT INTO messages (uuid, conversation_id, subject, channel, content_text, content_html, creator_id,
                                   source, created_at, updated_at)
             SELECT 'bulk-' || i, 1 + i % 20, 's', 'MAIL', 'zeppelin', 'zeppelin', 1, 'AGENT', unixepoch(), unixepoch()
               FROM n;",
        )
        .expect("bulk messages");
    let r = search(&app, &simon, "zeppelin", "sort=relevance");
    assert_eq!(r.status, 200);
    assert!(hits(&r.body).iter().all(|h| h["relevance"].is_null()), "{}", r.text);
    assert_eq!(r.body["total_count"], 20);
}

#[test]
fn only_staff_search_and_agents_find_only_what_they_may_open() {
    let app = spawn_demo();
    let phone = new_fingerprint();
    app.device_conversation(&phone, "Pat Doe", "pat@example.org", "Kettle descaling");
    let q = "/api/v1/search?query=descaling";
    assert_eq!(app.get(q).send().error_codes(), vec!["AUTHENTICATION_REQUIRED"]);
    assert_eq!(app.get(q).fingerprint(&phone).send().status, 403);
    let caryn = app.get(q).session(&app.session(CARYN)).send();
    assert_eq!((caryn.status, caryn.error_codes()), (403, vec!["PERMISSION_DENIED".to_owned()]));
    for staff in [JORDAN, SIMON, ALEX, MORGAN] {
        let session = app.session(staff);
        let ids = found(&app, &session, "descaling");
        assert!(ids.len() >= 2, "{staff}: {ids:?}");
        for id in ids {
            let r = app.get(&format!("/api/v1/conversations/{id}")).session(&session).send();
            assert_eq!(r.status, 200, "{staff} found {id} but cannot open it");
        }
    }
}

#[test]
fn a_search_past_its_time_limit_is_stopped_with_a_clear_error_and_nothing_else_is() {
    // No time at all: any search that has real work to do is stopped.
    let app = spawn_with(true, |c| c.search_timeout_ms = 0);
    let simon = app.session(SIMON);
    app.db()
        .execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
             INSERT INTO messages (uuid, conversation_id, subject, channel, content_text, content_html, creator_id,
                                   source, created_at, updated_at)
             SELECT 'bulk-' || i, 1 + i % 20, 's', 'MAIL', 'zeppelin number ' || i, 'zeppelin', 1, 'AGENT',
                    unixepoch(), unixepoch()
               FROM n;",
        )
        .expect("bulk messages");
    for _ in 0..3 {
        let r = search(&app, &simon, "zeppelin", "");
        assert_eq!(r.errors(), vec![("FIELD_INVALID".into(), "query".into())], "{}", r.text);
        assert!(r.text.contains("add words"), "{}", r.text);
        // The connections it ran on read everything else as before.
        let list = app.get("/api/v1/conversations?limit=100&offset=5").session(&simon).send();
        assert_eq!(list.status, 200, "{}", list.text);
        let messages = app.get("/api/v1/conversations/1/messages?limit=100&offset=50").session(&simon).send();
        assert_eq!(messages.status, 200, "{}", messages.text);
    }
    // With time to run, the same search answers.
    let app = app.restart_with(|c| c.search_timeout_ms = 2000);
    let r = search(&app, &app.session(SIMON), "zeppelin", "resources=conversations");
    assert_eq!((r.status, r.body["total_count"].clone()), (200, json!(20)));
}
