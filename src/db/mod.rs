//! The database: one SQLite file in WAL mode behind two doors.
//!
//! [`Db::read`] borrows a `query_only` connection from a pool on the blocking
//! thread pool; [`Db::write`] queues a closure for the single writer thread,
//! which runs it in one `BEGIN IMMEDIATE` transaction (`read_blocking` and
//! `write_blocking` are the same doors for start-up and command-line tools,
//! never for request handling). There is no other way
//! to SQL. Only this module and its children know SQL; they return rows as
//! plain structs and leave the *not found* decision (an `Option`) to callers.

pub mod auth;
pub mod conversations;
pub mod events;
pub mod fields;
pub mod files;
pub mod lookups;
pub mod messages;
pub mod migrate;
pub mod ratings;
pub mod settings;
pub mod users;

use std::path::Path;
use std::sync::mpsc;
use std::thread;

use r2d2::{CustomizeConnection, Pool};
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use tokio::sync::oneshot;

use crate::error::ApiError;

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// Handle on the database, cheap to clone.
#[derive(Clone)]
pub struct Db {
    readers: Pool<SqliteConnectionManager>,
    writer: mpsc::SyncSender<Job>,
}

/// Per-connection settings for every pooled reader.
#[derive(Debug)]
struct ReaderSetup;

impl CustomizeConnection<Connection, rusqlite::Error> for ReaderSetup {
    fn on_acquire(&self, conn: &mut Connection) -> Result<(), rusqlite::Error> {
        // busy_timeout first, so the other PRAGMAs never fail on a busy file.
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA query_only = ON;")?;
        Ok(())
    }
}

/// How many writes may wait for the writer before callers feel back-pressure.
const WRITE_QUEUE: usize = 1024;

impl Db {
    /// Opens (creating if needed) the database at `path`, applies the schema and
    /// migrations, and starts the writer thread.
    /// With `demo`, the demo data is loaded into an empty database first.
    pub fn open(path: &Path, demo: bool) -> Result<(Db, Option<migrate::DemoOutcome>), DbOpenError> {
        let mut bootstrap = open_writer_connection(path)?;
        let mode: String = bootstrap.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(DbOpenError::NotWal(mode));
        }
        migrate::apply(&mut bootstrap)?;
        let demo = if demo { Some(migrate::load_demo(&mut bootstrap)?) } else { None };

        let manager = SqliteConnectionManager::file(path)
            .with_flags(OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX);
        let readers = Pool::builder().max_size(8).connection_customizer(Box::new(ReaderSetup)).build(manager)?;

