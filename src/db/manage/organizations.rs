//! Organizations, with how many users belong to each.

use rusqlite::{params, OptionalExtension};

use crate::db::{Conn, Error};

/// A row of `organizations`, with how many users belong to it.
#[derive(Debug, Clone)]
pub struct Organization {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Users in it.
    pub member_count: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

const ORGANIZATION: &str = "SELECT id, name, created_at, updated_at,
        (SELECT COUNT(*) FROM users u WHERE u.organization_id = organizations.id) FROM organizations";

fn organization(r: &rusqlite::Row) -> rusqlite::Result<Organization> {
    Ok(Organization {
        id: r.get(0)?,
        name: r.get(1)?,
        created_at: r.get(2)?,
        updated_at: r.get(3)?,
        member_count: r.get(4)?,
    })
}

/// A page of organizations by name, and how many there are.
pub fn organizations(conn: &Conn, offset: i64, limit: i64) -> Result<(Vec<Organization>, i64), Error> {
    let total = conn.prepare_cached("SELECT COUNT(*) FROM organizations")?.query_row([], |r| r.get(0))?;
    let rows = conn
        .prepare_cached(&format!("{ORGANIZATION} ORDER BY name COLLATE NOCASE, id LIMIT ?1 OFFSET ?2"))?
        .query_map([limit, offset], organization)?
        .collect::<Result<_, _>>()?;
    Ok((rows, total))
}

/// One organization.
pub fn organization_by_id(conn: &Conn, id: i64) -> Result<Option<Organization>, Error> {
    Ok(conn.prepare_cached(&format!("{ORGANIZATION} WHERE id = ?1"))?.query_row([id], organization).optional()?)
}

/// Whether another organization than `except` has this name (case-insensitive).
pub fn organization_name_taken(conn: &Conn, name: &str, except: Option<i64>) -> Result<bool, Error> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM organizations WHERE name = ?1 COLLATE NOCASE AND id IS NOT ?2)")?
        .query_row(params![name, except], |r| r.get(0))?)
}

/// Creates an organization and returns its id.
pub fn create_organization(conn: &Conn, name: &str, now: i64) -> Result<i64, Error> {
    conn.prepare_cached("INSERT INTO organizations (name, created_at, updated_at) VALUES (?1, ?2, ?2)")?
        .execute(params![name, now])?;
    Ok(conn.last_insert_rowid())
}

/// Renames an organization.
pub fn rename_organization(conn: &Conn, id: i64, name: &str, now: i64) -> Result<(), Error> {
    conn.prepare_cached("UPDATE organizations SET name = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id, name, now])?;
    Ok(())
}

/// Deletes an organization; its users stay, in no organization.
pub fn delete_organization(conn: &Conn, id: i64, now: i64) -> Result<(), Error> {
    conn.prepare_cached("UPDATE users SET organization_id = NULL, updated_at = ?2 WHERE organization_id = ?1")?
        .execute([id, now])?;
    conn.prepare_cached("DELETE FROM organizations WHERE id = ?1")?.execute([id])?;
    Ok(())
}
