//! Conversations and their participants, what their wire form needs beside
//! the row ([`decorate`]), and the one SQL predicate that decides which
//! conversations an identity may see.

use std::collections::HashMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, OptionalExtension, Row};

use super::fields::Field;
use super::IdsIn;
use crate::db::{Conn, Error};

/// A row of `conversations`.
#[derive(Debug, Clone)]
pub struct Conversation {
    /// Id.
    pub id: i64,
    /// Stable UUID.
    pub uuid: String,
    /// Id in a previous system.
    pub legacy_id: Option<String>,
    /// Subject line.
    pub subject: String,
    /// MAIL, HELPCENTER, MESSENGER, API, ...
    pub channel: String,
    /// Who asked.
    pub requester_id: i64,
    /// Who created it (an agent may create on a customer's behalf).
    pub creator_id: i64,
    /// Author of the last message.
    pub last_replier_id: Option<i64>,
    /// Last staff author.
    pub last_agent_replier_id: Option<i64>,
    /// Assigned team.
    pub assigned_team_id: Option<i64>,
    /// Assigned agent.
    pub assigned_agent_id: Option<i64>,
    /// Status id.
    pub status_id: i64,
    /// The status's type (NEW, OPEN, ...).
    pub status_kind: String,
    /// Priority id.
    pub priority_id: Option<i64>,
    /// Type id.
    pub type_id: Option<i64>,
    /// Form it was created through.
    pub form_id: Option<i64>,
    /// Realtime channel name.
    pub realtime_channel: String,
    /// Status of the last message.
    pub last_message_status: Option<String>,
    /// First 255 characters of the last message.
    pub last_message_preview: Option<String>,
    /// Unix seconds.
    pub last_replied_at: Option<i64>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

impl Conversation {
    /// Closed conversations cannot be replied to.
    pub fn is_closed(&self) -> bool {
        self.status_kind == "CLOSED"
    }
}

/// The columns [`from_row`] reads, from `conversations c` (no join: the status
/// type is a lookup by primary key, so lists keep to the conversations' indexes).
pub(super) const COLUMNS: &str = "c.id, c.uuid, c.legacy_id, c.subject, c.channel, c.requester_id, c.creator_id, \
    c.last_replier_id, c.last_agent_replier_id, c.assigned_team_id, c.assigned_agent_id, c.status_id, \
    (SELECT type FROM case_statuses WHERE id = c.status_id), \
    c.priority_id, c.type_id, c.form_id, c.realtime_channel, c.last_message_status, c.last_message_preview, \
    c.last_replied_at, c.created_at, c.updated_at";

pub(super) fn from_row(r: &Row) -> rusqlite::Result<Conversation> {
    Ok(Conversation {
        id: r.get(0)?,
        uuid: r.get(1)?,
        legacy_id: r.get(2)?,
        subject: r.get(3)?,
        channel: r.get(4)?,
        requester_id: r.get(5)?,
        creator_id: r.get(6)?,
        last_replier_id: r.get(7)?,
        last_agent_replier_id: r.get(8)?,
        assigned_team_id: r.get(9)?,
        assigned_agent_id: r.get(10)?,
        status_id: r.get(11)?,
        status_kind: r.get(12)?,
        priority_id: r.get(13)?,
        type_id: r.get(14)?,
        form_id: r.get(15)?,
        realtime_channel: r.get(16)?,
        last_message_status: r.get(17)?,
        last_message_preview: r.get(18)?,
        last_replied_at: r.get(19)?,
        created_at: r.get(20)?,
        updated_at: r.get(21)?,
    })
}

/// Which conversations an identity may see (conventions §6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// Staff: every conversation.
    All,
    /// A customer: those they requested, and with `org` those requested by
    /// anyone in that organization (`filters=MY_ORGANIZATION`).
    Requester {
        /// The customer.
        user_id: i64,
        /// Their organization, when the caller asked for it.
        org: Option<i64>,
    },
    /// A device: those started or joined from it, and once verified those of `owner`.
    Device {
        /// The fingerprint.
        fingerprint: String,
        /// The verified customer, whose own visibility is added.
        owner: Option<Box<Visibility>>,
    },
    /// A request token: exactly one conversation.
    One(i64),
    /// Nothing.
    Nothing,
}

impl Visibility {
    /// The SQL condition on `c` (the conversations alias) and its arguments.
    /// `many`: the condition serves a list (a device's conversations are
    /// gathered once); else one row is checked (a device's link is looked up).
    pub(super) fn predicate(&self, args: &mut Vec<SqlValue>, many: bool) -> String {
        match self {
            Visibility::All => "1".into(),
            Visibility::Nothing => "0".into(),
            Visibility::One(id) => {
                args.push(SqlValue::Integer(*id));
                format!("c.id = ?{}", args.len())
            }
            Visibility::Requester { user_id, org } => {
                args.push(SqlValue::Integer(*user_id));
                let own = format!("c.requester_id = ?{}", args.len());
                match org {
                    None => own,
                    Some(org) => {
                        args.push(SqlValue::Integer(*org));
                        format!(
                            "({own} OR c.requester_id IN (SELECT id FROM users WHERE organization_id = ?{}))",
                            args.len()
                        )
                    }
                }
            }
            Visibility::Device { fingerprint, owner } => {
                args.push(SqlValue::Text(fingerprint.clone()));
                let n = args.len();
                let device = if many {
                    format!("c.id IN (SELECT conversation_id FROM conversation_devices WHERE fingerprint = ?{n})")
                } else {
                    format!(
                        "EXISTS (SELECT 1 FROM conversation_devices d WHERE d.fingerprint = ?{n} AND d.conversation_id = c.id)"
                    )
                };
                match owner {
                    None => device,
                    Some(owner) => format!("({device} OR {})", owner.predicate(args, many)),
                }
            }
        }
    }
}

