//! Schema versioning with `PRAGMA user_version`: `schema.sql` creates version 1
//! on a fresh file; later changes are appended to [`MIGRATIONS`], and a fresh
//! file runs them too, so a migrated database and a fresh one are the same. A
//! database newer than this binary is refused. Also loads the embedded seed data.

use rusqlite::{params, Connection, Transaction, TransactionBehavior};

use super::DbOpenError;
use crate::secret::digest;

const SCHEMA: &str = include_str!("../../schema.sql");
const BASE: &str = include_str!("../../seed/base.sql");
const DEMO: &str = include_str!("../../seed/demo.sql");

/// One step of the schema's history.
enum Migration {
    /// SQL statements.
    Sql(&'static str),
    /// Data changes SQL cannot express.
    Rust(fn(&Transaction) -> rusqlite::Result<()>),
}

/// Migrations after the initial schema; entry `i` takes version `i + 1` to `i + 2`.
const MIGRATIONS: &[Migration] = &[
    // 2: session ids, CSRF tokens and request tokens are stored as digests.
    Migration::Rust(digest_tokens),
    // 3: the inbox's single-filter views walk an index in list order.
    Migration::Sql(
        "DROP INDEX conversations_by_priority;
         CREATE INDEX conversations_by_priority ON conversations (priority_id, created_at DESC, id DESC);
         CREATE INDEX conversations_by_assigned_agent ON conversations (assigned_agent_id, created_at DESC, id DESC);
         CREATE INDEX conversations_by_assigned_team ON conversations (assigned_team_id, created_at DESC, id DESC);",
    ),
    // 4: a conversation counts its messages, so a page of them needs no COUNT(*);
    // triggers keep the count true whatever inserts or deletes a message.
    Migration::Sql(
        "ALTER TABLE conversations ADD COLUMN post_count INTEGER NOT NULL DEFAULT 0;
         UPDATE conversations SET post_count = (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = conversations.id);
         CREATE TRIGGER messages_counted AFTER INSERT ON messages BEGIN
             UPDATE conversations SET post_count = post_count + 1 WHERE id = NEW.conversation_id;
         END;
         CREATE TRIGGER messages_uncounted AFTER DELETE ON messages BEGIN
             UPDATE conversations SET post_count = post_count - 1 WHERE id = OLD.conversation_id;
         END;",
    ),
    // 5: every channel is one of the reference's; what the API started was
    // stored as `API`, which Kayako's SDKs reject. It is MAIL now.
    Migration::Sql(
        "UPDATE conversations SET channel = 'MAIL'
          WHERE channel NOT IN ('MAIL', 'HELPCENTER', 'TWITTER', 'MESSENGER', 'FACEBOOK');
         UPDATE messages SET channel = 'MAIL'
          WHERE channel NOT IN ('MAIL', 'HELPCENTER', 'TWITTER', 'MESSENGER', 'FACEBOOK');",
    ),
    // 6: the admin API: every change it makes is audited; a field in use is
    // disabled rather than deleted; one form may be the default.
    Migration::Sql(
        "CREATE TABLE audit_log (
             id            INTEGER PRIMARY KEY,
             actor_id      INTEGER REFERENCES users (id),
             action        TEXT NOT NULL,
             resource_type TEXT NOT NULL,
             resource_id   INTEGER,
             before        TEXT,
             after         TEXT,
             created_at    INTEGER NOT NULL
         ) STRICT;
         CREATE INDEX audit_log_by_resource ON audit_log (resource_type, resource_id, id);
         ALTER TABLE conversation_fields ADD COLUMN is_enabled INTEGER NOT NULL DEFAULT 1;
         ALTER TABLE forms ADD COLUMN is_default INTEGER NOT NULL DEFAULT 0;",
    ),
    // 7: an upload remembers the address it came from, so the bytes waiting
    // to be attached can be bounded per address.
    Migration::Sql("ALTER TABLE files ADD COLUMN uploader_address TEXT;"),
    // 8: a device's verification expires (a week after its last use for those
    // verified before), and a signature verifies one device only.
    Migration::Sql(
        "ALTER TABLE fingerprints ADD COLUMN verified_until INTEGER;
         UPDATE fingerprints SET verified_until = last_used_at + 604800 WHERE is_verified = 1;
         CREATE TABLE identity_signatures (
             signature   TEXT PRIMARY KEY NOT NULL,
             fingerprint TEXT NOT NULL,
             used_at     INTEGER NOT NULL
         ) STRICT;",
    ),
    // 9: the email channel: mailboxes, the mail received, every Message-ID
    // known for threading, a message's mail headers, and the outbox.
    Migration::Sql(include_str!("migrations/9_mail.sql")),
    // 10: the agents' desk: notes, saved replies, notifications, and the
    // search index, built from what the database holds (with a progress bar).
    Migration::Rust(desk),
    // 11: agents' notifications by mail: the outbox also carries digests,
    // which belong to no conversation.
    Migration::Sql(include_str!("migrations/11_digests.sql")),
    // 12: insights: a conversation keeps its first answer, its answers and
    // its first completion, kept by triggers; indexes to report by them.
    Migration::Sql(include_str!("migrations/12_insights.sql")),
];

