//! What the running server shares: [`AppState`], which every handler reaches
//! through `web::Data<AppState>`, and the data directory it stands on (its
//! lock, the messenger key). Below start-up: handlers, identity and jobs
//! import this, never `server`.

use std::sync::Arc;

use crate::config::ServeConfig;
use crate::db::{self, messages, settings, Db};
use crate::limits::{LoginThrottle, RateLimits, TextBudget};
use crate::realtime::Hub;
use crate::secret::password::Hasher;
use crate::storage::Storage;

/// What every handler may reach, through `web::Data<AppState>`.
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The configuration the server started with.
    pub config: ServeConfig,
    /// Base of every `resource_url`, without a trailing slash.
    pub public_url: String,
    /// Failed sign-ins by address and account.
    pub login_throttle: LoginThrottle,
    /// Password checks, a few at a time in reused memory.
    pub hasher: Hasher,
    /// Spam limits on creations, messages and upload bytes.
    pub limits: RateLimits,
    /// Phoenix sockets per identity and address, and presence changes.
    pub sockets: crate::limits::SocketLimits,
    /// The digest of the browser apps' assets: the versioned prefix of their URLs.
    pub web_build: String,
    /// The OpenAPI document, as served at `/api/v1/openapi.json`.
    pub openapi: actix_web::web::Bytes,
    /// The memory buffered request text may take, across all requests.
    pub text_budget: Arc<TextBudget>,
    /// Attachment files on disk.
    pub storage: Arc<Storage>,
    /// Realtime fan-out.
    pub hub: Arc<Hub>,
    /// The email channel.
    pub mail: Arc<crate::mail::Mail>,
    /// Request counts and latencies for `/metrics`.
    pub metrics: crate::metrics::Metrics,
    /// The secret messenger identity signatures are keyed by (rotated by
    /// `POST /api/v1/messenger/token`).
    pub messenger_token: std::sync::RwLock<String>,
    /// The messenger's average reply time, recomputed every few minutes.
    pub reply_time: ReplyTime,
    /// The data directory's lock, held shared while the server runs.
    pub data_lock: std::fs::File,
    /// Sessions signed in on a standby, which cannot store them.
    pub standby_sessions: MemorySessions,
}

/// The most sessions a standby holds in memory; past it, the least recently
/// used is forgotten.
const MEMORY_SESSIONS: usize = 10_000;

/// Sessions a standby (`--read-only`) signs in, held in memory because it
/// cannot write them: they last until the process stops (the primary's
/// sessions, replicated, are read from the copy as usual).
#[derive(Debug, Default)]
pub struct MemorySessions(std::sync::Mutex<std::collections::HashMap<String, db::auth::Session>>);

impl MemorySessions {
    /// Holds `session`, forgetting the least recently used one when full.
    pub fn insert(&self, session: db::auth::Session) {
        let mut held = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if held.len() >= MEMORY_SESSIONS && !held.contains_key(&session.id) {
            let oldest = held.values().min_by_key(|s| s.last_used_at).map(|s| s.id.clone());
            if let Some(oldest) = oldest {
                held.remove(&oldest);
            }
        }
        held.insert(session.id.clone(), session);
    }

    /// The session whose id has digest `id`, used within `ttl` seconds of
    /// `now`; its use is recorded.
    pub fn live(&self, id: &str, now: i64, ttl: i64) -> Option<db::auth::Session> {
        let mut held = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let session = held.get_mut(id).filter(|s| s.last_used_at > now - ttl)?;
        session.last_used_at = now;
        Some(session.clone())
    }
}

/// The data directory's lock file (see [`lock_data_dir`]).
pub const LOCK_FILE: &str = "parley.lock";

