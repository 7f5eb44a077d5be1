//! Secrets: random tokens, their at-rest form, and comparing them. Session
//! ids, CSRF tokens and request tokens are handed to clients once and stored
//! only as their SHA-256, so a copy of the database opens nothing; a presented
//! token is hashed and compared in constant time. Below everything else: no
//! HTTP, no SQL.

pub mod password;

use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// `bytes` random bytes from the OS generator, as lowercase hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    hex(&buf)
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// The at-rest form of a token: hex SHA-256.
pub fn digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Whether `presented` is the token whose at-rest form is `stored`, in time
/// that does not depend on where they differ.
pub fn matches(presented: &str, stored: &str) -> bool {
    digest(presented).as_bytes().ct_eq(stored.as_bytes()).into()
}

/// The file in the data directory that holds the messenger token.
pub const MESSENGER_KEY_FILE: &str = "messenger.key";

/// The instance's messenger token, the key identity signatures are checked
/// with. It cannot be stored as a digest (the signature covers the token
/// itself), so it is kept out of the database, in `messenger.key` (mode 0600)
/// beside it: a copy of the database alone forges nothing. A missing file is
/// created from `initial()` (an older version's token) or a fresh random one,
/// written durably.
pub fn messenger_key(data_dir: &Path, initial: impl FnOnce() -> Option<String>) -> io::Result<String> {
    let path = data_dir.join(MESSENGER_KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) if !text.trim().is_empty() => return Ok(text.trim().to_owned()),
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let token = initial().unwrap_or_else(|| random_hex(32));
    write_messenger_key(data_dir, &token)?;
    Ok(token)
}

/// Replaces the messenger token with a new random one, durably, and returns
/// it: signatures made with the old one stop verifying.
pub fn rotate_messenger_key(data_dir: &Path) -> io::Result<String> {
    let token = random_hex(32);
    write_messenger_key(data_dir, &token)?;
    Ok(token)
}

/// Writes the key file whole or not at all (a new file renamed over the old).
fn write_messenger_key(data_dir: &Path, token: &str) -> io::Result<()> {
    let tmp = data_dir.join(format!("{MESSENGER_KEY_FILE}.part"));
    {
        let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&tmp)?;
        file.write_all(format!("{token}\n").as_bytes())?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, data_dir.join(MESSENGER_KEY_FILE))?;
    std::fs::File::open(data_dir)?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_matches_only_its_own_digest() {
        let token = random_hex(32);
        assert_eq!(token.len(), 64);
        let stored = digest(&token);
        assert_ne!(stored, token);
        assert!(matches(&token, &stored));
        assert!(!matches(&random_hex(32), &stored));
        assert!(!matches(&token, &stored[..63]));
        assert_eq!(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
