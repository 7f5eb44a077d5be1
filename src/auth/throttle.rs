//! Throttles failed Basic logins per client address, so a password cannot be
//! guessed at network speed. Kept in memory: a restart forgets, which is fine
//! for a limit measured in minutes.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// Failed attempts allowed per address within one window.
pub const MAX_FAILURES: u32 = 10;
/// Length of the window, in seconds.
pub const WINDOW_SECONDS: i64 = 300;

/// Failed-login counters by client address.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<IpAddr, (i64, u32)>>,
}

impl LoginThrottle {
    /// Seconds to wait before `ip` may try again, if it is locked out now.
    pub fn retry_after(&self, ip: IpAddr, now: i64) -> Option<i64> {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        match map.get(&ip) {
            Some(&(start, count)) if count >= MAX_FAILURES && now < start + WINDOW_SECONDS => {
                Some(start + WINDOW_SECONDS - now)
            }
            _ => None,
        }
    }

    /// Records one failed attempt.
    pub fn failed(&self, ip: IpAddr, now: i64) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        // Forget stale windows so the map cannot grow without bound.
        if map.len() > 10_000 {
            map.retain(|_, (start, _)| now < *start + WINDOW_SECONDS);
        }
        let entry = map.entry(ip).or_insert((now, 0));
        if now >= entry.0 + WINDOW_SECONDS {
            *entry = (now, 0);
        }
        entry.1 += 1;
    }

    /// A successful login clears the address's record.
    pub fn succeeded(&self, ip: IpAddr) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).remove(&ip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_out_after_too_many_failures_until_the_window_ends() {
        let t = LoginThrottle::default();
        let ip: IpAddr = [127, 0, 0, 1].into();
        for _ in 0..MAX_FAILURES {
            assert_eq!(t.retry_after(ip, 1000), None);
            t.failed(ip, 1000);
        }
        assert_eq!(t.retry_after(ip, 1010), Some(WINDOW_SECONDS - 10));
        assert_eq!(t.retry_after(ip, 1000 + WINDOW_SECONDS), None);
        t.succeeded(ip);
        assert_eq!(t.retry_after(ip, 1010), None);
    }
}
