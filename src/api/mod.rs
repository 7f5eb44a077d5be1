//! The HTTP API: one module per resource, and the layer they all answer
//! through. A handler builds a [`Reply`] (snake_case JSON whose related
//! resources are stubs) and hands it to [`Ctx::finish`], which alone applies
//! `include` expansion, `fields`, `_case=camel`, the envelope and headers, so
//! every response is shaped the same way.

pub mod attachments;
pub mod conversations;
mod field_values;
pub mod files;
pub mod forms;
pub mod lookups;
pub mod manage;
pub mod memo;
pub mod messages;
pub mod messenger;
pub mod openapi;
pub mod params;
pub mod ratings;
pub mod realtime;
pub mod rows;
pub mod session;
pub mod shape;
pub mod system;
pub mod triage;

use std::collections::HashSet;

use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::auth::{Caller, Identity};
use crate::db::conversations::Visibility;
use crate::db::Conn;
use crate::db::LocalReader;
use crate::error::ApiError;
use crate::limits::{Charge, Who};
use crate::state::AppState;
use crate::wire::decode;
use crate::wire::render::{self, View};

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
    query: Vec<(String, String)>,
    reader: LocalReader,
    uri: actix_web::http::Uri,
    memo: Option<memo::ResponseMemo>,
    /// Where [`Ctx::finish`] files the answer: `(generation, key)`.
    remember: Option<(u64, String)>,
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
pub fn local_reader(req: &HttpRequest) -> Result<LocalReader, ApiError> {
    req.app_data::<LocalReader>().cloned().ok_or_else(|| ApiError::Internal("worker reader missing".into()))
}

impl Ctx {
    /// Runs a bounded, index-backed read on this worker, in one snapshot
    /// (see [`LocalReader`]); reads that may scan use `state.db.read`.
    pub async fn read<T>(&self, f: impl FnOnce(&Conn) -> Result<T, ApiError>) -> Result<T, ApiError> {
        self.reader.read(f)
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
            conversation_from: (new_conversation && anonymous)
                .then(|| (self.caller.address, self.caller.fingerprint())),
            message,
            bytes,
        })
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

    /// Shapes `reply` into the final response (see the module docs). A
    /// response that needs no shaping is written straight from its data.
    pub async fn finish(self, reply: Reply) -> Result<HttpResponse, ApiError> {
        let includes = shape::names(self.query("include"));
        let camel = self.query("_case").is_some_and(|c| c.eq_ignore_ascii_case("camel"));
        let fields: Option<HashSet<String>> = self
            .query("fields")
            .map(|f| f.split(',').map(|s| shape::snake(s.trim())).filter(|s| !s.is_empty()).collect());
        let Reply { status, resource, data, paging, headers } = reply;
        let session_id = self.caller.new_session.as_ref().map(|(id, _)| id.as_str());
        let body = if includes.is_empty() && fields.is_none() && !camel {
            envelope(status, resource, data, paging, session_id)?
        } else {
            let mut data = match data {
                Some(d) => Some(d.into_value()?),
                None => None,
            };
            if let Some(d) = data.take() {
                let d = if includes.is_empty() {
                    d
                } else {
                    let view = self.view()?;
                    self.read(move |conn| rows::expand(conn, &view, includes, d)).await?
                };
                data = Some(d);
            }
            if let (Some(keep), Some(d)) = (&fields, data.as_mut()) {
                shape::keep_fields(d, keep);
            }
            let mut body = envelope_value(status, resource, data, paging, session_id);
            if camel {
                shape::camelize(&mut body);
            }
            serde_json::to_vec(&body)?
        };
        if let (Some(memo), Some((generation, key)), StatusCode::OK, true) =
            (&self.memo, self.remember, status, headers.is_empty() && body.len() <= memo::LARGEST)
        {
            let body = web::Bytes::from(body);
            memo.put(generation, key, body.clone());
            return Ok(json_response(status, body));
        }
        let mut res = json_response_builder(status);
        for (name, value) in headers {
            res.insert_header((name, value));
        }
        Ok(res.body(body))
    }
}

