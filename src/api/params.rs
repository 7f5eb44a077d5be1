//! Request parameters from any of the three body encodings (conventions §2):
//! JSON, urlencoded (with `a[b]=c` nesting) and multipart (text parts; files
//! are refused until attachments land). The result is one JSON object, read
//! through typed getters that report `FIELD_INVALID` with the parameter name.

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde_json::{Map, Value};
use tokio::sync::mpsc;

use crate::error::ApiError;

/// Largest JSON or urlencoded body, and largest multipart body without files.
pub const MAX_TEXT_BODY: usize = 2 * 1024 * 1024;
/// Largest single multipart text part.
const MAX_TEXT_PART: u64 = 1024 * 1024;
/// Most parts one multipart body may have (multer itself sets no bound).
const MAX_PARTS: usize = 256;

/// The parsed parameters of a POST or PUT.
#[derive(Debug, Default)]
pub struct Params(Map<String, Value>);

impl Params {
    /// Clients in `_case=camel` mode may send `clientId` for `client_id`;
    /// top-level keys are read in both spellings (the snake_case one wins).
    fn accept_camel_case(mut self) -> Params {
        let camel: Vec<String> = self.0.keys().filter(|k| k.chars().any(|c| c.is_ascii_uppercase())).cloned().collect();
        for key in camel {
            let snake = super::shape::snake(&key);
            if !self.0.contains_key(&snake) {
                if let Some(v) = self.0.remove(&key) {
                    self.0.insert(snake, v);
                }
            }
        }
        self
    }
}

impl FromRequest for Params {
    type Error = ApiError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Params, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let content_type =
            req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let declared_length = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let payload = payload.take();
        Box::pin(async move { parse(content_type, declared_length, payload).await.map(Params::accept_camel_case) })
    }
}

async fn parse(
    content_type: String,
    declared_length: Option<usize>,
    payload: actix_web::dev::Payload,
) -> Result<Params, ApiError> {
    if declared_length.is_some_and(|n| n > MAX_TEXT_BODY) {
        return Err(too_large());
    }
    let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if mime == "multipart/form-data" {
        let boundary = multer::parse_boundary(&content_type)
            .map_err(|_| ApiError::InvalidBody("multipart body without a boundary".into()))?;
        return multipart(payload, boundary).await.map(Params);
    }
    let body = read_limited(payload).await?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Params::default());
    }
    let json_like = mime == "application/json" || mime.ends_with("+json");
    if json_like || (mime.is_empty() && body.first() == Some(&b'{')) {
        match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(map)) => Ok(Params(map)),
            Ok(_) => Err(ApiError::InvalidBody("a JSON body must be an object".into())),
            Err(e) => Err(ApiError::InvalidBody(format!("invalid JSON: {e}"))),
        }
    } else if mime == "application/x-www-form-urlencoded" || mime.is_empty() {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
            .map_err(|e| ApiError::InvalidBody(format!("invalid urlencoded body: {e}")))?;
        let mut map = Map::new();
        for (k, v) in pairs {
            insert_nested(&mut map, &k, Value::String(v));
        }
        Ok(Params(map))
    } else {
        Err(ApiError::InvalidBody(format!("unsupported Content-Type {mime:?}")))
    }
}

fn too_large() -> ApiError {
    ApiError::PayloadTooLarge(format!("The request body is larger than {MAX_TEXT_BODY} bytes"))
}

