//! The email channel's tables: mailboxes, a conversation's mail side (its
//! reply token, mailbox and copies), the mail received (`received`), and
//! the outbox (`outbox`).

use rusqlite::{params, OptionalExtension, Row};

use crate::db::{Conn, Error};

pub mod outbox;
pub mod received;

/// A row of `mailboxes`.
#[derive(Debug, Clone)]
pub struct Mailbox {
    /// Id.
    pub id: i64,
    /// Stable UUID.
    pub uuid: String,
    /// The address mail arrives at and leaves from.
    pub address: String,
    /// Whether mail for it is accepted and sent.
    pub is_enabled: bool,
    /// The one mail leaves from when a conversation has none.
    pub is_default: bool,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

const MAILBOX_COLUMNS: &str = "id, uuid, address, is_enabled, is_default, created_at, updated_at";

fn mailbox_row(r: &Row) -> rusqlite::Result<Mailbox> {
    Ok(Mailbox {
        id: r.get(0)?,
        uuid: r.get(1)?,
        address: r.get(2)?,
        is_enabled: r.get(3)?,
        is_default: r.get(4)?,
        created_at: r.get(5)?,
        updated_at: r.get(6)?,
    })
}

/// Every mailbox, the default first.
pub fn mailboxes(conn: &Conn) -> Result<Vec<Mailbox>, Error> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {MAILBOX_COLUMNS} FROM mailboxes ORDER BY is_default DESC, id"))?;
    let rows = stmt.query_map([], mailbox_row)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// One mailbox.
pub fn mailbox(conn: &Conn, id: i64) -> Result<Option<Mailbox>, Error> {
    Ok(conn
        .prepare_cached(&format!("SELECT {MAILBOX_COLUMNS} FROM mailboxes WHERE id = ?1"))?
        .query_row([id], mailbox_row)
        .optional()?)
}

/// The mailbox of an address (any case).
pub fn mailbox_by_address(conn: &Conn, address: &str) -> Result<Option<Mailbox>, Error> {
    Ok(conn
        .prepare_cached(&format!("SELECT {MAILBOX_COLUMNS} FROM mailboxes WHERE address = ?1"))?
        .query_row([address], mailbox_row)
        .optional()?)
}

/// The mailbox mail leaves from: the conversation's if it has an enabled
/// one, else the enabled default; `None` when mail is off.
pub fn sending_mailbox(conn: &Conn, conversation_id: i64) -> Result<Option<Mailbox>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {MAILBOX_COLUMNS} FROM mailboxes
              WHERE is_enabled = 1
                AND (id = (SELECT mailbox_id FROM conversation_mail WHERE conversation_id = ?1) OR is_default = 1)
              ORDER BY is_default LIMIT 1"
        ))?
        .query_row([conversation_id], mailbox_row)
        .optional()?)
}

/// The mailbox mail about no one conversation (an agent's notification
/// digest) leaves from: the enabled default, else the first enabled one;
/// `None` when mail is off.
pub fn first_mailbox(conn: &Conn) -> Result<Option<Mailbox>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {MAILBOX_COLUMNS} FROM mailboxes WHERE is_enabled = 1 ORDER BY is_default DESC, id LIMIT 1"
        ))?
        .query_row([], mailbox_row)
        .optional()?)
}

/// What a mailbox is made of.
#[derive(Debug, Clone, Default)]
pub struct MailboxChanges {
    /// New address.
    pub address: Option<String>,
    /// Enabled or not.
    pub is_enabled: Option<bool>,
    /// Made the default (the former default stops being it).
    pub is_default: Option<bool>,
}