fn json_response_builder(status: StatusCode) -> actix_web::HttpResponseBuilder {
    let mut res = HttpResponse::build(status);
    res.insert_header((header::CONTENT_TYPE, "application/json")).insert_header(("X-API-Version", "1"));
    res
}

fn json_response(status: StatusCode, body: web::Bytes) -> HttpResponse {
    json_response_builder(status).body(body)
}

/// The envelope as bytes, written around the data without building a `Value`.
fn envelope(
    status: StatusCode,
    resource: &str,
    data: Option<Data>,
    paging: Paging,
    session_id: Option<&str>,
) -> Result<Vec<u8>, ApiError> {
    use std::io::Write;
    let mut out = Vec::with_capacity(2048);
    // Writing into a `Vec` cannot fail.
    let _ = write!(out, "{{\"status\":{}", status.as_u16());
    if let Some(d) = data {
        out.extend_from_slice(b",\"data\":");
        d.write(&mut out)?;
        out.extend_from_slice(b",\"resource\":");
        serde_json::to_writer(&mut out, resource)?;
    }
    match paging {
        Paging::None => {}
        Paging::Total(total) => {
            let _ = write!(out, ",\"total_count\":{total}");
        }
        Paging::Page { offset, limit, total } => {
            let _ = write!(out, ",\"offset\":{offset},\"limit\":{limit},\"total_count\":{total}");
        }
    }
    if let Some(id) = session_id {
        out.extend_from_slice(b",\"session_id\":");
        serde_json::to_writer(&mut out, id)?;
    }
    out.push(b'}');
    Ok(out)
}

/// The envelope as a `Value`, for shaping (`_case=camel`).
fn envelope_value(
    status: StatusCode,
    resource: &str,
    data: Option<Value>,
    paging: Paging,
    session_id: Option<&str>,
) -> Value {
    let mut body = Map::new();
    body.insert("status".into(), json!(status.as_u16()));
    if let Some(d) = data {
        body.insert("data".into(), d);
        body.insert("resource".into(), json!(resource));
    }
    match paging {
        Paging::None => {}
        Paging::Total(total) => {
            body.insert("total_count".into(), json!(total));
        }
        Paging::Page { offset, limit, total } => {
            body.insert("offset".into(), json!(offset));
            body.insert("limit".into(), json!(limit));
            body.insert("total_count".into(), json!(total));
        }
    }
    if let Some(id) = session_id {
        body.insert("session_id".into(), json!(id));
    }
    Value::Object(body)
}

/// What a response carries: a `Value`, or typed resources (see
/// [`render::ConversationOut`]) written to the wire directly unless the
/// response must be shaped.
pub enum Data {
    /// Built as a `Value`.
    Value(Value),
    /// Typed resources.
    Typed(Box<dyn Wire>),
}

impl Data {
    /// Typed resources (one, or a `Vec` of them).
    pub fn typed(data: impl Serialize + 'static) -> Data {
        Data::Typed(Box::new(data))
    }

    fn write(&self, out: &mut Vec<u8>) -> Result<(), ApiError> {
        match self {
            Data::Value(v) => serde_json::to_writer(out, v)?,
            Data::Typed(t) => t.write(out)?,
        }
        Ok(())
    }

    fn into_value(self) -> Result<Value, ApiError> {
        match self {
            Data::Value(v) => Ok(v),
            Data::Typed(t) => Ok(t.value()?),
        }
    }
}

impl std::fmt::Debug for Data {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Data::Value(v) => write!(f, "{v}"),
            Data::Typed(_) => f.write_str("(typed resources)"),
        }
    }
}

impl From<Value> for Data {
    fn from(v: Value) -> Data {
        Data::Value(v)
    }
}

impl From<Vec<Value>> for Data {
    fn from(items: Vec<Value>) -> Data {
        Data::Value(Value::Array(items))
    }
}

/// Typed resources become `Data` as themselves.
macro_rules! typed_data {
    ($($t:ty),*) => {
        $(impl From<$t> for Data {
            fn from(d: $t) -> Data {
                Data::typed(d)
            }
        })*
    };
}

