//! The HTTP API: one module per resource, and the layer they all answer
//! through. A handler builds a [`Reply`] (snake_case JSON whose related
//! resources are stubs) and hands it to [`Ctx::finish`], which alone applies
//! `include` expansion, `fields`, `_case=camel`, the envelope and headers, so
//! every response is shaped the same way.

pub mod attachments;
pub mod conversations;
mod ctx;
mod field_values;
pub mod files;
pub mod forms;
pub mod insights;
pub mod lookups;
pub mod manage;
pub mod memo;
pub mod messages;
pub mod messenger;
pub mod notes;
pub mod notifications;
pub mod openapi;
pub mod params;
pub mod ratings;
pub mod realtime;
mod reply;
pub mod rows;
pub mod search;
pub mod session;
pub mod shape;
pub mod standby;
pub mod system;
pub mod triage;
pub mod viewers;

use crate::error::ApiError;

pub use ctx::{Ctx, DEFAULT_LIMIT, MAX_LIMIT};
pub use reply::{Data, Paging, Reply, Wire};

/// Parses a numeric path id; anything else is a resource that does not exist.
pub fn path_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>().ok().filter(|n| *n > 0).ok_or(ApiError::NotFound)
}

/// The database's errors, as the Kayako envelope says them: the one place
/// they are mapped (see `db::Error`).
impl From<crate::db::Error> for ApiError {
    fn from(e: crate::db::Error) -> Self {
        use crate::db::Error;
        match e {
            Error::NotFound => ApiError::NotFound,
            Error::Full => crate::error::disk_full(),
            Error::Busy => ApiError::Busy,
            Error::ReadOnly => ApiError::ReadOnly { primary: None },
            Error::Conflict(_) | Error::Interrupted | Error::Other(_) => ApiError::internal(&e),
        }
    }
}