/// Creates a mailbox and returns its id; the first one is the default.
pub fn create_mailbox(conn: &Conn, address: &str, changes: &MailboxChanges, now: i64) -> Result<i64, Error> {
    let first: bool = conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM mailboxes)", [], |r| r.get(0))?;
    let default = changes.is_default.unwrap_or(first);
    if default {
        conn.execute("UPDATE mailboxes SET is_default = 0, updated_at = ?1 WHERE is_default = 1", [now])?;
    }
    conn.prepare_cached(
        "INSERT INTO mailboxes (uuid, address, is_enabled, is_default, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )?
    .execute(params![
        uuid::Uuid::new_v4().to_string(),
        address,
        changes.is_enabled.unwrap_or(true),
        default,
        now
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Changes a mailbox.
pub fn update_mailbox(conn: &Conn, id: i64, changes: &MailboxChanges, now: i64) -> Result<(), Error> {
    if changes.is_default == Some(true) {
        conn.execute(
            "UPDATE mailboxes SET is_default = 0, updated_at = ?2 WHERE is_default = 1 AND id <> ?1",
            [id, now],
        )?;
    }
    conn.prepare_cached(
        "UPDATE mailboxes SET address = COALESCE(?2, address), is_enabled = COALESCE(?3, is_enabled),
                is_default = COALESCE(?4, is_default), updated_at = ?5 WHERE id = ?1",
    )?
    .execute(params![id, changes.address, changes.is_enabled, changes.is_default, now])?;
    Ok(())
}

/// Deletes a mailbox; its conversations answer from the default.
pub fn delete_mailbox(conn: &Conn, id: i64) -> Result<(), Error> {
    conn.prepare_cached("DELETE FROM mailboxes WHERE id = ?1")?.execute([id])?;
    Ok(())
}

/// A conversation's mail side.
#[derive(Debug, Clone)]
pub struct ConversationMail {
    /// The conversation.
    pub conversation_id: i64,
    /// What its Reply-To address carries after the `+`.
    pub token: String,
    /// The mailbox it is answered from.
    pub mailbox_id: Option<i64>,
    /// Addresses copied on its mail.
    pub cc: Vec<String>,
}

fn conversation_mail_row(r: &Row) -> rusqlite::Result<ConversationMail> {
    let cc: String = r.get(3)?;
    Ok(ConversationMail {
        conversation_id: r.get(0)?,
        token: r.get(1)?,
        mailbox_id: r.get(2)?,
        cc: serde_json::from_str(&cc).unwrap_or_default(),
    })
}

/// A conversation's mail side, if it has one yet.
pub fn conversation_mail(conn: &Conn, conversation_id: i64) -> Result<Option<ConversationMail>, Error> {
    Ok(conn
        .prepare_cached(
            "SELECT conversation_id, token, mailbox_id, cc FROM conversation_mail WHERE conversation_id = ?1",
        )?
        .query_row([conversation_id], conversation_mail_row)
        .optional()?)
}

/// The conversation a reply token names.
pub fn conversation_by_token(conn: &Conn, token: &str) -> Result<Option<i64>, Error> {
    Ok(conn
        .prepare_cached("SELECT conversation_id FROM conversation_mail WHERE token = ?1")?
        .query_row([token], |r| r.get(0))
        .optional()?)
}

/// A conversation's mail side, created with `token` if it has none.
pub fn ensure_conversation_mail(
    conn: &Conn,
    conversation_id: i64,
    mailbox_id: Option<i64>,
    token: &str,
) -> Result<ConversationMail, Error> {
    conn.prepare_cached(
        "INSERT INTO conversation_mail (conversation_id, token, mailbox_id) VALUES (?1, ?2, ?3)
         ON CONFLICT (conversation_id) DO UPDATE SET mailbox_id = COALESCE(mailbox_id, excluded.mailbox_id)",
    )?
    .execute(params![conversation_id, token, mailbox_id])?;
    conversation_mail(conn, conversation_id)?.ok_or(Error::NotFound)
}

/// Sets the addresses copied on a conversation's mail.
pub fn set_cc(conn: &Conn, conversation_id: i64, cc: &[String]) -> Result<(), Error> {
    conn.prepare_cached("UPDATE conversation_mail SET cc = ?2 WHERE conversation_id = ?1")?
        .execute(params![conversation_id, serde_json::to_string(cc)?])?;
    Ok(())
}
