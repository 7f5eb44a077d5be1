//! Credentials other than passwords: sessions, device fingerprints, request
//! tokens. Session ids, CSRF tokens and request tokens are stored as their
//! digests (`secret::digest`); callers look them up by digest.

use crate::db::{Conn, Error};
use rusqlite::{params, OptionalExtension};

/// A live session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The digest of the `X-Session-ID` value.
    pub id: String,
    /// Whose session it is.
    pub user_id: i64,
    /// The digest of the token unsafe methods must echo in `X-CSRF-Token`;
    /// `None` when CSRF is off.
    pub csrf_token: Option<String>,
    /// Unix seconds of the last request made with it.
    pub last_used_at: i64,
}

/// The session whose id has this digest and that was used within `ttl` seconds of `now`.
pub fn live_session(conn: &Conn, id: &str, now: i64, ttl: i64) -> Result<Option<Session>, Error> {
    Ok(conn
        .prepare_cached(
            "SELECT s.id, s.user_id, s.csrf_token, s.last_used_at FROM sessions s
             JOIN users u ON u.id = s.user_id
             WHERE s.id = ?1 AND s.last_used_at > ?2 AND u.is_enabled = 1",
        )?
        .query_row(params![id, now - ttl], |r| {
            Ok(Session { id: r.get(0)?, user_id: r.get(1)?, csrf_token: r.get(2)?, last_used_at: r.get(3)? })
        })
        .optional()?)
}

/// Stores a new session.
pub fn create_session(conn: &Conn, session: &Session, now: i64) -> Result<(), Error> {
    conn.prepare_cached(
        "INSERT INTO sessions (id, user_id, csrf_token, created_at, last_used_at) VALUES (?1, ?2, ?3, ?4, ?4)",
    )?
    .execute(params![session.id, session.user_id, session.csrf_token, now])?;
    Ok(())
}

/// Ends a session (by digest).
pub fn delete_session(conn: &Conn, id: &str) -> Result<(), Error> {
    conn.prepare_cached("DELETE FROM sessions WHERE id = ?1")?.execute([id])?;
    Ok(())
}

/// Extends a session's life and removes sessions that expired.
pub fn touch_session(conn: &Conn, id: &str, now: i64, ttl: i64) -> Result<(), Error> {
    conn.prepare_cached("UPDATE sessions SET last_used_at = ?2 WHERE id = ?1")?.execute(params![id, now])?;
    conn.prepare_cached("DELETE FROM sessions WHERE last_used_at <= ?1")?.execute([now - ttl])?;
    Ok(())
}

/// A device identity.
#[derive(Debug, Clone)]
pub struct Device {
    /// The `X-Fingerprint-ID` value (a UUID v4, lowercase).
    pub fingerprint: String,
    /// The customer the device belongs to.
    pub user_id: i64,
    /// Whether the device proved the customer's identity (see [`Device::verified_at`]).
    pub is_verified: bool,
    /// Until when (Unix seconds) that proof holds.
    pub verified_until: Option<i64>,
    /// Unix seconds of the last request from it.
    pub last_used_at: i64,
}

impl Device {
    /// Whether the device's proof of identity holds at `now`.
    pub fn verified_at(&self, now: i64) -> bool {
        self.is_verified && self.verified_until.is_some_and(|until| until > now)
    }
}

/// The device with this fingerprint, if it was ever bound to a customer.
pub fn device(conn: &Conn, fingerprint: &str) -> Result<Option<Device>, Error> {
    Ok(conn
        .prepare_cached(
            "SELECT f.fingerprint, f.user_id, f.is_verified, f.verified_until, f.last_used_at
             FROM fingerprints f JOIN users u ON u.id = f.user_id WHERE f.fingerprint = ?1 AND u.is_enabled = 1",
        )?
        .query_row([fingerprint], |r| {
            Ok(Device {
                fingerprint: r.get(0)?,
                user_id: r.get(1)?,
                is_verified: r.get(2)?,
                verified_until: r.get(3)?,
                last_used_at: r.get(4)?,
            })
        })
        .optional()?)
}

