//! Saved replies (Kayako's macros): shared ones (no owner) and agents' own.

use rusqlite::{params, OptionalExtension, Row};

use crate::db::{Conn, Error};

/// A row of `macros`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Macro {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// The reply, with `{{placeholders}}`.
    pub reply_text: String,
    /// The agent whose own it is; `None`: shared.
    pub owner_id: Option<i64>,
    /// Status to set on use.
    pub status_id: Option<i64>,
    /// Priority to set on use.
    pub priority_id: Option<i64>,
    /// Agent to assign on use.
    pub assigned_agent_id: Option<i64>,
    /// Team to assign on use.
    pub assigned_team_id: Option<i64>,
    /// Times used.
    pub usage_count: i64,
    /// Unix seconds.
    pub last_used_at: Option<i64>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

impl Macro {
    /// Whether using it changes the conversation beside replying.
    pub fn changes_anything(&self) -> bool {
        self.status_id.is_some()
            || self.priority_id.is_some()
            || self.assigned_agent_id.is_some()
            || self.assigned_team_id.is_some()
    }
}

const COLUMNS: &str = "id, title, reply_text, owner_id, status_id, priority_id, assigned_agent_id, assigned_team_id, \
    usage_count, last_used_at, created_at, updated_at";

fn from_row(r: &Row) -> rusqlite::Result<Macro> {
    Ok(Macro {
        id: r.get(0)?,
        title: r.get(1)?,
        reply_text: r.get(2)?,
        owner_id: r.get(3)?,
        status_id: r.get(4)?,
        priority_id: r.get(5)?,
        assigned_agent_id: r.get(6)?,
        assigned_team_id: r.get(7)?,
        usage_count: r.get(8)?,
        last_used_at: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
    })
}

/// A page of the macros `user` may use (shared ones and their own), by
/// title, and their count.
pub fn usable(conn: &Conn, user: i64, offset: i64, limit: i64) -> Result<(Vec<Macro>, i64), Error> {
    let total = conn
        .prepare_cached("SELECT COUNT(*) FROM macros WHERE owner_id IS NULL OR owner_id = ?1")?
        .query_row([user], |r| r.get(0))?;
    let rows = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM macros WHERE owner_id IS NULL OR owner_id = ?1
              ORDER BY title COLLATE NOCASE, id LIMIT ?2 OFFSET ?3"
        ))?
        .query_map(params![user, limit, offset], from_row)?
        .collect::<Result<_, _>>()?;
    Ok((rows, total))
}

/// One macro, if `user` may use it.
pub fn get_usable(conn: &Conn, user: i64, id: i64) -> Result<Option<Macro>, Error> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM macros WHERE id = ?1 AND (owner_id IS NULL OR owner_id = ?2)"))?
        .query_row(params![id, user], from_row)
        .optional()?)
}

/// Inserts a macro (`m.id` and the counters are ignored); its id.
pub fn create(conn: &Conn, m: &Macro, now: i64) -> Result<i64, Error> {
    conn.prepare_cached(
        "INSERT INTO macros (title, reply_text, owner_id, status_id, priority_id, assigned_agent_id, assigned_team_id,
             created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )?
    .execute(params![
        m.title,
        m.reply_text,
        m.owner_id,
        m.status_id,
        m.priority_id,
        m.assigned_agent_id,
        m.assigned_team_id,
        now
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Rewrites a macro's title, text and changes (its owner stays).
pub fn update(conn: &Conn, m: &Macro, now: i64) -> Result<(), Error> {
    conn.prepare_cached(
        "UPDATE macros SET title = ?2, reply_text = ?3, status_id = ?4, priority_id = ?5, assigned_agent_id = ?6,
             assigned_team_id = ?7, updated_at = ?8 WHERE id = ?1",
    )?
    .execute(params![
        m.id,
        m.title,
        m.reply_text,
        m.status_id,
        m.priority_id,
        m.assigned_agent_id,
        m.assigned_team_id,
        now
    ])?;
    Ok(())
}

/// Deletes a macro.
pub fn delete(conn: &Conn, id: i64) -> Result<(), Error> {
    conn.prepare_cached("DELETE FROM macros WHERE id = ?1")?.execute([id])?;
    Ok(())
}

/// Counts a use.
pub fn used(conn: &Conn, id: i64, now: i64) -> Result<(), Error> {
    conn.prepare_cached("UPDATE macros SET usage_count = usage_count + 1, last_used_at = ?2 WHERE id = ?1")?
        .execute(params![id, now])?;
    Ok(())
}
