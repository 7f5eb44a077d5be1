//! The writer's promises under group commit, on a real database file: writes
//! queued together commit in one transaction; a failing write rolls back
//! alone and gets its own error; nobody is answered before the transaction
//! committed; commits are flushed to the disk (`synchronous=FULL`).

use std::pin::Pin;
use std::sync::mpsc;

use futures_util::FutureExt;
use parley::config::{Durability, WalCheckpoints};
use parley::db::{settings, Conn, Db};
use parley::error::ApiError;
use rusqlite::Connection;

type Pending<'a, T> = Pin<Box<dyn std::future::Future<Output = Result<T, ApiError>> + 'a>>;

fn open() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (db, _) = Db::open(&dir.path().join("parley.db"), false).expect("database");
    (dir, db)
}

fn insert(c: &Conn, key: &str) -> Result<(), ApiError> {
    settings::set(c, key, "x")?;
    Ok(())
}

/// Keys of rows this test wrote, as another connection sees the file.
fn committed(dir: &tempfile::TempDir) -> Vec<String> {
    let c = Connection::open(dir.path().join("parley.db")).expect("reader");
    let mut stmt = c.prepare("SELECT key FROM settings WHERE value = 'x' ORDER BY key").expect("query");
    let keys = stmt.query_map([], |r| r.get(0)).expect("rows").collect::<Result<_, _>>().expect("keys");
    keys
}

/// Sends the write to the writer (the first poll does) without waiting for it.
fn queued<T>(mut f: Pending<'_, T>) -> Pending<'_, T> {
    assert!(f.as_mut().now_or_never().is_none(), "answered at once");
    f
}

fn block_on<T>(f: Pending<'_, T>) -> Result<T, ApiError> {
    tokio::runtime::Builder::new_current_thread().build().expect("runtime").block_on(f)
}

#[test]
fn writes_queued_together_commit_together_and_a_failing_one_rolls_back_alone() {
    let (dir, db) = open();
    let before = db.writer_stats();
    // The gate holds the writer inside a transaction while the others queue up.
    let (entered, running) = mpsc::channel::<&str>();
    let (open_gate, gate) = mpsc::channel::<()>();
    let signal = entered.clone();
    let gate_write: Pending<'_, ()> = queued(Box::pin(db.write(move |c| {
        insert(c, "gate")?;
        signal.send("gate").expect("test waits");
        gate.recv().expect("released");
        Ok(())
    })));
    assert_eq!(running.recv().expect("gate runs"), "gate");
    let mut writes: Vec<Pending<'_, i64>> = (0..10)
        .map(|i| -> Pending<'_, i64> {
            queued(Box::pin(db.write(move |c| {
                insert(c, &format!("k{i}"))?;
                if i == 4 {
                    // Wrote a row, then failed: the row must not survive.
                    return Err(ApiError::invalid("k4", "fails on purpose"));
                }
                Ok(i)
            })))
        })
        .collect();
    // The last write holds the batch open, to look at it before it commits.
    let (release, hold) = mpsc::channel::<()>();
    let signal = entered.clone();
    let last: Pending<'_, ()> = queued(Box::pin(db.write(move |c| {
        insert(c, "last")?;
        signal.send("last").expect("test waits");
        hold.recv().expect("released");
        Ok(())
    })));
    assert_eq!(db.writer_stats().queued, 11, "ten writes and the last wait behind the gate");

    open_gate.send(()).expect("gate");
    assert_eq!(running.recv().expect("last runs"), "last");
    // Every write before the last has run, in this same transaction: none is
    // answered, and none is visible outside it.
    let mut gate_write = gate_write;
    assert!(gate_write.as_mut().now_or_never().is_none(), "the gate was answered before its commit");
    for (i, w) in writes.iter_mut().enumerate() {
        assert!(w.as_mut().now_or_never().is_none(), "write {i} was answered before its commit");
    }
    assert!(committed(&dir).is_empty(), "nothing is visible before the commit");

    release.send(()).expect("release");
    block_on(last).expect("the last write commits");
    block_on(gate_write).expect("the gate commits");
    for (i, w) in writes.into_iter().enumerate() {
        match block_on(w) {
            Ok(n) => assert_eq!(n, i as i64),
            Err(ApiError::Fields(problems)) => assert_eq!((i, problems[0].parameter.as_str()), (4, "k4")),
            Err(e) => panic!("write {i}: {e}"),
        }
    }
    let mut want: Vec<String> = (0..10).filter(|i| *i != 4).map(|i| format!("k{i}")).collect();
    want.extend(["gate".to_owned(), "last".to_owned()]);
    want.sort();
    assert_eq!(committed(&dir), want, "all but the failed write's row");
    let after = db.writer_stats();
    assert_eq!(after.batches - before.batches, 1, "one transaction for all twelve");
    assert_eq!(after.jobs - before.jobs, 12);
    assert!(after.largest_batch >= 12);
}

