//! Rows written in bulk by `parley gen`, inside one transaction: what the demo
//! provides that generated rows refer to ([`world`]), and one insert per kind
//! of row, each prepared once and reused. The columns the server keeps in
//! summary (last replier, preview, status) are written as given: `gen`
//! computes them as the server would.

use rusqlite::params;

use crate::db::{Conn, Result};

/// What the demo provides that generated rows refer to.
pub struct World {
    /// Enabled agents, admins and owners, by id.
    pub agents: Vec<i64>,
    /// Teams, by id.
    pub teams: Vec<i64>,
    /// Priorities, lowest level first.
    pub priorities: Vec<i64>,
    /// Conversation types.
    pub types: Vec<i64>,
    /// The first status of type NEW.
    pub new: i64,
    /// The first status of type OPEN.
    pub open: i64,
    /// The first status of type PENDING.
    pub pending: i64,
    /// The first status of type COMPLETED.
    pub completed: i64,
    /// The first status of type CLOSED.
    pub closed: i64,
    /// The customer role.
    pub customer_role: i64,
    /// The first form, for help-center conversations.
    pub helpcenter_form: Option<i64>,
}

fn ids(conn: &Conn, sql: &str) -> Result<Vec<i64>> {
    Ok(conn.prepare(sql)?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)
}

/// What the demo provides.
pub fn world(conn: &Conn) -> Result<World> {
    let status = |t: &str| -> Result<i64> {
        Ok(conn.query_row(
            "SELECT id FROM case_statuses WHERE type = ?1 ORDER BY sort_order, id LIMIT 1",
            [t],
            |r| r.get(0),
        )?)
    };
    Ok(World {
        agents: ids(
            conn,
            "SELECT u.id FROM users u JOIN roles r ON r.id = u.role_id
             WHERE r.type IN ('AGENT', 'ADMIN', 'OWNER') AND u.is_enabled = 1 ORDER BY u.id",
        )?,
        teams: ids(conn, "SELECT id FROM teams ORDER BY id")?,
        priorities: ids(conn, "SELECT id FROM case_priorities ORDER BY level, id")?,
        types: ids(conn, "SELECT id FROM case_types ORDER BY id")?,
        new: status("NEW")?,
        open: status("OPEN")?,
        pending: status("PENDING")?,
        completed: status("COMPLETED")?,
        closed: status("CLOSED")?,
        customer_role: conn.query_row("SELECT id FROM roles WHERE type = 'CUSTOMER'", [], |r| r.get(0))?,
        helpcenter_form: ids(conn, "SELECT id FROM forms ORDER BY sort_order, id LIMIT 1")?.first().copied(),
    })
}

/// Adds an organization; its id.
pub fn organization(conn: &Conn, name: &str, at: i64) -> Result<i64> {
    conn.prepare_cached("INSERT INTO organizations (name, created_at, updated_at) VALUES (?1, ?2, ?2)")?
        .execute(params![name, at])?;
    Ok(conn.last_insert_rowid())
}

/// A customer to add.
pub struct Customer<'a> {
    /// Their UUID.
    pub uuid: &'a str,
    /// Full name.
    pub name: &'a str,
    /// Email address.
    pub email: &'a str,
    /// The customer role's id.
    pub role_id: i64,
    /// Their organization.
    pub organization_id: i64,
    /// Their avatar's UUID.
    pub avatar_uuid: &'a str,
    /// Their presence channel.
    pub presence_channel: &'a str,
    /// When they were created.
    pub at: i64,
}

/// Adds a customer; their id.
pub fn customer(conn: &Conn, c: &Customer) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO users (uuid, full_name, email, role_id, organization_id, avatar_uuid, presence_channel,
             created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )?
    .execute(params![
        c.uuid,
        c.name,
        c.email,
        c.role_id,
        c.organization_id,
        c.avatar_uuid,
        c.presence_channel,
        c.at
    ])?;
    Ok(conn.last_insert_rowid())
}

/// A conversation to add, before its messages.
pub struct Conversation<'a> {
    /// Its UUID.
    pub uuid: &'a str,
    /// Subject.
    pub subject: &'a str,
    /// `MESSENGER`, `MAIL` or `HELPCENTER`.
    pub channel: &'a str,
    /// The customer who started it.
    pub requester_id: i64,
    /// Its team.
    pub team_id: Option<i64>,
    /// Its agent.
    pub agent_id: Option<i64>,
    /// Its first status.
    pub status_id: i64,
    /// Priority.
    pub priority_id: Option<i64>,
    /// Type.
    pub type_id: Option<i64>,
    /// The form it came through.
    pub form_id: Option<i64>,
    /// When it was created.
    pub at: i64,
}

