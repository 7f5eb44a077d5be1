//! The database: one SQLite file in WAL mode behind two doors.
//!
//! [`Db::read`] borrows a `query_only` connection from a pool on the blocking
//! thread pool; [`Db::write`] queues a closure for the single writer thread,
//! which runs it in one `BEGIN IMMEDIATE` transaction (`read_blocking` and
//! `write_blocking` are the same doors for start-up and command-line tools,
//! never for request handling). There is no other way
//! to SQL. Only this module and its children know SQL; they return rows as
//! plain structs and leave the *not found* decision (an `Option`) to callers.

pub mod audit;
pub mod auth;
pub mod catalog;
pub mod conversations;
pub mod events;
pub mod fields;
pub mod files;
pub mod lists;
pub mod lookups;
pub mod manage;
pub mod memo;
pub mod messages;
pub mod migrate;
pub mod ratings;
pub mod settings;
pub mod users;

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use r2d2::{CustomizeConnection, Pool};
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OpenFlags};
use tokio::sync::oneshot;

use crate::error::ApiError;

/// How hard a commit insists that its bytes reached the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Durability {
    /// `synchronous=FULL`: every commit is flushed to the disk before anyone
    /// is answered; an acknowledged write survives a power loss.
    Full,
    /// `synchronous=NORMAL`: commits reach the operating system, which flushes
    /// them later; an acknowledged write survives a crash of Parley but may
    /// be lost with the machine's power.
    Normal,
}

/// Handle on the database, cheap to clone.
#[derive(Clone)]
pub struct Db {
    shared: Arc<Shared>,
    readers: Pool<SqliteConnectionManager>,
    writer: mpsc::SyncSender<Job>,
}

/// What every clone of a [`Db`] shares.
struct Shared {
    path: PathBuf,
    /// Bumped after every commit that changed which conversations a list
    /// holds or their order (see [`Db::lists_generation`]).
    lists_generation: AtomicU64,
    lists: lists::ListMemo,
    /// Bumped after every commit that changed the catalog's tables.
    catalog_generation: AtomicU64,
    /// Bumped after every commit that changed anything (see [`Db::content_generation`]).
    content_generation: AtomicU64,
    catalog: std::sync::Mutex<Option<(u64, Arc<catalog::Catalog>)>>,
    /// Bumped after every commit that changed what a credential resolves to.
    identities_generation: AtomicU64,
    /// Writes sent to the writer and not yet picked up.
    queued: AtomicUsize,
    batches: AtomicU64,
    jobs: AtomicU64,
    largest_batch: AtomicUsize,
    /// Frames in the WAL when it was last checkpointed (see [`WAL_RESTART_FRAMES`]).
    wal_frames: AtomicU64,
    /// Held by whoever checkpoints: the checkpointer, or the writer from its
    /// checkpoint until the commit that starts the WAL over.
    checkpointing: std::sync::Mutex<()>,
}

/// Per-connection settings for every reader.
#[derive(Debug)]
struct ReaderSetup;

impl CustomizeConnection<Connection, rusqlite::Error> for ReaderSetup {
    fn on_acquire(&self, conn: &mut Connection) -> Result<(), rusqlite::Error> {
        setup_reader(conn)
    }
}

/// Statements each connection keeps prepared: more than any mix of requests
/// uses (rusqlite's default of 16 had them parsed again and again).
const STATEMENT_CACHE: usize = 256;

fn setup_reader(conn: &Connection) -> Result<(), rusqlite::Error> {
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // busy_timeout first, so the other PRAGMAs never fail on a busy file.
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA query_only = ON;")
}

/// How many writes may wait for the writer before callers feel back-pressure.
const WRITE_QUEUE: usize = 1024;
/// The most writes one transaction holds, and how long it may keep taking more.
const MAX_BATCH: usize = 256;
const MAX_BATCH_TIME: Duration = Duration::from_millis(50);

impl Db {
    /// Opens (creating if needed) the database at `path` with full durability,
    /// applies the schema and migrations, and starts the writer thread.
    /// With `demo`, the demo data is loaded into an empty database first.
    pub fn open(path: &Path, demo: bool) -> Result<(Db, Option<migrate::DemoOutcome>), DbOpenError> {
        Db::open_with(path, demo, Durability::Full)
    }

