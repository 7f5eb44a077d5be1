//! A warm standby's database. `litestream restore -f` keeps the file current
//! by writing each replicated transaction's pages into it in place, under
//! SQLite's exclusive lock, and then records the last transaction applied in
//! `<file>-txid`. Parley only reads that file:
//!
//! - in rollback-journal mode, where a read holds SQLite's shared lock on
//!   the file itself, so the follower's exclusive lock keeps every read from
//!   seeing half a transaction (a WAL-mode reader locks only the `-shm`, and
//!   would). A file just restored still says WAL in its header; it is
//!   switched once, at start, before any reader opens it;
//! - with read-only connections that forget their cached pages before each
//!   read (`reader::in_snapshot`): the follower marks page 1 only when it
//!   rewrites it, so SQLite cannot always tell a stale cache from the file;
//! - with no writer, no migration and no checkpoint. A follower thread
//!   watches the two files; when they change, every generation is bumped,
//!   so no memo outlives what it read, and whoever asked is woken (the
//!   realtime hub, which then reads the replicated events).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, Weak};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OpenFlags};

use super::{migrate, reader, Db, DbOpenError, Shared};

/// How often the follower's files are looked at.
const POLL: Duration = Duration::from_millis(100);

/// What a standby's [`Db`] keeps of its follower.
pub(crate) struct Follow {
    seen: Mutex<Followed>,
    woken: Mutex<Vec<Box<dyn Fn() + Send + Sync>>>,
}

/// What the process that keeps a standby's file current last did, as its
/// files say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Followed {
    /// The last transaction it applied (the `-txid` file's text), if it said.
    pub txid: Option<String>,
    /// When it last applied one (Unix seconds), if known.
    pub applied_at: Option<i64>,
    /// The file's schema version (`user_version`).
    pub schema_version: i64,
}

impl Followed {
    /// Whether this binary can read the file as it is now.
    pub fn schema_matches(&self) -> bool {
        self.schema_version == migrate::VERSION
    }
}

impl Db {
    /// Opens a standby's copy at `path`, which another process keeps current
    /// (see this module), and starts watching it. The file must exist and
    /// have this binary's schema version: a standby never migrates.
    pub fn open_standby(path: &Path) -> Result<Db, DbOpenError> {
        if !path.is_file() {
            return Err(DbOpenError::Standby(format!(
                "no database yet: start `litestream restore -f -o {} <replica URL>` and wait for it to create the file",
                path.display()
            )));
        }
        read_in_rollback_mode(path)?;
        let readers = reader::pool(path, true)?;
        let schema_version = {
            let conn = readers.get()?;
            conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))?
        };
        if schema_version != migrate::VERSION {
            return Err(DbOpenError::Standby(format!(
                "the copy has schema version {schema_version} and this binary reads version {}: a standby never \
                 migrates, so run the primary's version of Parley here",
                migrate::VERSION
            )));
        }
        let (txid, applied_at) = follower_files(path);
        let follow =
            Follow { seen: Mutex::new(Followed { txid, applied_at, schema_version }), woken: Mutex::new(Vec::new()) };
        let shared = Arc::new(Shared::new(path, true, Some(follow)));
        let db = Db { shared: shared.clone(), readers, writer: None };
        let watched = Arc::downgrade(&shared);
        let watcher = db.readers.clone();
        thread::Builder::new()
            .name("parley-follower".into())
            .spawn(move || watch(watched, watcher))
            .map_err(DbOpenError::Thread)?;
        Ok(db)
    }

    /// What the follower last did; `None` unless this is a standby.
    pub fn followed(&self) -> Option<Followed> {
        self.shared.follow.as_ref().map(|f| f.seen.lock().unwrap_or_else(|e| e.into_inner()).clone())
    }

    /// Calls `wake` each time the follower has changed the file (on a
    /// standby; never otherwise).
    pub fn on_follow(&self, wake: impl Fn() + Send + Sync + 'static) {
        if let Some(follow) = &self.shared.follow {
            follow.woken.lock().unwrap_or_else(|e| e.into_inner()).push(Box::new(wake));
        }
    }
}

/// Switches a file that says WAL in its header to rollback-journal mode (see
/// the module's documentation): SQLite's own way, under its exclusive lock,
/// so it waits for the follower rather than racing it.
fn read_in_rollback_mode(path: &Path) -> Result<(), DbOpenError> {
    let mut header = [0u8; 20];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut header))
        .map_err(|e| DbOpenError::Standby(format!("cannot read {}: {e}", path.display())))?;
    if &header[..16] != b"SQLite format 3\0" {
        return Err(DbOpenError::Standby(format!("{} is not an SQLite database", path.display())));
    }
    if header[18] == 1 && header[19] == 1 {
        return Ok(());
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let mode: String = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(DbOpenError::Standby(format!("the copy stayed in journal mode {mode}")));
    }
    Ok(())
}

/// The follower's `-txid` file's text and when the copy last changed.
fn follower_files(path: &Path) -> (Option<String>, Option<i64>) {
    let txid_file = txid_path(path);
    let txid = std::fs::read_to_string(&txid_file).ok().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let changed = [modified(&txid_file), modified(path)].into_iter().flatten().max();
    let applied_at = changed.and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map(|d| d.as_secs() as i64);
    (txid, applied_at)
}

fn txid_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-txid");
    PathBuf::from(name)
}

/// The follower thread: every [`POLL`], the files looked at; on a change,
/// the generations bumped, then the waiting woken. Ends with the database.
fn watch(shared: Weak<Shared>, readers: r2d2::Pool<r2d2_sqlite::SqliteConnectionManager>) {
    let stamp = |path: &Path| {
        let meta =
            |p: &Path| std::fs::metadata(p).ok().map(|m| (m.len(), m.modified().unwrap_or(SystemTime::UNIX_EPOCH)));
        (std::fs::read(txid_path(path)).ok(), meta(path))
    };
    let Some(path) = shared.upgrade().map(|s| s.path.clone()) else { return };
    let mut last = stamp(&path);
    loop {
        thread::sleep(POLL);
        let Some(shared) = shared.upgrade() else { return };
        let now = stamp(&path);
        if now == last {
            continue;
        }
        last = now;
        let schema_version = readers.get().ok().and_then(|c| {
            c.execute_batch("PRAGMA shrink_memory").ok()?;
            c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)).ok()
        });
        for generation in [
            &shared.content_generation,
            &shared.lists_generation,
            &shared.catalog_generation,
            &shared.identities_generation,
        ] {
            generation.fetch_add(1, Ordering::AcqRel);
        }
        let Some(follow) = &shared.follow else { return };
        let (txid, applied_at) = follower_files(&path);
        {
            let mut seen = follow.seen.lock().unwrap_or_else(|e| e.into_inner());
            let schema_version = schema_version.unwrap_or(seen.schema_version);
            if schema_version != seen.schema_version && schema_version != migrate::VERSION {
                tracing::error!(
                    found = schema_version,
                    supported = migrate::VERSION,
                    "the primary's schema changed: run its version of Parley on this standby"
                );
            }
            *seen = Followed { txid, applied_at, schema_version };
        }
        for wake in follow.woken.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            wake();
        }
    }
}
