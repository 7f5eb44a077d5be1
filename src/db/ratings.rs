//! Satisfaction ratings of conversations.

use crate::db::{Conn, Error};
use rusqlite::{params, OptionalExtension, Row};

/// A row of `ratings`.
#[derive(Debug, Clone)]
pub struct Rating {
    /// Id.
    pub id: i64,
    /// The rated conversation.
    pub conversation_id: i64,
    /// GOOD or BAD.
    pub score: String,
    /// Optional comment.
    pub comment: Option<String>,
    /// Who rated.
    pub creator_id: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

const COLUMNS: &str = "id, conversation_id, score, comment, creator_id, created_at, updated_at";

fn from_row(r: &Row) -> rusqlite::Result<Rating> {
    Ok(Rating {
        id: r.get(0)?,
        conversation_id: r.get(1)?,
        score: r.get(2)?,
        comment: r.get(3)?,
        creator_id: r.get(4)?,
        created_at: r.get(5)?,
        updated_at: r.get(6)?,
    })
}

/// A page of a conversation's ratings, newest first, and the total count.
pub fn list(conn: &Conn, conversation_id: i64, offset: i64, limit: i64) -> Result<(Vec<Rating>, i64), Error> {
    let total = conn
        .prepare_cached("SELECT COUNT(*) FROM ratings WHERE conversation_id = ?1")?
        .query_row([conversation_id], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM ratings WHERE conversation_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = stmt.query_map(params![conversation_id, limit, offset], from_row)?.collect::<Result<_, _>>()?;
    Ok((rows, total))
}

/// One rating by id.
pub fn get(conn: &Conn, id: i64) -> Result<Option<Rating>, Error> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM ratings WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?)
}

/// Inserts a rating and returns its id.
pub fn insert(
    conn: &Conn,
    conversation_id: i64,
    score: &str,
    comment: Option<&str>,
    creator_id: i64,
    now: i64,
) -> Result<i64, Error> {
    conn.prepare_cached(
        "INSERT INTO ratings (conversation_id, score, comment, creator_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )?
    .execute(params![conversation_id, score, comment, creator_id, now])?;
    Ok(conn.last_insert_rowid())
}

/// Changes score and/or comment.
pub fn update(conn: &Conn, id: i64, score: Option<&str>, comment: Option<&str>, now: i64) -> Result<(), Error> {
    conn.prepare_cached(
        "UPDATE ratings SET score = COALESCE(?2, score), comment = COALESCE(?3, comment), updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![id, score, comment, now])?;
    Ok(())
}