    /// [`Db::open`] with a chosen durability.
    pub fn open_with(
        path: &Path,
        demo: bool,
        durability: Durability,
    ) -> Result<(Db, Option<migrate::DemoOutcome>), DbOpenError> {
        let mut bootstrap = open_writer_connection(path, durability)?;
        let mode: String = bootstrap.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(DbOpenError::NotWal(mode));
        }
        migrate::apply(&mut bootstrap)?;
        let demo = if demo { Some(migrate::load_demo(&mut bootstrap)?) } else { None };
        let changed = watch_tables(&bootstrap)?;

        let manager = SqliteConnectionManager::file(path)
            .with_flags(OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX);
        let readers = Pool::builder().max_size(8).connection_customizer(Box::new(ReaderSetup)).build(manager)?;

        let shared = Arc::new(Shared {
            path: path.to_owned(),
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
        });
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
        Ok((Db { shared, readers, writer: tx }, demo))
    }

    /// A read connection for one worker thread, opened on first use (see
    /// [`LocalReader`]).
    pub fn local_reader(&self) -> LocalReader {
        LocalReader(Rc::new(LocalInner { path: self.shared.path.clone(), conn: RefCell::new(None) }))
    }

    /// Runs `f` with a read-only connection on the blocking pool, in one read
    /// transaction: for reads that may scan (counts, deep offsets, whole
    /// tables), which must not hold up a worker's other requests, and for
    /// callers that are not on a worker.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, ApiError> + Send + 'static,
    {
        let pool = self.readers.clone();
        actix_web::web::block(move || {
            let conn = pool.get()?;
            in_snapshot(&conn, f)
        })
        .await?
    }

    /// Runs `f` with a pooled read-only connection on the current thread; for
    /// start-up and command-line tools.
    pub fn read_blocking<T>(&self, f: impl FnOnce(&Connection) -> Result<T, ApiError>) -> Result<T, ApiError> {
        let conn = self.readers.get()?;
        in_snapshot(&conn, f)
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
    pub fn catalog(&self) -> Result<Arc<catalog::Catalog>, ApiError> {
        // Read before the tables: a snapshot is never filed under a newer generation than its data.
        let generation = self.catalog_generation();
        let mut known = self.shared.catalog.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((g, c)) = known.as_ref() {
            if *g == generation {
                return Ok(c.clone());
            }
        }
        let conn = self.readers.get()?;
        let fresh = Arc::new(in_snapshot(&conn, catalog::load)?);
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

    fn send(&self, job: Job) -> Result<(), ApiError> {
        self.shared.queued.fetch_add(1, Ordering::AcqRel);
        self.writer.send(job).map_err(|_| {
            self.shared.queued.fetch_sub(1, Ordering::AcqRel);
            ApiError::Internal("the writer thread has stopped".into())
        })
    }

    /// Like [`Db::write`], waiting on the current thread; for start-up and
    /// command-line tools, never for request handling.
    pub fn write_blocking<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, ApiError> + Send + 'static,
    {
        let (done, result) = mpsc::sync_channel(1);
        self.send(Job::Write(Box::new(Pending { f, on_commit: |_: &T| {}, reply: done })))?;
        result.recv().map_err(|_| ApiError::Internal("the writer dropped a job".into()))?
    }

    /// Copies every committed page from the WAL into the database file and
    /// empties the WAL (`wal_checkpoint(TRUNCATE)`), on the writer, after the
    /// writes queued before it; waits on the current thread. Returns whether the
    /// checkpoint completed (readers holding old snapshots can hold it back).
    pub fn checkpoint_blocking(&self) -> Result<bool, ApiError> {
        let (done, result) = mpsc::sync_channel(1);
        self.send(Job::Alone(Box::new(move |conn: &mut Connection| {
            let outcome = conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get::<_, i64>(0))
                .map(|busy| busy == 0)
                .map_err(ApiError::from);
            let _ = done.send(outcome);
        })))?;
        result.recv().map_err(|_| ApiError::Internal("the writer dropped a job".into()))?
    }

    /// [`Db::checkpoint_blocking`] for async callers.
    pub async fn checkpoint(&self) -> Result<bool, ApiError> {
        let db = self.clone();
        actix_web::web::block(move || db.checkpoint_blocking()).await?
    }

    /// Runs `f` on the writer, in its own savepoint of the transaction the
    /// writer is filling (group commit): `f`'s changes are kept when it returns
    /// `Ok` and rolled back alone when it fails. Answers only after the
    /// transaction committed (at [`Durability::Full`], after it reached the disk).
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, ApiError> + Send + 'static,
    {
        self.write_then(f, |_| {}).await
    }

    /// Like [`Db::write`], and runs `on_commit` on the writer right after the
    /// commit succeeded, whether or not the caller is still waiting. What
    /// `on_commit` owns passes to the database there (e.g. the files the rows
    /// name); when the write fails, it is dropped unrun.
    pub async fn write_then<T, F, C>(&self, f: F, on_commit: C) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, ApiError> + Send + 'static,
        C: FnOnce(&T) + Send + 'static,
    {
        let (done, result) = oneshot::channel();
        let job = Job::Write(Box::new(Pending { f, on_commit, reply: done }));
        self.shared.queued.fetch_add(1, Ordering::AcqRel);
        match self.writer.try_send(job) {
            Ok(()) => {}
            // A full queue blocks `send`; keep that off the async worker.
            Err(mpsc::TrySendError::Full(job)) => {
                self.shared.queued.fetch_sub(1, Ordering::AcqRel);
                let db = self.clone();
                actix_web::web::block(move || db.send(job)).await??;
            }
            Err(mpsc::TrySendError::Disconnected(_)) => {
                self.shared.queued.fetch_sub(1, Ordering::AcqRel);
                return Err(ApiError::Internal("the writer thread has stopped".into()));
            }
        }
        result.await.map_err(|_| ApiError::Internal("the writer dropped a job".into()))?
    }
}

