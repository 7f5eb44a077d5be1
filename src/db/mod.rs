//! The database: one SQLite file in WAL mode behind two doors.
//!
//! [`Db::read`] borrows a `query_only` connection from a pool on the blocking
//! thread pool (a [`LocalReader`] does bounded reads on a worker's own
//! connection); [`Db::write`] queues a closure for the single writer thread,
//! which runs it in its own savepoint of one `BEGIN IMMEDIATE` transaction
//! (`read_blocking` and `write_blocking` are the same doors for start-up and
//! command-line tools, never for request handling). Closures get a [`Conn`],
//! which they can only hand to this module's functions: there is no other
//! way to SQL. Only this module and its children know SQL or name
//! `rusqlite`; they return rows as plain structs, leave the *not found*
//! decision (an `Option`) to callers, and fail with [`Error`], never with an
//! HTTP type.
//!
//! The command-line tools open the file itself through [`offline`].

pub mod audit;
pub mod auth;
pub mod bulk;
pub mod catalog;
mod checkpoint;
mod conn;
pub mod conversations;
mod error;
pub mod events;
pub mod fields;
pub mod files;
pub mod insights;
pub mod lists;
pub mod lookups;
pub mod macros;
pub mod mail;
pub mod manage;
pub mod markers;
pub mod memo;
pub mod messages;
pub mod migrate;
pub mod notes;
pub mod notifications;
pub mod offline;
mod open;
mod progress;
pub mod ratings;
mod reader;
pub mod search;
pub mod settings;
mod sql;
mod standby;
pub mod transfer;
pub mod users;
mod watch;
mod writer;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};

use r2d2::Pool;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::config::Durability;

pub use conn::Conn;
pub use error::{Error, Result};
pub use open::DbOpenError;
use reader::in_snapshot;
pub use reader::LocalReader;
pub use sql::{id_array, now, ordered_uuid, IdsIn};
pub use standby::Followed;
use writer::{Job, Pending};

/// Handle on the database, cheap to clone.
#[derive(Clone)]
pub struct Db {
    shared: Arc<Shared>,
    readers: Pool<SqliteConnectionManager>,
    /// None on a standby ([`Db::open_standby`]), which takes no writes.
    writer: Option<mpsc::SyncSender<Job>>,
}

/// What every clone of a [`Db`] shares.
pub(super) struct Shared {
    pub(super) path: PathBuf,
    /// Another process owns the WAL (`--wal-checkpoints external`): no
    /// TRUNCATE, no restart, PASSIVE checkpoints only.
    pub(super) external_wal: bool,
    /// A standby's: what the process that keeps the file current last did.
    pub(super) follow: Option<standby::Follow>,
    /// Bumped after every commit that changed which conversations a list
    /// holds or their order (see [`Db::lists_generation`]).
    pub(super) lists_generation: AtomicU64,
    pub(super) lists: lists::ListMemo,
    /// Bumped after every commit that changed the catalog's tables.
    pub(super) catalog_generation: AtomicU64,
    /// Bumped after every commit that changed anything (see [`Db::content_generation`]).
    pub(super) content_generation: AtomicU64,
    pub(super) catalog: std::sync::Mutex<Option<(u64, Arc<catalog::Catalog>)>>,
    /// Bumped after every commit that changed what a credential resolves to.
    pub(super) identities_generation: AtomicU64,
    /// Writes sent to the writer and not yet picked up.
    pub(super) queued: AtomicUsize,
    pub(super) batches: AtomicU64,
    pub(super) jobs: AtomicU64,
    pub(super) largest_batch: AtomicUsize,
    /// Frames in the WAL when it was last checkpointed (see [`WAL_RESTART_FRAMES`]).
    pub(super) wal_frames: AtomicU64,
    /// Held by whoever checkpoints: the checkpointer, or the writer from its
    /// checkpoint until the commit that starts the WAL over.
    pub(super) checkpointing: std::sync::Mutex<()>,
}

impl Shared {
    /// Nothing counted yet, every generation at zero.
    fn new(path: &std::path::Path, external_wal: bool, follow: Option<standby::Follow>) -> Shared {
        Shared {
            path: path.to_owned(),
            external_wal,
            follow,
            lists_generation: AtomicU64::new(0),
            lists: lists::ListMemo::default(),
            catalog_generation: AtomicU64::new(0),
            content_generation: AtomicU64::new(0),
            catalog: std::sync::Mutex::new(None),
            identities_generation: AtomicU64::new(0),
            queued: AtomicUsize::new(0),
            batches: AtomicU64::new(0),
            jobs: AtomicU64::new(0),
            largest_batch: AtomicUsize::new(0),
            wal_frames: AtomicU64::new(0),
            checkpointing: std::sync::Mutex::new(()),
        }
    }
}