/// Migration 10: the desk's tables, then the search index over every
/// message and conversation already there.
fn desk(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(include_str!("migrations/10_desk.sql"))?;
    tx.execute_batch(
        "INSERT INTO user_search (user_search) VALUES ('rebuild');
         INSERT INTO organization_search (organization_search) VALUES ('rebuild');",
    )?;
    let count = |table: &str| tx.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get::<_, u64>(0));
    let mut progress = super::progress::Progress::new("search index", count("messages")? + count("conversations")?);
    const BATCH: i64 = 20_000;
    for (table, fill) in [
        (
            "conversations",
            "INSERT INTO conversation_search (rowid, subject, requester_name, requester_email)
             SELECT c.id, c.subject, u.full_name, u.email FROM conversations c JOIN users u ON u.id = c.requester_id
              WHERE c.id > ?1 AND c.id <= ?2",
        ),
        (
            "messages",
            "INSERT INTO message_search (rowid, content_text)
             SELECT id, content_text FROM messages WHERE id > ?1 AND id <= ?2",
        ),
    ] {
        let next = format!("SELECT MAX(id), COUNT(*) FROM (SELECT id FROM {table} WHERE id > ?1 ORDER BY id LIMIT ?2)");
        let mut after = 0i64;
        loop {
            let (bound, rows): (Option<i64>, u64) =
                tx.query_row(&next, params![after, BATCH], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let Some(bound) = bound else { break };
            tx.execute(fill, params![after, bound])?;
            progress.advance(rows);
            after = bound;
        }
    }
    progress.finish();
    Ok(())
}

fn digest_tokens(tx: &Transaction) -> rusqlite::Result<()> {
    let sessions: Vec<(String, Option<String>)> = tx
        .prepare("SELECT id, csrf_token FROM sessions")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (id, csrf) in sessions {
        tx.execute(
            "UPDATE sessions SET id = ?2, csrf_token = ?3 WHERE id = ?1",
            params![id, digest(&id), csrf.as_deref().map(digest)],
        )?;
    }
    let tokens: Vec<String> =
        tx.prepare("SELECT token FROM request_tokens")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    for token in tokens {
        tx.execute("UPDATE request_tokens SET token = ?2 WHERE token = ?1", params![token, digest(&token)])?;
    }
    Ok(())
}

/// The schema version this binary writes.
pub const VERSION: i64 = 1 + MIGRATIONS.len() as i64;

/// Brings the database up to [`VERSION`], each step in its own transaction;
/// with `truncate`, a migrated file's WAL is emptied into it afterwards.
pub fn apply(conn: &mut Connection, truncate: bool) -> Result<(), DbOpenError> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > VERSION {
        return Err(DbOpenError::TooNew { found, supported: VERSION });
    }
    if found == 0 {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(SCHEMA)?;
        tx.execute_batch(BASE)?;
        tx.pragma_update(None, "user_version", 1)?;
        tx.commit()?;
    }
    let mut version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let migrating = version < VERSION;
    while version < VERSION {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        match &MIGRATIONS[(version - 1) as usize] {
            Migration::Sql(sql) => tx.execute_batch(sql)?,
            Migration::Rust(step) => step(&tx)?,
        }
        version += 1;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    if migrating && truncate {
        // Old pages (plain tokens among them) leave the WAL and the main file now
        // (unless another process owns the WAL: then at its next checkpoint).
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    }
    Ok(())
}