/// Filters of the conversation list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Of one of these statuses (those of the type asked for: NEW, OPEN, ...).
    pub statuses: Option<Vec<i64>>,
    /// Highest priority level to include.
    pub max_priority_level: Option<i64>,
    /// Assigned to this agent (`Some(None)`: to nobody).
    pub assigned_agent: Option<Option<i64>>,
    /// Assigned to this team (`Some(None)`: to none).
    pub assigned_team: Option<Option<i64>>,
    /// Requested by this user.
    pub requester: Option<i64>,
    /// Of exactly this priority.
    pub priority_id: Option<i64>,
    /// One of these (the inbox asking which of a few it shows).
    pub ids: Option<Vec<i64>>,
}

/// The conversation with this id, if `vis` lets the caller see it.
pub fn get_visible(conn: &Conn, vis: &Visibility, id: i64) -> Result<Option<Conversation>, Error> {
    let mut args = vec![SqlValue::Integer(id)];
    let cond = vis.predicate(&mut args, false);
    let sql = format!("SELECT {COLUMNS} FROM conversations c WHERE c.id = ?1 AND {cond}");
    Ok(conn.prepare_cached(&sql)?.query_row(params_from_iter(args.iter()), from_row).optional()?)
}

/// The id of the conversation whose realtime channel is `channel`, if `vis` shows it.
pub fn by_realtime_channel(conn: &Conn, vis: &Visibility, channel: &str) -> Result<Option<i64>, Error> {
    let mut args = vec![SqlValue::Text(channel.to_owned())];
    let cond = vis.predicate(&mut args, false);
    let sql = format!("SELECT c.id FROM conversations c WHERE c.realtime_channel = ?1 AND {cond}");
    Ok(conn.prepare_cached(&sql)?.query_row(params_from_iter(args.iter()), |r| r.get(0)).optional()?)
}

/// Whether `user_id` takes part in any conversation `vis` shows: as requester,
/// creator, assignee, replier or participant.
pub fn involves_visible(conn: &Conn, vis: &Visibility, user_id: i64) -> Result<bool, Error> {
    let mut args = vec![SqlValue::Integer(user_id)];
    let cond = vis.predicate(&mut args, true);
    let sql = format!(
        "SELECT EXISTS (SELECT 1 FROM conversations c WHERE {cond} AND (
            c.requester_id = ?1 OR c.creator_id = ?1 OR c.assigned_agent_id = ?1 OR c.last_replier_id = ?1
            OR c.last_agent_replier_id = ?1
            OR EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = c.id AND p.user_id = ?1)))"
    );
    Ok(conn.prepare_cached(&sql)?.query_row(params_from_iter(args.iter()), |r| r.get(0))?)
}

/// What a new conversation starts with.
#[derive(Debug, Clone)]
pub struct NewConversation {
    /// Subject line.
    pub subject: String,
    /// Channel.
    pub channel: String,
    /// Requester.
    pub requester_id: i64,
    /// Creator.
    pub creator_id: i64,
    /// Initial status.
    pub status_id: i64,
    /// Priority.
    pub priority_id: Option<i64>,
    /// Form.
    pub form_id: Option<i64>,
}