#[test]
fn a_panicking_write_fails_alone_and_the_writer_goes_on() {
    let (dir, db) = open();
    let (entered, running) = mpsc::channel::<()>();
    let (open_gate, gate) = mpsc::channel::<()>();
    let gate_write = queued(Box::pin(db.write(move |c| {
        insert(c, "before")?;
        entered.send(()).expect("test waits");
        gate.recv().expect("released");
        Ok(())
    })));
    running.recv().expect("gate runs");
    let panicking: Pending<'_, ()> = queued(Box::pin(db.write(|c| {
        insert(c, "panicked")?;
        panic!("a bug in a write");
    })));
    let after = queued(Box::pin(db.write(|c| insert(c, "after"))));
    open_gate.send(()).expect("gate");
    block_on(gate_write).expect("committed");
    assert!(matches!(block_on(panicking), Err(ApiError::Internal(_))));
    block_on(after).expect("committed");
    assert_eq!(committed(&dir), ["after", "before"]);
    // And later writes still run.
    db.write_blocking(|c| insert(c, "later")).expect("the writer lives");
    assert_eq!(committed(&dir), ["after", "before", "later"]);
}

#[test]
fn commits_are_flushed_to_disk_unless_normal_durability_is_chosen() {
    let (_dir, db) = open();
    assert_eq!(db.durability().expect("pragma"), Durability::Full);
    let dir = tempfile::tempdir().expect("temp dir");
    let (db, _) = Db::open_with(&dir.path().join("parley.db"), false, Durability::Normal, WalCheckpoints::Parley)
        .expect("database");
    assert_eq!(db.durability().expect("pragma"), Durability::Normal);
}

#[test]
fn the_wal_starts_over_while_writes_never_pause() {
    // Four threads keep the writer's queue full, so each transaction begins
    // as soon as the last one committed, writing 256 MiB in all. The WAL may
    // only be written over from its start once it is wholly in the file when
    // a transaction begins; without the writer's help it would hold every
    // write until the load stops.
    let (dir, db) = open();
    let wal = dir.path().join("parley.db-wal");
    // The WAL header's checkpoint sequence number (bytes 12..16) grows by one each time the WAL starts over.
    let restarts = || {
        let mut header = [0u8; 16];
        match std::fs::File::open(&wal).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut header)) {
            Ok(()) => u32::from_be_bytes([header[12], header[13], header[14], header[15]]),
            Err(_) => 0,
        }
    };
    let first = restarts();
    let blob = "x".repeat(256 * 1024);
    std::thread::scope(|s| {
        for t in 0..4 {
            let (db, blob) = (db.clone(), blob.clone());
            s.spawn(move || {
                for i in 0..256 {
                    let key = format!("blob-{t}-{i}");
                    let blob = blob.clone();
                    db.write_blocking(move |c| settings::set(c, &key, &blob)).expect("write");
                }
            });
        }
    });
    // Started over, it holds what came since its last start (how much depends
    // on the checkpointer's pace on a busy machine); never started over, all
    // 256 MiB and more.
    assert!(restarts() > first, "the WAL started over during the load");
    let size = std::fs::metadata(&wal).expect("the WAL").len();
    assert!(size < 256 * 1024 * 1024, "the WAL holds {} MiB after 256 MiB of writes", size >> 20);
    let written: i64 = Connection::open(dir.path().join("parley.db"))
        .expect("reader")
        .query_row("SELECT COUNT(*) FROM settings WHERE key LIKE 'blob-%'", [], |r| r.get(0))
        .expect("count");
    assert_eq!(written, 1024);
}
