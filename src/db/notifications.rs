//! Agents' notifications: each agent's feed, what they want to hear of
//! and where (Kayako's `notification_preferences`; absent rows take the
//! defaults), and those whose mail is still to be decided (the digests).

use rusqlite::{params, OptionalExtension, Row};

use crate::db::{Conn, Error};

/// The kinds of notification, by Kayako's names.
pub const KINDS: [&str; 5] =
    ["case_created", "reply_on_case", "case_assigned_to_agent", "mentioned_in_conversation", "case_rated"];

/// Where an agent hears of one kind of event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preference {
    /// One of [`KINDS`].
    pub kind: &'static str,
    /// In the inbox (the browser's notifications, the feed, the unread count).
    pub desktop: bool,
    /// By mail, when still unread after the delay.
    pub email: bool,
    /// Kept for Kayako's shape; Parley sends no mobile push.
    pub mobile: bool,
}

impl Preference {
    /// What an agent who never chose gets: everything in the inbox, and by
    /// mail all but new conversations (which would be every conversation).
    pub fn default_for(kind: &'static str) -> Preference {
        Preference { kind, desktop: true, email: kind != "case_created", mobile: false }
    }

    /// Whether the agent hears of it at all.
    pub fn wanted(&self) -> bool {
        self.desktop || self.email
    }
}

/// An agent's preferences, every kind, defaults where they never chose.
pub fn preferences(conn: &Conn, user: i64) -> Result<Vec<Preference>, Error> {
    let mut out: Vec<Preference> = KINDS.iter().map(|k| Preference::default_for(k)).collect();
    let mut stmt = conn.prepare_cached(
        "SELECT type, channel_desktop, channel_email, channel_mobile FROM notification_preferences WHERE user_id = ?1",
    )?;
    let mut rows = stmt.query([user])?;
    while let Some(r) = rows.next()? {
        let kind: String = r.get(0)?;
        if let Some(p) = out.iter_mut().find(|p| p.kind == kind) {
            (p.desktop, p.email, p.mobile) = (r.get(1)?, r.get(2)?, r.get(3)?);
        }
    }
    Ok(out)
}

/// Saves one preference.
pub fn set_preference(conn: &Conn, user: i64, p: &Preference) -> Result<(), Error> {
    conn.prepare_cached(
        "INSERT INTO notification_preferences (user_id, type, channel_desktop, channel_email, channel_mobile)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (user_id, type) DO UPDATE SET channel_desktop = excluded.channel_desktop,
             channel_email = excluded.channel_email, channel_mobile = excluded.channel_mobile",
    )?
    .execute(params![user, p.kind, p.desktop, p.email, p.mobile])?;
    Ok(())
}

/// A row of `notifications`.
#[derive(Debug, Clone)]
pub struct Notification {
    /// Id.
    pub id: i64,
    /// The agent notified.
    pub user_id: i64,
    /// One of [`KINDS`].
    pub kind: String,
    /// The conversation it is about.
    pub conversation_id: Option<i64>,
    /// Who caused it.
    pub actor_id: Option<i64>,
    /// One line saying what happened.
    pub summary: String,
    /// When the agent read it.
    pub read_at: Option<i64>,
    /// When its mail was decided: queued in a digest, or not wanted (the
    /// agent's preferences, no address, disabled, mail off). Unread and
    /// `None`: still waiting for the delay.
    pub mailed_at: Option<i64>,
    /// Unix seconds.
    pub created_at: i64,
}

const COLUMNS: &str = "id, user_id, type, conversation_id, actor_id, summary, read_at, mailed_at, created_at";

fn from_row(r: &Row) -> rusqlite::Result<Notification> {
    Ok(Notification {
        id: r.get(0)?,
        user_id: r.get(1)?,
        kind: r.get(2)?,
        conversation_id: r.get(3)?,
        actor_id: r.get(4)?,
        summary: r.get(5)?,
        read_at: r.get(6)?,
        mailed_at: r.get(7)?,
        created_at: r.get(8)?,
    })
}

/// A page of an agent's feed, newest first (`unread`: only those not read),
/// and its count.
pub fn feed(conn: &Conn, user: i64, unread: bool, offset: i64, limit: i64) -> Result<(Vec<Notification>, i64), Error> {
    let only = if unread { "AND read_at IS NULL" } else { "" };
    let total = conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM notifications WHERE user_id = ?1 {only}"))?
        .query_row([user], |r| r.get(0))?;
    let rows = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM notifications WHERE user_id = ?1 {only} ORDER BY id DESC LIMIT ?2 OFFSET ?3"
        ))?
        .query_map(params![user, limit, offset], from_row)?
        .collect::<Result<_, _>>()?;
    Ok((rows, total))
}

