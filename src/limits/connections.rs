//! Connections open at once per key: per client address at the front door
//! (one address must not hold every file descriptor the server has), and
//! per identity and address for Phoenix sockets (each of which multiplies
//! presence fan-out).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use crate::error::ApiError;

/// The connections open per key, shared by every worker.
#[derive(Debug)]
pub struct Connections<K: Eq + Hash> {
    /// Most connections one key may hold open (0: no limit).
    max: usize,
    open: Mutex<HashMap<K, usize>>,
}

/// One open connection, counted until dropped.
#[derive(Debug)]
pub struct Ticket<K: Eq + Hash> {
    of: Option<(Arc<Connections<K>>, K)>,
}

impl<K: Eq + Hash + Clone> Connections<K> {
    /// At most `max` connections per key.
    pub fn new(max: usize) -> Arc<Connections<K>> {
        Arc::new(Connections { max, open: Mutex::new(HashMap::new()) })
    }

    /// Counts a new connection of `key` (`None`: not counted), or refuses it
    /// (`429`, saying `why`) when that key holds the most it may already.
    pub fn open(self: &Arc<Self>, key: Option<K>, why: &'static str) -> Result<Ticket<K>, ApiError> {
        let Some(key) = key.filter(|_| self.max > 0) else {
            return Ok(Ticket { of: None });
        };
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let held = open.entry(key.clone()).or_insert(0);
        if *held >= self.max {
            return Err(ApiError::TooManyRequests { retry_after: 1, message: why });
        }
        *held += 1;
        Ok(Ticket { of: Some((self.clone(), key)) })
    }

    /// Connections `key` holds open.
    pub fn held(&self, key: &K) -> usize {
        self.open.lock().unwrap_or_else(|e| e.into_inner()).get(key).copied().unwrap_or(0)
    }
}

impl<K: Eq + Hash> Drop for Ticket<K> {
    fn drop(&mut self) {
        if let Some((connections, key)) = self.of.take() {
            let mut open = connections.open.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(held) = open.get_mut(&key) {
                *held -= 1;
                if *held == 0 {
                    open.remove(&key);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use super::*;
    use crate::limits::group;

    #[test]
    fn a_key_holds_at_most_its_share_and_gets_it_back_on_close() {
        let c = Connections::new(2);
        let ip = group(IpAddr::from([192, 0, 2, 7]));
        let me = Some(ip);
        let (a, b) = (c.open(me, "").expect("first"), c.open(me, "").expect("second"));
        assert!(c.open(me, "").is_err(), "a third is refused");
        assert!(c.open(Some(IpAddr::from([192, 0, 2, 8])), "").is_ok(), "another address is not");
        drop(a);
        let _c = c.open(me, "").expect("a slot came back");
        drop(b);
        assert_eq!(c.held(&ip), 1);
        let _many: Vec<_> = (0..5).map(|_| c.open(None, "").expect("uncounted")).collect();
        let v6 = |last: u16| Some(group(IpAddr::from([0x2001, 0xdb8, 0, 1, 0, 0, 0, last])));
        let _x = (c.open(v6(1), "").expect("1"), c.open(v6(2), "").expect("2"));
        assert!(c.open(v6(3), "").is_err(), "one IPv6 /64 is one address");
    }
}