impl Db {
    /// A read connection for one worker thread, opened on first use (see
    /// [`LocalReader`]).
    pub fn local_reader(&self) -> LocalReader {
        LocalReader::new(self.shared.path.clone(), self.is_standby())
    }

    /// Whether this is a standby's copy, read only ([`Db::open_standby`]).
    pub fn is_standby(&self) -> bool {
        self.shared.follow.is_some()
    }

    /// Runs `f` with a read-only connection on the blocking pool, in one read
    /// transaction: for reads that may scan (counts, deep offsets, whole
    /// tables), which must not hold up a worker's other requests, and for
    /// callers that are not on a worker.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<Error> + Send + 'static,
        F: FnOnce(&Conn) -> Result<T, E> + Send + 'static,
    {
        let pool = self.readers.clone();
        let standby = self.is_standby();
        blocking(move || {
            let conn = pool.get().map_err(Error::from)?;
            in_snapshot(&conn, standby, f)
        })
        .await?
    }

    /// Runs `f` with a pooled read-only connection on the current thread; for
    /// start-up and command-line tools.
    pub fn read_blocking<T, E>(&self, f: impl FnOnce(&Conn) -> Result<T, E>) -> Result<T, E>
    where
        E: From<Error>,
    {
        let conn = self.readers.get().map_err(Error::from)?;
        in_snapshot(&conn, self.is_standby(), f)
    }

    /// Changes each time a commit changes which conversations a list holds
    /// or their order: insertions, deletions, and changes of the columns that
    /// lists filter on (status, priority, assignment, requester), of what
    /// those refer to, or of which devices see a conversation. Read it
    /// before the read it guards; equal values mean equal lists.
    pub fn lists_generation(&self) -> u64 {
        self.shared.lists_generation.load(Ordering::Acquire)
    }

    /// Changes each time a commit changes a table of the [`catalog::Catalog`].
    pub fn catalog_generation(&self) -> u64 {
        self.shared.catalog_generation.load(Ordering::Acquire)
    }

    /// Changes each time a commit changes any row: what a response read in
    /// one generation says holds while it lasts. Read it before the read it
    /// guards.
    pub fn content_generation(&self) -> u64 {
        self.shared.content_generation.load(Ordering::Acquire)
    }

    /// Changes each time a commit changes sessions, devices, users, roles or
    /// team membership: what a credential resolves to (see `auth::memo`).
    pub fn identities_generation(&self) -> u64 {
        self.shared.identities_generation.load(Ordering::Acquire)
    }

    /// The catalog as of now: the remembered snapshot while its tables are
    /// unchanged, else read afresh (a few small tables, on this thread).
    pub fn catalog(&self) -> Result<Arc<catalog::Catalog>, Error> {
        // Read before the tables: a snapshot is never filed under a newer generation than its data.
        let generation = self.catalog_generation();
        let mut known = self.shared.catalog.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((g, c)) = known.as_ref() {
            if *g == generation {
                return Ok(c.clone());
            }
        }
        let conn = self.readers.get()?;
        let fresh = Arc::new(in_snapshot(&conn, self.is_standby(), catalog::load)?);
        if known.as_ref().is_none_or(|(g, _)| *g < generation) {
            *known = Some((generation, fresh.clone()));
        }
        Ok(fresh)
    }

    /// Totals and page positions of recent conversation lists.
    pub fn list_memo(&self) -> &lists::ListMemo {
        &self.shared.lists
    }

    /// What the writer has done so far.
    pub fn writer_stats(&self) -> WriterStats {
        WriterStats {
            queued: self.shared.queued.load(Ordering::Acquire),
            batches: self.shared.batches.load(Ordering::Acquire),
            jobs: self.shared.jobs.load(Ordering::Acquire),
            largest_batch: self.shared.largest_batch.load(Ordering::Acquire),
            wal_frames: self.shared.wal_frames.load(Ordering::Acquire),
        }
    }

    fn send(&self, job: Job) -> Result<(), Error> {
        let writer = self.writer.as_ref().ok_or(Error::ReadOnly)?;
        self.shared.queued.fetch_add(1, Ordering::AcqRel);
        writer.send(job).map_err(|_| {
            self.shared.queued.fetch_sub(1, Ordering::AcqRel);
            stopped()
        })
    }

