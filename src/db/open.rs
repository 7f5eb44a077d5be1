//! Opening the database: the bootstrap connection asserts WAL, applies the
//! schema and migrations (and the demo), then becomes the writer's; the
//! checkpointer and the readers get connections of their own.

use std::path::Path;
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::checkpoint::checkpoint_after;
use super::watch::watch_tables;
use super::writer::{Job, Writer, WRITE_QUEUE};
use super::{migrate, reader, Db, Shared};
use crate::config::{Durability, WalCheckpoints};

impl Db {
    /// Opens (creating if needed) the database at `path` with full durability,
    /// applies the schema and migrations, and starts the writer thread.
    /// With `demo`, the demo data is loaded into an empty database first.
    pub fn open(path: &Path, demo: bool) -> Result<(Db, Option<migrate::DemoOutcome>), DbOpenError> {
        Db::open_with(path, demo, Durability::Full, WalCheckpoints::Parley)
    }

    /// [`Db::open`] with a chosen durability, and who checkpoints the WAL.
    pub fn open_with(
        path: &Path,
        demo: bool,
        durability: Durability,
        wal: WalCheckpoints,
    ) -> Result<(Db, Option<migrate::DemoOutcome>), DbOpenError> {
        let external_wal = wal == WalCheckpoints::External;
        let mut bootstrap = open_writer_connection(path, durability)?;
        let mode: String = bootstrap.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(DbOpenError::NotWal(mode));
        }
        if external_wal {
            // Not even SQLite's own automatic checkpoints during the migrations.
            bootstrap.execute_batch("PRAGMA wal_autocheckpoint = 0;")?;
        }
        migrate::apply(&mut bootstrap, !external_wal)?;
        let demo = if demo { Some(migrate::load_demo(&mut bootstrap)?) } else { None };
        let changed = watch_tables(&bootstrap)?;

        let readers = reader::pool(path, false)?;

        let shared = Arc::new(Shared::new(path, external_wal, None));
        let (tx, rx) = mpsc::sync_channel::<Job>(WRITE_QUEUE);
        // From here on the checkpointer, not the writer, copies the WAL into the file.
        bootstrap.execute_batch("PRAGMA wal_autocheckpoint = 0;")?;
        let (committed, commits) = mpsc::sync_channel::<()>(1);
        let checkpointer = open_writer_connection(path, durability)?;
        let reports = shared.clone();
        thread::Builder::new()
            .name("parley-checkpointer".into())
            .spawn(move || checkpoint_after(&checkpointer, commits, &reports))
            .map_err(DbOpenError::Thread)?;
        let writer = Writer {
            conn: bootstrap,
            jobs: rx,
            shared: shared.clone(),
            changed,
            committed,
            restarted_at: Instant::now(),
        };
        thread::Builder::new().name("parley-writer".into()).spawn(move || writer.run()).map_err(DbOpenError::Thread)?;
        Ok((Db { shared, readers, writer: Some(tx) }, demo))
    }
}

/// Opens the one connection that may write.
fn open_writer_connection(path: &Path, durability: Durability) -> Result<Connection, rusqlite::Error> {
    let conn = Connection::open(path)?;
    conn.set_prepared_statement_cache_capacity(reader::STATEMENT_CACHE);
    conn.busy_timeout(Duration::from_secs(5))?;
    let synchronous = match durability {
        Durability::Full => "FULL",
        Durability::Normal => "NORMAL",
    };
    // secure_delete: what is deleted (expired sessions, pruned events) is
    // zeroed, not left in free pages of the file. temp_store: each write's
    // savepoint journals the pages it changes; in memory, not a temporary file.
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = ON; PRAGMA synchronous = {synchronous}; PRAGMA secure_delete = ON;
         PRAGMA temp_store = MEMORY; PRAGMA journal_size_limit = 67108864;"
    ))?;
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
    /// A standby's copy cannot be served (`--read-only`), and why.
    #[error("{0}")]
    Standby(String),
    /// The writer thread could not start.
    #[error("writer thread: {0}")]
    Thread(std::io::Error),
}