        let (tx, rx) = mpsc::sync_channel::<Job>(WRITE_QUEUE);
        thread::Builder::new()
            .name("parley-writer".into())
            .spawn(move || {
                let mut conn = bootstrap;
                // Jobs run strictly in arrival order; the loop ends when every Db is dropped.
                for job in rx {
                    job(&mut conn);
                }
            })
            .map_err(DbOpenError::Thread)?;
        Ok((Db { readers, writer: tx }, demo))
    }

    /// Runs `f` with a read-only connection on the blocking pool.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, ApiError> + Send + 'static,
    {
        let pool = self.readers.clone();
        actix_web::web::block(move || {
            let conn = pool.get()?;
            f(&conn)
        })
        .await?
    }

    /// Runs `f` with a read-only connection on the current thread; for start-up
    /// and other places that are not on the async executor.
    pub fn read_blocking<T>(&self, f: impl FnOnce(&Connection) -> Result<T, ApiError>) -> Result<T, ApiError> {
        let conn = self.readers.get()?;
        f(&conn)
    }

    /// Like [`Db::write`], waiting on the current thread; for start-up and
    /// command-line tools, never for request handling.
    pub fn write_blocking<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction) -> Result<T, ApiError> + Send + 'static,
    {
        let (done, result) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |conn: &mut Connection| {
            let _ = done.send(in_transaction(conn, f));
        });
        self.writer.send(job).map_err(|_| ApiError::Internal("the writer thread has stopped".into()))?;
        result.recv().map_err(|_| ApiError::Internal("the writer dropped a job".into()))?
    }

    /// Copies every committed page from the WAL into the database file and
    /// empties the WAL (`wal_checkpoint(TRUNCATE)`), on the writer, after the
    /// writes queued before it; waits on the current thread. Returns whether the
    /// checkpoint completed (readers holding old snapshots can hold it back).
    pub fn checkpoint_blocking(&self) -> Result<bool, ApiError> {
        let (done, result) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |conn: &mut Connection| {
            let outcome = conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get::<_, i64>(0))
                .map(|busy| busy == 0)
                .map_err(ApiError::from);
            let _ = done.send(outcome);
        });
        self.writer.send(job).map_err(|_| ApiError::Internal("the writer thread has stopped".into()))?;
        result.recv().map_err(|_| ApiError::Internal("the writer dropped a job".into()))?
    }

    /// [`Db::checkpoint_blocking`] for async callers.
    pub async fn checkpoint(&self) -> Result<bool, ApiError> {
        let db = self.clone();
        actix_web::web::block(move || db.checkpoint_blocking()).await?
    }

    /// Runs `f` on the writer inside one `BEGIN IMMEDIATE` transaction, committed
    /// only when `f` returns `Ok`; any error rolls everything back.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction) -> Result<T, ApiError> + Send + 'static,
    {
        self.write_then(f, |_| {}).await
    }

    /// Like [`Db::write`], and runs `on_commit` on the writer right after the
    /// commit succeeded, whether or not the caller is still waiting. What
    /// `on_commit` owns passes to the database there (e.g. the files the rows
    /// name); when the transaction fails, it is dropped unrun.
    pub async fn write_then<T, F, C>(&self, f: F, on_commit: C) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction) -> Result<T, ApiError> + Send + 'static,
        C: FnOnce(&T) + Send + 'static,
    {
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move |conn: &mut Connection| {
            let outcome = in_transaction(conn, f);
            if let Ok(value) = &outcome {
                on_commit(value);
            }
            let _ = done.send(outcome);
        });
        let writer = self.writer.clone();
        // `send` blocks only when the queue is full; keep that off the async worker.
        actix_web::web::block(move || writer.send(job))
            .await?
            .map_err(|_| ApiError::Internal("the writer thread has stopped".into()))?;
        result.await.map_err(|_| ApiError::Internal("the writer dropped a job".into()))?
    }
}

fn in_transaction<T>(
    conn: &mut Connection,
    f: impl FnOnce(&Transaction) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let value = f(&tx)?; // dropping `tx` on error rolls back
    tx.commit()?;
    Ok(value)
}

/// Opens the one connection that may write.
fn open_writer_connection(path: &Path) -> Result<Connection, rusqlite::Error> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // secure_delete: what is deleted (expired sessions, pruned events) is
    // zeroed, not left in free pages of the file.
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON;")?;
    Ok(conn)
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DbOpenError {
    /// SQLite refused.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The reader pool could not be built.
    #[error("connection pool: {0}")]
    Pool(#[from] r2d2::Error),
    /// WAL could not be turned on (e.g. a network file system).
    #[error("the database refused WAL mode (journal_mode is {0})")]
    NotWal(String),
    /// The file was written by a newer Parley.
    #[error("the database has schema version {found}, newer than this binary's {supported}; upgrade Parley")]
    TooNew {
        /// The file's `user_version`.
        found: i64,
        /// The newest version this binary knows.
        supported: i64,
    },
    /// The demo data failed to load.
    #[error("demo data: {0}")]
    Demo(String),
    /// The writer thread could not start.
    #[error("writer thread: {0}")]
    Thread(std::io::Error),
}

/// Current Unix time in seconds.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}
