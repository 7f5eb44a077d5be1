//! Connections open at once per client address: one address must not hold
//! every file descriptor the server has. Reverse proxies the configuration
//! trusts are not counted (they carry everyone's connections; cap them in
//! the proxy).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use super::group;
use crate::error::ApiError;

/// The connections open per address, shared by every worker.
#[derive(Debug)]
pub struct Connections {
    /// Most connections one address may hold open (0: no limit).
    max: usize,
    /// Addresses not counted: the trusted proxies.
    exempt: Vec<IpAddr>,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One open connection, counted until dropped.
#[derive(Debug)]
pub struct Ticket {
    of: Option<(Arc<Connections>, IpAddr)>,
}

impl Connections {
    /// At most `max` connections per address (IPv6 by /64), `exempt` aside.
    pub fn new(max: usize, exempt: Vec<IpAddr>) -> Arc<Connections> {
        Arc::new(Connections { max, exempt, open: Mutex::new(HashMap::new()) })
    }

    /// Counts a new connection from `peer`, or refuses it (`429`) when its
    /// address holds the most it may already.
    pub fn open(self: &Arc<Self>, peer: Option<IpAddr>) -> Result<Ticket, ApiError> {
        let Some(peer) = peer.filter(|p| self.max > 0 && !self.exempt.contains(p)) else {
            return Ok(Ticket { of: None });
        };
        let key = group(peer);
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let held = open.entry(key).or_insert(0);
        if *held >= self.max {
            return Err(ApiError::TooManyRequests {
                retry_after: 1,
                message: "Too many connections from your address are open at once; close some and try again",
            });
        }
        *held += 1;
        Ok(Ticket { of: Some((self.clone(), key)) })
    }

    /// Connections `peer`'s address holds open.
    pub fn held(&self, peer: IpAddr) -> usize {
        self.open.lock().unwrap_or_else(|e| e.into_inner()).get(&group(peer)).copied().unwrap_or(0)
    }
}

impl Drop for Ticket {
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
    use super::*;

    #[test]
    fn an_address_holds_at_most_its_share_and_gets_it_back_on_close() {
        let c = Connections::new(2, vec![IpAddr::from([10, 0, 0, 1])]);
        let me = Some(IpAddr::from([192, 0, 2, 7]));
        let (a, b) = (c.open(me).expect("first"), c.open(me).expect("second"));
        assert!(c.open(me).is_err(), "a third is refused");
        assert!(c.open(Some(IpAddr::from([192, 0, 2, 8]))).is_ok(), "another address is not");
        drop(a);
        let _c = c.open(me).expect("a slot came back");
        drop(b);
        assert_eq!(c.held(me.unwrap()), 1);
        let proxy = Some(IpAddr::from([10, 0, 0, 1]));
        let _many: Vec<Ticket> = (0..5).map(|_| c.open(proxy).expect("a trusted proxy is not counted")).collect();
        let v6 = |last: u16| Some(IpAddr::from([0x2001, 0xdb8, 0, 1, 0, 0, 0, last]));
        let _x = (c.open(v6(1)).expect("1"), c.open(v6(2)).expect("2"));
        assert!(c.open(v6(3)).is_err(), "one IPv6 /64 is one address");
    }
}