/// Inserts a conversation (without messages) and returns its id. Its id is
/// chosen in the statement (the next after the largest, as SQLite would), so
/// that its realtime channel, which names it, is written with the row.
pub fn insert(conn: &Conn, c: &NewConversation, realtime_key: &str, now: i64) -> Result<i64, Error> {
    conn.prepare_cached(
        "INSERT INTO conversations (id, uuid, subject, channel, requester_id, creator_id, status_id, priority_id,
             form_id, realtime_channel, created_at, updated_at)
         SELECT next, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'presence-' || ?9 || '@v1_cases_' || next, ?10, ?10
           FROM (SELECT IFNULL(MAX(id), 0) + 1 AS next FROM conversations)",
    )?
    .execute(params![
        super::ordered_uuid(),
        c.subject,
        c.channel,
        c.requester_id,
        c.creator_id,
        c.status_id,
        c.priority_id,
        c.form_id,
        realtime_key,
        now
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The changes a PUT may make; `None` leaves a column alone.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// New subject.
    pub subject: Option<String>,
    /// New status.
    pub status_id: Option<i64>,
    /// New priority.
    pub priority_id: Option<i64>,
    /// New type.
    pub type_id: Option<i64>,
    /// New assigned agent (`Some(None)` unassigns).
    pub assigned_agent: Option<Option<i64>>,
    /// New assigned team (`Some(None)` unassigns).
    pub assigned_team: Option<Option<i64>>,
}

/// Applies `changes` and bumps `updated_at` when anything changed.
pub fn update(conn: &Conn, id: i64, changes: &Changes, touched: bool, now: i64) -> Result<(), Error> {
    conn.prepare_cached(
        "UPDATE conversations SET subject = COALESCE(?2, subject), status_id = COALESCE(?3, status_id),
             priority_id = COALESCE(?4, priority_id), type_id = COALESCE(?5, type_id),
             assigned_agent_id = CASE WHEN ?8 THEN ?9 ELSE assigned_agent_id END,
             assigned_team_id = CASE WHEN ?10 THEN ?11 ELSE assigned_team_id END,
             updated_at = CASE WHEN ?6 THEN ?7 ELSE updated_at END
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        changes.subject,
        changes.status_id,
        changes.priority_id,
        changes.type_id,
        touched,
        now,
        changes.assigned_agent.is_some(),
        changes.assigned_agent.flatten(),
        changes.assigned_team.is_some(),
        changes.assigned_team.flatten(),
    ])?;
    Ok(())
}

/// Records a new message on the conversation's summary columns.
pub fn record_reply(
    conn: &Conn,
    id: i64,
    author_id: i64,
    author_is_staff: bool,
    preview: &str,
    now: i64,
) -> Result<(), Error> {
    conn.prepare_cached(
        "UPDATE conversations SET last_replier_id = ?2,
             last_agent_replier_id = CASE WHEN ?3 THEN ?2 ELSE last_agent_replier_id END,
             last_replied_at = ?5, last_message_preview = ?4, last_message_status = 'SENT', updated_at = ?5
         WHERE id = ?1",
    )?
    .execute(params![id, author_id, author_is_staff, preview, now])?;
    Ok(())
}

/// Sets the conversation's `last_message_status` when `message_id` is its newest message.
pub fn sync_last_message_status(conn: &Conn, id: i64, message_id: i64, status: &str) -> Result<(), Error> {
    conn.prepare_cached(
        "UPDATE conversations SET last_message_status = ?3
         WHERE id = ?1 AND ?2 = (SELECT id FROM messages WHERE conversation_id = ?1
                                 ORDER BY created_at DESC, id DESC LIMIT 1)",
    )?
    .execute(params![id, message_id, status])?;
    Ok(())
}

/// Adds a participant (idempotent).
pub fn add_participant(conn: &Conn, conversation_id: i64, user_id: i64, now: i64) -> Result<(), Error> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO participants (conversation_id, user_id, created_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![conversation_id, user_id, now])?;
    Ok(())
}

/// A page of participant ids (in order of joining) and the total count.
pub fn participants(conn: &Conn, conversation_id: i64, offset: i64, limit: i64) -> Result<(Vec<i64>, i64), Error> {
    let total = conn
        .prepare_cached("SELECT COUNT(*) FROM participants WHERE conversation_id = ?1")?
        .query_row([conversation_id], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(
        "SELECT user_id FROM participants WHERE conversation_id = ?1 ORDER BY created_at, user_id LIMIT ?2 OFFSET ?3",
    )?;
    let ids = stmt.query_map(params![conversation_id, limit, offset], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok((ids, total))
}

/// A conversation with what its wire form needs beside the row, for one reader.
#[derive(Debug, Clone)]
pub struct Decorated {
    /// The row.
    pub row: Conversation,
    /// The reader's read marker on it, if any.
    pub read_marker_id: Option<i64>,
    /// Its field values, `(field_id, value)`, in the catalog's order.
    pub field_values: Vec<(i64, String)>,
}

/// `rows` with what their wire form needs: `reader`'s read markers on them,
/// and their values of `fields` (only those customers may see when
/// `customer_only`); one query each, whatever the number of rows.
pub fn decorate(
    conn: &Conn,
    rows: Vec<Conversation>,
    reader: Option<i64>,
    fields: &HashMap<i64, Field>,
    customer_only: bool,
) -> Result<Vec<Decorated>, Error> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids = IdsIn::of(rows.iter().map(|c| c.id));
    let markers = match reader {
        Some(uid) => super::markers::ids_of(conn, &ids, uid)?,
        None => HashMap::new(),
    };
    let mut values = super::fields::values_of(conn, &ids, fields, customer_only)?;
    Ok(rows
        .into_iter()
        .map(|row| Decorated {
            read_marker_id: markers.get(&row.id).copied(),
            field_values: values.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect())
}

/// Whether the user with this email is a participant of a conversation.
pub fn is_participant_email(conn: &Conn, conversation_id: i64, email: &str) -> Result<bool, Error> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM participants p JOIN users u ON u.id = p.user_id
              WHERE p.conversation_id = ?1 AND u.email = ?2",
        )?
        .exists(params![conversation_id, email])?)
}
