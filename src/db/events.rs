//! The realtime event log. Events are appended inside the same transaction as
//! the change they describe, so an acknowledged change always has its event;
//! ids grow in commit order because there is one writer.

use crate::db::{Conn, Error};
use rusqlite::{params, Row};

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
pub fn append(conn: &Conn, channel: &str, kind: &str, data: &impl serde::Serialize, now: i64) -> Result<i64, Error> {
    conn.prepare_cached("INSERT INTO events (channel, type, data, created_at) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![channel, kind, serde_json::to_string(data)?, now])?;
    Ok(conn.last_insert_rowid())
}

/// Events of every channel after `after_id`, oldest first, at most `limit`.
pub fn after(conn: &Conn, after_id: i64, limit: i64) -> Result<Vec<Event>, Error> {
    let mut stmt = conn
        .prepare_cached("SELECT id, channel, type, data, created_at FROM events WHERE id > ?1 ORDER BY id LIMIT ?2")?;
    let rows = stmt.query_map(params![after_id, limit], from_row)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Events of `channels` (and, with `conversations`, of every conversation's
/// channel: the staff inbox) after `after_id`, oldest first, at most `limit`.
pub fn on_channels_after(
    conn: &Conn,
    channels: &[String],
    conversations: bool,
    after_id: i64,
    limit: i64,
) -> Result<Vec<Event>, Error> {
    let mut args: Vec<rusqlite::types::Value> = vec![after_id.into(), limit.into()];
    let mut cond: Vec<String> = Vec::new();
    if !channels.is_empty() {
        let marks: Vec<String> = channels
            .iter()
            .map(|c| {
                args.push(c.clone().into());
                format!("?{}", args.len())
            })
            .collect();
        cond.push(format!("channel IN ({})", marks.join(", ")));
    }
    if conversations {
        cond.push("channel LIKE 'presence-%'".into());
    }
    if cond.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, channel, type, data, created_at FROM events WHERE id > ?1 AND ({}) ORDER BY id LIMIT ?2",
        cond.join(" OR ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), from_row)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// The newest event id (0 when the log is empty).
pub fn last_id(conn: &Conn) -> Result<i64, Error> {
    Ok(conn.prepare_cached("SELECT COALESCE(MAX(id), 0) FROM events")?.query_row([], |r| r.get(0))?)
}

/// The newest event's id and time (Unix seconds), if the log holds any.
pub fn newest(conn: &Conn) -> Result<Option<(i64, i64)>, Error> {
    let row = conn
        .prepare_cached("SELECT id, created_at FROM events ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)));
    match row {
        Ok(found) => Ok(Some(found)),
        Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Deletes events older than `before` (Unix seconds); returns how many.
pub fn prune(conn: &Conn, before: i64) -> Result<usize, Error> {
    Ok(conn.prepare_cached("DELETE FROM events WHERE created_at < ?1")?.execute([before])?)
}