/// One of an agent's notifications.
pub fn get(conn: &Conn, user: i64, id: i64) -> Result<Option<Notification>, Error> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM notifications WHERE id = ?1 AND user_id = ?2"))?
        .query_row(params![id, user], from_row)
        .optional()?)
}

/// Marks an agent's notifications read: those up to `up_to` (all when
/// `None`), or those about `conversation`. Returns how many changed.
pub fn mark_read(
    conn: &Conn,
    user: i64,
    up_to: Option<i64>,
    conversation: Option<i64>,
    now: i64,
) -> Result<usize, Error> {
    Ok(conn
        .prepare_cached(
            "UPDATE notifications SET read_at = ?2
              WHERE user_id = ?1 AND read_at IS NULL AND (?3 IS NULL OR id <= ?3)
                AND (?4 IS NULL OR conversation_id = ?4)",
        )?
        .execute(params![user, now, up_to, conversation])?)
}

/// Marks one notification read.
pub fn mark_one_read(conn: &Conn, user: i64, id: i64, now: i64) -> Result<(), Error> {
    conn.prepare_cached("UPDATE notifications SET read_at = ?3 WHERE id = ?1 AND user_id = ?2 AND read_at IS NULL")?
        .execute(params![id, user, now])?;
    Ok(())
}

/// Adds a notification; its row.
pub fn insert(
    conn: &Conn,
    user: i64,
    kind: &str,
    conversation_id: Option<i64>,
    actor_id: Option<i64>,
    summary: &str,
    now: i64,
) -> Result<Notification, Error> {
    conn.prepare_cached(
        "INSERT INTO notifications (user_id, type, conversation_id, actor_id, summary, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![user, kind, conversation_id, actor_id, summary, now])?;
    Ok(Notification {
        id: conn.last_insert_rowid(),
        user_id: user,
        kind: kind.to_owned(),
        conversation_id,
        actor_id,
        summary: summary.to_owned(),
        read_at: None,
        mailed_at: None,
        created_at: now,
    })
}

/// Enabled staff: all of them, or the members of `team`.
pub fn staff(conn: &Conn, team: Option<i64>) -> Result<Vec<i64>, Error> {
    let rows = conn
        .prepare_cached(
            "SELECT u.id FROM users u JOIN roles r ON r.id = u.role_id
              WHERE r.type <> 'CUSTOMER' AND u.is_enabled = 1
                AND (?1 IS NULL OR u.id IN (SELECT user_id FROM team_members WHERE team_id = ?1))
              ORDER BY u.id",
        )?
        .query_map([team], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Whether a notification raised at or before `before` is still unread and
/// its mail undecided (an index's worth: `notifications_to_mail`).
pub fn any_to_mail(conn: &Conn, before: i64) -> Result<bool, Error> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM notifications WHERE read_at IS NULL AND mailed_at IS NULL AND created_at <= ?1 LIMIT 1",
        )?
        .exists([before])?)
}

/// The notifications still unread whose mail is undecided, of the agents
/// who have one raised at or before `before` (the younger ones too: they
/// go in the same mail), by agent, oldest first; at most `limit`.
pub fn to_mail(conn: &Conn, before: i64, limit: i64) -> Result<Vec<Notification>, Error> {
    let rows = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM notifications
              WHERE read_at IS NULL AND mailed_at IS NULL
                AND user_id IN (SELECT user_id FROM notifications
                                 WHERE read_at IS NULL AND mailed_at IS NULL AND created_at <= ?1
                                 ORDER BY created_at LIMIT ?2)
              ORDER BY user_id, created_at, id LIMIT ?2"
        ))?
        .query_map(params![before, limit], from_row)?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Settles notifications' mail (see [`Notification::mailed_at`]).
pub fn mailed(conn: &Conn, ids: &[i64], now: i64) -> Result<(), Error> {
    let mut stmt =
        conn.prepare_cached("UPDATE notifications SET mailed_at = ?2 WHERE id = ?1 AND mailed_at IS NULL")?;
    for id in ids {
        stmt.execute(params![id, now])?;
    }
    Ok(())
}

/// The notifications of `ids` that still exist, in that order.
pub fn by_ids(conn: &Conn, ids: &[i64]) -> Result<Vec<Notification>, Error> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM notifications WHERE id = ?1"))?;
    let mut out = Vec::new();
    for id in ids {
        if let Some(n) = stmt.query_row([id], from_row).optional()? {
            out.push(n);
        }
    }
    Ok(out)
}