    /// Like [`Db::write`], waiting on the current thread; for start-up and
    /// command-line tools, never for request handling.
    pub fn write_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<Error> + Send + 'static,
        F: FnOnce(&Conn) -> Result<T, E> + Send + 'static,
    {
        let (done, result) = mpsc::sync_channel(1);
        self.send(Job::Write(Box::new(Pending { f, on_commit: |_: &T| {}, reply: done })))?;
        result.recv().map_err(|_| dropped())?
    }

    /// Copies every committed page from the WAL into the database file and
    /// empties the WAL (`wal_checkpoint(TRUNCATE)`), on the writer, after the
    /// writes queued before it; waits on the current thread. Returns whether the
    /// checkpoint completed (readers holding old snapshots can hold it back).
    /// When another process owns the WAL, a PASSIVE checkpoint only, which
    /// waits for no one and leaves the WAL where it is.
    pub fn checkpoint_blocking(&self) -> Result<bool, Error> {
        let (done, result) = mpsc::sync_channel(1);
        let sql =
            if self.shared.external_wal { "PRAGMA wal_checkpoint(PASSIVE)" } else { "PRAGMA wal_checkpoint(TRUNCATE)" };
        self.send(Job::Alone(Box::new(move |conn: &mut Connection| {
            let outcome = conn.query_row(sql, [], |r| r.get::<_, i64>(0)).map(|busy| busy == 0).map_err(Error::from);
            let _ = done.send(outcome);
        })))?;
        result.recv().map_err(|_| dropped())?
    }

    /// How the writer syncs its commits, as its connection says.
    pub fn durability(&self) -> Result<Durability> {
        let level: i64 =
            self.write_blocking(|c| Ok::<_, Error>(c.query_row("PRAGMA synchronous", [], |r| r.get(0))?))?;
        Ok(if level >= 2 { Durability::Full } else { Durability::Normal })
    }

    /// [`Db::checkpoint_blocking`] for async callers.
    pub async fn checkpoint(&self) -> Result<bool, Error> {
        let db = self.clone();
        blocking(move || db.checkpoint_blocking()).await?
    }

    /// Runs `f` on the writer, in its own savepoint of the transaction the
    /// writer is filling (group commit): `f`'s changes are kept when it returns
    /// `Ok` and rolled back alone when it fails. Answers only after the
    /// transaction committed (at [`Durability::Full`], after it reached the disk).
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<Error> + Send + 'static,
        F: FnOnce(&Conn) -> Result<T, E> + Send + 'static,
    {
        self.write_then(f, |_| {}).await
    }

    /// Like [`Db::write`], and runs `on_commit` on the writer right after the
    /// commit succeeded, whether or not the caller is still waiting. What
    /// `on_commit` owns passes to the database there (e.g. the files the rows
    /// name); when the write fails, it is dropped unrun.
    pub async fn write_then<T, E, F, C>(&self, f: F, on_commit: C) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<Error> + Send + 'static,
        F: FnOnce(&Conn) -> Result<T, E> + Send + 'static,
        C: FnOnce(&T) + Send + 'static,
    {
        let writer = self.writer.as_ref().ok_or(Error::ReadOnly)?;
        let (done, result) = oneshot::channel();
        let job = Job::Write(Box::new(Pending { f, on_commit, reply: done }));
        self.shared.queued.fetch_add(1, Ordering::AcqRel);
        match writer.try_send(job) {
            Ok(()) => {}
            // A full queue blocks `send`; keep that off the async worker.
            Err(mpsc::TrySendError::Full(job)) => {
                self.shared.queued.fetch_sub(1, Ordering::AcqRel);
                let db = self.clone();
                blocking(move || db.send(job)).await??;
            }
            Err(mpsc::TrySendError::Disconnected(_)) => {
                self.shared.queued.fetch_sub(1, Ordering::AcqRel);
                return Err(stopped().into());
            }
        }
        result.await.map_err(|_| dropped())?
    }
}

/// Counters of the writer's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriterStats {
    /// Writes waiting to be picked up.
    pub queued: usize,
    /// Transactions committed or rolled back.
    pub batches: u64,
    /// Writes run.
    pub jobs: u64,
    /// The most writes one transaction held.
    pub largest_batch: usize,
    /// Frames the WAL held at the last checkpoint.
    pub wal_frames: u64,
}

/// Runs `f` on the blocking thread pool.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| Error::Other(format!("a blocking task failed: {e}")))
}

fn stopped() -> Error {
    Error::Other("the writer thread has stopped".into())
}

fn dropped() -> Error {
    Error::Other("the writer dropped a job".into())
}
