//! The realtime event log. Events are appended inside the same transaction as
//! the change they describe, so an acknowledged change always has its event;
//! ids grow in commit order because there is one writer.

use rusqlite::{params, Connection, Row};
use serde_json::Value;

use crate::error::ApiError;

/// A logged event.
#[derive(Debug, Clone)]
pub struct Event {
    /// Position in the log (the SSE `id`).
    pub id: i64,
    /// The channel it was published on.
    pub channel: String,
    /// e.g. `message.created`.
    pub kind: String,
    /// JSON payload text.
    pub data: String,
    /// Unix seconds.
    pub created_at: i64,
}

fn from_row(r: &Row) -> rusqlite::Result<Event> {
    Ok(Event { id: r.get(0)?, channel: r.get(1)?, kind: r.get(2)?, data: r.get(3)?, created_at: r.get(4)? })
}

/// Appends an event and returns its id.
pub fn append(conn: &Connection, channel: &str, kind: &str, data: &Value, now: i64) -> Result<i64, ApiError> {
    conn.prepare_cached("INSERT INTO events (channel, type, data, created_at) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![channel, kind, data.to_string(), now])?;
    Ok(conn.last_insert_rowid())
}

/// Events of every channel after `after_id`, oldest first, at most `limit`.
pub fn after(conn: &Connection, after_id: i64, limit: i64) -> Result<Vec<Event>, ApiError> {
    let mut stmt = conn
        .prepare_cached("SELECT id, channel, type, data, created_at FROM events WHERE id > ?1 ORDER BY id LIMIT ?2")?;
    let rows = stmt.query_map(params![after_id, limit], from_row)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Events of one channel after `after_id`, oldest first, at most `limit`.
pub fn on_channel_after(conn: &Connection, channel: &str, after_id: i64, limit: i64) -> Result<Vec<Event>, ApiError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, channel, type, data, created_at FROM events WHERE channel = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![channel, after_id, limit], from_row)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// The newest event id (0 when the log is empty).
pub fn last_id(conn: &Connection) -> Result<i64, ApiError> {
    Ok(conn.query_row("SELECT COALESCE(MAX(id), 0) FROM events", [], |r| r.get(0))?)
}

/// Deletes events older than `before` (Unix seconds); returns how many.
pub fn prune(conn: &Connection, before: i64) -> Result<usize, ApiError> {
    Ok(conn.prepare_cached("DELETE FROM events WHERE created_at < ?1")?.execute([before])?)
}
