//! Password hashing with argon2id (PHC strings in `users.password_hash`), and
//! the [`Hasher`] that sign-in checks go through: argon2id is memory-hard on
//! purpose (19 MiB a hash), so at most a few run at once, a burst beyond a
//! short queue is refused at once instead of queued without bound, and each
//! check's working memory goes back to the operating system when it is done.

use std::sync::atomic::{AtomicUsize, Ordering};

use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;

/// Shortest password anyone may set (the API and `parley user add`).
pub const MIN_PASSWORD: usize = 8;

/// A valid hash of a random password, verified against when the email is
/// unknown so that both failures cost the same time.
pub const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Vqi1ZB9yMZJ5q4yM6T6Bg6jm6Xb3zQ4r3xM2Dq5mYxE";

/// Largest `m` (KiB) a stored hash may ask for; anything larger never matches.
const MAX_MEMORY_KIB: u32 = 256 * 1024;
/// Blocks (1 KiB each) reserved for a check's working memory: more than
/// glibc's largest dynamic mmap threshold (32 MiB), so the reservation is
/// always its own mapping and is unmapped when freed, instead of staying in a
/// thread's arena. Only the blocks a hash touches become resident.
const RESERVED_BLOCKS: usize = 33 * 1024;

/// Hashes a password with argon2id and a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
}

/// Whether `password` matches the PHC string `hash`; a malformed hash never
/// matches. Allocates its working memory; sign-in uses [`Hasher`] instead.
pub fn verify_password(password: &str, hash: &str) -> bool {
    let mut memory = Vec::new();
    verify_with_memory(password, hash, &mut memory)
}

/// [`verify_password`] in caller-provided working memory, grown as needed.
fn verify_with_memory(password: &str, hash: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else { return false };
    let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(parsed.algorithm), Params::try_from(&parsed)) else {
        return false;
    };
    let version = parsed.version.map_or(Ok(Version::V0x13), Version::try_from);
    let (Ok(version), Some(expected), Some(salt)) = (version, parsed.hash, parsed.salt) else { return false };
    if params.m_cost() > MAX_MEMORY_KIB {
        return false;
    }
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else { return false };
    if memory.len() < params.block_count() {
        memory.resize(params.block_count(), Block::new());
    }
    let blocks = params.block_count();
    let mut out = vec![0u8; expected.len()];
    let argon = Argon2::new(algorithm, version, params);
    if argon.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory[..blocks]).is_err() {
        return false;
    }
    out.as_slice().ct_eq(expected.as_bytes()).into()
}

/// Too many sign-ins are being checked right now; try again in a second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

/// Runs password checks a few at a time.
#[derive(Debug)]
pub struct Hasher {
    running: Semaphore,
    waiting: AtomicUsize,
    max_waiting: usize,
}

impl Hasher {
    /// At most `concurrent` checks at once and `max_waiting` queued behind them.
    pub fn new(concurrent: usize, max_waiting: usize) -> Hasher {
        let concurrent = concurrent.max(1);
        Hasher { running: Semaphore::new(concurrent), waiting: AtomicUsize::new(0), max_waiting }
    }

    /// One check per two cores (at least one), so sign-ins never take every
    /// core from the requests being served; a queue of 16 behind them.
    pub fn for_this_machine() -> Hasher {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Hasher::new(cores / 2, 16)
    }

    /// Whether `password` matches `hash`, or [`Busy`] when the queue is full.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool, Busy> {
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(Busy);
        }
        let permit = self.running.acquire().await;
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        let Ok(_permit) = permit else { return Err(Busy) };
        actix_web::web::block(move || {
            let mut memory = Vec::with_capacity(RESERVED_BLOCKS);
            verify_with_memory(&password, &hash, &mut memory)
        })
        .await
        .map_err(|_| Busy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_in_any_state_verifies_like_a_fresh_allocation() {
        let hash = hash_password("correct horse").expect("hash");
        let mut memory = Vec::new();
        assert!(verify_with_memory("correct horse", &hash, &mut memory));
        assert!(!verify_with_memory("wrong horse", &hash, &mut memory));
        assert!(verify_with_memory("correct horse", &hash, &mut memory));
        assert!(!verify_password("x", "not a hash"));
        assert!(!verify_password("x", DUMMY_HASH));
    }
}