/// What [`load_demo`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum DemoOutcome {
    /// The demo data is now in the database.
    Loaded,
    /// It was there already; nothing changed.
    AlreadyLoaded,
    /// The database holds other data; the demo was not mixed into it.
    SkippedNotEmpty,
}

/// Loads the demo data into an empty database, in one transaction.
pub fn load_demo(conn: &mut Connection) -> Result<DemoOutcome, DbOpenError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let loaded = super::settings::is_marked(&super::Conn::new(&tx), "demo_loaded")
        .map_err(|e| DbOpenError::Demo(e.to_string()))?;
    if loaded {
        return Ok(DemoOutcome::AlreadyLoaded);
    }
    let has_data: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM conversations)", [], |r| r.get(0))?;
    if has_data {
        return Ok(DemoOutcome::SkippedNotEmpty);
    }
    tx.execute_batch(DEMO).map_err(|e| DbOpenError::Demo(e.to_string()))?;
    tx.commit()?;
    Ok(DemoOutcome::Loaded)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A version-10 file with a queued reply, then migration 11.
    #[test]
    fn the_outbox_keeps_its_rows_and_takes_digests_after_migration_11() {
        let mut conn = Connection::open_in_memory().expect("open");
        conn.execute_batch("PRAGMA foreign_keys = ON;").expect("pragma");
        let tx = conn.transaction().expect("tx");
        tx.execute_batch(SCHEMA).expect("schema");
        tx.execute_batch(BASE).expect("base");
        for step in &MIGRATIONS[..9] {
            match step {
                Migration::Sql(sql) => tx.execute_batch(sql).expect("sql step"),
                Migration::Rust(step) => step(&tx).expect("rust step"),
            }
        }
        tx.execute_batch(
            "INSERT INTO users (id, uuid, full_name, email, role_id, password_hash, avatar_uuid, presence_channel,
                                created_at, updated_at)
                 SELECT 1, 'u-1', 'Pat', 'pat@example.org', id, '', 'a-1', 'p-1', 0, 0 FROM roles WHERE type = 'CUSTOMER';
             INSERT INTO conversations (id, uuid, subject, requester_id, creator_id, status_id, channel, realtime_channel,
                                        created_at, updated_at)
                 SELECT 1, 'c-1', 'Hi', 1, 1, MIN(id), 'MAIL', 'r-1', 0, 0 FROM case_statuses;
             INSERT INTO outbox (conversation_id, kind, post_ids, recipients, state, due_at, created_at, updated_at)
                 VALUES (1, 'REPLY', '[7]', '[\"pat@example.org\"]', 'QUEUED', 5, 1, 1);
             INSERT INTO notifications (user_id, type, conversation_id, summary, created_at)
                 VALUES (1, 'reply_on_case', 1, 'old news', 0);",
        )
        .expect("version 10 rows");
        let Migration::Sql(sql) = &MIGRATIONS[9] else { panic!("migration 11 is SQL") };
        tx.execute_batch(sql).expect("migration 11");
        let kept: (i64, String, String, i64) = tx
            .query_row("SELECT conversation_id, kind, post_ids, due_at FROM outbox", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .expect("the row");
        assert_eq!(kept, (1, "REPLY".into(), "[7]".into(), 5));
        let queue = |conversation: Option<i64>, kind: &str| {
            tx.execute(
                "INSERT INTO outbox (conversation_id, kind, post_ids, recipients, state, due_at, created_at, updated_at)
                 VALUES (?1, ?2, '[]', '[]', 'QUEUED', 0, 0, 0)",
                params![conversation, kind],
            )
        };
        assert!(queue(None, "NOTIFY").is_ok());
        assert!(queue(None, "REPLY").is_err(), "a reply belongs to a conversation");
        assert!(queue(Some(1), "NOTIFY").is_err(), "a digest to none");
        let settled: bool =
            tx.query_row("SELECT mailed_at IS NOT NULL FROM notifications", [], |r| r.get(0)).expect("notification");
        assert!(settled, "unread notifications from before are never mailed");
        let indexes: i64 = tx
            .query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox'", [], |r| {
                r.get(0)
            })
            .expect("indexes");
        assert_eq!(indexes, 2);
    }
}