/// A read connection owned by one worker thread. Bounded, index-backed reads
/// (a resource by id, a page along an index, a credential) run on the worker
/// with it, in one snapshot, with no hand-off to another thread; anything
/// that may scan goes to the pool through [`Db::read`]. Not `Send`: each
/// worker builds its own in the app factory.
#[derive(Clone)]
pub struct LocalReader(Rc<LocalInner>);

struct LocalInner {
    path: PathBuf,
    conn: RefCell<Option<Connection>>,
}

impl LocalReader {
    /// Runs `f` in one read transaction on this thread.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T, ApiError>) -> Result<T, ApiError> {
        let mut slot =
            self.0.conn.try_borrow_mut().map_err(|_| ApiError::Internal("a read inside a local read".into()))?;
        let conn = match slot.take() {
            Some(conn) => conn,
            None => {
                let conn = Connection::open_with_flags(
                    &self.0.path,
                    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                setup_reader(&conn)?;
                conn
            }
        };
        let conn = slot.insert(conn);
        in_snapshot(conn, f)
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

/// Runs `f` in one read transaction.
fn in_snapshot<T>(conn: &Connection, f: impl FnOnce(&Connection) -> Result<T, ApiError>) -> Result<T, ApiError> {
    if !conn.is_autocommit() {
        // Left open by a panic in an earlier `f`.
        conn.execute_batch("ROLLBACK")?;
    }
    conn.prepare_cached("BEGIN")?.execute([])?;
    let result = f(conn);
    let ended = conn.prepare_cached("COMMIT").and_then(|mut s| s.execute([]));
    let value = result?;
    ended?;
    Ok(value)
}

/// What the writer runs.
enum Job {
    /// A write, in its own savepoint of the current batch.
    Write(Box<dyn WriteJob>),
    /// Work that needs the connection outside any transaction (checkpoints).
    Alone(Box<dyn FnOnce(&mut Connection) + Send>),
}

/// A queued write.
trait WriteJob: Send {
    /// Runs the caller's closure; returns whether it succeeded and what
    /// answers the caller once the batch's fate is known.
    fn run(self: Box<Self>, conn: &Connection) -> (bool, Box<dyn Settle>);
    /// Answers without running: the batch could not begin.
    fn refuse(self: Box<Self>, why: Failure);
}

/// Answers a caller whose write ran.
trait Settle: Send {
    /// `Ok` once the batch committed, else why it did not.
    fn settle(self: Box<Self>, committed: Result<(), Failure>);
}

/// Why a batch did not commit, copied to each of its callers.
#[derive(Debug, Clone, Copy)]
enum Failure {
    DiskFull,
    Other,
}

impl Failure {
    fn of(e: &rusqlite::Error) -> Failure {
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) {
            return Failure::DiskFull;
        }
        tracing::error!(error = %e, "a write transaction failed as a whole");
        Failure::Other
    }

    fn error(self) -> ApiError {
        match self {
            Failure::DiskFull => crate::error::disk_full(),
            Failure::Other => ApiError::Internal("the write could not be committed".into()),
        }
    }
}

/// Where a write's answer goes.
trait Reply<T>: Send {
    fn answer(self, outcome: Result<T, ApiError>);
}

impl<T: Send> Reply<T> for oneshot::Sender<Result<T, ApiError>> {
    fn answer(self, outcome: Result<T, ApiError>) {
        let _ = self.send(outcome); // the caller may have gone
    }
}

impl<T: Send> Reply<T> for mpsc::SyncSender<Result<T, ApiError>> {
    fn answer(self, outcome: Result<T, ApiError>) {
        let _ = self.send(outcome);
    }
}

struct Pending<F, C, R> {
    f: F,
    on_commit: C,
    reply: R,
}

impl<T, F, C, R> WriteJob for Pending<F, C, R>
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> Result<T, ApiError> + Send + 'static,
    C: FnOnce(&T) + Send + 'static,
    R: Reply<T> + 'static,
{
    fn run(self: Box<Self>, conn: &Connection) -> (bool, Box<dyn Settle>) {
        let Pending { f, on_commit, reply } = *self;
        let outcome = catch_unwind(AssertUnwindSafe(|| f(conn))).unwrap_or_else(|_| {
            tracing::error!("a write panicked; it was rolled back");
            Err(ApiError::Internal("a write panicked".into()))
        });
        let ok = outcome.is_ok();
        (ok, Box::new(Ran { outcome, on_commit, reply }))
    }

    fn refuse(self: Box<Self>, why: Failure) {
        self.reply.answer(Err(why.error()));
    }
}

struct Ran<T, C, R> {
    outcome: Result<T, ApiError>,
    on_commit: C,
    reply: R,
}

impl<T, C, R> Settle for Ran<T, C, R>
where
    T: Send,
    C: FnOnce(&T) + Send,
    R: Reply<T>,
{
    fn settle(self: Box<Self>, committed: Result<(), Failure>) {
        let Ran { outcome, on_commit, reply } = *self;
        reply.answer(match (outcome, committed) {
            (Ok(value), Ok(())) => {
                on_commit(&value);
                Ok(value)
            }
            (Ok(_), Err(why)) => Err(why.error()),
            (Err(e), _) => Err(e),
        });
    }
}

/// The one thread that writes.
struct Writer {
    conn: Connection,
    jobs: mpsc::Receiver<Job>,
    shared: Arc<Shared>,
    /// Set by triggers when a write changes what lists hold, or the catalog.
    changed: Arc<Changed>,
    /// Tells the checkpointer a transaction committed.
    committed: mpsc::SyncSender<()>,
    /// When the writer last checkpointed so that the WAL could start over.
    restarted_at: Instant,
}

impl Writer {
    /// Takes jobs until every [`Db`] is dropped: each write joins the open
    /// batch; a batch commits when the queue runs dry, or at its size or time
    /// limit, and only then are its callers answered.
    fn run(mut self) {
        let mut next: Option<Job> = None;
        loop {
            let job = match next.take() {
                Some(job) => job,
                None => match self.jobs.recv() {
                    Ok(job) => {
                        self.shared.queued.fetch_sub(1, Ordering::AcqRel);
                        job
                    }
                    Err(_) => return,
                },
            };
            match job {
                Job::Alone(f) => f(&mut self.conn),
                Job::Write(first) => next = self.batch(first),
            }
        }
    }

