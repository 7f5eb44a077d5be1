//! Checkpoints: the checkpointer thread copies the WAL into the database
//! file after commits, and the writer lets the WAL start over once it grows
//! past [`WAL_RESTART_FRAMES`] (see [`let_wal_restart`]). Checkpoints never
//! run inside a commit.

use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::Shared;

/// The least time between two checkpoints while writes go on.
const CHECKPOINT_PACE: Duration = Duration::from_millis(200);

/// The WAL size (in pages) from which the writer lets it start over (see
/// [`let_wal_restart`]): 16 MiB.
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
pub(super) fn checkpoint_after(conn: &Connection, commits: mpsc::Receiver<()>, shared: &Shared) {
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
pub(super) fn let_wal_restart<'a>(
    conn: &Connection,
    shared: &'a Shared,
    restarted_at: &mut Instant,
) -> Option<std::sync::MutexGuard<'a, ()>> {
    if shared.external_wal
        || shared.wal_frames.load(Ordering::Acquire) < WAL_RESTART_FRAMES
        || restarted_at.elapsed() < CHECKPOINT_PACE
    {
        return None;
    }
    let guard = match shared.checkpointing.try_lock() {
        Ok(guard) => guard,
        Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
        // The checkpointer is at it: the next transaction tries again.
        Err(std::sync::TryLockError::WouldBlock) => return None,
    };
    *restarted_at = Instant::now();
    if let Err(e) = checkpoint(conn) {
        tracing::warn!(error = %e, "the writer's checkpoint failed; the next report retries");
    }
    Some(guard)
}
