//! The OpenAPI 3.1 document of everything Parley serves, at
//! `/api/v1/openapi.json` (and browsable at `/docs`). It is built from the
//! table of operations in [`operations`]; a test holds that table against the
//! route table (`server::routes::API_ROUTES`) in both directions, so a route cannot
//! exist undocumented, nor a documented one not exist.
//!
//! Resource schemas list their keys with types but require only `id`: with
//! `fields` a client keeps just some keys, and with `_case=camel` every key
//! is camelCased, so no other key is on every response. Related resources are
//! stubs (`{id, resource_type}`) that `include` replaces with the whole
//! resource, so they are open objects.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde_json::{json, Map, Value};

use crate::state::AppState;
use op::{Access, Answer, Op};
use operations::operations;
use schemas::schemas;

mod desk;
mod insights;
mod op;
mod operations;
mod schemas;

/// `GET /api/v1/openapi.json`.
pub async fn serve(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(state.openapi.clone())
}

/// The document, for the server at `public_url`.
pub fn document(public_url: &str) -> Value {
    let mut paths = Map::new();
    for o in operations().into_iter().chain(desk::operations()).chain(insights::operations()) {
        let entry = paths.entry(o.path).or_insert_with(|| json!({})).as_object_mut().expect("path items are objects");
        entry.insert(o.method.to_owned(), operation(&o));
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Parley",
            "version": env!("CARGO_PKG_VERSION"),
            "summary": "Kayako's customer Conversations API, self-hosted.",
            "description": DESCRIPTION,
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": public_url}],
        "tags": [
            {"name": "Conversations"}, {"name": "Messages"}, {"name": "Attachments"},
            {"name": "Forms and fields"}, {"name": "Realtime"}, {"name": "Users and teams"},
            {"name": "Statuses, priorities and types"}, {"name": "Administration"}, {"name": "Desk"}, {"name": "Operations"},
        ],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "header", "name": "X-Session-ID",
                    "description": "A session id, from a request with Basic credentials (`session_id` in its answer)."},
                "basic": {"type": "http", "scheme": "basic",
                    "description": "Email and password; the answer starts a session."},
                "fingerprint": {"type": "apiKey", "in": "header", "name": "X-Fingerprint-ID",
                    "description": "A UUID a device generates once and keeps (the Messenger and the SDKs)."},
                "requestToken": {"type": "apiKey", "in": "query", "name": "token",
                    "description": "The `X-Request-Token` of an anonymous `POST /conversations`: opens that conversation for 120 seconds."},
            },
            "schemas": schemas(),
            "responses": error_responses(),
        },
    })
}

const DESCRIPTION: &str = "Every response is the Kayako envelope: `{\"status\", \"data\", \"resource\"}`, \
with `offset`, `limit` and `total_count` on collections. Related resources are stubs \
(`{\"id\", \"resource_type\"}`) unless named in `include` (`include=*` expands all). `fields` keeps \
only the named keys; `_case=camel` camelCases every key. POST and PUT take JSON, \
urlencoded (nested maps as `field_values[key]=value`) or multipart bodies. Errors are \
`{\"status\", \"errors\": [{\"code\", \"parameter\", \"message\", \"more_info\"}]}`, one per problem.";

fn operation(o: &Op) -> Value {
    let mut params: Vec<Value> = path_params(o.path);
    if o.shaped {
        params.push(json!({"name": "include", "in": "query", "schema": {"type": "string"},
            "description": "Related resource types to expand, comma-separated, or `*`."}));
        params.push(json!({"name": "fields", "in": "query", "schema": {"type": "string"},
            "description": "Keys to keep, comma-separated (`id`, `resource_type` and `resource_url` always stay)."}));
        params.push(json!({"name": "_case", "in": "query", "schema": {"type": "string", "enum": ["camel"]},
            "description": "camelCase every key."}));
    }
    params.extend(o.params.iter().cloned());
    let mut responses = Map::new();
    let (status, mut ok) = success(&o.answer);
    if !o.links.is_empty() {
        let links: Map<String, Value> = o
            .links
            .iter()
            .map(|(operation, parameters)| {
                (operation.to_string(), json!({"operationId": operation, "parameters": parameters}))
            })
            .collect();
        ok["links"] = Value::Object(links);
    }
    responses.insert(status.to_string(), ok);
    if o.replays {
        if let Answer::One(_, schema) = o.answer {
            let (_, mut first) = success(&Answer::One(200, schema));
            first["description"] = json!("A retry: the resource first created with this `client_id`");
            responses.insert("200".into(), first);
        }
    }
    for code in errors(o) {
        responses.insert(code.to_string(), json!({"$ref": format!("#/components/responses/E{code}")}));
    }
    let mut out = json!({
        "tags": [o.tag],
        "summary": o.summary,
        "operationId": operation_id(o),
        "parameters": params,
        "responses": responses,
    });
    if !o.description.is_empty() {
        out["description"] = json!(o.description);
    }
    let schemes: &[&str] = match o.access {
        Access::Public => &["", "session", "basic", "fingerprint"],
        Access::Device => &["session", "basic", "fingerprint"],
        Access::User | Access::Staff | Access::Admin | Access::Owner => &["session", "basic"],
        Access::Open => &[""],
    };
    let mut security: Vec<Value> =
        schemes.iter().map(|s| if s.is_empty() { json!({}) } else { json!({ *s: [] }) }).collect();
    if o.path == "/api/v1/conversations/{id}" && o.method == "get" {
        security.push(json!({"requestToken": []}));
    }
    out["security"] = Value::Array(security);
    if let Some(schema) = o.body {
        let schema = json!({"$ref": format!("#/components/schemas/{schema}")});
        out["requestBody"] = json!({
            "required": true,
            "content": {
                "application/json": {"schema": schema},
                "application/x-www-form-urlencoded": {"schema": schema},
                "multipart/form-data": {"schema": schema},
            },
        });
    }
    out
}

