//! [`Ctx`]: everything a handler needs about its request besides the path
//! and body: the state, the caller, the query, the worker's reader and the
//! memo of whole answers. Its doors to the database pin the closures' error
//! to [`ApiError`].

use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};

use super::memo;
use super::reply::json_response;
use crate::auth::{Caller, Identity};
use crate::db::conversations::Visibility;
use crate::db::{Conn, LocalReader};
use crate::error::ApiError;
use crate::limits::{Charge, Who};
use crate::state::AppState;
use crate::wire::decode;
use crate::wire::render::View;

/// Largest page a client may ask for; larger `limit`s are clamped.
pub const MAX_LIMIT: i64 = 100;
/// Page size when none is given.
pub const DEFAULT_LIMIT: i64 = 10;

/// Everything a handler needs about its request besides the path and body.
pub struct Ctx {
    /// Application state.
    pub state: web::Data<AppState>,
    /// Who is calling.
    pub caller: Caller,
    pub(super) query: Vec<(String, String)>,
    reader: LocalReader,
    uri: actix_web::http::Uri,
    pub(super) memo: Option<memo::ResponseMemo>,
    /// Where [`Ctx::finish`] files the answer: `(generation, key)`.
    pub(super) remember: Option<(u64, String)>,
}

impl FromRequest for Ctx {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Ctx, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready((|| {
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| ApiError::Internal("application state missing".into()))?;
            let caller = Caller::from_request(req, payload).into_inner()?;
            let query = decode::query(req.query_string())?;
            let memo = req.app_data::<memo::ResponseMemo>().cloned();
            Ok(Ctx { state, caller, query, reader: local_reader(req)?, uri: req.uri().clone(), memo, remember: None })
        })())
    }
}

/// The worker's own read connection, installed by the app factory.
fn local_reader(req: &HttpRequest) -> Result<LocalReader, ApiError> {
    req.app_data::<LocalReader>().cloned().ok_or_else(|| ApiError::Internal("worker reader missing".into()))
}

impl Ctx {
    /// Runs a bounded, index-backed read on this worker, in one snapshot
    /// (see [`LocalReader`]); reads that may scan use `state.db.read`.
    pub async fn read<T>(&self, f: impl FnOnce(&Conn) -> Result<T, ApiError>) -> Result<T, ApiError> {
        self.reader.read(f)
    }

    /// Reads what conversation `id` holds: `read` runs, with the caller's
    /// view, in the snapshot where the caller may see the conversation (else
    /// `404`, as if it did not exist).
    pub async fn read_in_conversation<T>(
        &self,
        id: i64,
        read: impl FnOnce(&Conn, &View) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let vis = self.visibility()?;
        let view = self.view()?;
        self.read(move |conn| {
            super::conversations::visible(conn, &vis, id)?;
            read(conn, &view)
        })
        .await
    }

