//! Read markers: how far each user has read each conversation, with the
//! unread count derived from the messages after it.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension, Row};

use super::IdsIn;
use crate::db::{Conn, Error};

/// A read marker with its derived unread count.
#[derive(Debug, Clone)]
pub struct ReadMarker {
    /// Id.
    pub id: i64,
    /// The conversation.
    pub conversation_id: i64,
    /// Whose marker.
    pub user_id: i64,
    /// Last message read.
    pub last_read_post_id: Option<i64>,
    /// Unix seconds.
    pub last_read_at: Option<i64>,
    /// Messages after the last read one not written by the marker's user.
    pub unread_count: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

const MARKER: &str = "SELECT m.id, m.conversation_id, m.user_id, m.last_read_post_id, m.last_read_at,
        (SELECT COUNT(*) FROM messages p WHERE p.conversation_id = m.conversation_id
           AND p.id > COALESCE(m.last_read_post_id, 0) AND p.creator_id <> m.user_id),
        m.created_at, m.updated_at
    FROM read_markers m";

fn marker(r: &Row) -> rusqlite::Result<ReadMarker> {
    Ok(ReadMarker {
        id: r.get(0)?,
        conversation_id: r.get(1)?,
        user_id: r.get(2)?,
        last_read_post_id: r.get(3)?,
        last_read_at: r.get(4)?,
        unread_count: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

/// The id of `user_id`'s read marker on each of the conversations in `ids`
/// (see [`IdsIn`]) that has one.
pub fn ids_of(conn: &Conn, ids: &IdsIn, user_id: i64) -> Result<HashMap<i64, i64>, Error> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT conversation_id, id FROM read_markers WHERE user_id = ?2 AND conversation_id {}",
        ids.sql(1)
    ))?;
    let rows =
        stmt.query_map(params![ids.value(), user_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// A read marker by id.
pub fn get(conn: &Conn, id: i64) -> Result<Option<ReadMarker>, Error> {
    Ok(conn.prepare_cached(&format!("{MARKER} WHERE m.id = ?1"))?.query_row([id], marker).optional()?)
}

/// Moves a user's marker forward to `message_id` (never backward).
pub fn advance(conn: &Conn, conversation_id: i64, user_id: i64, message_id: i64, now: i64) -> Result<(), Error> {
    conn.prepare_cached(
        "INSERT INTO read_markers (conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4, ?4)
         ON CONFLICT (conversation_id, user_id) DO UPDATE SET
             last_read_post_id = excluded.last_read_post_id, last_read_at = excluded.last_read_at,
             updated_at = excluded.updated_at
         WHERE COALESCE(last_read_post_id, 0) < excluded.last_read_post_id",
    )?
    .execute(params![conversation_id, user_id, message_id, now])?;
    Ok(())
}