    /// Runs `first` and whatever writes follow it in one transaction; returns
    /// a job that must run outside it, if one came.
    fn batch(&mut self, first: Box<dyn WriteJob>) -> Option<Job> {
        let shared = self.shared.clone();
        let _restarting = self.let_wal_restart(&shared);
        if let Err(e) = self.conn.prepare_cached("BEGIN IMMEDIATE").and_then(|mut s| s.execute([])) {
            first.refuse(Failure::of(&e));
            return None;
        }
        let started = Instant::now();
        // Counts rows written, rolled back ones too: a needless new content generation is harmless.
        let changes_before = self.conn.total_changes();
        self.changed.lists.store(false, Ordering::Relaxed);
        self.changed.catalog.store(false, Ordering::Relaxed);
        self.changed.identities.store(false, Ordering::Relaxed);
        let mut ran: Vec<Box<dyn Settle>> = Vec::new();
        let mut job = Some(first);
        let mut after = None;
        while let Some(write) = job.take() {
            match self.one(write) {
                Ok(settle) => ran.push(settle),
                Err((settle, lost)) => {
                    // The failure ended the whole transaction (a full disk, an
                    // I/O error): nothing of this batch was kept.
                    if !self.conn.is_autocommit() {
                        let _ = self.conn.execute_batch("ROLLBACK");
                    }
                    for s in ran.drain(..) {
                        s.settle(Err(lost));
                    }
                    settle.settle(Err(lost));
                    self.count(0);
                    return None;
                }
            }
            if ran.len() >= MAX_BATCH || started.elapsed() >= MAX_BATCH_TIME {
                break;
            }
            match self.jobs.try_recv() {
                Ok(Job::Write(w)) => {
                    self.shared.queued.fetch_sub(1, Ordering::AcqRel);
                    job = Some(w);
                }
                Ok(alone) => {
                    self.shared.queued.fetch_sub(1, Ordering::AcqRel);
                    after = Some(alone);
                }
                Err(_) => {}
            }
        }
        let committed = self.conn.prepare_cached("COMMIT").and_then(|mut s| s.execute([])).map(drop);
        let committed = match committed {
            Ok(()) => {
                if self.conn.total_changes() != changes_before {
                    self.shared.content_generation.fetch_add(1, Ordering::AcqRel);
                }
                if self.changed.lists.load(Ordering::Relaxed) {
                    self.shared.lists_generation.fetch_add(1, Ordering::AcqRel);
                }
                if self.changed.catalog.load(Ordering::Relaxed) {
                    self.shared.catalog_generation.fetch_add(1, Ordering::AcqRel);
                }
                if self.changed.identities.load(Ordering::Relaxed) {
                    self.shared.identities_generation.fetch_add(1, Ordering::AcqRel);
                }
                let _ = self.committed.try_send(()); // a pending signal covers this commit too
                Ok(())
            }
            Err(e) => {
                let why = Failure::of(&e);
                if !self.conn.is_autocommit() {
                    let _ = self.conn.execute_batch("ROLLBACK");
                }
                Err(why)
            }
        };
        self.count(ran.len());
        for s in ran {
            s.settle(committed);
        }
        after
    }

