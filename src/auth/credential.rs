//! Where credentials come from: headers, and for the few clients that cannot
//! set them, named query arguments on the realtime endpoints and on file
//! bodies; the client's address behind trusted proxies; fingerprints.

use std::net::IpAddr;

use actix_web::dev::ServiceRequest;
use actix_web::http::{header, Method};

use crate::error::ApiError;
use crate::state::AppState;

/// The client's address: the peer, or where the peer is a trusted proxy, the
/// nearest untrusted address it forwarded for (`X-Forwarded-For`).
pub fn client_ip(req: &ServiceRequest, state: &AppState) -> IpAddr {
    let peer = req.peer_addr().map_or(IpAddr::from([0, 0, 0, 0]), |a| a.ip());
    forwarded_client(peer, req.headers(), &state.config.trusted_proxies)
}

/// Walks `X-Forwarded-For` from the right, past trusted proxies, to the client.
pub fn forwarded_client(peer: IpAddr, headers: &header::HeaderMap, trusted: &[IpAddr]) -> IpAddr {
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

pub(super) fn header_str<'a>(req: &'a ServiceRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty())
}

/// A credential from its header or, where a client cannot set headers, from
/// a query argument: on the realtime endpoints (browsers' EventSource,
/// Kayako's mobile SDKs) as `session_id` / `fingerprint_id`, and on a GET of a
/// file body (an attachment's `url`, `url_download`, thumbnails, the zip of a
/// message's files) as Kayako's `_session_id` / `_fingerprint_id`, which its
/// apps append to those links. Nowhere else: a link must not become a
/// standing credential for the rest of the API.
pub(super) fn credential(req: &ServiceRequest, header: &str, query_key: &str) -> Option<String> {
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
