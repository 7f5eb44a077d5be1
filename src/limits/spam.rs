//! Spam limits: how many conversations an address or a device may start, how
//! many messages one identity may send, and how many upload bytes one
//! identity and its address may send, per hour (so fresh fingerprints from
//! one address share that address's allowance). Addresses are counted by
//! [`super::group`]: IPv6 by its /64. Each is a
//! token bucket per key (full at the hourly allowance, refilling evenly), kept
//! in memory with a hard bound on how many keys it remembers. Staff are never
//! limited. A refusal is `429 RATE_LIMIT_REACHED` with `Retry-After`, and the
//! request changes nothing.
//!
//! Written here rather than taken from a crate because every limit must also
//! bound its own memory (an attacker chooses the keys) and charge a cost (bytes),
//! and because the whole check-and-charge of a request must be atomic across
//! two keys (an address and a device).

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use super::group;
use crate::config::ServeConfig;
use crate::error::ApiError;

/// Most keys one limit remembers; beyond it, full buckets are forgotten first.
const MAX_KEYS: usize = 100_000;
const HOUR: f64 = 3600.0;

/// Who is charged for a request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Who {
    /// A signed-in user (customer).
    User(i64),
    /// A messenger device, by fingerprint.
    Device(String),
    /// Nobody known: the client address.
    Address(IpAddr),
}

/// What one request costs.
#[derive(Debug, Clone, Copy)]
pub struct Charge<'a> {
    /// Who pays for messages and bytes.
    pub who: &'a Who,
    /// The client's address, which pays for bytes too.
    pub address: IpAddr,
    /// A conversation started without a session: from this address and device.
    pub conversation_from: Option<(IpAddr, Option<&'a str>)>,
    /// Whether a message is sent.
    pub message: bool,
    /// Bytes of files.
    pub bytes: u64,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: f64,
}

/// One limit: `per_hour` units an hour per key, all of them available at once.
#[derive(Debug)]
struct Limit<K> {
    per_hour: u64,
    buckets: HashMap<K, Bucket>,
}

impl<K: Eq + Hash + Clone> Limit<K> {
    fn new(per_hour: u64) -> Self {
        Limit { per_hour, buckets: HashMap::new() }
    }

    fn rate(&self) -> f64 {
        self.per_hour as f64 / HOUR
    }

    /// Tokens `key` has at `now`.
    fn level(&self, key: &K, now: f64) -> f64 {
        let cap = self.per_hour as f64;
        self.buckets.get(key).map_or(cap, |b| (b.tokens + (now - b.at) * self.rate()).min(cap))
    }

    /// Seconds until `key` can pay `cost`, or `None` when it can now (0 = unlimited).
    fn wait(&self, key: &K, cost: f64, now: f64) -> Option<f64> {
        if self.per_hour == 0 {
            return None;
        }
        if cost > self.per_hour as f64 {
            return Some(HOUR);
        }
        let level = self.level(key, now);
        (level < cost).then(|| (cost - level) / self.rate())
    }

    fn charge(&mut self, key: &K, cost: f64, now: f64) {
        if self.per_hour == 0 {
            return;
        }
        let tokens = self.level(key, now) - cost;
        if self.buckets.len() >= MAX_KEYS && !self.buckets.contains_key(key) {
            let cap = self.per_hour as f64;
            let rate = self.rate();
            self.buckets.retain(|_, b| b.tokens + (now - b.at) * rate < cap);
            if self.buckets.len() >= MAX_KEYS {
                // Still full of recent spenders: forget the longest idle half.
                let mut ages: Vec<f64> = self.buckets.values().map(|b| b.at).collect();
                ages.sort_by(f64::total_cmp);
                let cut = ages[ages.len() / 2];
                self.buckets.retain(|_, b| b.at > cut);
            }
        }
        self.buckets.insert(key.clone(), Bucket { tokens, at: now });
    }
}

#[derive(Debug)]
struct Tables {
    conversations_per_address: Limit<IpAddr>,
    conversations_per_device: Limit<String>,
    messages: Limit<Who>,
    upload_bytes: Limit<Who>,
}

/// Every spam limit of the instance.
#[derive(Debug)]
pub struct RateLimits {
    start: Instant,
    tables: Mutex<Tables>,
}

/// `who` with its address, if it is one, counted by [`group`].
fn grouped(who: &Who) -> Who {
    match who {
        Who::Address(ip) => Who::Address(group(*ip)),
        other => other.clone(),
    }
}

fn refused(wait: f64, message: String) -> ApiError {
    ApiError::RateLimited { retry_after: wait.ceil().max(1.0) as i64, message }
}