    /// Runs one write in its own savepoint. `Err` when its failure rolled
    /// back the whole transaction, with why.
    fn one(&mut self, write: Box<dyn WriteJob>) -> Result<Box<dyn Settle>, (Box<dyn Settle>, Failure)> {
        let conn = &self.conn;
        if let Err(e) = conn.prepare_cached("SAVEPOINT job").and_then(|mut s| s.execute([])) {
            return Err((Box::new(Refused(Some(write))), Failure::of(&e)));
        }
        let (ok, settle) = write.run(conn);
        if conn.is_autocommit() {
            return Err((settle, Failure::Other));
        }
        let end = if ok {
            conn.prepare_cached("RELEASE job").and_then(|mut s| s.execute([])).map(drop)
        } else {
            conn.execute_batch("ROLLBACK TO job; RELEASE job")
        };
        match end {
            Ok(()) => Ok(settle),
            Err(e) => Err((settle, Failure::of(&e))),
        }
    }

    /// Under writes without pause the checkpointer never catches up with the
    /// WAL: a commit lands while it copies, so the WAL is never wholly in the
    /// file when a transaction begins, and only then may SQLite write it over
    /// from its start. It would grow for as long as the writes go on. So once
    /// the checkpointer reports [`WAL_RESTART_FRAMES`], the writer itself
    /// copies what is left (little: the checkpointer keeps up) before it
    /// begins the next transaction, whose commit then starts the WAL over
    /// (and `journal_size_limit` trims the file). The returned guard keeps
    /// the checkpointer out until that commit, as its locks would hold the
    /// restart back; so could a reader in the middle of an old snapshot,
    /// and then the next report brings another try.
    fn let_wal_restart<'a>(&mut self, shared: &'a Shared) -> Option<std::sync::MutexGuard<'a, ()>> {
        if shared.wal_frames.load(Ordering::Acquire) < WAL_RESTART_FRAMES
            || self.restarted_at.elapsed() < CHECKPOINT_PACE
        {
            return None;
        }
        let guard = match shared.checkpointing.try_lock() {
            Ok(guard) => guard,
            Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
            // The checkpointer is at it: the next transaction tries again.
            Err(std::sync::TryLockError::WouldBlock) => return None,
        };
        self.restarted_at = Instant::now();
        if let Err(e) = checkpoint(&self.conn) {
            tracing::warn!(error = %e, "the writer's checkpoint failed; the next report retries");
        }
        Some(guard)
    }

    fn count(&self, jobs: usize) {
        self.shared.batches.fetch_add(1, Ordering::AcqRel);
        self.shared.jobs.fetch_add(jobs as u64, Ordering::AcqRel);
        self.shared.largest_batch.fetch_max(jobs, Ordering::AcqRel);
    }
}

