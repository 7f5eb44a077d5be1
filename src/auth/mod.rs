//! Who is calling: resolved once per request by [`identify`] middleware, in the
//! order of conventions §6 (session, Basic, fingerprint, request token, public),
//! and handed to handlers as a [`Caller`]. Handlers never read credentials
//! themselves; they ask the `Caller` what it may see and do.

mod memo;
pub mod verify;

use std::net::IpAddr;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, ResponseError};
use base64::Engine;

use crate::db::conversations::Visibility;
use crate::db::users::{Role, User};
use crate::db::Conn;
use crate::db::{self, auth as store, users, LocalReader};
use crate::error::ApiError;
use crate::secret::{self, password};
use crate::state::AppState;
use memo::Remembered;

pub use memo::IdentityMemo;

/// How long a request token stays valid (conventions §6).
pub const REQUEST_TOKEN_SECONDS: i64 = 120;

const BAD_LOGIN: ApiError = ApiError::AuthenticationFailed("The email or password is wrong");

/// Sessions are touched at most this often, so reads stay reads.
const SESSION_TOUCH_SECONDS: i64 = 60;

/// The resolved identity of a request.
#[derive(Debug, Clone)]
pub enum Identity {
    /// No credentials.
    Public,
    /// A user, by session or Basic authentication.
    User(User),
    /// A device (`X-Fingerprint-ID`), bound to a customer once it created a conversation.
    Device {
        /// The fingerprint (UUID v4, lowercase).
        fingerprint: String,
        /// The customer it is bound to, with whether the device is verified.
        owner: Option<(User, bool)>,
    },
    /// A request token that opens one conversation.
    Token {
        /// The conversation it opens.
        conversation_id: i64,
    },
}

/// The caller of a request, as handlers see it.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who.
    pub identity: Identity,
    /// A session this request created by Basic authentication: `(session_id, csrf_token)`.
    pub new_session: Option<(String, Option<String>)>,
    /// The client's address (see [`client_ip`]).
    pub address: IpAddr,
    /// The stored digest of the session this request used (or created).
    pub session: Option<String>,
}

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

/// What a long-lived connection's credentials rest on, re-checked while it
/// lasts so that signing out, disabling a user or resetting their password
/// ends their realtime streams too.
#[derive(Debug, Clone)]
pub enum Standing {
    /// A session (its digest).
    Session(String),
    /// A user who sent Basic credentials.
    User(i64),
    /// A device bound to a customer.
    Device(String),
    /// Nothing that can be revoked (public callers, unbound devices, tokens).
    Unconditional,
}

impl Standing {
    /// Whether the credentials still stand at `now`.
    pub fn holds(&self, conn: &Conn, now: i64, ttl: i64) -> Result<bool, ApiError> {
        Ok(match self {
            Standing::Session(digest) => crate::db::auth::live_session(conn, digest, now, ttl)?.is_some(),
            Standing::User(id) => crate::db::users::get(conn, *id)?.is_some_and(|u| u.is_enabled),
            Standing::Device(fingerprint) => crate::db::auth::device(conn, fingerprint)?.is_some(),
            Standing::Unconditional => true,
        })
    }
}

impl Caller {
    /// What this caller's credentials rest on (see [`Standing`]).
    pub fn standing(&self) -> Standing {
        match (&self.identity, &self.session) {
            // Basic authentication created a session too: a password reset ends it.
            (Identity::User(_), Some(digest)) => Standing::Session(digest.clone()),
            (Identity::User(u), _) => Standing::User(u.id),
            (Identity::Device { fingerprint, owner: Some(_) }, _) => Standing::Device(fingerprint.clone()),
            _ => Standing::Unconditional,
        }
    }

