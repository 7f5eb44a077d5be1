//! Answers a worker remembers: the bytes of a `200` to a `GET` whose answer
//! depends only on the database, the caller and the URL (a conversation, a
//! page of conversations or of messages). An entry is only good for the
//! [`content generation`](crate::db::Db::content_generation) it was read in:
//! any commit that changes a row starts a new one, and the memo forgets
//! everything, so nothing it answers is older than what the database holds.

use actix_web::web::Bytes;

use crate::db::memo::WorkerMemo;

/// Larger answers are not remembered.
pub const LARGEST: usize = 256 * 1024;

/// One worker's memo of answers, at most 1,024 of them.
pub type ResponseMemo = WorkerMemo<Bytes, 1024>;
