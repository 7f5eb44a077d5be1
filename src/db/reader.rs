//! The read side: `query_only` connections, each read in one snapshot. The
//! pool serves [`Db::read`](super::Db::read) on the blocking threads; a
//! [`LocalReader`] serves one worker thread's bounded reads on that thread.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

use r2d2::{CustomizeConnection, Pool};
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OpenFlags};

use super::{Conn, Error};

/// Statements each connection keeps prepared: more than any mix of requests
/// uses (rusqlite's default of 16 had them parsed again and again).
pub(super) const STATEMENT_CACHE: usize = 256;

/// Readers in the pool.
const POOL_SIZE: u32 = 8;

/// Per-connection settings for every pooled reader.
#[derive(Debug)]
struct ReaderSetup;

impl CustomizeConnection<Connection, rusqlite::Error> for ReaderSetup {
    fn on_acquire(&self, conn: &mut Connection) -> Result<(), rusqlite::Error> {
        setup(conn)
    }
}

fn setup(conn: &Connection) -> Result<(), rusqlite::Error> {
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // busy_timeout first, so the other PRAGMAs never fail on a busy file.
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA query_only = ON;")
}

/// The pool of readers on `path`.
pub(super) fn pool(path: &Path) -> Result<Pool<SqliteConnectionManager>, r2d2::Error> {
    let manager = SqliteConnectionManager::file(path)
        .with_flags(OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX);
    Pool::builder().max_size(POOL_SIZE).connection_customizer(Box::new(ReaderSetup)).build(manager)
}

/// Runs `f` in one read transaction.
pub(super) fn in_snapshot<T, E>(conn: &Connection, f: impl FnOnce(&Conn) -> Result<T, E>) -> Result<T, E>
where
    E: From<Error>,
{
    let begin = || -> Result<(), Error> {
        if !conn.is_autocommit() {
            // Left open by a panic in an earlier `f`.
            conn.execute_batch("ROLLBACK")?;
        }
        conn.prepare_cached("BEGIN")?.execute([])?;
        Ok(())
    };
    begin()?;
    let result = f(&Conn::new(conn));
    let ended = conn.prepare_cached("COMMIT").and_then(|mut s| s.execute([]));
    let value = result?;
    ended.map_err(Error::from)?;
    Ok(value)
}

/// A read connection owned by one worker thread. Bounded, index-backed reads
/// (a resource by id, a page along an index, a credential) run on the worker
/// with it, in one snapshot, with no hand-off to another thread; anything
/// that may scan goes to the pool through [`Db::read`](super::Db::read). Not
/// `Send`: each worker builds its own in the app factory.
#[derive(Clone)]
pub struct LocalReader(Rc<LocalInner>);

struct LocalInner {
    path: PathBuf,
    conn: RefCell<Option<Connection>>,
}

impl LocalReader {
    /// A reader of `path`, opened on first use.
    pub(super) fn new(path: PathBuf) -> LocalReader {
        LocalReader(Rc::new(LocalInner { path, conn: RefCell::new(None) }))
    }

    /// Runs `f` in one read transaction on this thread.
    pub fn read<T, E>(&self, f: impl FnOnce(&Conn) -> Result<T, E>) -> Result<T, E>
    where
        E: From<Error>,
    {
        let mut slot = self.0.conn.try_borrow_mut().map_err(|_| Error::Other("a read inside a local read".into()))?;
        let conn = match slot.take() {
            Some(conn) => conn,
            None => self.open().map_err(Error::from)?,
        };
        let conn = slot.insert(conn);
        in_snapshot(conn, f)
    }

    fn open(&self) -> Result<Connection, rusqlite::Error> {
        let conn = Connection::open_with_flags(
            &self.0.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        setup(&conn)?;
        Ok(conn)
    }
}
