//! The outbox: mail to send, written in the transaction of the message that
//! causes it (or, for agents' notification digests, by the sender's digest
//! step), claimed by the sender when due, and what was sent to whom.

use rusqlite::{params, OptionalExtension, Row};

use crate::db::{Conn, Error};

/// A row of `outbox`.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Id.
    pub id: i64,
    /// The conversation (`None` for a NOTIFY digest, which lists several).
    pub conversation_id: Option<i64>,
    /// REPLY (a mail conversation's reply), OFFLINE (a messenger customer
    /// who did not see the replies) or NOTIFY (an agent's unread
    /// notifications, one digest).
    pub kind: String,
    /// The messages it carries, oldest first; for NOTIFY, the notifications.
    pub post_ids: Vec<i64>,
    /// Envelope recipients.
    pub recipients: Vec<String>,
    /// QUEUED, SENT, FAILED, BOUNCED or CANCELLED.
    pub state: String,
    /// Tries so far.
    pub attempts: i64,
    /// When it is next tried.
    pub due_at: i64,
    /// Why the last try failed.
    pub last_error: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
}

const COLUMNS: &str =
    "id, conversation_id, kind, post_ids, recipients, state, attempts, due_at, last_error, created_at";

fn from_row(r: &Row) -> rusqlite::Result<Outgoing> {
    let posts: String = r.get(3)?;
    let recipients: String = r.get(4)?;
    Ok(Outgoing {
        id: r.get(0)?,
        conversation_id: r.get(1)?,
        kind: r.get(2)?,
        post_ids: serde_json::from_str(&posts).unwrap_or_default(),
        recipients: serde_json::from_str(&recipients).unwrap_or_default(),
        state: r.get(5)?,
        attempts: r.get(6)?,
        due_at: r.get(7)?,
        last_error: r.get(8)?,
        created_at: r.get(9)?,
    })
}

/// Queues a mail; returns its id. `conversation_id` is `None` only for NOTIFY.
pub fn enqueue(
    conn: &Conn,
    conversation_id: Option<i64>,
    kind: &str,
    post_ids: &[i64],
    recipients: &[String],
    due_at: i64,
    now: i64,
) -> Result<i64, Error> {
    conn.prepare_cached(
        "INSERT INTO outbox (conversation_id, kind, post_ids, recipients, state, due_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'QUEUED', ?5, ?6, ?6)",
    )?
    .execute(params![
        conversation_id,
        kind,
        serde_json::to_string(post_ids)?,
        serde_json::to_string(recipients)?,
        due_at,
        now
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The queued mail of a kind for a conversation, if there is one (an
/// OFFLINE mail still gathering replies).
pub fn queued_of(conn: &Conn, conversation_id: i64, kind: &str) -> Result<Option<Outgoing>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE conversation_id = ?1 AND kind = ?2 AND state = 'QUEUED'
              ORDER BY id DESC LIMIT 1"
        ))?
        .query_row(params![conversation_id, kind], from_row)
        .optional()?)
}

/// Adds a message to a queued mail.
pub fn add_post(conn: &Conn, id: i64, post_ids: &[i64], now: i64) -> Result<(), Error> {
    conn.prepare_cached("UPDATE outbox SET post_ids = ?2, updated_at = ?3 WHERE id = ?1")?.execute(params![
        id,
        serde_json::to_string(post_ids)?,
        now
    ])?;
    Ok(())
}

/// Queued mail due by `now`, oldest first.
pub fn due(conn: &Conn, now: i64, limit: i64) -> Result<Vec<Outgoing>, Error> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM outbox WHERE state = 'QUEUED' AND due_at <= ?1 ORDER BY due_at, id LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![now, limit], from_row)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// When the next queued mail is due.
pub fn next_due(conn: &Conn) -> Result<Option<i64>, Error> {
    Ok(conn.query_row("SELECT MIN(due_at) FROM outbox WHERE state = 'QUEUED'", [], |r| r.get(0))?)
}

/// Whether queued mail that failed before waits for a later try.
pub fn failed_waiting(conn: &Conn, now: i64) -> Result<bool, Error> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM outbox WHERE state = 'QUEUED' AND attempts > 0 AND due_at > ?1")?
        .exists([now])?)
}

/// Makes queued mail that failed before due now (not the mail still
/// waiting for a messenger customer).
pub fn retry_now(conn: &Conn, now: i64) -> Result<(), Error> {
    conn.prepare_cached("UPDATE outbox SET due_at = ?1 WHERE state = 'QUEUED' AND attempts > 0 AND due_at > ?1")?
        .execute([now])?;
    Ok(())
}

/// Records a try: its new state, the tries so far, when it is next due and why it failed.
pub fn record_try(
    conn: &Conn,
    id: i64,
    state: &str,
    attempts: i64,
    due_at: i64,
    error: Option<&str>,
    now: i64,
) -> Result<(), Error> {
    conn.prepare_cached(
        "UPDATE outbox SET state = ?2, attempts = ?3, due_at = ?4, last_error = ?5, updated_at = ?6 WHERE id = ?1",
    )?
    .execute(params![id, state, attempts, due_at, error, now])?;
    Ok(())
}

/// Remembers that mail went to `addresses`, for the caps; mail about no one
/// conversation (a digest) is recorded with conversation 0, which none has.
pub fn log_sent(conn: &Conn, addresses: &[String], conversation_id: Option<i64>, now: i64) -> Result<(), Error> {
    let mut stmt = conn
        .prepare_cached("INSERT INTO mail_sent (address, conversation_id, sent_at) VALUES (?1, COALESCE(?2, 0), ?3)")?;
    for a in addresses {
        stmt.execute(params![a, conversation_id, now])?;
    }
    conn.prepare_cached("DELETE FROM mail_sent WHERE sent_at < ?1")?.execute([now - 86_400])?;
    Ok(())
}

/// Mail sent to an address since `since`: in all, and in one conversation.
pub fn sent_to(conn: &Conn, address: &str, conversation_id: i64, since: i64) -> Result<(i64, i64), Error> {
    Ok(conn
        .prepare_cached(
            "SELECT COUNT(*), COALESCE(SUM(conversation_id = ?2), 0) FROM mail_sent
              WHERE address = ?1 AND sent_at >= ?3",
        )?
        .query_row(params![address, conversation_id, since], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// What `/metrics` shows of the outbox.
#[derive(Debug, Clone, Copy)]
pub struct Counts {
    /// Outgoing mail waiting.
    pub queued: i64,
    /// Seconds the oldest of it has waited.
    pub oldest_seconds: i64,
}

/// What `/metrics` shows of the outbox (queued rows only: an index's worth).
pub fn counts(conn: &Conn) -> Result<Counts, Error> {
    Ok(conn.query_row(
        "SELECT COUNT(*), COALESCE(unixepoch() - MIN(created_at), 0) FROM outbox WHERE state = 'QUEUED'",
        [],
        |r| Ok(Counts { queued: r.get(0)?, oldest_seconds: r.get(1)? }),
    )?)
}