/// Adds a conversation; its id. Its realtime channel is set with its summary.
pub fn conversation(conn: &Conn, c: &Conversation) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO conversations (uuid, subject, channel, requester_id, creator_id, assigned_team_id,
             assigned_agent_id, status_id, priority_id, type_id, form_id, realtime_channel, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8, ?9, ?10, '', ?11, ?11)",
    )?
    .execute(params![
        c.uuid,
        c.subject,
        c.channel,
        c.requester_id,
        c.team_id,
        c.agent_id,
        c.status_id,
        c.priority_id,
        c.type_id,
        c.form_id,
        c.at
    ])?;
    Ok(conn.last_insert_rowid())
}

/// A conversation's summary once its messages are in.
pub struct Summary<'a> {
    /// The conversation.
    pub id: i64,
    /// Its realtime channel.
    pub realtime_channel: &'a str,
    /// Its status now.
    pub status_id: i64,
    /// Who wrote last.
    pub last_replier_id: i64,
    /// Which agent wrote last.
    pub last_agent_replier_id: Option<i64>,
    /// The last message's status.
    pub last_message_status: &'a str,
    /// The last message's preview.
    pub last_message_preview: &'a str,
    /// When the last message came.
    pub last_replied_at: i64,
}

/// Writes a conversation's summary columns.
pub fn summary(conn: &Conn, s: &Summary) -> Result<()> {
    conn.prepare_cached(
        "UPDATE conversations SET realtime_channel = ?2, status_id = ?3, last_replier_id = ?4,
             last_agent_replier_id = ?5, last_message_status = ?6, last_message_preview = ?7,
             last_replied_at = ?8, updated_at = ?8
         WHERE id = ?1",
    )?
    .execute(params![
        s.id,
        s.realtime_channel,
        s.status_id,
        s.last_replier_id,
        s.last_agent_replier_id,
        s.last_message_status,
        s.last_message_preview,
        s.last_replied_at
    ])?;
    Ok(())
}

/// A message to add.
pub struct Message<'a> {
    /// Its UUID.
    pub uuid: &'a str,
    /// Its conversation.
    pub conversation_id: i64,
    /// The conversation's subject.
    pub subject: &'a str,
    /// The conversation's channel.
    pub channel: &'a str,
    /// Plain text.
    pub text: &'a str,
    /// Its HTML form.
    pub html: &'a str,
    /// Who wrote it.
    pub creator_id: i64,
    /// `AGENT`, or the customer's channel.
    pub source: &'a str,
    /// `SENT`, `DELIVERED` or `SEEN`.
    pub status: &'a str,
    /// When it was written.
    pub at: i64,
}

/// Adds a message; its id.
pub fn message(conn: &Conn, m: &Message) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO messages (uuid, conversation_id, subject, channel, content_text, content_html, creator_id,
             source, message_status, message_status_updated_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?10)",
    )?
    .execute(params![
        m.uuid,
        m.conversation_id,
        m.subject,
        m.channel,
        m.text,
        m.html,
        m.creator_id,
        m.source,
        m.status,
        m.at
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Makes `user_id` a participant of the conversation (once).
pub fn participant(conn: &Conn, conversation_id: i64, user_id: i64, at: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO participants (conversation_id, user_id, created_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![conversation_id, user_id, at])?;
    Ok(())
}

/// Records `user_id`'s messenger device.
pub fn fingerprint(conn: &Conn, fingerprint: &str, user_id: i64, at: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO fingerprints (fingerprint, user_id, is_verified, created_at, last_used_at) VALUES (?1, ?2, 0, ?3, ?3)",
    )?
    .execute(params![fingerprint, user_id, at])?;
    Ok(())
}

/// Lets a device see a conversation it started.
pub fn device(conn: &Conn, fingerprint: &str, conversation_id: i64, at: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO conversation_devices (fingerprint, conversation_id, created_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![fingerprint, conversation_id, at])?;
    Ok(())
}

/// `user_id`'s read marker on a conversation, at message `last_read`.
pub fn marker(conn: &Conn, conversation_id: i64, user_id: i64, last_read: i64, at: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO read_markers (conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4, ?4)",
    )?
    .execute(params![conversation_id, user_id, last_read, at])?;
    Ok(())
}

/// Marks a conversation completed at `at` (its first completion, for insights).
pub fn completed(conn: &Conn, conversation_id: i64, status_id: i64, at: i64) -> Result<()> {
    conn.prepare_cached("UPDATE conversations SET status_id = ?2, completed_at = ?3, updated_at = ?3 WHERE id = ?1")?
        .execute(params![conversation_id, status_id, at])?;
    Ok(())
}

/// A customer's rating of a conversation.
pub fn rating(
    conn: &Conn,
    conversation_id: i64,
    good: bool,
    comment: Option<&str>,
    creator_id: i64,
    at: i64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO ratings (conversation_id, score, comment, creator_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )?
    .execute(params![conversation_id, if good { "GOOD" } else { "BAD" }, comment, creator_id, at])?;
    Ok(())
}
