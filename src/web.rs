//! The browser apps, embedded in the binary: the Messenger for customers
//! (`/messenger`, its embed script `/messenger.js`, a demo shop page at
//! `/messenger/demo`), the agent inbox (`/agent`), the API reference
//! (`/docs`, vendored Swagger UI) and a landing page (`/`). They are plain
//! HTML, CSS and ES modules under `web/`, driven only by the API.
//!
//! Assets are served under `/assets/<build>/...`, where `<build>` is a digest
//! of all of them: they are cached for a year (`immutable`), and a new binary
//! with other assets gets new URLs. Pages are revalidated (`no-cache`, ETag).
//! Every page carries a strict Content-Security-Policy (scripts, styles and
//! connections from this origin only); the Messenger may be framed by any
//! site (that is what embedding it means), the agent inbox by none.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::AppState;

/// One embedded file.
struct Asset {
    path: &'static str,
    bytes: &'static [u8],
}

macro_rules! assets {
    ($($path:literal),* $(,)?) => {
        &[$(Asset { path: $path, bytes: include_bytes!(concat!("../web/", $path)) }),*]
    };
}

/// Every file of `web/` the apps load.
const ASSETS: &[Asset] = assets![
    "vendor/preact-htm.js",
    "shared/api.js",
    "shared/ui.js",
    "shared/base.css",
    "shared/icon.svg",
    "messenger/app.js",
    "messenger/home.js",
    "messenger/compose.js",
    "messenger/fields.js",
    "messenger/thread.js",
    "messenger/messenger.css",
    "messenger/demo.css",
    "agent/app.js",
    "agent/signin.js",
    "agent/inbox.js",
    "agent/conversation.js",
    "agent/composer.js",
    "agent/search.js",
    "agent/notifications.js",
    "agent/insights.js",
    "agent/charts.js",
    "agent/agent.css",
    "vendor/swagger-ui/swagger-ui-bundle.js",
    "vendor/swagger-ui/swagger-ui.css",
    "docs/docs.js",
    "docs/docs.css",
];

/// The pages, with `{{build}}` standing for the asset prefix.
const MESSENGER_PAGE: &str = include_str!("../web/messenger/index.html");
const DEMO_PAGE: &str = include_str!("../web/messenger/demo.html");
const EMBED_SCRIPT: &str = include_str!("../web/messenger/embed.js");
const AGENT_PAGE: &str = include_str!("../web/agent/index.html");
const LANDING_PAGE: &str = include_str!("../web/index.html");
const DOCS_PAGE: &str = include_str!("../web/docs/index.html");

fn mime(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

fn digest(bytes: &[u8]) -> String {
    crate::secret::hex(&Sha256::digest(bytes)[..8])
}

/// The digest of every asset: the versioned prefix of their URLs (computed
/// once, at start-up, into `AppState::web_build`).
pub fn build_id() -> String {
    let mut all = Sha256::new();
    for a in ASSETS {
        all.update(a.path.as_bytes());
        all.update(a.bytes);
    }
    crate::secret::hex(&all.finalize()[..8])
}

/// Who may frame a page.
#[derive(Clone, Copy)]
enum Framing {
    Anyone,
    Nobody,
}

fn csp(framing: Framing) -> String {
    let ancestors = match framing {
        Framing::Anyone => "*",
        Framing::Nobody => "'none'",
    };
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
         connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}"
    )
}

/// A page (or the embed script): revalidated each time, answered `304` when unchanged.
fn page(req: &HttpRequest, body: String, content_type: &str, framing: Framing) -> HttpResponse {
    let etag = format!("\"{}\"", digest(body.as_bytes()));
    let unchanged = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str());
    let mut res = if unchanged { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    res.insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::ETAG, etag))
        .insert_header((header::CONTENT_SECURITY_POLICY, csp(framing)))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "same-origin"));
    if let Framing::Nobody = framing {
        res.insert_header((header::X_FRAME_OPTIONS, "DENY"));
    }
    if unchanged {
        return res.finish();
    }
    res.body(body)
}

fn html(req: &HttpRequest, state: &AppState, template: &str, framing: Framing) -> HttpResponse {
    page(req, template.replace("{{build}}", &state.web_build), "text/html; charset=utf-8", framing)
}

/// `GET /`: what this server offers.
pub async fn landing(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    html(&req, &state, LANDING_PAGE, Framing::Nobody)
}

/// `GET /messenger`: the widget, full page or framed by the embed.
pub async fn messenger(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    html(&req, &state, MESSENGER_PAGE, Framing::Anyone)
}

/// `GET /messenger/demo`: a pretend shop with the embed on it.
pub async fn demo(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    html(&req, &state, DEMO_PAGE, Framing::Nobody)
}

/// `GET /agent`: the agent inbox.
pub async fn agent(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    html(&req, &state, AGENT_PAGE, Framing::Nobody)
}

/// `GET /docs`: the browsable API reference (Swagger UI over `/api/v1/openapi.json`).
pub async fn docs(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    html(&req, &state, DOCS_PAGE, Framing::Nobody)
}

/// `GET /messenger.js`: the embed script host sites load.
pub async fn embed(req: HttpRequest) -> HttpResponse {
    let mut res = page(&req, EMBED_SCRIPT.to_owned(), "text/javascript; charset=utf-8", Framing::Nobody);
    // Loaded by other origins' pages.
    res.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, header::HeaderValue::from_static("*"));
    res
}

/// `GET /assets/{build}/{path}`: one embedded file.
pub async fn asset(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (version, path) = path.into_inner();
    let asset = ASSETS.iter().find(|a| a.path == path).ok_or(ApiError::NotFound)?;
    let etag = format!("\"{}\"", digest(asset.bytes));
    // A page of an older build asks for its own version: give the current file, uncached.
    let cache = if version == state.web_build { "public, max-age=31536000, immutable" } else { "no-cache" };
    let unchanged = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str());
    let mut res = if unchanged { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    res.insert_header((header::CONTENT_TYPE, mime(asset.path)))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ETAG, etag))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
    Ok(if unchanged { res.finish() } else { res.body(asset.bytes) })
}
