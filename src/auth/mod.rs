//! Who is calling: resolved once per request by [`identify`] middleware, in the
//! order of conventions §6 (session, Basic, fingerprint, request token, public),
//! and handed to handlers as a [`Caller`]. Handlers never read credentials
//! themselves; they ask the `Caller` what it may see and do.

pub mod credential;
mod identify;
mod memo;
pub mod verify;

use std::net::IpAddr;

use actix_web::{FromRequest, HttpMessage, HttpRequest};

use crate::db::conversations::Visibility;
use crate::db::users::{Role, User};
use crate::db::Conn;
use crate::error::ApiError;

pub use credential::{client_ip, parse_fingerprint};
pub use identify::identify;
pub use memo::IdentityMemo;

/// How long a request token stays valid (conventions §6).
pub const REQUEST_TOKEN_SECONDS: i64 = 120;

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

/// What a long-lived connection's credentials rest on, re-checked while it
/// lasts so that signing out, disabling a user, resetting their password or
/// changing their role or organization ends their realtime streams too.
#[derive(Debug, Clone)]
pub struct Standing {
    basis: Basis,
    /// The user acting, with the role and organization the connection was
    /// authorized with.
    user: Option<(i64, Role, Option<i64>)>,
}

#[derive(Debug, Clone)]
enum Basis {
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
    /// Whether the credentials still stand at `now`, with the authority they
    /// had when the connection opened.
    pub fn holds(&self, conn: &Conn, now: i64, ttl: i64) -> Result<bool, ApiError> {
        let basis = match &self.basis {
            Basis::Session(digest) => crate::db::auth::live_session(conn, digest, now, ttl)?.is_some(),
            Basis::User(id) => crate::db::users::get(conn, *id)?.is_some_and(|u| u.is_enabled),
            Basis::Device(fingerprint) => crate::db::auth::device(conn, fingerprint)?.is_some(),
            Basis::Unconditional => true,
        };
        let Some((id, role, organization)) = self.user.filter(|_| basis) else { return Ok(basis) };
        Ok(crate::db::users::get(conn, id)?
            .is_some_and(|u| u.is_enabled && u.role == role && u.organization_id == organization))
    }

    /// Whether the connection was opened by staff.
    pub fn is_staff(&self) -> bool {
        self.user.is_some_and(|(_, role, _)| role.is_staff())
    }

    /// Nothing to re-check: no credential that can be revoked.
    pub fn is_unconditional(&self) -> bool {
        matches!(self.basis, Basis::Unconditional) && self.user.is_none()
    }
}

impl Caller {
    /// What this caller's credentials rest on (see [`Standing`]).
    pub fn standing(&self) -> Standing {
        let basis = match (&self.identity, &self.session) {
            // Basic authentication created a session too: a password reset ends it.
            (Identity::User(_), Some(digest)) => Basis::Session(digest.clone()),
            (Identity::User(u), _) => Basis::User(u.id),
            (Identity::Device { fingerprint, owner: Some(_) }, _) => Basis::Device(fingerprint.clone()),
            _ => Basis::Unconditional,
        };
        Standing { basis, user: self.user().map(|u| (u.id, u.role, u.organization_id)) }
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

    /// The staff user calling: `401` for no one, `403` for customers and devices.
    pub fn staff_user(&self) -> Result<&User, ApiError> {
        match &self.identity {
            Identity::User(u) if u.role.is_staff() => Ok(u),
            Identity::User(_) | Identity::Device { .. } => Err(ApiError::denied("Only the support team may do this")),
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
