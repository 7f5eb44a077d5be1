//! The [`identify`] middleware: each request's credentials resolved once, in
//! the order of conventions §6 (session, Basic, fingerprint, request token,
//! public), with what a worker's recent credentials resolved to remembered
//! (`memo`), and the sign-in throttle counting every Basic attempt before
//! its password is checked.

use std::net::IpAddr;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, ResponseError};
use base64::Engine;

use super::credential::{client_ip, credential, header_str, parse_fingerprint};
use super::memo::{IdentityMemo, Remembered};
use super::{verify, Caller, Identity};
use crate::db::{self, auth as store, users, Conn, LocalReader};
use crate::error::ApiError;
use crate::secret::{self, password};
use crate::state::AppState;

const BAD_LOGIN: ApiError = ApiError::AuthenticationFailed("The email or password is wrong");

/// Sessions are touched at most this often, so reads stay reads.
const SESSION_TOUCH_SECONDS: i64 = 60;

/// What resolving credentials yields.
struct Resolved {
    identity: Identity,
    /// A session Basic authentication created: `(session_id, csrf_token)`.
    new_session: Option<(String, Option<String>)>,
    /// The digest of the session used or created.
    session: Option<String>,
}

impl Resolved {
    fn bare(identity: Identity) -> Resolved {
        Resolved { identity, new_session: None, session: None }
    }
}

/// Middleware: resolves the [`Caller`] (or answers 401/403 at once) and, for a
/// session created by Basic authentication, adds `X-CSRF-Token` to the response.
pub async fn identify(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let (Some(state), Some(reader), Some(memo)) = (
        req.app_data::<web::Data<AppState>>().cloned(),
        req.app_data::<LocalReader>().cloned(),
        req.app_data::<IdentityMemo>().cloned(),
    ) else {
        let err = ApiError::Internal("application state missing".into());
        return Ok(req.into_response(err.error_response()).map_into_right_body());
    };
    let state = Door { state, reader, memo };
    match resolve(&req, &state).await {
        Err(err) => Ok(req.into_response(err.error_response()).map_into_right_body()),
        Ok(Resolved { identity, new_session, session }) => {
            let caller = Caller { identity, new_session, address: client_ip(&req, &state.state), session };
            let csrf = caller.new_session.as_ref().and_then(|(_, csrf)| csrf.clone());
            req.extensions_mut().insert(caller);
            let mut res = next.call(req).await?;
            if let Some(csrf) = csrf {
                if let Ok(value) = header::HeaderValue::from_str(&csrf) {
                    res.headers_mut().insert(header::HeaderName::from_static("x-csrf-token"), value);
                }
            }
            Ok(res.map_into_left_body())
        }
    }
}

/// What resolving a request's credentials works with.
struct Door {
    state: web::Data<AppState>,
    /// The worker's connection: credential lookups are by primary key.
    reader: LocalReader,
    /// What the worker's recent credentials resolved to.
    memo: IdentityMemo,
}

impl std::ops::Deref for Door {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        &self.state
    }
}

async fn resolve(req: &ServiceRequest, state: &Door) -> Result<Resolved, ApiError> {
    let now = db::now();
    if let Some(id) = credential(req, "x-session-id", "session_id") {
        return session(req, state, id, now).await;
    }
    if let Some(auth) = header_str(req, "authorization") {
        if let Some(encoded) = auth.strip_prefix("Basic ").or_else(|| auth.strip_prefix("basic ")) {
            return basic(req, state, encoded.trim(), now).await;
        }
        return Err(ApiError::AuthenticationFailed("Only Basic authentication is supported"));
    }
    if let Some(raw) = credential(req, "x-fingerprint-id", "fingerprint_id") {
        let fingerprint = parse_fingerprint(&raw)?;
        if let Some(claim) = verify::claim(req) {
            verify::verify_device(state, &fingerprint, claim, now).await?;
        }
        return device(state, fingerprint, now).await;
    }
    let token = web::Query::<TokenQuery>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.into_inner().token)
        .or_else(|| header_str(req, "x-request-token").map(str::to_owned))
        .filter(|t| !t.trim().is_empty());
    if let Some(token) = token {
        let key = secret::digest(token.trim());
        let found = state.reader.read(|c| store::request_token(c, &key, now))?;
        let conversation_id = found.ok_or(ApiError::AuthenticationFailed("The token is unknown or has expired"))?;
        return Ok(Resolved::bare(Identity::Token { conversation_id }));
    }
    Ok(Resolved::bare(Identity::Public))
}

