//! Cross-origin requests: who may call the API from a browser on another origin.

use crate::config::ServeConfig;

/// Browser clients (the web messenger, help-center pages) call from other
/// origins; they authenticate with headers, never cookies, so by default any
/// origin may call (`--cors-origins` narrows it, `--cors-headers` adds headers).
/// Parley's own origin (that of `public_url`, where its browser apps live) is
/// always allowed.
pub fn cors(config: &ServeConfig, public_url: &str) -> actix_cors::Cors {
    let mut cors = actix_cors::Cors::default();
    if config.cors_origins.iter().any(|o| o == "*") {
        cors = cors.allow_any_origin();
    } else {
        let own = public_url.split('/').take(3).collect::<Vec<_>>().join("/");
        for origin in config.cors_origins.iter().chain(std::iter::once(&own)) {
            cors = cors.allowed_origin(origin);
        }
    }
    let own = [
        "authorization",
        "content-type",
        "accept",
        "accept-language",
        "x-requested-with",
        "last-event-id",
        "x-session-id",
        "x-csrf-token",
        "x-csrf",
        "x-fingerprint-id",
        "x-request-token",
        "x-identity-name",
        "x-identity-email",
        "x-identity-timestamp",
        "x-identity-signature",
    ];
    cors.allowed_methods(["GET", "POST", "PUT", "DELETE", "OPTIONS"])
        .allowed_headers(own.iter().copied().chain(config.cors_headers.iter().map(String::as_str)))
        .expose_headers(["x-csrf-token", "x-request-token", "x-api-version", "retry-after", "x-request-id"])
        .max_age(3600)
}
