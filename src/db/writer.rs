//! The one writer: a thread with the only connection that writes, fed by a
//! bounded FIFO queue. It runs whatever is queued in one `BEGIN IMMEDIATE`
//! transaction, each write in its own `SAVEPOINT` (group commit), and answers
//! every caller only once that transaction committed, or why it did not.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use rusqlite::Connection;
use tokio::sync::oneshot;

use super::watch::Changed;
use super::{Conn, Error, Shared};

/// How many writes may wait for the writer before callers feel back-pressure.
pub(super) const WRITE_QUEUE: usize = 1024;
/// The most writes one transaction holds, and how long it may keep taking more.
const MAX_BATCH: usize = 256;
const MAX_BATCH_TIME: Duration = Duration::from_millis(50);

/// What the writer runs.
pub(super) enum Job {
    /// A write, in its own savepoint of the current batch.
    Write(Box<dyn WriteJob>),
    /// Work that needs the connection outside any transaction (checkpoints).
    Alone(Box<dyn FnOnce(&mut Connection) + Send>),
}

/// A queued write.
pub(super) trait WriteJob: Send {
    /// Runs the caller's closure; returns whether it succeeded and what
    /// answers the caller once the batch's fate is known.
    fn run(self: Box<Self>, conn: &Connection) -> (bool, Box<dyn Settle>);
    /// Answers without running: the batch could not begin.
    fn refuse(self: Box<Self>, why: Failure);
}

/// Answers a caller whose write ran.
pub(super) trait Settle: Send {
    /// `Ok` once the batch committed, else why it did not.
    fn settle(self: Box<Self>, committed: Result<(), Failure>);
}

/// Why a batch did not commit, copied to each of its callers.
#[derive(Debug, Clone, Copy)]
pub(super) enum Failure {
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

    fn error(self) -> Error {
        match self {
            Failure::DiskFull => Error::Full,
            Failure::Other => Error::Other("the write could not be committed".into()),
        }
    }
}

/// Where a write's answer goes.
pub(super) trait Reply<T, E>: Send {
    fn answer(self, outcome: Result<T, E>);
}

impl<T: Send, E: Send> Reply<T, E> for oneshot::Sender<Result<T, E>> {
    fn answer(self, outcome: Result<T, E>) {
        let _ = self.send(outcome); // the caller may have gone
    }
}

impl<T: Send, E: Send> Reply<T, E> for mpsc::SyncSender<Result<T, E>> {
    fn answer(self, outcome: Result<T, E>) {
        let _ = self.send(outcome);
    }
}

/// A write waiting for the writer: the caller's closure, what to do once
/// it committed, and where the answer goes.
pub(super) struct Pending<F, C, R> {
    pub(super) f: F,
    pub(super) on_commit: C,
    pub(super) reply: R,
}

impl<T, E, F, C, R> WriteJob for Pending<F, C, R>
where
    T: Send + 'static,
    E: From<Error> + Send + 'static,
    F: FnOnce(&Conn) -> Result<T, E> + Send + 'static,
    C: FnOnce(&T) + Send + 'static,
    R: Reply<T, E> + 'static,
{
    fn run(self: Box<Self>, conn: &Connection) -> (bool, Box<dyn Settle>) {
        let Pending { f, on_commit, reply } = *self;
        let outcome = catch_unwind(AssertUnwindSafe(|| f(&Conn::new(conn)))).unwrap_or_else(|_| {
            tracing::error!("a write panicked; it was rolled back");
            Err(E::from(Error::Other("a write panicked".into())))
        });
        let ok = outcome.is_ok();
        (ok, Box::new(Ran { outcome, on_commit, reply }))
    }

    fn refuse(self: Box<Self>, why: Failure) {
        self.reply.answer(Err(E::from(why.error())));
    }
}

struct Ran<T, E, C, R> {
    outcome: Result<T, E>,
    on_commit: C,
    reply: R,
}

impl<T, E, C, R> Settle for Ran<T, E, C, R>
where
    T: Send,
    E: From<Error> + Send,
    C: FnOnce(&T) + Send,
    R: Reply<T, E>,
{
    fn settle(self: Box<Self>, committed: Result<(), Failure>) {
        let Ran { outcome, on_commit, reply } = *self;
        reply.answer(match (outcome, committed) {
            (Ok(value), Ok(())) => {
                on_commit(&value);
                Ok(value)
            }
            (Ok(_), Err(why)) => Err(E::from(why.error())),
            (Err(e), _) => Err(e),
        });
    }
}

/// The one thread that writes.
pub(super) struct Writer {
    pub(super) conn: Connection,
    pub(super) jobs: mpsc::Receiver<Job>,
    pub(super) shared: Arc<Shared>,
    /// Set by triggers when a write changes what lists hold, or the catalog.
    pub(super) changed: Arc<Changed>,
    /// Tells the checkpointer a transaction committed.
    pub(super) committed: mpsc::SyncSender<()>,
    /// When the writer last checkpointed so that the WAL could start over.
    pub(super) restarted_at: Instant,
}

impl Writer {
    /// Takes jobs until every [`Db`] is dropped: each write joins the open
    /// batch; a batch commits when the queue runs dry, or at its size or time
    /// limit, and only then are its callers answered.
    pub(super) fn run(mut self) {
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
        let _restarting = super::checkpoint::let_wal_restart(&self.conn, &shared, &mut self.restarted_at);
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
