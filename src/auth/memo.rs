//! Identities a worker remembers: what a session id or a device fingerprint
//! resolved to, so that a client's every request does not read the same
//! rows again. An entry is only good for the
//! [`identities generation`](crate::db::Db::identities_generation) it was read
//! in: any commit that changes sessions, devices, users, roles or team
//! membership starts a new one, and the memo forgets everything. Expiry is
//! checked on every use against the remembered times, as the query would.

use crate::db::auth::{Device, Session};
use crate::db::memo::WorkerMemo;
use crate::db::users::User;

/// What a credential resolved to.
#[derive(Debug, Clone)]
pub enum Remembered {
    /// A live session and its user.
    Session(Session, User),
    /// A device bound to a customer.
    Device(Device, User),
}

/// One worker's memo of credentials, at most 4,096 of them.
pub type IdentityMemo = WorkerMemo<Remembered, 4096>;

impl IdentityMemo {
    /// Counts `key`'s credential as used at `now` (its touch is on its way to
    /// the writer, whose commit will start a new generation anyway).
    pub fn touched(&self, key: &str, now: i64) {
        self.update(key, |entry| match entry {
            Remembered::Session(s, _) => s.last_used_at = now,
            Remembered::Device(d, _) => d.last_used_at = now,
        });
    }
}
