//! What can go wrong in the database, told apart as far as the layers above
//! need it: `api` maps each kind to the Kayako envelope once; the rest is
//! logged there and answered without detail.

/// A failed read or write.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A statement that needs a row found none.
    #[error("no such row")]
    NotFound,
    /// A constraint refused the change (a unique key already taken, a row
    /// another refers to): a race between two writers' checks.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The file stayed locked past the busy timeout.
    #[error("the database is busy")]
    Busy,
    /// The disk (or the quota) is full: nothing of the write was kept.
    #[error("the disk is full")]
    Full,
    /// A statement ran past its time limit and was stopped (`Conn::bounded`).
    #[error("stopped at its time limit")]
    Interrupted,
    /// This database is a standby's copy, kept current by another process:
    /// it takes no writes.
    #[error("this database is a read-only standby")]
    ReadOnly,
    /// Anything else, described.
    #[error("{0}")]
    Other(String),
}

/// Results of the database layer.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            _ if matches!(e, rusqlite::Error::QueryReturnedNoRows) => Error::NotFound,
            Some(ErrorCode::DiskFull) => Error::Full,
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::Busy,
            Some(ErrorCode::ConstraintViolation) => Error::Conflict(e.to_string()),
            Some(ErrorCode::OperationInterrupted) => Error::Interrupted,
            _ => Error::Other(e.to_string()),
        }
    }
}

impl From<r2d2::Error> for Error {
    fn from(e: r2d2::Error) -> Self {
        Error::Other(format!("connection pool: {e}"))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Other(format!("stored JSON: {e}"))
    }
}

/// The command-line tools report errors as text.
impl From<Error> for String {
    fn from(e: Error) -> String {
        format!("database: {e}")
    }
}