#[derive(serde::Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

async fn session(req: &ServiceRequest, state: &Door, presented: String, now: i64) -> Result<Resolved, ApiError> {
    let ttl = state.config.session_ttl;
    let id = secret::digest(&presented);
    let generation = state.db.identities_generation();
    let key = format!("s{id}");
    let found = match state.memo.get(generation, &key) {
        Some(Remembered::Session(s, u)) => Some((s, u)),
        _ => {
            // A standby's own sign-ins are in memory; the primary's are in the copy.
            let here = state.standby_sessions.live(&id, now, ttl);
            let found = state.reader.read(|c| -> db::Result<_> {
                let s = match here {
                    Some(s) => s,
                    None => match store::live_session(c, &id, now, ttl)? {
                        Some(s) => s,
                        None => return Ok(None),
                    },
                };
                Ok(users::get(c, s.user_id)?.map(|u| (s, u)))
            })?;
            if let Some((s, u)) = &found {
                state.memo.put(generation, key.clone(), Remembered::Session(s.clone(), u.clone()));
            }
            found
        }
    };
    // The query's expiry test, again for a remembered session.
    let (session, user) = found
        .filter(|(s, _)| s.last_used_at > now - ttl)
        .ok_or(ApiError::AuthenticationFailed("The session is unknown or has expired"))?;
    if let Some(expected) = &session.csrf_token {
        let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
        if unsafe_method && !header_str(req, "x-csrf-token").is_some_and(|given| secret::matches(given, expected)) {
            return Err(ApiError::CsrfFailed);
        }
    }
    if now - session.last_used_at >= SESSION_TOUCH_SECONDS {
        state.memo.touched(&key, now);
        let (touched, user_id) = (id.clone(), user.id);
        touch_later(state, move |tx| {
            store::touch_session(tx, &touched, now, ttl)?;
            Ok(users::touch_activity(tx, user_id, now)?)
        });
    }
    Ok(Resolved { identity: Identity::User(user), new_session: None, session: Some(id) })
}

/// Records that a session or device was used, without holding up the request:
/// the time is not owed to the client, so a read stays a read. The worker's
/// memo already counts the credential as touched, so its next requests do not
/// queue the same write again.
fn touch_later(state: &Door, touch: impl FnOnce(&Conn) -> Result<(), ApiError> + Send + 'static) {
    if state.db.is_standby() {
        // Nothing is written on a standby; the primary keeps the times.
        return;
    }
    let db = state.db.clone();
    actix_web::rt::spawn(async move {
        if let Err(e) = db.write(touch).await {
            tracing::warn!(error = %e, "could not record a credential's last use");
        }
    });
}

/// `(email, password)` of a Basic credential.
fn decode_basic(encoded: &str) -> Result<(String, String), ApiError> {
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded).map_err(|_| BAD_LOGIN)?;
    let text = String::from_utf8(decoded).map_err(|_| BAD_LOGIN)?;
    let (email, password) = text.split_once(':').ok_or(BAD_LOGIN)?;
    Ok((email.trim().to_owned(), password.to_owned()))
}

