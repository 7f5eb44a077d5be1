//! [`Conn`]: what a read or write closure holds. Layers above pass it on to
//! this module's functions and can do nothing else with it: its SQL methods
//! are visible inside `db` only, so no SQL is written anywhere else.

use rusqlite::{CachedStatement, Connection, Params, Row, Statement};

/// A connection inside one read snapshot or one write's savepoint.
#[derive(Clone, Copy)]
pub struct Conn<'c>(&'c Connection);

impl<'c> Conn<'c> {
    /// Wraps a connection this module opened.
    pub(in crate::db) fn new(conn: &'c Connection) -> Conn<'c> {
        Conn(conn)
    }

    /// A statement from the connection's cache (prepared on first use).
    pub(in crate::db) fn prepare_cached(&self, sql: &str) -> rusqlite::Result<CachedStatement<'c>> {
        self.0.prepare_cached(sql)
    }

    /// A statement prepared afresh (for SQL built at run time).
    pub(in crate::db) fn prepare(&self, sql: &str) -> rusqlite::Result<Statement<'c>> {
        self.0.prepare(sql)
    }

    /// The one row `sql` yields, mapped by `f`.
    pub(in crate::db) fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    {
        self.0.query_row(sql, params, f)
    }

    /// Runs one statement; the rows it changed.
    pub(in crate::db) fn execute<P: Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.0.execute(sql, params)
    }

    /// Runs `f` with a time limit: a statement still running past `limit`
    /// is interrupted and fails (see [`super::Error::Interrupted`]).
    pub(in crate::db) fn bounded<T>(&self, limit: std::time::Duration, f: impl FnOnce() -> T) -> T {
        struct Lifted<'c>(&'c Connection);
        impl Drop for Lifted<'_> {
            fn drop(&mut self) {
                self.0.progress_handler(0, None::<fn() -> bool>);
            }
        }
        let deadline = std::time::Instant::now() + limit;
        self.0.progress_handler(1000, Some(move || std::time::Instant::now() >= deadline));
        let _lifted = Lifted(self.0);
        f()
    }

    /// The rowid of the last row inserted.
    pub(in crate::db) fn last_insert_rowid(&self) -> i64 {
        self.0.last_insert_rowid()
    }
}
