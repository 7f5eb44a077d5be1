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

/// How a reader opens the file: a standby's copy is opened read-only, so
/// that not even SQLite's own bookkeeping writes to a file another process
/// keeps current.
fn flags(standby: bool) -> OpenFlags {
    let access = if standby { OpenFlags::SQLITE_OPEN_READ_ONLY } else { OpenFlags::SQLITE_OPEN_READ_WRITE };
    access | OpenFlags::SQLITE_OPEN_NO_MUTEX
}

/// The pool of readers on `path`.
pub(super) fn pool(path: &Path, standby: bool) -> Result<Pool<SqliteConnectionManager>, r2d2::Error> {
    let manager = SqliteConnectionManager::file(path).with_flags(flags(standby));
    Pool::builder().max_size(POOL_SIZE).connection_customizer(Box::new(ReaderSetup)).build(manager)
}

/// Runs `f` in one read transaction. On a standby (`fresh_pages`) the
/// connection first forgets the pages it holds: the follower writes pages
/// in place and marks page 1 only when it rewrites it, so SQLite could not
/// always tell its cache from the file (see `standby`).
pub(super) fn in_snapshot<T, E>(
    conn: &Connection,
    fresh_pages: bool,
    f: impl FnOnce(&Conn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<Error>,
{
    let begin = || -> Result<(), Error> {
        if !conn.is_autocommit() {
            // Left open by a panic in an earlier `f`.
            conn.execute_batch("ROLLBACK")?;
        }
        if fresh_pages {
            conn.prepare_cached("PRAGMA shrink_memory")?.execute([])?;
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
    standby: bool,
    conn: RefCell<Option<Connection>>,
}

impl LocalReader {
    /// A reader of `path`, opened on first use.
    pub(super) fn new(path: PathBuf, standby: bool) -> LocalReader {
        LocalReader(Rc::new(LocalInner { path, standby, conn: RefCell::new(None) }))
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
        in_snapshot(conn, self.0.standby, f)
    }

    fn open(&self) -> Result<Connection, rusqlite::Error> {
        let conn = Connection::open_with_flags(&self.0.path, flags(self.0.standby))?;
        setup(&conn)?;
        Ok(conn)
    }
}