async fn read_limited(mut payload: actix_web::dev::Payload) -> Result<web::BytesMut, ApiError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::InvalidBody(format!("the body could not be read: {e}")))?;
        if body.len() + chunk.len() > MAX_TEXT_BODY {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Parses a multipart body with multer. actix's payload is not `Send`, so a
/// local task feeds it through a bounded channel; a truncated upload reaches
/// multer as an error, never as a clean end of stream.
async fn multipart(payload: actix_web::dev::Payload, boundary: String) -> Result<Map<String, Value>, ApiError> {
    let (tx, rx) = mpsc::channel::<Result<web::Bytes, std::io::Error>>(8);
    actix_web::rt::spawn(async move {
        let mut payload = payload;
        while let Some(chunk) = payload.next().await {
            let item = chunk.map_err(|e| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, e.to_string()));
            let failed = item.is_err();
            if tx.send(item).await.is_err() || failed {
                break;
            }
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
    let constraints = multer::Constraints::new()
        .size_limit(multer::SizeLimit::new().whole_stream(MAX_TEXT_BODY as u64).per_field(MAX_TEXT_PART));
    let mut form = multer::Multipart::with_constraints(stream, boundary, constraints);
    let mut map = Map::new();
    let mut parts = 0usize;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(multipart_error(e)),
        };
        parts += 1;
        if parts > MAX_PARTS {
            return Err(ApiError::PayloadTooLarge(format!("A multipart body may have at most {MAX_PARTS} parts")));
        }
        let name = field.name().unwrap_or("").to_owned();
        if field.file_name().is_some() {
            return Err(ApiError::invalid(
                if name.is_empty() { "files" } else { &name },
                "File uploads are not supported by this server yet",
            ));
        }
        let text = field.text().await.map_err(multipart_error)?;
        if !name.is_empty() {
            insert_nested(&mut map, &name, Value::String(text));
        }
    }
    Ok(map)
}

fn multipart_error(e: multer::Error) -> ApiError {
    match e {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => too_large(),
        other => ApiError::InvalidBody(format!("invalid multipart body: {other}")),
    }
}

/// Inserts `value` at a bracketed key: `a[b]` nests, `a[]` appends.
fn insert_nested(map: &mut Map<String, Value>, key: &str, value: Value) {
    let (base, rest) = match key.find('[') {
        Some(i) if key.ends_with(']') => (&key[..i], &key[i + 1..key.len() - 1]),
        _ => {
            map.insert(key.to_owned(), value);
            return;
        }
    };
    let segments: Vec<&str> = rest.split("][").collect();
    let mut slot = map.entry(base.to_owned()).or_insert(Value::Null);
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if seg.is_empty() {
            if !slot.is_array() {
                *slot = Value::Array(Vec::new());
            }
            let Value::Array(items) = slot else { return };
            if last {
                items.push(value);
                return;
            }
            items.push(Value::Object(Map::new()));
            let Some(next) = items.last_mut() else { return };
            slot = next;
        } else {
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            let Value::Object(obj) = slot else { return };
            if last {
                obj.insert((*seg).to_owned(), value);
                return;
            }
            slot = obj.entry((*seg).to_owned()).or_insert(Value::Null);
        }
    }
}

impl Params {
    /// Whether the parameter was sent at all.
    pub fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// A string parameter, trimmed; empty or `null` counts as absent. Numbers
    /// and booleans are accepted as their text.
    pub fn text(&self, name: &str) -> Result<Option<String>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => scalar_text(v)
                .map(|s| Some(s).filter(|s| !s.is_empty()))
                .ok_or_else(|| ApiError::invalid(name, "Must be a string")),
        }
    }

    /// A required string parameter.
    pub fn required_text(&self, name: &str) -> Result<String, ApiError> {
        self.text(name)?.ok_or_else(|| ApiError::required(name))
    }

    /// An integer parameter (a JSON number or its text).
    pub fn int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| ApiError::invalid(name, "Must be an integer")),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => {
                s.trim().parse().map(Some).map_err(|_| ApiError::invalid(name, "Must be an integer"))
            }
            Some(_) => Err(ApiError::invalid(name, "Must be an integer")),
        }
    }

    /// A key/value map parameter: a JSON object, `name[key]=value` pairs, or a
    /// string holding a JSON object (as multipart clients send it).
    pub fn map(&self, name: &str) -> Result<Option<Map<String, Value>>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m.clone())),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
                Ok(Value::Object(m)) => Ok(Some(m)),
                _ => Err(ApiError::invalid(name, "Must be a key/value map")),
            },
            Some(Value::Array(a)) if a.is_empty() => Ok(None),
            Some(_) => Err(ApiError::invalid(name, "Must be a key/value map")),
        }
    }
}

/// The text of a scalar JSON value (string trimmed); `None` for arrays and objects.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bracketed_keys_nest_and_append() {
        let mut m = Map::new();
        insert_nested(&mut m, "field_values[reported_issues]", Value::from("12"));
        insert_nested(&mut m, "metadata[user_agent]", Value::from("Chrome"));
        insert_nested(&mut m, "tags[]", Value::from("a"));
        insert_nested(&mut m, "tags[]", Value::from("b"));
        insert_nested(&mut m, "plain", Value::from("x"));
        let v = Value::Object(m);
        assert_eq!(v["field_values"]["reported_issues"], "12");
        assert_eq!(v["metadata"]["user_agent"], "Chrome");
        assert_eq!(v["tags"], serde_json::json!(["a", "b"]));
        assert_eq!(v["plain"], "x");
    }
}