/// A write that never ran, settled as refused.
struct Refused(Option<Box<dyn WriteJob>>);

impl Settle for Refused {
    fn settle(mut self: Box<Self>, committed: Result<(), Failure>) {
        if let Some(w) = self.0.take() {
            w.refuse(committed.err().unwrap_or(Failure::Other));
        }
    }
}

/// The least time between two checkpoints while writes go on.
const CHECKPOINT_PACE: Duration = Duration::from_millis(200);

/// The WAL size (in pages) from which the writer lets it start over (see
/// `Writer::let_wal_restart`): 16 MiB.
const WAL_RESTART_FRAMES: u64 = 4096;

/// A `PASSIVE` checkpoint: it never waits for readers or the writer, and they
/// never wait for it. Returns the frames in the WAL and how many of them are
/// now in the database file; `None` when another checkpoint was running.
fn checkpoint(conn: &Connection) -> Result<Option<(u64, u64)>, rusqlite::Error> {
    let (frames, copied): (i64, i64) =
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| Ok((r.get(1)?, r.get(2)?)))?;
    Ok(u64::try_from(frames).ok().zip(u64::try_from(copied).ok()))
}

/// The checkpointer's loop, on its own thread and connection: after commits,
/// copies what the WAL holds into the database file, at most every
/// [`CHECKPOINT_PACE`], and reports the WAL's size to the writer. Ends when the
/// writer is gone.
fn checkpoint_after(conn: &Connection, commits: mpsc::Receiver<()>, shared: &Shared) {
    while commits.recv().is_ok() {
        let started = Instant::now();
        let checkpointed = {
            let _alone = shared.checkpointing.lock().unwrap_or_else(|e| e.into_inner());
            checkpoint(conn)
        };
        match checkpointed {
            Ok(Some((frames, _))) => shared.wal_frames.store(frames, Ordering::Release),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "checkpoint failed; the next commit retries"),
        }
        // Commits meanwhile wait in the channel (one signal stands for them all).
        thread::sleep(CHECKPOINT_PACE.saturating_sub(started.elapsed()));
    }
}

/// What a transaction changed that memos depend on.
#[derive(Debug, Default)]
struct Changed {
    /// Which conversations lists hold, or their order.
    lists: AtomicBool,
    /// A table of the catalog.
    catalog: AtomicBool,
    /// What a credential resolves to.
    identities: AtomicBool,
}