/// Binds a fingerprint to a customer. Binding it to another customer than
/// before drops its verification.
pub fn bind_device(conn: &Conn, fingerprint: &str, user_id: i64, now: i64) -> Result<(), Error> {
    conn.prepare_cached(
        "INSERT INTO fingerprints (fingerprint, user_id, is_verified, created_at, last_used_at)
         VALUES (?1, ?2, 0, ?3, ?3)
         ON CONFLICT (fingerprint) DO UPDATE SET
             is_verified = CASE WHEN user_id = excluded.user_id THEN is_verified ELSE 0 END,
             user_id = excluded.user_id,
             last_used_at = excluded.last_used_at",
    )?
    .execute(params![fingerprint, user_id, now])?;
    Ok(())
}

/// Binds a fingerprint to a customer as verified (identity verification).
pub fn verify_device(conn: &Conn, fingerprint: &str, user_id: i64, now: i64, until: i64) -> Result<(), Error> {
    conn.prepare_cached(
        "INSERT INTO fingerprints (fingerprint, user_id, is_verified, created_at, last_used_at, verified_until)
         VALUES (?1, ?2, 1, ?3, ?3, ?4)
         ON CONFLICT (fingerprint) DO UPDATE SET user_id = excluded.user_id, is_verified = 1,
             last_used_at = excluded.last_used_at, verified_until = excluded.verified_until",
    )?
    .execute(params![fingerprint, user_id, now, until])?;
    Ok(())
}

/// Records that `signature` verified `fingerprint`; `false` when it already
/// verified another device (signatures older than `forget_before` are forgotten).
pub fn use_signature(
    conn: &Conn,
    signature: &str,
    fingerprint: &str,
    now: i64,
    forget_before: i64,
) -> Result<bool, Error> {
    conn.prepare_cached("DELETE FROM identity_signatures WHERE used_at < ?1")?.execute([forget_before])?;
    let first: Option<String> = conn
        .prepare_cached("SELECT fingerprint FROM identity_signatures WHERE signature = ?1")?
        .query_row([signature], |r| r.get(0))
        .optional()?;
    match first {
        Some(f) => Ok(f == fingerprint),
        None => {
            conn.prepare_cached(
                "INSERT INTO identity_signatures (signature, fingerprint, used_at) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![signature, fingerprint, now])?;
            Ok(true)
        }
    }
}

/// Ends every device's verification (the messenger token was rotated: what
/// old signatures proved, they prove no longer).
pub fn unverify_all(conn: &Conn) -> Result<(), Error> {
    conn.prepare_cached("UPDATE fingerprints SET is_verified = 0, verified_until = NULL WHERE is_verified = 1")?
        .execute([])?;
    conn.prepare_cached("DELETE FROM identity_signatures")?.execute([])?;
    Ok(())
}

/// Records that a device was used now.
pub fn touch_device(conn: &Conn, fingerprint: &str, now: i64) -> Result<(), Error> {
    conn.prepare_cached("UPDATE fingerprints SET last_used_at = ?2 WHERE fingerprint = ?1")?
        .execute(params![fingerprint, now])?;
    Ok(())
}

/// Records that a conversation was started or joined from a device.
pub fn link_device(conn: &Conn, fingerprint: &str, conversation_id: i64, now: i64) -> Result<(), Error> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO conversation_devices (fingerprint, conversation_id, created_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![fingerprint, conversation_id, now])?;
    Ok(())
}

/// Stores a request token (by digest) for one conversation and removes expired ones.
pub fn create_request_token(
    conn: &Conn,
    token: &str,
    conversation_id: i64,
    expires_at: i64,
    now: i64,
) -> Result<(), Error> {
    conn.prepare_cached("DELETE FROM request_tokens WHERE expires_at <= ?1")?.execute([now])?;
    conn.prepare_cached("INSERT INTO request_tokens (token, conversation_id, expires_at) VALUES (?1, ?2, ?3)")?
        .execute(params![token, conversation_id, expires_at])?;
    Ok(())
}

/// The conversation a still-valid request token (given by digest) opens.
pub fn request_token(conn: &Conn, token: &str, now: i64) -> Result<Option<i64>, Error> {
    Ok(conn
        .prepare_cached("SELECT conversation_id FROM request_tokens WHERE token = ?1 AND expires_at > ?2")?
        .query_row(params![token, now], |r| r.get(0))
        .optional()?)
}
