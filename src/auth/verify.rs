//! Messenger identity verification (conventions §9). The instance's messenger
//! token is a secret shared with the customer's own backend, which signs
//! `name + email + token + timestamp` with HMAC-SHA256 keyed by the token. A
//! valid signature less than ten minutes old verifies the fingerprint for that
//! customer; from then on the device sees all of the customer's conversations.

use actix_web::dev::ServiceRequest;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::db::{auth as store, users};
use crate::error::ApiError;
use crate::state::AppState;

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

/// The hex signature of `name + email + token + timestamp`, keyed by `token`.
pub fn sign(token: &str, name: &str, email: &str, timestamp: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(token.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(format!("{name}{email}{token}{timestamp}").as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

fn check(token: &str, claim: &Claim, now: i64) -> Result<(), ApiError> {
    const BAD: ApiError = ApiError::AuthenticationFailed("The identity signature is invalid or has expired");
    let ts: i64 = claim.timestamp.parse().map_err(|_| BAD)?;
    if (now - ts).abs() > MAX_AGE_SECONDS || claim.email.is_empty() {
        return Err(BAD);
    }
    let given = decode_hex(&claim.signature).ok_or(BAD)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(token.as_bytes()).map_err(|_| BAD)?;
    mac.update(format!("{}{}{}{}", claim.name, claim.email, token, claim.timestamp).as_bytes());
    // Constant-time comparison.
    mac.verify_slice(&given).map_err(|_| BAD)
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
    check(&token, &claim, now)?;
    let fingerprint = fingerprint.to_owned();
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
            Ok(store::verify_device(tx, &fingerprint, user.id, now)?)
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
        assert!(check("secret", &claim("secret", 1000), 1000 + 30).is_ok());
        assert!(check("secret", &claim("secret", 1000), 1000 + MAX_AGE_SECONDS + 1).is_err());
        assert!(check("secret", &claim("other", 1000), 1000).is_err());
        let mut tampered = claim("secret", 1000);
        tampered.email = "mark@example.org".into();
        assert!(check("secret", &tampered, 1000).is_err());
    }
}
