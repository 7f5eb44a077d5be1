//! Mail received (`mails`), every Message-ID known (`mail_ids`) and the mail
//! headers of messages (`message_mail`).

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension, Row};

use crate::db::{Conn, Error, IdsIn};

/// What became of a mail received, for `mails`.
#[derive(Debug, Clone)]
pub struct NewMail {
    /// The mailbox it was addressed to.
    pub mailbox_id: Option<i64>,
    /// Its Message-ID, without angle brackets.
    pub message_id: String,
    /// The sender's address.
    pub from_address: String,
    /// The sender's display name.
    pub from_name: Option<String>,
    /// `{"to": [...], "cc": [...]}`.
    pub recipients: String,
    /// Its subject.
    pub subject: String,
    /// PROCESSED, SUSPENDED or REJECTED.
    pub status: &'static str,
    /// Why it was suspended or rejected (Kayako's codes).
    pub suspension_code: Option<&'static str>,
    /// In words.
    pub reason: Option<String>,
    /// Bytes.
    pub size: i64,
    /// SMTP, IMAP or PIPE.
    pub door: &'static str,
    /// The conversation it went to.
    pub conversation_id: Option<i64>,
    /// The message it became.
    pub post_id: Option<i64>,
}

/// A row of `mails`.
#[derive(Debug, Clone)]
pub struct MailRow {
    /// Id.
    pub id: i64,
    /// The mailbox.
    pub mailbox_id: Option<i64>,
    /// Message-ID.
    pub message_id: String,
    /// Sender.
    pub from_address: String,
    /// Sender's name.
    pub from_name: Option<String>,
    /// JSON.
    pub recipients: String,
    /// Subject.
    pub subject: String,
    /// Status.
    pub status: String,
    /// Code.
    pub suspension_code: Option<String>,
    /// Reason.
    pub reason: Option<String>,
    /// Bytes.
    pub size: i64,
    /// Door.
    pub door: String,
    /// Conversation.
    pub conversation_id: Option<i64>,
    /// Message.
    pub post_id: Option<i64>,
    /// Unix seconds.
    pub created_at: i64,
}

const MAIL_COLUMNS: &str = "id, mailbox_id, message_id, from_address, from_name, recipients, subject, status, \
    suspension_code, reason, size, door, conversation_id, post_id, created_at";

fn mail_row(r: &Row) -> rusqlite::Result<MailRow> {
    Ok(MailRow {
        id: r.get(0)?,
        mailbox_id: r.get(1)?,
        message_id: r.get(2)?,
        from_address: r.get(3)?,
        from_name: r.get(4)?,
        recipients: r.get(5)?,
        subject: r.get(6)?,
        status: r.get(7)?,
        suspension_code: r.get(8)?,
        reason: r.get(9)?,
        size: r.get(10)?,
        door: r.get(11)?,
        conversation_id: r.get(12)?,
        post_id: r.get(13)?,
        created_at: r.get(14)?,
    })
}

/// Records a mail received; `None` when one with its Message-ID already was.
pub fn insert_mail(conn: &Conn, m: &NewMail, now: i64) -> Result<Option<i64>, Error> {
    let n = conn
        .prepare_cached(
            "INSERT INTO mails (mailbox_id, message_id, from_address, from_name, recipients, subject, status,
                 suspension_code, reason, size, door, conversation_id, post_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
             ON CONFLICT (message_id) DO NOTHING",
        )?
        .execute(params![
            m.mailbox_id,
            m.message_id,
            m.from_address,
            m.from_name,
            m.recipients,
            m.subject,
            m.status,
            m.suspension_code,
            m.reason,
            m.size,
            m.door,
            m.conversation_id,
            m.post_id,
            now
        ])?;
    Ok((n > 0).then(|| conn.last_insert_rowid()))
}

/// Whether a mail with this Message-ID was received already.
pub fn was_received(conn: &Conn, message_id: &str) -> Result<bool, Error> {
    Ok(conn.prepare_cached("SELECT 1 FROM mails WHERE message_id = ?1")?.exists([message_id])?)
}

/// A page of the mail received, newest first, and the total.
pub fn mails(conn: &Conn, offset: i64, limit: i64) -> Result<(Vec<MailRow>, i64), Error> {
    let total = conn.query_row("SELECT COUNT(*) FROM mails", [], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {MAIL_COLUMNS} FROM mails ORDER BY created_at DESC, id DESC LIMIT ?1 OFFSET ?2"
    ))?;
    let rows = stmt.query_map(params![limit, offset], mail_row)?.collect::<Result<_, _>>()?;
    Ok((rows, total))
}

/// One mail received.
pub fn mail(conn: &Conn, id: i64) -> Result<Option<MailRow>, Error> {
    Ok(conn
        .prepare_cached(&format!("SELECT {MAIL_COLUMNS} FROM mails WHERE id = ?1"))?
        .query_row([id], mail_row)
        .optional()?)
}

/// Remembers a Message-ID as message `post_id` (the first to claim it keeps it).
pub fn record_id(
    conn: &Conn,
    message_id: &str,
    post_id: i64,
    conversation_id: i64,
    outbound: bool,
) -> Result<(), Error> {
    conn.prepare_cached(
        "INSERT INTO mail_ids (message_id, post_id, conversation_id, outbound) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (message_id) DO NOTHING",
    )?
    .execute(params![message_id, post_id, conversation_id, outbound])?;
    Ok(())
}

/// A Message-ID Parley knows: the message and conversation it is.
#[derive(Debug, Clone, Copy)]
pub struct Known {
    /// The message.
    pub post_id: i64,
    /// Its conversation.
    pub conversation_id: i64,
    /// Whether Parley sent it.
    pub outbound: bool,
}