typed_data!(
    render::ConversationOut,
    Vec<render::ConversationOut>,
    render::MessageOut,
    Vec<render::MessageOut>,
    render::AttachmentOut
);

/// Anything serialisable, as a response's data.
pub trait Wire {
    /// Writes the JSON.
    fn write(&self, out: &mut Vec<u8>) -> serde_json::Result<()>;
    /// The JSON as a `Value`, for shaping.
    fn value(&self) -> serde_json::Result<Value>;
}

impl<T: Serialize> Wire for T {
    fn write(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        serde_json::to_writer(out, self)
    }

    fn value(&self) -> serde_json::Result<Value> {
        serde_json::to_value(self)
    }
}

/// How a collection is counted in the envelope.
#[derive(Debug, Clone, Copy)]
pub enum Paging {
    /// One resource, or no data.
    None,
    /// A whole collection (forms): only `total_count`.
    Total(i64),
    /// A page of a collection.
    Page {
        /// Skipped.
        offset: i64,
        /// Page size.
        limit: i64,
        /// Size of the whole collection.
        total: i64,
    },
}

/// What a handler answers, before shaping.
#[derive(Debug)]
pub struct Reply {
    status: StatusCode,
    resource: &'static str,
    data: Option<Data>,
    paging: Paging,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    /// `200` with one resource.
    pub fn one(resource: &'static str, data: impl Into<Data>) -> Reply {
        Reply { status: StatusCode::OK, resource, data: Some(data.into()), paging: Paging::None, headers: Vec::new() }
    }

    /// `201` with the created resource.
    pub fn created(resource: &'static str, data: impl Into<Data>) -> Reply {
        Reply { status: StatusCode::CREATED, ..Reply::one(resource, data) }
    }

    /// `200` with a page of a collection.
    pub fn page(resource: &'static str, items: impl Into<Data>, offset: i64, limit: i64, total: i64) -> Reply {
        Reply { paging: Paging::Page { offset, limit, total }, ..Reply::one(resource, items) }
    }

    /// `200` with a whole collection.
    pub fn all(resource: &'static str, items: Vec<Value>) -> Reply {
        let total = items.len() as i64;
        Reply { paging: Paging::Total(total), ..Reply::one(resource, Value::Array(items)) }
    }

    /// `200` with no data: `{"status": 200}`.
    pub fn ok() -> Reply {
        Reply { status: StatusCode::OK, resource: "", data: None, paging: Paging::None, headers: Vec::new() }
    }

    /// Overrides the status (e.g. `200` for a replayed creation).
    pub fn with_status(mut self, status: StatusCode) -> Reply {
        self.status = status;
        self
    }

    /// Adds a response header.
    pub fn with_header(mut self, name: &'static str, value: String) -> Reply {
        self.headers.push((name, value));
        self
    }
}

/// Who spam limits charge for `caller`'s requests; `None` for staff.
pub fn charged(caller: &Caller) -> Option<Who> {
    match &caller.identity {
        Identity::User(u) if u.role.is_staff() => None,
        Identity::User(u) => Some(Who::User(u.id)),
        Identity::Device { fingerprint, .. } => Some(Who::Device(fingerprint.clone())),
        Identity::Token { .. } | Identity::Public => Some(Who::Address(caller.address)),
    }
}

/// Parses a numeric path id; anything else is a resource that does not exist.
pub fn path_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>().ok().filter(|n| *n > 0).ok_or(ApiError::NotFound)
}

/// The database's errors, as the Kayako envelope says them: the one place
/// they are mapped (see `db::Error`).
impl From<crate::db::Error> for ApiError {
    fn from(e: crate::db::Error) -> Self {
        use crate::db::Error;
        match e {
            Error::NotFound => ApiError::NotFound,
            Error::Full => crate::error::disk_full(),
            Error::Busy => ApiError::Busy,
            Error::Conflict(_) | Error::Other(_) => ApiError::internal(&e),
        }
    }
}