/// Locks the data directory: servers hold it shared while they run, and
/// `parley import`, which rewrites the database under them, needs it alone.
/// `None` when it is held the other way.
pub fn lock_data_dir(data_dir: &std::path::Path, exclusive: bool) -> std::io::Result<Option<std::fs::File>> {
    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(data_dir.join(LOCK_FILE))?;
    let locked = if exclusive { file.try_lock() } else { file.try_lock_shared() };
    match locked {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The data directory, which `parley import` holds.
    #[error("{} is being imported into (parley import): start the server once it is done", .0.display())]
    Busy(std::path::PathBuf),
    /// The listening address.
    #[error("cannot listen on {addr}: {source} ({})", bind_hint(.source))]
    Bind {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// A file or directory of the data directory.
    #[error("{}: {source}{}", path.display(), path_hint(.source))]
    Path {
        /// What could not be used.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The database file.
    #[error("database {}: {source}", path.display())]
    Database {
        /// The database file.
        path: std::path::PathBuf,
        /// Why.
        source: db::DbOpenError,
    },
    /// File system or socket.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The database.
    #[error("database: {0}")]
    Open(#[from] db::DbOpenError),
    /// Reading or writing the database.
    #[error("database: {0}")]
    Db(#[from] db::Error),
    /// Flags that cannot go together.
    #[error("{0}")]
    Conflict(&'static str),
    /// The mail settings (a relay URL, the SMTP receiver's certificate).
    #[error("mail: {0}")]
    Mail(String),
}

/// What to do when the listening address is refused, by its cause.
fn bind_hint(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::AddrInUse => "another server listens there: stop it, or choose another address with --bind",
        ErrorKind::PermissionDenied => {
            "ports below 1024 need root or CAP_NET_BIND_SERVICE: choose a port above 1023 with --bind, \
             and put a reverse proxy in front (docs/reverse-proxy.md)"
        }
        ErrorKind::AddrNotAvailable => {
            "this machine has no such address: use 127.0.0.1, 0.0.0.0 or one of its own with --bind"
        }
        _ => "choose another address with --bind",
    }
}

/// What to do when a file or directory of the data directory is refused, by its cause.
fn path_hint(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::PermissionDenied => {
            " (this user may not write there: choose a --data-dir it can write to, such as ./data, \
             or give the directory to this user)"
        }
        ErrorKind::ReadOnlyFilesystem => " (the file system is read-only: choose another --data-dir)",
        ErrorKind::StorageFull => " (the disk is full: make room, or choose another --data-dir)",
        ErrorKind::NotADirectory => " (a file stands where a directory should be: choose another --data-dir)",
        _ => "",
    }
}

/// The instance's messenger token from its key file, moving an older
/// version's token out of the database on the way (see `secret::messenger_key`).
pub fn messenger_token(db: &Db, data_dir: &std::path::Path) -> Result<String, StartError> {
    let legacy = db.read_blocking(settings::legacy_messenger_token)?;
    // A standby cannot move it: its primary does, and the copy follows.
    let moved = legacy.is_some() && !db.is_standby();
    let token = crate::secret::messenger_key(data_dir, || legacy)
        .map_err(|source| StartError::Path { path: data_dir.join(crate::secret::MESSENGER_KEY_FILE), source })?;
    if moved {
        db.write_blocking(settings::forget_messenger_token)?;
        // The old row's page leaves the WAL and the file now (secure_delete zeroed it).
        db.checkpoint_blocking()?;
    }
    Ok(token)
}

/// The window of the average first-reply time.
const REPLY_WINDOW_SECONDS: i64 = 30 * 86_400;

/// How long a computed average reply time is served before it is recomputed.
const REPLY_TIME_SECONDS: i64 = 300;

/// The average first-reply time, remembered for a few minutes: computing it
/// reads a month of conversations, and every messenger asks on opening.
#[derive(Debug, Default)]
pub struct ReplyTime(std::sync::Mutex<Option<(i64, Option<i64>)>>);

impl ReplyTime {
    /// The average, at most a few minutes old.
    pub async fn get(&self, db: &db::Db, now: i64) -> Result<Option<i64>, db::Error> {
        let known = *self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, seconds)) = known.filter(|(at, _)| now - at < REPLY_TIME_SECONDS) {
            return Ok(seconds);
        }
        let since = now - REPLY_WINDOW_SECONDS;
        let seconds = db.read(move |c| messages::average_first_reply_seconds(c, since)).await?;
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((now, seconds));
        Ok(seconds)
    }
}
