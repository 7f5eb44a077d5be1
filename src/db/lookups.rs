//! Small reference tables: case statuses, priorities and types, teams, roles.

use crate::db::{Conn, Error};
use rusqlite::{OptionalExtension, Row};

/// A row of `case_statuses`.
#[derive(Debug, Clone)]
pub struct Status {
    /// Id.
    pub id: i64,
    /// Display label.
    pub label: String,
    /// NEW, OPEN, PENDING, COMPLETED, CLOSED or CUSTOM.
    pub kind: String,
    /// Position in lists.
    pub sort_order: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

/// A row of `case_priorities`.
#[derive(Debug, Clone)]
pub struct Priority {
    /// Id.
    pub id: i64,
    /// Display label.
    pub label: String,
    /// Urgency; higher is more urgent.
    pub level: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

/// A row of `case_types`.
#[derive(Debug, Clone)]
pub struct CaseType {
    /// Id.
    pub id: i64,
    /// Display label.
    pub label: String,
    /// SYSTEM or CUSTOM.
    pub kind: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

/// A row of `teams`.
#[derive(Debug, Clone)]
pub struct Team {
    /// Id.
    pub id: i64,
    /// Id in a previous system.
    pub legacy_id: Option<String>,
    /// Name.
    pub title: String,
    /// How many users belong to it.
    pub member_count: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

/// A row of `roles`.
#[derive(Debug, Clone)]
pub struct RoleRow {
    /// Id.
    pub id: i64,
    /// Display title.
    pub title: String,
    /// OWNER, ADMIN, AGENT, COLLABORATOR or CUSTOMER.
    pub kind: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

fn status(r: &Row) -> rusqlite::Result<Status> {
    Ok(Status {
        id: r.get(0)?,
        label: r.get(1)?,
        kind: r.get(2)?,
        sort_order: r.get(3)?,
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
    })
}

fn priority(r: &Row) -> rusqlite::Result<Priority> {
    Ok(Priority { id: r.get(0)?, label: r.get(1)?, level: r.get(2)?, created_at: r.get(3)?, updated_at: r.get(4)? })
}

fn case_type(r: &Row) -> rusqlite::Result<CaseType> {
    Ok(CaseType { id: r.get(0)?, label: r.get(1)?, kind: r.get(2)?, created_at: r.get(3)?, updated_at: r.get(4)? })
}

fn team(r: &Row) -> rusqlite::Result<Team> {
    Ok(Team {
        id: r.get(0)?,
        legacy_id: r.get(1)?,
        title: r.get(2)?,
        created_at: r.get(3)?,
        updated_at: r.get(4)?,
        member_count: r.get(5)?,
    })
}

fn role(r: &Row) -> rusqlite::Result<RoleRow> {
    Ok(RoleRow { id: r.get(0)?, title: r.get(1)?, kind: r.get(2)?, created_at: r.get(3)?, updated_at: r.get(4)? })
}

const STATUS: &str = "SELECT id, label, type, sort_order, created_at, updated_at FROM case_statuses";
const PRIORITY: &str = "SELECT id, label, level, created_at, updated_at FROM case_priorities";
const TYPE: &str = "SELECT id, label, type, created_at, updated_at FROM case_types";

/// Every status, in `sort_order`.
pub fn statuses(conn: &Conn) -> Result<Vec<Status>, Error> {
    let mut stmt = conn.prepare_cached(&format!("{STATUS} ORDER BY sort_order, id"))?;
    let rows = stmt.query_map([], status)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// One status.
pub fn status_by_id(conn: &Conn, id: i64) -> Result<Option<Status>, Error> {
    Ok(conn.prepare_cached(&format!("{STATUS} WHERE id = ?1"))?.query_row([id], status).optional()?)
}

/// The first status (by `sort_order`) of a type, e.g. where new conversations start.
pub fn first_status_of_type(conn: &Conn, kind: &str) -> Result<Option<Status>, Error> {
    Ok(conn
        .prepare_cached(&format!("{STATUS} WHERE type = ?1 ORDER BY sort_order, id LIMIT 1"))?
        .query_row([kind], status)
        .optional()?)
}

/// The ids of the statuses of a type.
pub fn status_ids_of_type(conn: &Conn, kind: &str) -> Result<Vec<i64>, Error> {
    let mut stmt = conn.prepare_cached("SELECT id FROM case_statuses WHERE type = ?1 ORDER BY id")?;
    let rows = stmt.query_map([kind], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Every priority, by level.
pub fn priorities(conn: &Conn) -> Result<Vec<Priority>, Error> {
    let mut stmt = conn.prepare_cached(&format!("{PRIORITY} ORDER BY level, id"))?;
    let rows = stmt.query_map([], priority)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// One priority.
pub fn priority_by_id(conn: &Conn, id: i64) -> Result<Option<Priority>, Error> {
    Ok(conn.prepare_cached(&format!("{PRIORITY} WHERE id = ?1"))?.query_row([id], priority).optional()?)
}

/// Every type.
pub fn types(conn: &Conn) -> Result<Vec<CaseType>, Error> {
    let mut stmt = conn.prepare_cached(&format!("{TYPE} ORDER BY id"))?;
    let rows = stmt.query_map([], case_type)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// One type.
pub fn type_by_id(conn: &Conn, id: i64) -> Result<Option<CaseType>, Error> {
    Ok(conn.prepare_cached(&format!("{TYPE} WHERE id = ?1"))?.query_row([id], case_type).optional()?)
}

const TEAM: &str = "SELECT id, legacy_id, title, created_at, updated_at,
        (SELECT COUNT(*) FROM team_members m WHERE m.team_id = teams.id) FROM teams";

/// Every team, by title.
pub fn teams(conn: &Conn) -> Result<Vec<Team>, Error> {
    let mut stmt = conn.prepare_cached(&format!("{TEAM} ORDER BY title, id"))?;
    let rows = stmt.query_map([], team)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// One team.
pub fn team_by_id(conn: &Conn, id: i64) -> Result<Option<Team>, Error> {
    Ok(conn.prepare_cached(&format!("{TEAM} WHERE id = ?1"))?.query_row([id], team).optional()?)
}

/// Every role.
pub fn roles(conn: &Conn) -> Result<Vec<RoleRow>, Error> {
    let mut stmt = conn.prepare_cached("SELECT id, title, type, created_at, updated_at FROM roles ORDER BY id")?;
    let rows = stmt.query_map([], role)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// One role.
pub fn role_by_id(conn: &Conn, id: i64) -> Result<Option<RoleRow>, Error> {
    Ok(conn
        .prepare_cached("SELECT id, title, type, created_at, updated_at FROM roles WHERE id = ?1")?
        .query_row([id], role)
        .optional()?)
}
