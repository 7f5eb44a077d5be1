//! Messenger identity verification (conventions §9). The instance's messenger
//! token is a secret shared with the customer's own backend, which signs the
//! customer's name, email and a timestamp with HMAC-SHA256 keyed by the token.
//! The default scheme (`v2`) signs `v2|<name bytes>|<name>|<email bytes>|<email>|<timestamp>`,
//! whose lengths say where each field ends; Kayako's, accepted only under
//! `--identity-signatures kayako`, signs `name + email + token + timestamp`,
//! where ("Eve X", "xcaryn@…") and ("Eve Xx", "caryn@…") sign alike. A valid
//! signature less than ten minutes old, for a valid email, verifies the
//! fingerprint for that customer for `--identity-lifetime-seconds`; one
//! signature verifies one device, and rotating the token ends every
//! verification.

use actix_web::dev::ServiceRequest;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::IdentitySignatures;
use crate::db::{auth as store, users};
use crate::error::ApiError;
use crate::state::AppState;
use crate::wire::valid_email;

/// How old (or how far in the future) a signature's timestamp may be.
pub const MAX_AGE_SECONDS: i64 = 600;

/// The identity a client claims in its `X-Identity-*` headers.
#[derive(Debug, Clone)]
pub struct Claim {
    name: String,
    email: String,
    timestamp: String,
    signature: String,
}

/// The claim, when the request carries a signature.
pub fn claim(req: &ServiceRequest) -> Option<Claim> {
    let get = |h: &str| req.headers().get(h).and_then(|v| v.to_str().ok()).map(|v| v.trim().to_owned());
    let signature = get("x-identity-signature").filter(|s| !s.is_empty())?;
    Some(Claim {
        name: get("x-identity-name").unwrap_or_default(),
        email: get("x-identity-email").unwrap_or_default(),
        timestamp: get("x-identity-timestamp").unwrap_or_default(),
        signature,
    })
}

/// The v2 message for a claim: each text field preceded by its length in bytes.
fn v2_message(name: &str, email: &str, timestamp: &str) -> String {
    format!("v2|{}|{name}|{}|{email}|{timestamp}", name.len(), email.len())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn mac(token: &str, message: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(token.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(message.as_bytes());
    mac
}

/// The hex v2 signature (the default scheme) of a claim, keyed by `token`.
pub fn sign(token: &str, name: &str, email: &str, timestamp: &str) -> String {
    hex(&mac(token, &v2_message(name, email, timestamp)).finalize().into_bytes())
}

/// The hex signature in Kayako's scheme: `name + email + token + timestamp`.
pub fn sign_kayako(token: &str, name: &str, email: &str, timestamp: &str) -> String {
    hex(&mac(token, &format!("{name}{email}{token}{timestamp}")).finalize().into_bytes())
}

fn check(token: &str, claim: &Claim, now: i64, scheme: IdentitySignatures) -> Result<(), ApiError> {
    const BAD: ApiError = ApiError::AuthenticationFailed("The identity signature is invalid or has expired");
    let ts: i64 = claim.timestamp.parse().map_err(|_| BAD)?;
    if (now - ts).abs() > MAX_AGE_SECONDS {
        return Err(BAD);
    }
    if !valid_email(&claim.email) {
        return Err(ApiError::AuthenticationFailed("The identity's email is not a valid address"));
    }
    let given = decode_hex(&claim.signature).ok_or(BAD)?;
    // Constant-time comparisons.
    let v2 = mac(token, &v2_message(&claim.name, &claim.email, &claim.timestamp));
    if v2.verify_slice(&given).is_ok() {
        return Ok(());
    }
    let kayako = format!("{}{}{}{}", claim.name, claim.email, token, claim.timestamp);
    match scheme {
        IdentitySignatures::Kayako => mac(token, &kayako).verify_slice(&given).map_err(|_| BAD),
        IdentitySignatures::V2 => Err(BAD),
    }
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

/// Verifies the claim and marks the device verified for that customer (found
/// by email, or created). A staff email can never be verified this way.
pub async fn verify_device(state: &AppState, fingerprint: &str, claim: Claim, now: i64) -> Result<(), ApiError> {
    let token = state.messenger_token.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
    check(&token, &claim, now, state.config.identity_signatures)?;
    let fingerprint = fingerprint.to_owned();
    let until = now + state.config.identity_lifetime_seconds.max(60);
    state
        .db
        .write(move |tx| {
            let user = match users::by_email(tx, &claim.email)? {
                Some(u) => u,
                None => {
                    let name = if claim.name.is_empty() { claim.email.clone() } else { claim.name.clone() };
                    let id = users::create_customer(tx, &name, &claim.email, now)?;
                    users::get(tx, id)?.ok_or(ApiError::NotFound)?
                }
            };
            if user.role.is_staff() {
                return Err(ApiError::AuthenticationFailed("Staff identities cannot be verified by the messenger"));
            }
            // Signatures are kept while their timestamps are acceptable.
            if !store::use_signature(
                tx,
                &claim.signature.to_ascii_lowercase(),
                &fingerprint,
                now,
                now - 2 * MAX_AGE_SECONDS,
            )? {
                return Err(ApiError::AuthenticationFailed(
                    "This identity signature has already verified another device",
                ));
            }
            Ok(store::verify_device(tx, &fingerprint, user.id, now, until)?)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(token: &str, ts: i64) -> Claim {
        let timestamp = ts.to_string();
        Claim {
            signature: sign(token, "Caryn", "caryn@example.org", &timestamp),
            name: "Caryn".into(),
            email: "caryn@example.org".into(),
            timestamp,
        }
    }

    #[test]
    fn a_fresh_signature_verifies_and_a_stale_or_forged_one_does_not() {
        let v2 = IdentitySignatures::V2;
        assert!(check("secret", &claim("secret", 1000), 1000 + 30, v2).is_ok());
        assert!(check("secret", &claim("secret", 1000), 1000 + MAX_AGE_SECONDS + 1, v2).is_err());
        assert!(check("secret", &claim("other", 1000), 1000, v2).is_err());
        let mut tampered = claim("secret", 1000);
        tampered.email = "mark@example.org".into();
        assert!(check("secret", &tampered, 1000, v2).is_err());
    }

    #[test]
    fn the_name_email_boundary_is_signed() {
        let ts = "1000";
        let look_alike = Claim {
            signature: sign("k", "Eve X", "xcaryn@example.org", ts),
            name: "Eve Xx".into(),
            email: "caryn@example.org".into(),
            timestamp: ts.into(),
        };
        assert!(check("k", &look_alike, 1000, IdentitySignatures::Kayako).is_err(), "v2 tells them apart");
        let kayako = Claim { signature: sign_kayako("k", "Eve X", "xcaryn@example.org", ts), ..look_alike };
        assert!(check("k", &kayako, 1000, IdentitySignatures::Kayako).is_ok(), "Kayako's cannot");
        assert!(check("k", &kayako, 1000, IdentitySignatures::V2).is_err(), "so it is off by default");
    }
}
