//! Throttles password guessing at sign-in, in memory (a restart forgets,
//! which is fine for limits measured in minutes).
//!
//! Every attempt is counted *before* its password is checked, under one lock,
//! so parallel guesses cannot slip past a check-then-record race. Failures
//! count against three keys, each allowed a few free failures and then locked
//! out for a time that doubles with every further failure (up to a cap):
//!
//! - the pair (address, account): always;
//! - the account, from addresses it has never signed in from: so guesses
//!   spread over many addresses still stop, while the owner at an address
//!   they signed in from before is not locked out by someone else's guesses;
//! - the address, for accounts never signed in from there: so one address
//!   cannot spray guesses over many accounts, while colleagues behind the same
//!   address who signed in from it before keep signing in.
//!
//! Sessions are never touched: an owner who is signed in stays signed in
//! whatever happens at the door. Every lockout is logged.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;

/// Failures allowed per (address, account) before backoff starts.
pub const PAIR_FREE: u32 = 5;
/// Failures allowed per account from unknown addresses before backoff starts.
pub const ACCOUNT_FREE: u32 = 10;
/// Failures allowed per address on accounts unknown there before backoff starts.
pub const ADDRESS_FREE: u32 = 30;
/// The first lockout, in seconds; each further failure doubles it.
pub const FIRST_LOCKOUT: i64 = 2;
/// The longest lockout, in seconds.
pub const MAX_LOCKOUT: i64 = 15 * 60;
/// Failures are forgotten after this long without one.
const FORGET_AFTER: i64 = 24 * 3600;
/// A successful sign-in makes its address known for the account this long.
const KNOWN_FOR: i64 = 30 * 86_400;
/// Most entries each table keeps; beyond it the stalest are dropped.
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, Clone, Copy, Default)]
struct Failures {
    count: u32,
    last: i64,
    locked_until: i64,
}

impl Failures {
    fn fresh(&mut self, now: i64) -> &mut Self {
        if now - self.last > FORGET_AFTER {
            *self = Failures::default();
        }
        self
    }

    /// Counts a failure; returns the new lockout's length when one starts.
    fn fail(&mut self, free: u32, now: i64) -> Option<i64> {
        self.fresh(now);
        self.count += 1;
        self.last = now;
        // The last free failure starts the first lockout; each one after doubles it.
        let over = (self.count + 1).checked_sub(free)?.checked_sub(1)?;
        let seconds = FIRST_LOCKOUT.saturating_mul(1i64 << over.min(20)).min(MAX_LOCKOUT);
        self.locked_until = now + seconds;
        Some(seconds)
    }

    /// Takes back one counted failure (an attempt that turned out right or was never checked).
    fn unfail(&mut self, free: u32) {
        self.count = self.count.saturating_sub(1);
        if self.count < free {
            self.locked_until = 0;
        }
    }

    fn wait(&self, now: i64) -> Option<i64> {
        (self.locked_until > now).then(|| self.locked_until - now)
    }
}

#[derive(Debug, Default)]
struct Tables {
    pairs: HashMap<(IpAddr, String), Failures>,
    accounts: HashMap<String, Failures>,
    addresses: HashMap<IpAddr, Failures>,
    /// (address, account) → when it last signed in successfully.
    known: HashMap<(IpAddr, String), i64>,
}

/// Failed sign-ins by pair, account and address, and the known good pairs.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    tables: Mutex<Tables>,
}

/// An attempt counted as a failure until it is known to be otherwise.
#[derive(Debug)]
#[must_use = "an attempt is a failure unless told otherwise"]
pub struct Attempt {
    ip: IpAddr,
    account: String,
    known: bool,
}

fn bounded<K: Eq + Hash + Clone, V>(map: &mut HashMap<K, V>, stale: impl Fn(&V) -> bool, age: impl Fn(&V) -> i64) {
    if map.len() < MAX_ENTRIES {
        return;
    }
    map.retain(|_, v| !stale(v));
    if map.len() >= MAX_ENTRIES {
        // Still full of live entries: drop the older half.
        let mut ages: Vec<i64> = map.values().map(&age).collect();
        ages.sort_unstable();
        let cut = ages[ages.len() / 2];
        map.retain(|_, v| age(v) > cut);
    }
}

