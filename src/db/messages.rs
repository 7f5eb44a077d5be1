//! Messages of conversations and the files attached to them.

use crate::db::{Conn, Error};
use rusqlite::{params, OptionalExtension, Row};

/// A row of `messages`.
#[derive(Debug, Clone)]
pub struct Message {
    /// Id.
    pub id: i64,
    /// Stable UUID.
    pub uuid: String,
    /// The conversation.
    pub conversation_id: i64,
    /// The client's own id for the message, echoed back.
    pub client_id: Option<String>,
    /// Subject (the conversation's).
    pub subject: String,
    /// Channel.
    pub channel: String,
    /// Plain text.
    pub content_text: String,
    /// HTML rendering.
    pub content_html: String,
    /// Author.
    pub creator_id: i64,
    /// API, AGENT, MAIL, MESSENGER, MOBILE or HELPCENTER.
    pub source: String,
    /// JSON object text.
    pub metadata: String,
    /// SENT, DELIVERED, REJECTED or SEEN.
    pub message_status: String,
    /// For REJECTED.
    pub reject_type: Option<String>,
    /// For REJECTED.
    pub reject_reason: Option<String>,
    /// Unix seconds.
    pub message_status_updated_at: Option<i64>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

const COLUMNS: &str = "id, uuid, conversation_id, client_id, subject, channel, content_text, content_html, \
    creator_id, source, metadata, message_status, message_status_reject_type, message_status_reject_reason, \
    message_status_updated_at, created_at, updated_at";

fn from_row(r: &Row) -> rusqlite::Result<Message> {
    Ok(Message {
        id: r.get(0)?,
        uuid: r.get(1)?,
        conversation_id: r.get(2)?,
        client_id: r.get(3)?,
        subject: r.get(4)?,
        channel: r.get(5)?,
        content_text: r.get(6)?,
        content_html: r.get(7)?,
        creator_id: r.get(8)?,
        source: r.get(9)?,
        metadata: r.get(10)?,
        message_status: r.get(11)?,
        reject_type: r.get(12)?,
        reject_reason: r.get(13)?,
        message_status_updated_at: r.get(14)?,
        created_at: r.get(15)?,
        updated_at: r.get(16)?,
    })
}

/// A page of a conversation's messages, newest first, and the total count.
pub fn list(conn: &Conn, conversation_id: i64, offset: i64, limit: i64) -> Result<(Vec<Message>, i64), Error> {
    let total = conn
        .prepare_cached("SELECT post_count FROM conversations WHERE id = ?1")?
        .query_row([conversation_id], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM messages WHERE conversation_id = ?1
         ORDER BY created_at DESC, id DESC LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = stmt.query_map(params![conversation_id, limit, offset], from_row)?.collect::<Result<_, _>>()?;
    Ok((rows, total))
}

/// One message of a conversation.
pub fn get(conn: &Conn, conversation_id: i64, id: i64) -> Result<Option<Message>, Error> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM messages WHERE id = ?1 AND conversation_id = ?2"))?
        .query_row(params![id, conversation_id], from_row)
        .optional()?)
}

/// The message an earlier request with the same `client_id` created, if any.
pub fn by_client_id(
    conn: &Conn,
    conversation_id: i64,
    client_id: &str,
    creator_id: i64,
) -> Result<Option<Message>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM messages WHERE conversation_id = ?1 AND client_id = ?2 AND creator_id = ?3
             ORDER BY id LIMIT 1"
        ))?
        .query_row(params![conversation_id, client_id, creator_id], from_row)
        .optional()?)
}

/// What a new message holds.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// The conversation.
    pub conversation_id: i64,
    /// Client's id.
    pub client_id: Option<String>,
    /// Subject.
    pub subject: String,
    /// Channel.
    pub channel: String,
    /// Plain text.
    pub content_text: String,
    /// HTML rendering of the text.
    pub content_html: String,
    /// Author.
    pub creator_id: i64,
    /// Source.
    pub source: String,
    /// JSON object text.
    pub metadata: String,
}

