//! `parley gen`: a large instance built from the demo, consistent the way the
//! server keeps its own data, served like any other.

use std::path::Path;
use std::process::Command;

use crate::helpers::*;
use crate::process::PARLEY;

/// Runs `parley gen` into `dir` with `args`; returns (success, stdout, stderr).
fn gen(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(PARLEY).arg("gen").arg("--data-dir").arg(dir).args(args).output().expect("run parley gen");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

fn count(db: &rusqlite::Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |r| r.get(0)).expect(sql)
}

#[test]
fn gen_builds_on_the_demo_an_instance_as_consistent_as_the_server_keeps_it() {
    let demo = spawn_demo();
    let (demo_conversations, demo_messages) = {
        let db = demo.db();
        (count(&db, "SELECT COUNT(*) FROM conversations"), count(&db, "SELECT COUNT(*) FROM messages"))
    };
    let dir = tempfile::tempdir().expect("dir");
    let (ok, out, err) = gen(dir.path(), &["--conversations", "60", "--messages", "1500"]);
    assert!(ok, "{err}");
    let longest: i64 = out
        .split_whitespace()
        .skip_while(|w| *w != "conversation")
        .nth(1)
        .and_then(|w| w.parse().ok())
        .unwrap_or_else(|| panic!("no `conversation <id> is the longest` in {out:?}"));
    let app = spawn_in_dir(dir, |_| {});
    {
        let db = app.db();
        assert_eq!(count(&db, "SELECT COUNT(*) FROM conversations"), demo_conversations + 60);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM messages"), demo_messages + 1500);
        // Every summary column agrees with the messages, as the server keeps them.
        let newest = "(SELECT m.id FROM messages m WHERE m.conversation_id = c.id ORDER BY m.created_at DESC, m.id DESC LIMIT 1)";
        let disagreeing = format!(
            "SELECT COUNT(*) FROM conversations c WHERE c.id > {demo_conversations} AND (
                 c.post_count <> (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id)
              OR c.last_replier_id IS NOT (SELECT creator_id FROM messages WHERE id = {newest})
              OR c.last_replied_at IS NOT (SELECT created_at FROM messages WHERE id = {newest})
              OR c.last_message_status IS NOT (SELECT message_status FROM messages WHERE id = {newest})
              OR c.last_message_preview IS NOT (SELECT substr(content_text, 1, 255) FROM messages WHERE id = {newest})
              OR c.realtime_channel NOT LIKE '%@v1_cases_' || c.id
              OR NOT EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = c.id AND p.user_id = c.requester_id)
              OR (c.channel = 'MESSENGER') <> EXISTS (SELECT 1 FROM conversation_devices d WHERE d.conversation_id = c.id))"
        );
        assert_eq!(count(&db, &disagreeing), 0);
        let violations: Vec<String> = db
            .prepare("PRAGMA foreign_key_check")
            .expect("check")
            .query_map([], |r| r.get(0))
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect();
        assert!(violations.is_empty(), "{violations:?}");
    }
    // Demo agents sign in; the new conversations are in their inbox and the
    // longest holds 1,000 messages.
    let simon = app.session("simon@brewfictus.com");
    let list = app.get("/api/v1/conversations").session(&simon).send();
    assert_eq!(list.body["total_count"], demo_conversations + 60, "{}", list.text);
    let messages = app.get(&format!("/api/v1/conversations/{longest}/messages")).session(&simon).send();
    assert_eq!(messages.status, 200, "{}", messages.text);
    assert_eq!(messages.body["total_count"], 1000);
    // A generated customer reads their own conversations through a device.
    let (fingerprint, customer): (String, i64) = app
        .db()
        .query_row(
            "SELECT f.fingerprint, f.user_id FROM fingerprints f JOIN users u ON u.id = f.user_id
             WHERE u.email LIKE '%@example.com' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("a generated device");
    let own = app.get("/api/v1/conversations").fingerprint(&fingerprint).send();
    assert_eq!(own.status, 200, "{}", own.text);
    let expected =
        count(&app.db(), &format!("SELECT COUNT(*) FROM conversation_devices WHERE fingerprint = '{fingerprint}'"));
    assert!(expected > 0);
    assert_eq!(own.body["total_count"], expected, "{}", own.text);
    assert!(own.body["data"].as_array().expect("data").iter().all(|c| c["requester"]["id"] == customer));
}

#[test]
fn gen_gives_the_same_data_for_the_same_seed() {
    let (a, b) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    for dir in [&a, &b] {
        let (ok, _, err) = gen(dir.path(), &["--conversations", "20", "--messages", "1100", "--seed", "7"]);
        assert!(ok, "{err}");
    }
    let contents = |dir: &Path| -> String {
        rusqlite::Connection::open(dir.join("parley.db"))
            .expect("open")
            .query_row(
                "SELECT group_concat(uuid || subject || content_text, '|') FROM (SELECT uuid, subject, content_text FROM messages ORDER BY id)",
                [],
                |r| r.get(0),
            )
            .expect("contents")
    };
    assert_eq!(contents(a.path()), contents(b.path()));
}

#[test]
fn gen_refuses_a_directory_with_a_database_and_impossible_counts() {
    let dir = tempfile::tempdir().expect("dir");
    let (ok, _, err) = gen(dir.path(), &["--conversations", "10", "--messages", "500"]);
    assert!(!ok);
    assert!(err.contains("--messages must be at least 1009"), "{err}");
    assert!(!dir.path().join("parley.db").exists(), "nothing is created");

    let (ok, _, err) = gen(dir.path(), &["--conversations", "10", "--messages", "1009"]);
    assert!(ok, "{err}");
    let before = count(
        &rusqlite::Connection::open(dir.path().join("parley.db")).expect("open"),
        "SELECT COUNT(*) FROM messages",
    );
    let (ok, _, err) = gen(dir.path(), &["--conversations", "10", "--messages", "1009"]);
    assert!(!ok);
    assert!(err.contains("already exists"), "{err}");
    let after = count(
        &rusqlite::Connection::open(dir.path().join("parley.db")).expect("open"),
        "SELECT COUNT(*) FROM messages",
    );
    assert_eq!(before, after, "the existing instance is left as it was");
}
