//! Output shaping shared by every response: the `include` names (expanded by
//! `rows::expand`), `fields` filtering and `_case=camel` (conventions §5).

use std::collections::HashSet;

use serde_json::Value;

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
}
