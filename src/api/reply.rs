//! What a handler answers ([`Reply`]) and how it becomes the response:
//! [`Ctx::finish`] alone applies `include` expansion, `fields`, `_case=camel`,
//! the Kayako envelope and headers, and files the answer in the memo.

use std::collections::HashSet;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::{memo, rows, shape, Ctx};
use crate::error::ApiError;
use crate::wire::render;

impl Ctx {
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

pub(super) fn json_response(status: StatusCode, body: web::Bytes) -> HttpResponse {
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

    /// The resource a write left: `201` when it `created` it, else `200`.
    pub fn written(resource: &'static str, data: impl Into<Data>, created: bool) -> Reply {
        if created {
            Reply::created(resource, data)
        } else {
            Reply::one(resource, data)
        }
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