/// Inserts a message (status SENT) and returns it as stored.
pub fn insert(conn: &Conn, m: NewMessage, now: i64) -> Result<Message, Error> {
    let uuid = super::ordered_uuid();
    conn.prepare_cached(
        "INSERT INTO messages (uuid, conversation_id, client_id, subject, channel, content_text, content_html,
             creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'SENT', ?11, ?11, ?11)",
    )?
    .execute(params![
        uuid,
        m.conversation_id,
        m.client_id,
        m.subject,
        m.channel,
        m.content_text,
        m.content_html,
        m.creator_id,
        m.source,
        m.metadata,
        now
    ])?;
    Ok(Message {
        id: conn.last_insert_rowid(),
        uuid,
        conversation_id: m.conversation_id,
        client_id: m.client_id,
        subject: m.subject,
        channel: m.channel,
        content_text: m.content_text,
        content_html: m.content_html,
        creator_id: m.creator_id,
        source: m.source,
        metadata: m.metadata,
        message_status: "SENT".into(),
        reject_type: None,
        reject_reason: None,
        message_status_updated_at: Some(now),
        created_at: now,
        updated_at: now,
    })
}

/// Characters of a message kept as the conversation's `last_message_preview`.
const PREVIEW_CHARS: usize = 255;

/// A message to post, with what it changes beside its row.
#[derive(Debug)]
pub struct Post<'a> {
    /// The message itself.
    pub message: NewMessage,
    /// Whether its author is staff.
    pub by_staff: bool,
    /// The messenger device it came from.
    pub fingerprint: Option<&'a str>,
    /// Files that came with it, already durable on disk.
    pub files: &'a [crate::storage::StoredFile],
}

/// Posts a message: its row, its files, the conversation's summary and
/// participants, the author's read marker and the device link. Runs inside
/// the caller's write transaction.
pub fn post(conn: &Conn, post: Post, now: i64) -> Result<Message, Error> {
    use crate::db::{auth, conversations, files, markers};
    let (conversation_id, author) = (post.message.conversation_id, post.message.creator_id);
    let preview: String = post.message.content_text.chars().take(PREVIEW_CHARS).collect();
    let message = insert(conn, post.message, now)?;
    let uploader =
        files::Uploader { user_id: Some(author), fingerprint: post.fingerprint.map(str::to_owned), address: None };
    for stored in post.files {
        files::insert(conn, stored, &uploader, Some(message.id), now)?;
    }
    conversations::record_reply(conn, conversation_id, author, post.by_staff, &preview, now)?;
    conversations::add_participant(conn, conversation_id, author, now)?;
    markers::advance(conn, conversation_id, author, message.id, now)?;
    if let Some(fp) = post.fingerprint {
        auth::link_device(conn, fp, conversation_id, now)?;
    }
    Ok(message)
}

/// Sets a message's status and returns whether it changed.
pub fn set_status(conn: &Conn, id: i64, status: &str, now: i64) -> Result<bool, Error> {
    let n = conn
        .prepare_cached(
            "UPDATE messages SET message_status = ?2, message_status_updated_at = ?3, updated_at = ?3
             WHERE id = ?1 AND message_status <> ?2",
        )?
        .execute(params![id, status, now])?;
    Ok(n > 0)
}

/// The average time, in whole seconds, from a conversation's creation to the
/// first message by staff, over conversations created since `since` that got
/// one; `None` when there are none.
pub fn average_first_reply_seconds(conn: &Conn, since: i64) -> Result<Option<i64>, Error> {
    let avg: Option<f64> = conn
        .prepare_cached(
            "SELECT AVG(first_reply - created_at) FROM (
                SELECT c.created_at,
                       (SELECT MIN(m.created_at) FROM messages m
                          JOIN users u ON u.id = m.creator_id JOIN roles r ON r.id = u.role_id
                         WHERE m.conversation_id = c.id AND r.type <> 'CUSTOMER' AND m.creator_id <> c.requester_id
                           AND m.created_at >= c.created_at) AS first_reply
                  FROM conversations c WHERE c.created_at >= ?1)
             WHERE first_reply IS NOT NULL AND first_reply > created_at",
        )?
        .query_row([since], |r| r.get(0))?;
    Ok(avg.map(|a| a.round() as i64))
}

/// The conversation an earlier creation request with this `client_id` made,
/// if `creator_id` wrote its first message.
pub fn conversation_by_first_client_id(conn: &Conn, client_id: &str, creator_id: i64) -> Result<Option<i64>, Error> {
    Ok(conn
        .prepare_cached(
            "SELECT m.conversation_id FROM messages m
             WHERE m.client_id = ?1 AND m.creator_id = ?2
               AND m.id = (SELECT MIN(f.id) FROM messages f WHERE f.conversation_id = m.conversation_id)
             ORDER BY m.id LIMIT 1",
        )?
        .query_row(params![client_id, creator_id], |r| r.get(0))
        .optional()?)
}