/// The first of `ids` Parley knows, in their order.
pub fn known_id(conn: &Conn, ids: &[String]) -> Result<Option<Known>, Error> {
    let mut stmt =
        conn.prepare_cached("SELECT post_id, conversation_id, outbound FROM mail_ids WHERE message_id = ?1")?;
    for id in ids {
        let found = stmt
            .query_row([id], |r| Ok(Known { post_id: r.get(0)?, conversation_id: r.get(1)?, outbound: r.get(2)? }))
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

/// The Message-IDs of a conversation's mail, oldest first, at most `limit`
/// of the newest: what a reply's `References` lists. `inbound_only` keeps
/// the customer's.
pub fn thread_ids(conn: &Conn, conversation_id: i64, inbound_only: bool, limit: i64) -> Result<Vec<String>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT message_id FROM (
             SELECT message_id, post_id FROM mail_ids
              WHERE conversation_id = ?1 AND (?2 = 0 OR outbound = 0)
              ORDER BY post_id DESC LIMIT ?3)
          ORDER BY post_id",
    )?;
    let rows =
        stmt.query_map(params![conversation_id, inbound_only, limit], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// A message's mail headers.
#[derive(Debug, Clone, Default)]
pub struct MessageMail {
    /// The message.
    pub post_id: i64,
    /// Its Message-ID.
    pub header_id: String,
    /// From.
    pub from_address: String,
    /// To.
    pub to: Vec<String>,
    /// Cc.
    pub cc: Vec<String>,
    /// The quoted history taken out of its text.
    pub quoted_text: Option<String>,
    /// The same, as sanitised HTML.
    pub quoted_html: Option<String>,
    /// Why it was automated mail (an auto-reply, a list), if it was.
    pub automated: Option<String>,
    /// For mail Parley sends: QUEUED, SENT, BOUNCED or FAILED.
    pub delivery: Option<String>,
}

/// Records a message's mail headers.
pub fn insert_message_mail(conn: &Conn, m: &MessageMail) -> Result<(), Error> {
    conn.prepare_cached(
        "INSERT INTO message_mail (post_id, header_id, from_address, to_addresses, cc_addresses, quoted_text,
             quoted_html, automated, delivery)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (post_id) DO UPDATE SET to_addresses = excluded.to_addresses,
             cc_addresses = excluded.cc_addresses, delivery = excluded.delivery",
    )?
    .execute(params![
        m.post_id,
        m.header_id,
        m.from_address,
        serde_json::to_string(&m.to)?,
        serde_json::to_string(&m.cc)?,
        m.quoted_text,
        m.quoted_html,
        m.automated,
        m.delivery
    ])?;
    Ok(())
}

/// The mail headers of messages, by message id.
pub fn message_mail_of(conn: &Conn, ids: &IdsIn) -> Result<HashMap<i64, MessageMail>, Error> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT post_id, header_id, from_address, to_addresses, cc_addresses, quoted_text, quoted_html, automated,
                delivery
           FROM message_mail WHERE post_id {}",
        ids.sql(1)
    ))?;
    let mut out = HashMap::new();
    let mut rows = stmt.query([ids.value()])?;
    while let Some(r) = rows.next()? {
        let to: String = r.get(3)?;
        let cc: String = r.get(4)?;
        let m = MessageMail {
            post_id: r.get(0)?,
            header_id: r.get(1)?,
            from_address: r.get(2)?,
            to: serde_json::from_str(&to).unwrap_or_default(),
            cc: serde_json::from_str(&cc).unwrap_or_default(),
            quoted_text: r.get(5)?,
            quoted_html: r.get(6)?,
            automated: r.get(7)?,
            delivery: r.get(8)?,
        };
        out.insert(m.post_id, m);
    }
    Ok(out)
}

/// Sets the delivery state of messages sent by mail.
pub fn set_delivery(conn: &Conn, post_ids: &[i64], delivery: &str) -> Result<(), Error> {
    let mut stmt = conn.prepare_cached("UPDATE message_mail SET delivery = ?2 WHERE post_id = ?1")?;
    for id in post_ids {
        stmt.execute(params![id, delivery])?;
    }
    Ok(())
}

/// Marks a message REJECTED (a bounce, or mail given up on) with why.
pub fn reject_message(conn: &Conn, post_id: i64, reject_type: &str, reason: &str, now: i64) -> Result<bool, Error> {
    let n = conn
        .prepare_cached(
            "UPDATE messages SET message_status = 'REJECTED', message_status_reject_type = ?2,
                    message_status_reject_reason = ?3, message_status_updated_at = ?4, updated_at = ?4
              WHERE id = ?1",
        )?
        .execute(params![post_id, reject_type, reason, now])?;
    Ok(n > 0)
}

/// How far IMAP polling got in `account`: (UIDVALIDITY, last UID taken).
pub fn imap_watermark(conn: &Conn, account: &str) -> Result<Option<(i64, i64)>, Error> {
    Ok(conn
        .prepare_cached("SELECT uid_validity, last_uid FROM imap_watermarks WHERE account = ?1")?
        .query_row([account], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Records how far IMAP polling got in `account`.
pub fn set_imap_watermark(conn: &Conn, account: &str, uid_validity: i64, last_uid: i64) -> Result<(), Error> {
    conn.prepare_cached(
        "INSERT INTO imap_watermarks (account, uid_validity, last_uid) VALUES (?1, ?2, ?3)
         ON CONFLICT (account) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid",
    )?
    .execute(params![account, uid_validity, last_uid])?;
    Ok(())
}
