//! Output shaping shared by every response: `include` expansion of stubs,
//! `fields` filtering and `_case=camel` (conventions §5).

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use crate::db::Conn;
use crate::error::ApiError;
use crate::wire::render::{self, View};

/// How many levels of stubs inside expanded resources are expanded too.
const MAX_DEPTH: usize = 3;

/// The snake_case names in an `include` list (`*` stays `*`); unknown names are harmless.
pub fn names(include: Option<&str>) -> HashSet<String> {
    include.map(|s| s.split(',').map(|n| snake(n.trim())).filter(|n| !n.is_empty()).collect()).unwrap_or_default()
}

/// `userMinimal` → `user_minimal`; snake_case passes unchanged.
pub fn snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for ch in name.chars() {
        if ch.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// `user_minimal` → `userMinimal`.
pub fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for ch in name.chars() {
        if ch == '_' && !out.is_empty() {
            upper = true;
        } else if upper {
            out.push(ch.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}

/// A stub is `{"id", "resource_type"}` (teams add `legacy_id`) and nothing else.
fn stub(v: &Map<String, Value>) -> Option<(String, i64)> {
    let kind = v.get("resource_type")?.as_str()?;
    let id = v.get("id")?.as_i64()?;
    v.keys().all(|k| matches!(k.as_str(), "id" | "resource_type" | "legacy_id")).then(|| (kind.to_owned(), id))
}

/// Replaces every stub whose type is in `includes` (or every stub, for `*`) by
/// the full resource, inline; stubs inside expanded resources too, up to a depth.
pub fn expand(conn: &Conn, view: &View, includes: &HashSet<String>, mut data: Value) -> Result<Value, ApiError> {
    let mut cache = HashMap::new();
    walk(conn, view, includes, &mut data, 0, &mut cache)?;
    Ok(data)
}

fn walk(
    conn: &Conn,
    view: &View,
    includes: &HashSet<String>,
    v: &mut Value,
    depth: usize,
    cache: &mut HashMap<(String, i64), Option<Value>>,
) -> Result<(), ApiError> {
    match v {
        Value::Array(items) => {
            for item in items {
                walk(conn, view, includes, item, depth, cache)?;
            }
        }
        Value::Object(map) => {
            if let Some((kind, id)) = stub(map) {
                if depth < MAX_DEPTH && (includes.contains("*") || includes.contains(&kind)) {
                    let key = (kind, id);
                    let full = match cache.get(&key) {
                        Some(hit) => hit.clone(),
                        None => {
                            let loaded = render::load(conn, view, &key.0, id)?;
                            cache.insert(key, loaded.clone());
                            loaded
                        }
                    };
                    if let Some(mut full) = full {
                        walk_children(conn, view, includes, &mut full, depth + 1, cache)?;
                        *v = full;
                    }
                }
                return Ok(());
            }
            walk_children(conn, view, includes, v, depth, cache)?;
        }
        _ => {}
    }
    Ok(())
}

fn walk_children(
    conn: &Conn,
    view: &View,
    includes: &HashSet<String>,
    v: &mut Value,
    depth: usize,
    cache: &mut HashMap<(String, i64), Option<Value>>,
) -> Result<(), ApiError> {
    if let Value::Object(map) = v {
        for (key, child) in map.iter_mut() {
            if key != "metadata" {
                walk(conn, view, includes, child, depth, cache)?;
            }
        }
    }
    Ok(())
}

/// Keeps only the `keep` keys (plus `id`, `resource_type`, `resource_url`) of
/// each top-level resource.
pub fn keep_fields(data: &mut Value, keep: &HashSet<String>) {
    let filter = |item: &mut Value| {
        if let Value::Object(map) = item {
            map.retain(|k, _| keep.contains(k) || matches!(k.as_str(), "id" | "resource_type" | "resource_url"));
        }
    };
    match data {
        Value::Array(items) => items.iter_mut().for_each(filter),
        other => filter(other),
    }
}

/// camelCases every key, every `resource_type` and the envelope's `resource`;
/// user-supplied maps (`metadata`) keep their keys.
pub fn camelize(v: &mut Value) {
    match v {
        Value::Array(items) => items.iter_mut().for_each(camelize),
        Value::Object(map) => {
            let old = std::mem::take(map);
            for (key, mut child) in old {
                if key == "resource_type" || key == "resource" {
                    if let Value::String(s) = &child {
                        child = Value::String(camel(s));
                    }
                } else if key != "metadata" {
                    camelize(&mut child);
                }
                map.insert(camel(&key), child);
            }
        }
        _ => {}
    }
}

/// Middleware: under `_case=camel`, an error envelope is camelCased like any
/// other response (`more_info` → `moreInfo`), as Kayako's SDKs read it; this
/// covers errors answered before a handler runs (authentication, routing).
pub async fn camel_errors(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let query = req.query_string();
    let camel = query.contains("_case")
        && crate::wire::decode::query(query)
            .is_ok_and(|q| q.iter().any(|(k, v)| k == "_case" && v.trim().eq_ignore_ascii_case("camel")));
    let res = next.call(req).await?.map_into_boxed_body();
    if !camel || !(res.status().is_client_error() || res.status().is_server_error()) {
        return Ok(res);
    }
    let (req, res) = res.into_parts();
    let (head, body) = res.into_parts();
    let bytes = actix_web::body::to_bytes(body)
        .await
        .map_err(|_| actix_web::error::ErrorInternalServerError("unreadable error body"))?;
    let body = match serde_json::from_slice::<Value>(&bytes) {
        Ok(mut v) => {
            camelize(&mut v);
            serde_json::to_vec(&v).map(actix_web::web::Bytes::from).unwrap_or(bytes)
        }
        Err(_) => bytes,
    };
    let mut res = head.set_body(body);
    res.headers_mut().remove(actix_web::http::header::CONTENT_LENGTH);
    Ok(actix_web::dev::ServiceResponse::new(req, res.map_into_boxed_body()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_conversions_round_trip() {
        assert_eq!(camel("last_message_preview"), "lastMessagePreview");
        assert_eq!(camel("user_minimal"), "userMinimal");
        assert_eq!(snake("userMinimal"), "user_minimal");
        assert_eq!(snake("case_status"), "case_status");
        assert_eq!(camel("id"), "id");
    }

    #[test]
    fn camelize_keeps_metadata_keys() {
        let mut v = serde_json::json!({"total_count": 1, "data": {"resource_type": "case_message",
            "metadata": {"user_agent": "Chrome"}}});
        camelize(&mut v);
        assert_eq!(v["totalCount"], 1);
        assert_eq!(v["data"]["resourceType"], "caseMessage");
        assert_eq!(v["data"]["metadata"]["user_agent"], "Chrome");
    }

    #[test]
    fn only_bare_references_are_stubs() {
        let s = serde_json::json!({"id": 1, "resource_type": "team", "legacy_id": null});
        assert!(stub(s.as_object().expect("object")).is_some());
        let full = serde_json::json!({"id": 1, "resource_type": "team", "title": "Support"});
        assert!(stub(full.as_object().expect("object")).is_none());
    }
}