/// The user id behind a Basic credential, or `AUTHENTICATION_FAILED`. The
/// attempt is counted by the throttle before the password is checked.
async fn check_basic(state: &Door, ip: IpAddr, email: String, password: String, now: i64) -> Result<i64, ApiError> {
    let attempt = state.login_throttle.begin(ip, &email, now).map_err(|retry_after| ApiError::TooManyRequests {
        retry_after,
        message: "Too many failed sign-ins; try again after the time in Retry-After",
    })?;
    let found = match state.reader.read(|c| users::credentials(c, &email)) {
        Ok(found) => found,
        Err(e) => {
            state.login_throttle.abandoned(attempt);
            return Err(e.into());
        }
    };
    let (user_id, hash) = match found {
        Some((id, Some(hash))) => (Some(id), hash),
        // Hash anyway, so that unknown emails take as long as wrong passwords.
        _ => (None, password::DUMMY_HASH.to_owned()),
    };
    match (state.hasher.verify(password, hash).await, user_id) {
        (Ok(true), Some(id)) => {
            state.login_throttle.succeeded(attempt, now);
            Ok(id)
        }
        (Err(password::Busy), _) => {
            state.login_throttle.abandoned(attempt);
            Err(ApiError::TooManyRequests {
                retry_after: 1,
                message: "The server is busy checking other sign-ins; try again after the time in Retry-After",
            })
        }
        // The attempt stays counted as a failure.
        _ => Err(BAD_LOGIN),
    }
}

async fn basic(req: &ServiceRequest, state: &Door, encoded: &str, now: i64) -> Result<Resolved, ApiError> {
    let (email, password) = decode_basic(encoded)?;
    let user_id = check_basic(state, client_ip(req, state), email, password, now).await?;
    let csrf_off = header_str(req, "x-csrf").is_some_and(|v| v.eq_ignore_ascii_case("false"));
    let session_id = secret::random_hex(32);
    let csrf = (!csrf_off).then(|| secret::random_hex(24));
    let key = secret::digest(&session_id);
    let stored =
        store::Session { id: key.clone(), user_id, csrf_token: csrf.as_deref().map(secret::digest), last_used_at: now };
    let user = if state.db.is_standby() {
        let user = state.reader.read(|c| users::get(c, user_id))?;
        state.standby_sessions.insert(stored);
        user
    } else {
        state
            .db
            .write(move |tx| {
                store::create_session(tx, &stored, now)?;
                users::touch_activity(tx, user_id, now)?;
                users::get(tx, user_id)
            })
            .await?
    }
    .ok_or(BAD_LOGIN)?;
    Ok(Resolved { identity: Identity::User(user), new_session: Some((session_id, csrf)), session: Some(key) })
}

async fn device(state: &Door, fingerprint: String, now: i64) -> Result<Resolved, ApiError> {
    let generation = state.db.identities_generation();
    let key = format!("d{fingerprint}");
    let found = match state.memo.get(generation, &key) {
        Some(Remembered::Device(d, u)) => Some((d, u)),
        _ => {
            let found = state.reader.read(|c| -> db::Result<_> {
                let Some(d) = store::device(c, &fingerprint)? else { return Ok(None) };
                Ok(users::get(c, d.user_id)?.map(|u| (d, u)))
            })?;
            if let Some((d, u)) = &found {
                state.memo.put(generation, key.clone(), Remembered::Device(d.clone(), u.clone()));
            }
            found
        }
    };
    let owner = match found.map(|(d, u)| (u, d.verified_at(now), d.last_used_at)) {
        Some((user, verified, last_used)) => {
            if now - last_used >= SESSION_TOUCH_SECONDS {
                state.memo.touched(&key, now);
                let (fp, uid) = (fingerprint.clone(), user.id);
                touch_later(state, move |tx| {
                    store::touch_device(tx, &fp, now)?;
                    Ok(users::touch_activity(tx, uid, now)?)
                });
            }
            Some((user, verified))
        }
        None => None,
    };
    Ok(Resolved::bare(Identity::Device { fingerprint, owner }))
}
