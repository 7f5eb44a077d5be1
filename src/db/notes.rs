//! Private notes on conversations, for staff only, and the agents they
//! mention. A note is its own row, never a message: no list, count, preview,
//! receipt or mail of messages can carry one.

use rusqlite::{params, OptionalExtension, Row};

use crate::db::{Conn, Error, IdsIn};

/// A row of `notes`, with the agents it mentions.
#[derive(Debug, Clone)]
pub struct Note {
    /// Id.
    pub id: i64,
    /// Stable UUID.
    pub uuid: String,
    /// The conversation.
    pub conversation_id: i64,
    /// Author (staff).
    pub creator_id: i64,
    /// The client's own id, echoed back; de-duplicates retries.
    pub client_id: Option<String>,
    /// Plain text.
    pub body_text: String,
    /// HTML rendering, mentions marked.
    pub body_html: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
    /// The agents mentioned.
    pub mentions: Vec<i64>,
}

const COLUMNS: &str = "id, uuid, conversation_id, creator_id, client_id, body_text, body_html, created_at, updated_at";

fn from_row(r: &Row) -> rusqlite::Result<Note> {
    Ok(Note {
        id: r.get(0)?,
        uuid: r.get(1)?,
        conversation_id: r.get(2)?,
        creator_id: r.get(3)?,
        client_id: r.get(4)?,
        body_text: r.get(5)?,
        body_html: r.get(6)?,
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
        mentions: Vec::new(),
    })
}

fn with_mentions(conn: &Conn, mut notes: Vec<Note>) -> Result<Vec<Note>, Error> {
    if notes.is_empty() {
        return Ok(notes);
    }
    let ids = IdsIn::of(notes.iter().map(|n| n.id));
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT note_id, user_id FROM note_mentions WHERE note_id {} ORDER BY user_id",
        ids.sql(1)
    ))?;
    let pairs: Vec<(i64, i64)> =
        stmt.query_map([ids.value()], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    for n in &mut notes {
        n.mentions = pairs.iter().filter(|(note, _)| *note == n.id).map(|(_, user)| *user).collect();
    }
    Ok(notes)
}

/// A page of a conversation's notes, newest first, and their count.
pub fn list(conn: &Conn, conversation_id: i64, offset: i64, limit: i64) -> Result<(Vec<Note>, i64), Error> {
    let total = conn
        .prepare_cached("SELECT COUNT(*) FROM notes WHERE conversation_id = ?1")?
        .query_row([conversation_id], |r| r.get(0))?;
    let rows: Vec<Note> = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM notes WHERE conversation_id = ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3"
        ))?
        .query_map(params![conversation_id, limit, offset], from_row)?
        .collect::<Result<_, _>>()?;
    Ok((with_mentions(conn, rows)?, total))
}

/// One note of a conversation.
pub fn get(conn: &Conn, conversation_id: i64, id: i64) -> Result<Option<Note>, Error> {
    let note = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM notes WHERE id = ?1 AND conversation_id = ?2"))?
        .query_row(params![id, conversation_id], from_row)
        .optional()?;
    Ok(with_mentions(conn, note.into_iter().collect())?.pop())
}

/// The note an earlier request of `creator_id` with this `client_id` wrote.
pub fn by_client_id(
    conn: &Conn,
    conversation_id: i64,
    client_id: &str,
    creator_id: i64,
) -> Result<Option<Note>, Error> {
    let note = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM notes WHERE creator_id = ?3 AND client_id = ?2 AND conversation_id = ?1
             ORDER BY id LIMIT 1"
        ))?
        .query_row(params![conversation_id, client_id, creator_id], from_row)
        .optional()?;
    Ok(with_mentions(conn, note.into_iter().collect())?.pop())
}

/// What a new note holds.
#[derive(Debug, Clone)]
pub struct NewNote {
    /// The conversation.
    pub conversation_id: i64,
    /// Author.
    pub creator_id: i64,
    /// Client's id.
    pub client_id: Option<String>,
    /// Plain text.
    pub body_text: String,
    /// HTML.
    pub body_html: String,
    /// Agents mentioned.
    pub mentions: Vec<i64>,
}

/// Inserts a note and its mentions; returns it as stored.
pub fn insert(conn: &Conn, n: NewNote, now: i64) -> Result<Note, Error> {
    let uuid = super::ordered_uuid();
    conn.prepare_cached(
        "INSERT INTO notes (uuid, conversation_id, creator_id, client_id, body_text, body_html, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
    )?
    .execute(params![uuid, n.conversation_id, n.creator_id, n.client_id, n.body_text, n.body_html, now])?;
    let id = conn.last_insert_rowid();
    set_mentions(conn, id, &n.mentions)?;
    Ok(Note {
        id,
        uuid,
        conversation_id: n.conversation_id,
        creator_id: n.creator_id,
        client_id: n.client_id,
        body_text: n.body_text,
        body_html: n.body_html,
        created_at: now,
        updated_at: now,
        mentions: n.mentions,
    })
}

fn set_mentions(conn: &Conn, id: i64, mentions: &[i64]) -> Result<(), Error> {
    conn.prepare_cached("DELETE FROM note_mentions WHERE note_id = ?1")?.execute([id])?;
    for user in mentions {
        conn.prepare_cached("INSERT OR IGNORE INTO note_mentions (note_id, user_id) VALUES (?1, ?2)")?
            .execute(params![id, user])?;
    }
    Ok(())
}

/// Rewrites a note's text (and so its mentions).
pub fn update(conn: &Conn, id: i64, text: &str, html: &str, mentions: &[i64], now: i64) -> Result<(), Error> {
    conn.prepare_cached("UPDATE notes SET body_text = ?2, body_html = ?3, updated_at = ?4 WHERE id = ?1")?
        .execute(params![id, text, html, now])?;
    set_mentions(conn, id, mentions)
}

/// The staff who can be mentioned: `(id, full name, email)`, enabled ones.
pub fn mentionable(conn: &Conn) -> Result<Vec<(i64, String, String)>, Error> {
    Ok(conn
        .prepare_cached(
            "SELECT u.id, u.full_name, u.email FROM users u JOIN roles r ON r.id = u.role_id
              WHERE r.type <> 'CUSTOMER' AND u.is_enabled = 1 ORDER BY length(u.full_name) DESC, u.id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?)
}