impl LoginThrottle {
    /// Counts an attempt on `account` from `ip` as a failure in advance, or
    /// answers how many seconds to wait when it is locked out now.
    pub fn begin(&self, ip: IpAddr, account: &str, now: i64) -> Result<Attempt, i64> {
        let account = account.trim().to_lowercase();
        let mut t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        let pair = (ip, account.clone());
        let known = t.known.get(&pair).is_some_and(|at| now - at < KNOWN_FOR);
        let mut wait = t.pairs.get_mut(&pair).and_then(|f| f.fresh(now).wait(now));
        if !known {
            let account_wait = t.accounts.get_mut(&account).and_then(|f| f.fresh(now).wait(now));
            let address_wait = t.addresses.get_mut(&ip).and_then(|f| f.fresh(now).wait(now));
            wait = wait.max(account_wait).max(address_wait);
        }
        if let Some(seconds) = wait {
            return Err(seconds);
        }
        let stale = |f: &Failures| now - f.last > FORGET_AFTER && f.locked_until <= now;
        bounded(&mut t.pairs, stale, |f| f.last);
        if let Some(seconds) = t.pairs.entry(pair).or_default().fail(PAIR_FREE, now) {
            tracing::warn!(%ip, account = %account, seconds, "sign-in locked out: too many failures for this account from this address");
        }
        if !known {
            bounded(&mut t.accounts, stale, |f| f.last);
            if let Some(seconds) = t.accounts.entry(account.clone()).or_default().fail(ACCOUNT_FREE, now) {
                tracing::warn!(account = %account, seconds, "sign-in locked out: too many failures for this account");
            }
            bounded(&mut t.addresses, stale, |f| f.last);
            if let Some(seconds) = t.addresses.entry(ip).or_default().fail(ADDRESS_FREE, now) {
                tracing::warn!(%ip, seconds, "sign-in locked out: too many failures from this address");
            }
        }
        Ok(Attempt { ip, account, known })
    }

    /// The password was right: the pair and account start over, the address
    /// gets its one counted failure back, and the pair becomes known.
    pub fn succeeded(&self, attempt: Attempt, now: i64) {
        let mut t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        let pair = (attempt.ip, attempt.account.clone());
        t.pairs.remove(&pair);
        if !attempt.known {
            t.accounts.remove(&attempt.account);
            if let Some(f) = t.addresses.get_mut(&attempt.ip) {
                f.unfail(ADDRESS_FREE);
            }
        }
        bounded(&mut t.known, |at| now - *at > KNOWN_FOR, |at| *at);
        t.known.insert(pair, now);
    }

    /// The password was never checked (the server was busy or failed): the
    /// attempt counts for nothing.
    pub fn abandoned(&self, attempt: Attempt) {
        let mut t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(f) = t.pairs.get_mut(&(attempt.ip, attempt.account.clone())) {
            f.unfail(PAIR_FREE);
        }
        if !attempt.known {
            if let Some(f) = t.accounts.get_mut(&attempt.account) {
                f.unfail(ACCOUNT_FREE);
            }
            if let Some(f) = t.addresses.get_mut(&attempt.ip) {
                f.unfail(ADDRESS_FREE);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(n: u8) -> IpAddr {
        [10, 0, 0, n].into()
    }

    fn fail(t: &LoginThrottle, ip: IpAddr, account: &str, now: i64) -> Result<(), i64> {
        t.begin(ip, account, now).map(drop)
    }

    #[test]
    fn a_pair_backs_off_exponentially_after_its_free_failures() {
        let t = LoginThrottle::default();
        for _ in 0..PAIR_FREE - 1 {
            assert!(fail(&t, ip(1), "owner@x.org", 1000).is_ok());
        }
        assert!(fail(&t, ip(1), "owner@x.org", 1000).is_ok());
        // The attempt that crossed the line started a lockout.
        assert_eq!(fail(&t, ip(1), "owner@x.org", 1000), Err(FIRST_LOCKOUT));
        assert!(fail(&t, ip(1), "owner@x.org", 1000 + FIRST_LOCKOUT).is_ok());
        assert_eq!(fail(&t, ip(1), "owner@x.org", 1000 + FIRST_LOCKOUT), Err(2 * FIRST_LOCKOUT));
        // Another account from the same address is not affected.
        assert!(fail(&t, ip(1), "colleague@x.org", 1000).is_ok());
    }

    #[test]
    fn guesses_spread_over_addresses_lock_the_account_but_not_its_known_address() {
        let t = LoginThrottle::default();
        let ok = t.begin(ip(200), "owner@x.org", 0).expect("first sign-in");
        t.succeeded(ok, 0);
        for i in 0..ACCOUNT_FREE {
            assert!(fail(&t, ip(i as u8), "owner@x.org", 100).is_ok());
        }
        assert!(fail(&t, ip(99), "owner@x.org", 100).is_err(), "a fresh address is refused");
        assert!(t.begin(ip(200), "owner@x.org", 100).is_ok(), "the owner's known address is not");
    }

    #[test]
    fn a_success_clears_the_account_and_an_abandoned_attempt_counts_nothing() {
        let t = LoginThrottle::default();
        for _ in 0..PAIR_FREE - 1 {
            fail(&t, ip(1), "a@x.org", 10).expect("free");
        }
        let a = t.begin(ip(1), "a@x.org", 10).expect("last free");
        t.abandoned(a);
        let a = t.begin(ip(1), "a@x.org", 10).expect("still free");
        t.succeeded(a, 10);
        for _ in 0..PAIR_FREE {
            fail(&t, ip(1), "a@x.org", 11).expect("counting starts over");
        }
    }

    #[test]
    fn one_address_spraying_many_accounts_is_stopped() {
        let t = LoginThrottle::default();
        let results: Vec<bool> =
            (0..ADDRESS_FREE + 5).map(|i| fail(&t, ip(7), &format!("user{i}@x.org"), 50).is_ok()).collect();
        assert_eq!(results.iter().filter(|ok| **ok).count() as u32, ADDRESS_FREE);
    }
}
