//! Answers a worker remembers: the bytes of a `200` to a `GET` whose answer
//! depends only on the database, the caller and the URL (a conversation, a
//! page of conversations or of messages). An entry is only good for the
//! [`content generation`](crate::db::Db::content_generation) it was read in:
//! any commit that changes a row starts a new one, and the memo forgets
//! everything, so nothing it answers is older than what the database holds.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use actix_web::web::Bytes;

/// The most answers one worker remembers; beyond it, it starts over.
const CAPACITY: usize = 1024;
/// Larger answers are not remembered.
const LARGEST: usize = 256 * 1024;

/// One worker's memo (not `Send`: each worker builds its own).
#[derive(Clone, Default)]
pub struct ResponseMemo(Rc<RefCell<Inner>>);

#[derive(Default)]
struct Inner {
    generation: u64,
    entries: HashMap<String, Bytes>,
}

impl ResponseMemo {
    /// The answer to `key` remembered in `generation`, the current one.
    pub fn get(&self, generation: u64, key: &str) -> Option<Bytes> {
        let mut inner = self.0.borrow_mut();
        if inner.generation != generation {
            inner.entries.clear();
            inner.generation = generation;
            return None;
        }
        inner.entries.get(key).cloned()
    }

    /// Remembers the answer to `key`, read in `generation`.
    pub fn put(&self, generation: u64, key: String, body: Bytes) {
        let mut inner = self.0.borrow_mut();
        if inner.generation != generation || body.len() > LARGEST {
            return; // read in a generation already gone or not yet seen
        }
        if inner.entries.len() >= CAPACITY {
            inner.entries.clear();
        }
        inner.entries.insert(key, body);
    }
}