/// `getApiV1ConversationsIdMessages` and the like.
fn operation_id(o: &Op) -> String {
    let mut id = o.method.to_owned();
    for word in o.path.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            id.push(first.to_ascii_uppercase());
            id.extend(chars);
        }
    }
    id
}

/// The names of a path's parameters, in order.
pub(super) fn path_names(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
}

fn path_params(path: &str) -> Vec<Value> {
    path_names(path)
        .map(|name| {
            let schema =
                if name == "uuid" { json!({"type": "string"}) } else { json!({"type": "integer", "minimum": 1}) };
            json!({"name": name, "in": "path", "required": true, "schema": schema})
        })
        .collect()
}

/// The error statuses an operation may answer.
fn errors(o: &Op) -> Vec<u16> {
    if o.access == Access::Open {
        return match o.path {
            "/metrics" => vec![401],
            "/avatar/get/{uuid}" => vec![404],
            _ => vec![],
        };
    }
    // Any API request may carry bad credentials (401), be throttled (429) or
    // meet a server too busy to take it (503); query arguments are checked (400).
    let mut codes = vec![400, 401, 403, 404, 429, 503];
    if o.body.is_some() {
        codes.extend([413, 507]);
    }
    codes.sort_unstable();
    codes
}

fn success(answer: &Answer) -> (u16, Value) {
    let envelope = |data: Value, paging: &[&str]| {
        let mut properties = json!({
            "status": {"type": "integer"},
            "data": data,
            "resource": {"type": "string"},
            "session_id": {"type": "string", "description": "Only when Basic credentials started a session."},
        });
        for name in paging {
            properties[*name] = json!({"type": "integer", "minimum": 0});
        }
        json!({"content": {"application/json": {"schema": {
            "type": "object", "required": ["status"], "properties": properties,
        }}}})
    };
    let reference = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let (status, mut response) = match answer {
        Answer::One(status, schema) => (*status, envelope(reference(schema), &[])),
        Answer::Page(schema) => {
            (200, envelope(json!({"type": "array", "items": reference(schema)}), &["offset", "limit", "total_count"]))
        }
        Answer::All(schema) => (200, envelope(json!({"type": "array", "items": reference(schema)}), &["total_count"])),
        Answer::Empty => (200, envelope(json!({}), &[])),
        Answer::Raw(status, content_type, what) => {
            return (*status, json!({"description": what, "content": {*content_type: {}}}));
        }
    };
    response["description"] = json!(match answer {
        Answer::One(201, _) => "Created",
        Answer::Empty => "Done",
        _ => "OK",
    });
    (status, response)
}

fn error_responses() -> Value {
    let codes: &[(u16, &str)] = &[
        (400, "FIELD_REQUIRED, FIELD_INVALID or INVALID_REQUEST_BODY: one error per problem"),
        (401, "AUTHENTICATION_REQUIRED, or AUTHENTICATION_FAILED for wrong or expired credentials"),
        (403, "PERMISSION_DENIED, or CSRF_FAILED for a session without its X-CSRF-Token"),
        (404, "RESOURCE_NOT_FOUND: no such resource, or one the caller may not see"),
        (413, "PAYLOAD_TOO_LARGE: the body or a file is over the configured limits"),
        (429, "TOO_MANY_REQUESTS: rate limited; Retry-After says when to come back"),
        (503, "SERVICE_UNAVAILABLE: too busy right now; Retry-After says when to come back"),
        (507, "INSUFFICIENT_STORAGE: the server's disk is full; nothing was stored"),
    ];
    let mut out = Map::new();
    for (code, description) in codes {
        out.insert(
            format!("E{code}"),
            json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}),
        );
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reference_resolves() {
        let doc = document("http://127.0.0.1:8080");
        fn walk(v: &Value, doc: &Value) {
            match v {
                Value::Object(m) => {
                    if let Some(Value::String(r)) = m.get("$ref") {
                        let pointer = r.strip_prefix('#').expect("local references only");
                        assert!(doc.pointer(pointer).is_some(), "{r} resolves to nothing");
                    }
                    m.values().for_each(|v| walk(v, doc));
                }
                Value::Array(a) => a.iter().for_each(|v| walk(v, doc)),
                _ => {}
            }
        }
        walk(&doc, &doc);
        let ids: Vec<&Value> = doc["paths"]
            .as_object()
            .expect("an object")
            .values()
            .flat_map(|item| item.as_object().expect("objects").values().map(|o| &o["operationId"]))
            .collect();
        let mut links = 0;
        for item in doc["paths"].as_object().expect("objects").values() {
            for operation in item.as_object().expect("objects").values() {
                for response in operation["responses"].as_object().expect("objects").values() {
                    for link in response["links"].as_object().into_iter().flat_map(|l| l.values()) {
                        assert!(ids.contains(&&link["operationId"]), "{link} names no operation");
                        links += 1;
                    }
                }
            }
        }
        assert!(links > 10);
    }
}
