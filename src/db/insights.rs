//! What the insights reports read: one row per conversation created or
//! completed in a range, and the ratings given in it, each along an index
//! (by agent or team when the report is filtered by one). The facts come
//! from columns the writes keep (`first_response_at`, `staff_replies`,
//! `completed_at`, migration 12), so no report walks messages.

use rusqlite::types::Value;
use rusqlite::ToSql;

use crate::db::{Conn, Error};

/// Which conversations a report is about.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// From (Unix seconds, inclusive).
    pub from: i64,
    /// To (Unix seconds, exclusive).
    pub to: i64,
    /// Only those assigned to this team.
    pub team_id: Option<i64>,
    /// Only those assigned to this agent.
    pub agent_id: Option<i64>,
    /// Only those that came by this channel.
    pub channel: Option<String>,
}

/// A conversation created in the range.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    /// Id.
    pub id: i64,
    /// When it was created.
    pub created_at: i64,
    /// Its first answer from the team.
    pub first_response_at: Option<i64>,
    /// Its answers from the team.
    pub staff_replies: i64,
    /// Its assigned agent.
    pub agent_id: Option<i64>,
    /// Its channel.
    pub channel: String,
}

/// A conversation completed (for the first time) in the range.
#[derive(Debug, Clone, PartialEq)]
pub struct Completed {
    /// Id.
    pub id: i64,
    /// When it was created.
    pub created_at: i64,
    /// When it was first completed.
    pub completed_at: i64,
    /// Its assigned agent.
    pub agent_id: Option<i64>,
    /// Its channel.
    pub channel: String,
}

/// A rating given in the range.
#[derive(Debug, Clone, PartialEq)]
pub struct Rated {
    /// The rating's id.
    pub id: i64,
    /// The rated conversation.
    pub conversation_id: i64,
    /// GOOD.
    pub good: bool,
    /// What the customer wrote.
    pub comment: Option<String>,
    /// Who rated.
    pub creator_id: i64,
    /// When.
    pub created_at: i64,
    /// The conversation's assigned agent.
    pub agent_id: Option<i64>,
}

/// The conditions of `scope` on `c` (the conversations), its range on the
/// column `time`, with their values (the range is `?1` and `?2`).
fn conditions(scope: &Scope, time: &str) -> (String, Vec<Value>) {
    let mut sql = format!("{time} >= ?1 AND {time} < ?2");
    let mut values = vec![Value::Integer(scope.from), Value::Integer(scope.to)];
    if let Some(team) = scope.team_id {
        values.push(Value::Integer(team));
        sql.push_str(&format!(" AND c.assigned_team_id = ?{}", values.len()));
    }
    if let Some(agent) = scope.agent_id {
        values.push(Value::Integer(agent));
        sql.push_str(&format!(" AND c.assigned_agent_id = ?{}", values.len()));
    }
    if let Some(channel) = &scope.channel {
        values.push(Value::Text(channel.clone()));
        sql.push_str(&format!(" AND c.channel = ?{}", values.len()));
    }
    (sql, values)
}

fn args(values: &[Value]) -> Vec<&dyn ToSql> {
    values.iter().map(|v| v as &dyn ToSql).collect()
}

/// The conversations created in the scope, oldest first.
pub fn created(conn: &Conn, scope: &Scope) -> Result<Vec<Created>, Error> {
    let (cond, values) = conditions(scope, "c.created_at");
    let sql = format!(
        "SELECT c.id, c.created_at, c.first_response_at, c.staff_replies, c.assigned_agent_id, c.channel
           FROM conversations c WHERE {cond} ORDER BY c.created_at, c.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(args(&values).as_slice(), |r| {
        Ok(Created {
            id: r.get(0)?,
            created_at: r.get(1)?,
            first_response_at: r.get(2)?,
            staff_replies: r.get(3)?,
            agent_id: r.get(4)?,
            channel: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The conversations first completed in the scope, oldest completion first.
pub fn completed(conn: &Conn, scope: &Scope) -> Result<Vec<Completed>, Error> {
    let (cond, values) = conditions(scope, "c.completed_at");
    let sql = format!(
        "SELECT c.id, c.created_at, c.completed_at, c.assigned_agent_id, c.channel
           FROM conversations c WHERE {cond} ORDER BY c.completed_at, c.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(args(&values).as_slice(), |r| {
        Ok(Completed {
            id: r.get(0)?,
            created_at: r.get(1)?,
            completed_at: r.get(2)?,
            agent_id: r.get(3)?,
            channel: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The ratings given in the scope's range on conversations in its scope,
/// newest first.
pub fn rated(conn: &Conn, scope: &Scope) -> Result<Vec<Rated>, Error> {
    let (cond, values) = conditions(scope, "g.created_at");
    let sql = format!(
        "SELECT g.id, g.conversation_id, g.score = 'GOOD', g.comment, g.creator_id, g.created_at, c.assigned_agent_id
           FROM ratings g JOIN conversations c ON c.id = g.conversation_id
          WHERE {cond} ORDER BY g.created_at DESC, g.id DESC"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(args(&values).as_slice(), |r| {
        Ok(Rated {
            id: r.get(0)?,
            conversation_id: r.get(1)?,
            good: r.get(2)?,
            comment: r.get(3)?,
            creator_id: r.get(4)?,
            created_at: r.get(5)?,
            agent_id: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether a team exists.
pub fn team_exists(conn: &Conn, id: i64) -> Result<bool, Error> {
    Ok(conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM teams WHERE id = ?1)")?.query_row([id], |r| r.get(0))?)
}

/// Whether a staff user (who may be assigned) exists.
pub fn agent_exists(conn: &Conn, id: i64) -> Result<bool, Error> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM users u JOIN roles r ON r.id = u.role_id
                             WHERE u.id = ?1 AND r.type <> 'CUSTOMER')",
        )?
        .query_row([id], |r| r.get(0))?)
}
