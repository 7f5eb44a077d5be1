//! The case lookups: statuses, priorities and types.

use rusqlite::params;

use super::order_or_last;
use crate::db::{Conn, Error};

/// One of the three case lookups, by its table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lookup {
    /// `case_statuses`: label, type, sort_order.
    Status,
    /// `case_priorities`: label, level.
    Priority,
    /// `case_types`: label (type CUSTOM).
    Type,
}

impl Lookup {
    /// The table.
    pub fn table(self) -> &'static str {
        match self {
            Lookup::Status => "case_statuses",
            Lookup::Priority => "case_priorities",
            Lookup::Type => "case_types",
        }
    }

    /// The conversations column that refers to it.
    fn column(self) -> &'static str {
        match self {
            Lookup::Status => "status_id",
            Lookup::Priority => "priority_id",
            Lookup::Type => "type_id",
        }
    }
}

/// What a new or changed lookup row holds; `None` keeps (or defaults) it.
#[derive(Debug, Default, Clone)]
pub struct LookupChange {
    /// Label.
    pub label: Option<String>,
    /// Statuses: NEW, OPEN, PENDING, COMPLETED, CLOSED or CUSTOM.
    pub kind: Option<String>,
    /// Statuses' `sort_order`, priorities' `level`.
    pub order: Option<i64>,
}

/// Creates a lookup row and returns its id; without an order it goes last.
pub fn create_lookup(conn: &Conn, which: Lookup, change: &LookupChange, now: i64) -> Result<i64, Error> {
    let label = change.label.clone().unwrap_or_default();
    match which {
        Lookup::Status => {
            let order = order_or_last(conn, change.order, "case_statuses", "sort_order")?;
            conn.prepare_cached(
                "INSERT INTO case_statuses (label, type, sort_order, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
            )?
            .execute(params![label, change.kind.as_deref().unwrap_or("CUSTOM"), order, now])?;
        }
        Lookup::Priority => {
            let level = order_or_last(conn, change.order, "case_priorities", "level")?;
            conn.prepare_cached(
                "INSERT INTO case_priorities (label, level, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
            )?
            .execute(params![label, level, now])?;
        }
        Lookup::Type => {
            conn.prepare_cached(
                "INSERT INTO case_types (label, type, created_at, updated_at) VALUES (?1, 'CUSTOM', ?2, ?2)",
            )?
            .execute(params![label, now])?;
        }
    }
    Ok(conn.last_insert_rowid())
}

/// Changes a lookup row.
pub fn update_lookup(conn: &Conn, which: Lookup, id: i64, change: &LookupChange, now: i64) -> Result<(), Error> {
    match which {
        Lookup::Status => conn
            .prepare_cached(
                "UPDATE case_statuses SET label = COALESCE(?2, label), type = COALESCE(?3, type),
                        sort_order = COALESCE(?4, sort_order), updated_at = ?5 WHERE id = ?1",
            )?
            .execute(params![id, change.label, change.kind, change.order, now])?,
        Lookup::Priority => conn
            .prepare_cached(
                "UPDATE case_priorities SET label = COALESCE(?2, label), level = COALESCE(?3, level), updated_at = ?4
                  WHERE id = ?1",
            )?
            .execute(params![id, change.label, change.order, now])?,
        Lookup::Type => conn
            .prepare_cached("UPDATE case_types SET label = COALESCE(?2, label), updated_at = ?3 WHERE id = ?1")?
            .execute(params![id, change.label, now])?,
    };
    Ok(())
}

/// How many conversations refer to a lookup row.
pub fn lookup_uses(conn: &Conn, which: Lookup, id: i64) -> Result<i64, Error> {
    Ok(conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM conversations WHERE {} = ?1", which.column()))?
        .query_row([id], |r| r.get(0))?)
}

/// Deletes a lookup row no conversation refers to.
pub fn delete_lookup(conn: &Conn, which: Lookup, id: i64) -> Result<(), Error> {
    conn.prepare_cached(&format!("DELETE FROM {} WHERE id = ?1", which.table()))?.execute([id])?;
    Ok(())
}

/// How many rows of a status type remain besides `except`.
pub fn statuses_of_type_besides(conn: &Conn, kind: &str, except: i64) -> Result<i64, Error> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM case_statuses WHERE type = ?1 AND id != ?2")?
        .query_row(params![kind, except], |r| r.get(0))?)
}
