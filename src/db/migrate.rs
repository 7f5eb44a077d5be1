//! Schema versioning with `PRAGMA user_version`: `schema.sql` creates version 1
//! on a fresh file; later changes are appended to [`MIGRATIONS`]. A database
//! newer than this binary is refused. Also loads the embedded seed data.

use rusqlite::{Connection, TransactionBehavior};

use super::DbOpenError;

const SCHEMA: &str = include_str!("../../schema.sql");
const BASE: &str = include_str!("../../seed/base.sql");
const DEMO: &str = include_str!("../../seed/demo.sql");

/// Migrations after the initial schema; entry `i` takes version `i + 1` to `i + 2`.
const MIGRATIONS: &[&str] = &[];

/// The schema version this binary writes.
pub const VERSION: i64 = 1 + MIGRATIONS.len() as i64;

/// Brings the database up to [`VERSION`], each step in its own transaction.
pub fn apply(conn: &mut Connection) -> Result<(), DbOpenError> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > VERSION {
        return Err(DbOpenError::TooNew { found, supported: VERSION });
    }
    if found == 0 {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(SCHEMA)?;
        tx.execute_batch(BASE)?;
        tx.pragma_update(None, "user_version", 1)?;
        tx.commit()?;
    }
    let mut version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    while version < VERSION {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(MIGRATIONS[(version - 1) as usize])?;
        version += 1;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

/// What [`load_demo`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum DemoOutcome {
    /// The demo data is now in the database.
    Loaded,
    /// It was there already; nothing changed.
    AlreadyLoaded,
    /// The database holds other data; the demo was not mixed into it.
    SkippedNotEmpty,
}

/// Loads the demo data into an empty database, in one transaction.
pub fn load_demo(conn: &mut Connection) -> Result<DemoOutcome, DbOpenError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let loaded = super::settings::is_marked(&tx, "demo_loaded").map_err(|e| DbOpenError::Demo(e.to_string()))?;
    if loaded {
        return Ok(DemoOutcome::AlreadyLoaded);
    }
    let has_data: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM conversations)", [], |r| r.get(0))?;
    if has_data {
        return Ok(DemoOutcome::SkippedNotEmpty);
    }
    tx.execute_batch(DEMO).map_err(|e| DbOpenError::Demo(e.to_string()))?;
    tx.commit()?;
    Ok(DemoOutcome::Loaded)
}
