//! Identities a worker remembers: what a session id or a device fingerprint
//! resolved to, so that a client's every request does not read the same
//! rows again. An entry is only good for the
//! [`identities generation`](crate::db::Db::identities_generation) it was read
//! in: any commit that changes sessions, devices, users, roles or team
//! membership starts a new one, and the memo forgets everything. Expiry is
//! checked on every use against the remembered times, as the query would.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::db::auth::{Device, Session};
use crate::db::users::User;

/// The most credentials one worker remembers; beyond it, it starts over.
const CAPACITY: usize = 4096;

/// What a credential resolved to.
#[derive(Debug, Clone)]
pub enum Remembered {
    /// A live session and its user.
    Session(Session, User),
    /// A device bound to a customer.
    Device(Device, User),
}

/// One worker's memo (not `Send`: each worker builds its own).
#[derive(Clone, Default)]
pub struct IdentityMemo(Rc<RefCell<Inner>>);

#[derive(Default)]
struct Inner {
    generation: u64,
    entries: HashMap<String, Remembered>,
}

impl IdentityMemo {
    /// What `key` resolved to in `generation`, the current one.
    pub fn get(&self, generation: u64, key: &str) -> Option<Remembered> {
        let mut inner = self.0.borrow_mut();
        if inner.generation != generation {
            inner.entries.clear();
            inner.generation = generation;
            return None;
        }
        inner.entries.get(key).cloned()
    }

    /// Remembers what `key` resolved to, read in `generation`.
    pub fn put(&self, generation: u64, key: String, value: Remembered) {
        let mut inner = self.0.borrow_mut();
        if inner.generation != generation {
            return; // read in a generation already gone or not yet seen
        }
        if inner.entries.len() >= CAPACITY {
            inner.entries.clear();
        }
        inner.entries.insert(key, value);
    }

    /// Counts `key`'s credential as used at `now` (its touch is on its way to
    /// the writer, whose commit will start a new generation anyway).
    pub fn touched(&self, key: &str, now: i64) {
        if let Some(entry) = self.0.borrow_mut().entries.get_mut(key) {
            match entry {
                Remembered::Session(s, _) => s.last_used_at = now,
                Remembered::Device(d, _) => d.last_used_at = now,
            }
        }
    }
}