impl RateLimits {
    /// The limits configured for `config` (0 turns one off).
    pub fn new(config: &ServeConfig) -> RateLimits {
        RateLimits {
            start: Instant::now(),
            tables: Mutex::new(Tables {
                conversations_per_address: Limit::new(config.conversations_per_hour_per_address),
                conversations_per_device: Limit::new(config.conversations_per_hour_per_device),
                messages: Limit::new(config.messages_per_hour),
                upload_bytes: Limit::new(config.upload_bytes_per_hour),
            }),
        }
    }

    fn now(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Tables> {
        self.tables.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Checks every limit `charge` touches and, only when all of them allow
    /// it, charges them all.
    pub fn admit(&self, charge: Charge<'_>) -> Result<(), ApiError> {
        let now = self.now();
        let mut t = self.lock();
        let who = &grouped(charge.who);
        let from = &Who::Address(group(charge.address));
        let conversation_from = charge.conversation_from.map(|(address, device)| (group(address), device));
        if let Some((address, device)) = conversation_from {
            if let Some(wait) = t.conversations_per_address.wait(&address, 1.0, now) {
                let n = t.conversations_per_address.per_hour;
                return Err(refused(
                    wait,
                    format!("At most {n} conversations an hour may be started from one address"),
                ));
            }
            if let Some(wait) = device.and_then(|fp| t.conversations_per_device.wait(&fp.to_owned(), 1.0, now)) {
                let n = t.conversations_per_device.per_hour;
                return Err(refused(wait, format!("At most {n} conversations an hour may be started from one device")));
            }
        }
        if charge.message {
            if let Some(wait) = t.messages.wait(who, 1.0, now) {
                let n = t.messages.per_hour;
                return Err(refused(
                    wait,
                    format!("At most {n} messages an hour may be sent by one customer or device"),
                ));
            }
        }
        self.check_bytes(&t, who, from, charge.bytes, now)?;
        if let Some((address, device)) = conversation_from {
            t.conversations_per_address.charge(&address, 1.0, now);
            if let Some(fp) = device {
                t.conversations_per_device.charge(&fp.to_owned(), 1.0, now);
            }
        }
        if charge.message {
            t.messages.charge(who, 1.0, now);
        }
        if charge.bytes > 0 {
            t.upload_bytes.charge(who, charge.bytes as f64, now);
            if who != from {
                t.upload_bytes.charge(from, charge.bytes as f64, now);
            }
        }
        Ok(())
    }

    /// Whether `who` could upload `bytes` now, without charging (a body's
    /// declared length, checked before it is read).
    pub fn could_upload(&self, who: &Who, address: IpAddr, bytes: u64) -> Result<(), ApiError> {
        let now = self.now();
        let t = self.lock();
        self.check_bytes(&t, &grouped(who), &Who::Address(group(address)), bytes, now)
    }

    fn check_bytes(&self, t: &Tables, who: &Who, from: &Who, bytes: u64, now: f64) -> Result<(), ApiError> {
        if bytes == 0 {
            return Ok(());
        }
        let n = t.upload_bytes.per_hour;
        if let Some(wait) = t.upload_bytes.wait(who, bytes as f64, now) {
            return Err(refused(
                wait,
                format!("At most {n} bytes of files an hour may be uploaded by one customer or device"),
            ));
        }
        match t.upload_bytes.wait(from, bytes as f64, now) {
            None => Ok(()),
            Some(wait) => {
                Err(refused(wait, format!("At most {n} bytes of files an hour may be uploaded from one address")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_hourly_allowance_at_once_then_refills_evenly() {
        let mut l: Limit<u8> = Limit::new(3);
        for _ in 0..3 {
            assert_eq!(l.wait(&1, 1.0, 0.0), None);
            l.charge(&1, 1.0, 0.0);
        }
        let wait = l.wait(&1, 1.0, 0.0).expect("empty");
        assert!((wait - 1200.0).abs() < 1e-6, "{wait}");
        assert_eq!(l.wait(&1, 1.0, 1200.0), None);
        assert_eq!(l.wait(&2, 1.0, 0.0), None, "keys are separate");
        assert_eq!(l.wait(&2, 4.0, 0.0), Some(HOUR), "more than an hour's allowance never fits");
        let off: Limit<u8> = Limit::new(0);
        assert_eq!(off.wait(&1, 1e12, 0.0), None, "0 is unlimited");
    }

    #[test]
    fn memory_stays_bounded_whatever_the_keys() {
        let mut l: Limit<u32> = Limit::new(10);
        for k in 0..(MAX_KEYS as u32 + 10) {
            l.charge(&k, 1.0, f64::from(k) * 1e-6);
        }
        assert!(l.buckets.len() <= MAX_KEYS);
    }
}
