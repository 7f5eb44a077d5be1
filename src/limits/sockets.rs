//! What one client may make the Phoenix sockets do: how many sockets it may
//! hold (per identity and per address), and how often its presence may
//! change on one topic. Each socket receives every presence diff of its
//! topics and each presence change is sent to every socket there, so both
//! bound a fan-out that otherwise grows with the square of the sockets.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{group, Connections, Ticket};
use crate::error::ApiError;

/// Most Phoenix sockets one identity (user or device) may hold open.
pub const MAX_PER_IDENTITY: usize = 20;
/// Most Phoenix sockets one address may hold open.
pub const MAX_PER_ADDRESS: usize = 100;
/// The shortest time between two presence changes of one identity on one
/// topic (Kayako's clients send typing every few seconds); a change that
/// stops typing always passes, so nobody is left shown typing.
pub const PRESENCE_INTERVAL: Duration = Duration::from_secs(1);
/// Most (identity, topic) pairs remembered; older ones are forgotten first.
const MAX_REMEMBERED: usize = 100_000;

/// The socket and presence limits, shared by every worker.
#[derive(Debug)]
pub struct SocketLimits {
    identities: Arc<Connections<String>>,
    addresses: Arc<Connections<IpAddr>>,
    changes: Mutex<HashMap<(String, String), Instant>>,
}

/// One socket's places among its identity's and its address's.
#[derive(Debug)]
pub struct SocketTickets {
    _identity: Ticket<String>,
    _address: Ticket<IpAddr>,
}

impl Default for SocketLimits {
    fn default() -> Self {
        SocketLimits {
            identities: Connections::new(MAX_PER_IDENTITY),
            addresses: Connections::new(MAX_PER_ADDRESS),
            changes: Mutex::new(HashMap::new()),
        }
    }
}

impl SocketLimits {
    /// Counts a new socket of `identity` from `address`, or refuses it (`429`).
    pub fn open(&self, identity: &str, address: IpAddr) -> Result<SocketTickets, ApiError> {
        let address = self.addresses.open(
            Some(group(address)),
            "Too many realtime sockets are open from your address; close some and try again",
        )?;
        let identity = self
            .identities
            .open(Some(identity.to_owned()), "Too many realtime sockets are open for you; close some and try again")?;
        Ok(SocketTickets { _identity: identity, _address: address })
    }

    /// Whether `identity` may change its presence on `topic` now (and if so,
    /// counts the change); `stopping` changes always may.
    pub fn may_change(&self, identity: &str, topic: &str, stopping: bool) -> bool {
        let now = Instant::now();
        let mut changes = self.changes.lock().unwrap_or_else(|e| e.into_inner());
        let key = (identity.to_owned(), topic.to_owned());
        if !stopping && changes.get(&key).is_some_and(|at| now.duration_since(*at) < PRESENCE_INTERVAL) {
            return false;
        }
        if changes.len() >= MAX_REMEMBERED {
            changes.retain(|_, at| now.duration_since(*at) < PRESENCE_INTERVAL);
        }
        if !stopping {
            changes.insert(key, now);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_changes_are_spaced_but_stopping_always_passes() {
        let limits = SocketLimits::default();
        assert!(limits.may_change("u1", "t", false));
        assert!(!limits.may_change("u1", "t", false), "too soon");
        assert!(limits.may_change("u1", "t", true), "stopping passes");
        assert!(limits.may_change("u1", "other", false), "topics are apart");
        assert!(limits.may_change("u2", "t", false), "identities are apart");
    }

    #[test]
    fn sockets_are_bounded_per_identity_and_per_address() {
        let limits = SocketLimits::default();
        let here = IpAddr::from([192, 0, 2, 1]);
        let held: Vec<_> = (0..MAX_PER_IDENTITY).map(|_| limits.open("d1", here).expect("open")).collect();
        assert!(limits.open("d1", here).is_err(), "one identity");
        let more: Vec<_> = (0..MAX_PER_ADDRESS - MAX_PER_IDENTITY)
            .map(|i| limits.open(&format!("x{i}"), here).expect("open"))
            .collect();
        assert!(limits.open("fresh", here).is_err(), "one address, however many identities");
        drop((held, more));
        assert!(limits.open("d1", here).is_ok());
    }
}