    /// Runs a read that may scan (counts, deep offsets, whole tables) on the
    /// blocking pool, in one snapshot (see `Db::read`).
    pub async fn scan<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Conn) -> Result<T, ApiError> + Send + 'static,
    {
        self.state.db.read(f).await
    }

    /// Runs `f` on the writer, in its own savepoint (see `Db::write`).
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Conn) -> Result<T, ApiError> + Send + 'static,
    {
        self.state.db.write(f).await
    }

    /// Like [`Ctx::write`], running `on_commit` right after the commit (see `Db::write_then`).
    pub async fn write_then<T, F, C>(&self, f: F, on_commit: C) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Conn) -> Result<T, ApiError> + Send + 'static,
        C: FnOnce(&T) + Send + 'static,
    {
        self.state.db.write_then(f, on_commit).await
    }

    /// For a `GET` whose answer depends only on the database, the caller and
    /// the URL: the answer given to the same caller and URL earlier in this
    /// content generation, if any (see [`memo`]); otherwise the answer
    /// [`Ctx::finish`] builds is remembered.
    pub fn remembered(&mut self) -> Option<HttpResponse> {
        let who = match &self.caller.identity {
            _ if self.caller.new_session.is_some() => return None, // the answer carries the new session
            Identity::User(u) => format!("u{}", u.id),
            Identity::Device { fingerprint, .. } => format!("d{fingerprint}"),
            Identity::Public => "p".to_owned(),
            Identity::Token { .. } => return None, // tokens expire by the clock
        };
        let memo = self.memo.as_ref()?;
        // Read before the database: an answer is never filed under a newer generation than its data.
        let generation = self.state.db.content_generation();
        let key = format!("{who} {}", self.uri);
        if let Some(body) = memo.get(generation, &key) {
            return Some(json_response(StatusCode::OK, body));
        }
        self.remember = Some((generation, key));
        None
    }

    /// "Now" for what this request writes, from the instance's clock.
    pub fn now(&self) -> i64 {
        self.state.config.clock.now()
    }

    /// The last value of a query argument, trimmed; empty counts as absent.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }

    /// Every value of a query argument, in order, trimmed; empty ones left out.
    pub fn query_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.query.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }

    /// `offset` and `limit` (conventions §5).
    pub fn paging(&self) -> Result<(i64, i64), ApiError> {
        let mut problems = crate::error::Problems::default();
        let mut number = |name: &str, default: i64| match self.query(name) {
            None => default,
            Some(v) => match v.parse::<i64>() {
                Ok(n) if n >= 0 => n,
                _ => {
                    problems.push(crate::error::FieldProblem::invalid(name, "Must be a non-negative integer"));
                    default
                }
            },
        };
        let offset = number("offset", 0);
        let limit = number("limit", DEFAULT_LIMIT).min(MAX_LIMIT);
        problems.finish()?;
        Ok((offset, limit))
    }

    /// Whether the caller asked for `filters=MY_ORGANIZATION`.
    pub fn my_organization(&self) -> Result<bool, ApiError> {
        match self.query("filters") {
            None => Ok(false),
            Some(f) if f.eq_ignore_ascii_case("MY_ORGANIZATION") => Ok(true),
            Some(_) => Err(ApiError::invalid("filters", "Must be MY_ORGANIZATION")),
        }
    }

    /// Which conversations the caller may see, honouring `filters=MY_ORGANIZATION`.
    pub fn visibility(&self) -> Result<Visibility, ApiError> {
        Ok(self.caller.visibility(self.my_organization()?))
    }

    /// Which conversations the caller may change: `filters=MY_ORGANIZATION`
    /// widens what a customer may read, never what they may write.
    pub fn write_visibility(&self) -> Visibility {
        self.caller.visibility(false)
    }

    /// Who spam limits charge for this request; `None` for staff, who are
    /// never limited.
    pub fn charged(&self) -> Option<Who> {
        charged(&self.caller)
    }

    /// Charges this request's sending to the spam limits (`429
    /// RATE_LIMIT_REACHED` when one is reached): one message (if `message`), the
    /// bytes of its files, and for a conversation started without a session,
    /// the address and device.
    pub fn admit(&self, message: bool, bytes: u64, new_conversation: bool) -> Result<(), ApiError> {
        let Some(who) = self.charged() else { return Ok(()) };
        let anonymous = !matches!(self.caller.identity, Identity::User(_));
        self.state.limits.admit(Charge {
            who: &who,
            address: self.caller.address,
            conversation_from: (new_conversation && anonymous)
                .then(|| (self.caller.address, self.caller.fingerprint())),
            message,
            bytes,
        })
    }

    /// Whom the realtime limits (sockets, presence changes) count this caller
    /// as: the acting user, else the device, else the address.
    pub fn presence_identity(&self) -> String {
        match (self.caller.user(), self.caller.fingerprint()) {
            (Some(u), _) => format!("user:{}", u.id),
            (None, Some(fp)) => format!("device:{fp}"),
            (None, None) => format!("address:{}", self.caller.address),
        }
    }

    /// How resources are rendered for this caller.
    pub fn view(&self) -> Result<View, ApiError> {
        let catalog = self.state.db.catalog()?;
        Ok(View {
            base_url: self.state.public_url.clone(),
            staff: self.caller.is_staff(),
            user_id: self.caller.user().map(|u| u.id),
            me: self.caller.proven_user().map(|u| u.id),
            settings: catalog.settings,
            catalog,
        })
    }
}

/// Who spam limits charge for `caller`'s requests; `None` for staff.
pub(super) fn charged(caller: &Caller) -> Option<Who> {
    match &caller.identity {
        Identity::User(u) if u.role.is_staff() => None,
        Identity::User(u) => Some(Who::User(u.id)),
        Identity::Device { fingerprint, .. } => Some(Who::Device(fingerprint.clone())),
        Identity::Token { .. } | Identity::Public => Some(Who::Address(caller.address)),
    }
}