/// Installs, on the writer's connection only, the triggers that tell the
/// writer a commit changes what conversation lists hold (see
/// [`Db::lists_generation`]), the catalog (see [`Db::catalog_generation`]) or
/// what credentials resolve to (see [`Db::identities_generation`]).
/// Temporary: they live with this connection.
fn watch_tables(conn: &Connection) -> Result<Arc<Changed>, rusqlite::Error> {
    let changed = Arc::new(Changed::default());
    for (name, which) in [("parley_lists_changed", 0), ("parley_catalog_changed", 1), ("parley_identities_changed", 2)]
    {
        let flag = changed.clone();
        conn.create_scalar_function(name, 0, FunctionFlags::SQLITE_UTF8, move |_| {
            let f = match which {
                0 => &flag.lists,
                1 => &flag.catalog,
                _ => &flag.identities,
            };
            f.store(true, Ordering::Relaxed);
            Ok(0)
        })?;
    }
    let mut sql = String::new();
    let mut watch = |table: &str, update_of: Option<&str>, function: &str| {
        let update = update_of.map_or("UPDATE".to_owned(), |columns| format!("UPDATE OF {columns}"));
        for (event, when) in [("insert", "INSERT".to_owned()), ("delete", "DELETE".to_owned()), ("update", update)] {
            sql.push_str(&format!(
                "CREATE TEMP TRIGGER IF NOT EXISTS {function}_{table}_{event} AFTER {when} ON main.{table}
                 BEGIN SELECT {function}(); END;\n"
            ));
        }
    };
    for (table, update_of) in [
        ("conversations", "status_id, priority_id, assigned_agent_id, assigned_team_id, requester_id, created_at"),
        ("conversation_devices", "fingerprint, conversation_id"),
        ("users", "organization_id"),
        ("case_statuses", "type"),
        ("case_priorities", "level"),
    ] {
        watch(table, Some(update_of), "parley_lists_changed");
    }
    for table in [
        "case_statuses",
        "case_priorities",
        "case_types",
        "roles",
        "teams",
        "team_members",
        "conversation_fields",
        "field_options",
        "locale_fields",
        "forms",
        "form_fields",
        "settings",
    ] {
        watch(table, None, "parley_catalog_changed");
    }
    for table in ["sessions", "fingerprints", "users", "roles", "team_members"] {
        watch(table, None, "parley_identities_changed");
    }
    conn.execute_batch(&sql)?;
    Ok(changed)
}

/// Opens the one connection that may write.
fn open_writer_connection(path: &Path, durability: Durability) -> Result<Connection, rusqlite::Error> {
    let conn = Connection::open(path)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
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

/// Ids as the JSON array text that `IN (SELECT value FROM json_each(?))`
/// takes: one statement, whatever the number of ids.
pub fn id_array(ids: impl IntoIterator<Item = i64>) -> String {
    let mut out = String::from("[");
    for (i, id) in ids.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&id.to_string());
    }
    out.push(']');
    out
}

/// A new UUID for a message or conversation: version 7, so that each one
/// sorts after the last and its unique index grows at one end (a random
/// version 4 dirties a random page of the index on every insert).
pub fn ordered_uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A set of ids for a batch query: `column = ?n` when there is one (an
/// index lookup), `column IN (SELECT value FROM json_each(?n))` when there
/// are more (one statement, whatever their number).
#[derive(Debug)]
pub enum IdsIn {
    /// One id.
    One(i64),
    /// Any other number, as a JSON array.
    Many(String),
}

impl IdsIn {
    /// The set of `ids`.
    pub fn of(ids: impl IntoIterator<Item = i64>) -> IdsIn {
        let ids: Vec<i64> = ids.into_iter().collect();
        match ids.as_slice() {
            [one] => IdsIn::One(*one),
            _ => IdsIn::Many(id_array(ids)),
        }
    }

    /// The SQL that follows the column, with the set as parameter `n`.
    pub fn sql(&self, n: usize) -> String {
        match self {
            IdsIn::One(_) => format!("= ?{n}"),
            IdsIn::Many(_) => format!("IN (SELECT value FROM json_each(?{n}))"),
        }
    }

    /// The parameter [`IdsIn::sql`] refers to.
    pub fn value(&self) -> rusqlite::types::Value {
        match self {
            IdsIn::One(id) => rusqlite::types::Value::Integer(*id),
            IdsIn::Many(array) => rusqlite::types::Value::Text(array.clone()),
        }
    }
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