    /// How the caller identified, for logs: `session`, `basic`, `device`,
    /// `token` or `public` (never who).
    pub fn kind(&self) -> &'static str {
        match &self.identity {
            Identity::Public => "public",
            Identity::User(_) if self.new_session.is_some() => "basic",
            Identity::User(_) => "session",
            Identity::Device { .. } => "device",
            Identity::Token { .. } => "token",
        }
    }

    /// A user or (where `fingerprint_ok`) a device; anything else needs to authenticate.
    pub fn require_member(&self, fingerprint_ok: bool) -> Result<(), ApiError> {
        match &self.identity {
            Identity::User(_) => Ok(()),
            Identity::Device { .. } if fingerprint_ok => Ok(()),
            _ => Err(ApiError::AuthenticationRequired),
        }
    }

    /// The user acting: a session/Basic user, or a bound device's customer.
    pub fn user(&self) -> Option<&User> {
        match &self.identity {
            Identity::User(u) => Some(u),
            Identity::Device { owner: Some((u, _)), .. } => Some(u),
            _ => None,
        }
    }

    /// The user the caller has proven to be: a session (or Basic) user, or
    /// the customer of a verified device. A device that merely named an email
    /// acts for that customer on what it created, but is not them.
    pub fn proven_user(&self) -> Option<&User> {
        match &self.identity {
            Identity::User(u) => Some(u),
            Identity::Device { owner: Some((u, true)), .. } => Some(u),
            _ => None,
        }
    }

    /// The caller's role; devices act as customers.
    pub fn role(&self) -> Role {
        match &self.identity {
            Identity::User(u) => u.role,
            _ => Role::Customer,
        }
    }

    /// Staff see everything and never get customer-restricted output.
    pub fn is_staff(&self) -> bool {
        self.role().is_staff()
    }

    /// The fingerprint, for device callers.
    pub fn fingerprint(&self) -> Option<&str> {
        match &self.identity {
            Identity::Device { fingerprint, .. } => Some(fingerprint),
            _ => None,
        }
    }

    /// Which conversations the caller may see; `my_organization` adds the
    /// customer's organization (`filters=MY_ORGANIZATION`).
    pub fn visibility(&self, my_organization: bool) -> Visibility {
        let customer = |u: &User| Visibility::Requester {
            user_id: u.id,
            org: if my_organization { u.organization_id } else { None },
        };
        match &self.identity {
            Identity::Public => Visibility::Nothing,
            Identity::Token { conversation_id } => Visibility::One(*conversation_id),
            Identity::User(u) if u.role.is_staff() => Visibility::All,
            Identity::User(u) => customer(u),
            Identity::Device { fingerprint, owner } => Visibility::Device {
                fingerprint: fingerprint.clone(),
                owner: match owner {
                    Some((u, true)) => Some(Box::new(customer(u))),
                    _ => None,
                },
            },
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Caller, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let caller = req.extensions().get::<Caller>().cloned();
        std::future::ready(caller.ok_or_else(|| ApiError::Internal("identity middleware not installed".into())))
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

/// The client's address: the peer, or where the peer is a trusted proxy, the
/// nearest untrusted address it forwarded for (`X-Forwarded-For`).
pub fn client_ip(req: &ServiceRequest, state: &AppState) -> IpAddr {
    let peer = req.peer_addr().map_or(IpAddr::from([0, 0, 0, 0]), |a| a.ip());
    forwarded_client(peer, req.headers(), &state.config.trusted_proxies)
}

/// Walks `X-Forwarded-For` from the right, past trusted proxies, to the client.
fn forwarded_client(peer: IpAddr, headers: &header::HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|hop| hop.trim().parse().ok())
        .collect();
    hops.into_iter().rev().find(|ip| !trusted.contains(ip)).unwrap_or(peer)
}

fn header_str<'a>(req: &'a ServiceRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty())
}

/// A credential from its header or, where a client cannot set headers, from
/// a query argument: on the realtime endpoints (browsers' EventSource,
/// Kayako's mobile SDKs) as `session_id` / `fingerprint_id`, and on a GET of a
/// file body (an attachment's `url`, `url_download`, thumbnails, the zip of a
/// message's files) as Kayako's `_session_id` / `_fingerprint_id`, which its
/// apps append to those links. Nowhere else: a link must not become a
/// standing credential for the rest of the API.
fn credential(req: &ServiceRequest, header: &str, query_key: &str) -> Option<String> {
    if let Some(v) = header_str(req, header) {
        return Some(v.to_owned());
    }
    let key = if req.path().starts_with("/api/v1/realtime") {
        query_key.to_owned()
    } else if is_file_body(req) {
        format!("_{query_key}")
    } else {
        return None;
    };
    crate::wire::decode::query(req.query_string())
        .ok()?
        .into_iter()
        .find(|(k, v)| *k == key && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_owned())
}

/// Whether the request reads a file's bytes: `GET` (or `HEAD`) of
/// `/conversations/:id/messages/:mid/attachments/:aid/{url,download}`,
/// `.../thumbnails/:tid` or `/conversations/:id/messages/:mid/download_all`.
fn is_file_body(req: &ServiceRequest) -> bool {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return false;
    }
    let Some(rest) = req.path().strip_prefix("/api/v1/conversations/") else { return false };
    let parts: Vec<&str> = rest.split('/').collect();
    matches!(
        parts.as_slice(),
        [_, "messages", _, "download_all"]
            | [_, "messages", _, "attachments", _, "url" | "download"]
            | [_, "messages", _, "attachments", _, "thumbnails", _]
    )
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
            let found = state.reader.read(|c| -> db::Result<_> {
                let Some(s) = store::live_session(c, &id, now, ttl)? else { return Ok(None) };
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
    let user = state
        .db
        .write(move |tx| {
            store::create_session(tx, &stored, now)?;
            users::touch_activity(tx, user_id, now)?;
            users::get(tx, user_id)
        })
        .await?
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
    let owner = match found.map(|(d, u)| (u, d.is_verified, d.last_used_at)) {
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

/// Accepts only a UUID v4 (any case), returned lowercase and hyphenated.
pub fn parse_fingerprint(raw: &str) -> Result<String, ApiError> {
    match uuid::Uuid::parse_str(raw) {
        Ok(u) if u.get_version_num() == 4 => Ok(u.hyphenated().to_string()),
        _ => Err(ApiError::AuthenticationFailed("X-Fingerprint-ID must be a UUID v4")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_the_nearest_address_no_trusted_proxy_vouches_for() {
        let proxy: IpAddr = [127, 0, 0, 1].into();
        let mut headers = header::HeaderMap::new();
        headers.insert(
            header::HeaderName::from_static("x-forwarded-for"),
            header::HeaderValue::from_static("198.51.100.9, 203.0.113.7, 127.0.0.1"),
        );
        assert_eq!(forwarded_client(proxy, &headers, &[proxy]), IpAddr::from([203, 0, 113, 7]));
        // A peer nobody trusts is the client, whatever it claims.
        let stranger: IpAddr = [192, 0, 2, 1].into();
        assert_eq!(forwarded_client(stranger, &headers, &[proxy]), stranger);
        assert_eq!(forwarded_client(proxy, &header::HeaderMap::new(), &[proxy]), proxy);
    }
}
