//! Builds the application: state, middleware and the whole route table in
//! one function ([`routes`]). The listener is bound before the server starts,
//! so tests can ask for port 0 and learn the real port without sleeping.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::Uri;
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, App};

use crate::api::lookups::CaseLookup;
use crate::api::{
    attachments, conversations, files, forms, lookups, manage, messages, messenger, ratings, session, system, triage,
};
use crate::auth;
use crate::config::ServeConfig;
use crate::db::migrate::DemoOutcome;
use crate::db::settings;
use crate::db::Db;
use crate::front;
use crate::realtime::stream as realtime;
use crate::realtime::Hub;
use crate::storage::Storage;
use crate::web as pages;

/// What every handler may reach, through `web::Data<AppState>`.
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The configuration the server started with.
    pub config: ServeConfig,
    /// Base of every `resource_url`, without a trailing slash.
    pub public_url: String,
    /// Failed sign-ins by address and account.
    pub login_throttle: auth::LoginThrottle,
    /// Password checks, a few at a time in reused memory.
    pub hasher: auth::Hasher,
    /// Spam limits on creations, messages and upload bytes.
    pub limits: crate::limits::RateLimits,
    /// The digest of the browser apps' assets: the versioned prefix of their URLs.
    pub web_build: String,
    /// The OpenAPI document, as served at `/api/v1/openapi.json`.
    pub openapi: actix_web::web::Bytes,
    /// The memory buffered request text may take, across all requests.
    pub text_budget: Arc<crate::api::params::TextBudget>,
    /// Attachment files on disk.
    pub storage: Arc<Storage>,
    /// Realtime fan-out.
    pub hub: Arc<Hub>,
    /// Request counts and latencies for `/metrics`.
    pub metrics: crate::metrics::Metrics,
    /// The secret messenger identity signatures are keyed by (rotated by
    /// `POST /api/v1/messenger/token`).
    pub messenger_token: std::sync::RwLock<String>,
    /// The messenger's average reply time, recomputed every few minutes.
    pub reply_time: crate::api::messenger::ReplyTime,
    /// The data directory's lock, held shared while the server runs.
    _data_lock: std::fs::File,
}

/// The data directory's lock file (see [`lock_data_dir`]).
pub const LOCK_FILE: &str = "parley.lock";

/// Locks the data directory: servers hold it shared while they run, and
/// `parley import`, which rewrites the database under them, needs it alone.
/// `None` when it is held the other way.
pub fn lock_data_dir(data_dir: &std::path::Path, exclusive: bool) -> std::io::Result<Option<std::fs::File>> {
    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(data_dir.join(LOCK_FILE))?;
    let locked = if exclusive { file.try_lock() } else { file.try_lock_shared() };
    match locked {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// A bound, not yet running server.
pub struct Application {
    server: Server,
    port: u16,
    state: web::Data<AppState>,
    closing: Arc<tokio::sync::Notify>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The data directory, which `parley import` holds.
    #[error("{} is being imported into (parley import): start the server once it is done", .0.display())]
    Busy(std::path::PathBuf),
    /// The listening address.
    #[error("cannot listen on {addr}: {source} (is another server there? choose another with --bind)")]
    Bind {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// A file or directory of the data directory.
    #[error("{}: {source}", path.display())]
    Path {
        /// What could not be used.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The database file.
    #[error("database {}: {source}", path.display())]
    Database {
        /// The database file.
        path: std::path::PathBuf,
        /// Why.
        source: crate::db::DbOpenError,
    },
    /// File system or socket.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The database.
    #[error("database: {0}")]
    Db(#[from] crate::db::DbOpenError),
    /// Settings could not be read.
    #[error("settings: {0}")]
    Settings(#[from] crate::error::ApiError),
}

impl Application {
    /// Opens the data directory and database, loads demo data if asked, and
    /// binds the listener.
    pub fn build(config: ServeConfig) -> Result<Application, StartError> {
        let listener =
            TcpListener::bind(config.bind).map_err(|source| StartError::Bind { addr: config.bind, source })?;
        Self::build_with_listener(config, listener)
    }

    /// Like [`Application::build`] with a listener bound by the caller.
    pub fn build_with_listener(config: ServeConfig, listener: TcpListener) -> Result<Application, StartError> {
        let attachments = config.attachments_dir();
        let storage = Arc::new(
            Storage::open(attachments.clone()).map_err(|source| StartError::Path { path: attachments, source })?,
        );
        let data_lock = lock_data_dir(&config.data_dir, false)
            .map_err(|source| StartError::Path { path: config.data_dir.join(LOCK_FILE), source })?
            .ok_or_else(|| StartError::Busy(config.data_dir.clone()))?;
        let (db, demo) = Db::open_with(&config.db_path(), config.demo, config.durability)
            .map_err(|source| StartError::Database { path: config.db_path(), source })?;
        match demo {
            Some(DemoOutcome::Loaded) => {
                crate::demo::attach_files(&db, &storage)?;
                tracing::info!("demo data loaded");
            }
            Some(DemoOutcome::AlreadyLoaded) => {
                // Completes a demo whose files were interrupted on an earlier start.
                crate::demo::attach_files(&db, &storage)?;
                tracing::info!("demo data already present");
            }
            Some(DemoOutcome::SkippedNotEmpty) => {
                tracing::warn!("--demo ignored: the database already holds other data")
            }
            None => {}
        }
        if demo.is_some() {
            // The demo world is in the database file itself, not only in the WAL.
            db.checkpoint_blocking()?;
        }
        let messenger_token = messenger_token(&db, &config.data_dir)?;
        let port = listener.local_addr()?.port();
        let public_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", listener.local_addr().map(|a| a.to_string()).unwrap_or_default()))
            .trim_end_matches('/')
            .to_owned();
        tracing::info!(%public_url, data_dir = %config.data_dir.display(), "listening");
        let workers = config.workers;
        let limits = crate::limits::RateLimits::new(&config);
        let text_budget = config.max_buffered_text_bytes;
        let openapi = crate::api::openapi::document(&public_url).to_string().into();
        let state = web::Data::new(AppState {
            db,
            config,
            public_url,
            login_throttle: Default::default(),
            hasher: auth::Hasher::for_this_machine(),
            limits,
            web_build: crate::web::build_id(),
            openapi,
            text_budget: Arc::new(crate::api::params::TextBudget::new(text_budget)),
            storage,
            hub: Arc::new(Hub::default()),
            metrics: crate::metrics::Metrics::default(),
            messenger_token: std::sync::RwLock::new(messenger_token),
            reply_time: Default::default(),
            _data_lock: data_lock,
        });
        let closing = Arc::new(tokio::sync::Notify::new());
        let head_timeout = Duration::from_secs(state.config.head_timeout_seconds.max(1));
        let server = serve(listener, state.clone(), workers, head_timeout, closing.clone())?;
        Ok(Application { server, port, state, closing })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// What stops this server cleanly (see [`Stopper::stop`]).
    pub fn stopper(&self) -> Stopper {
        Stopper { server: self.server.handle(), hub: self.state.hub.clone(), closing: self.closing.clone() }
    }

    /// Serves until stopped, sweeping attachments at start-up and periodically,
    /// and feeding realtime subscribers from the event log. Once stopped, the
    /// writes queued so far are committed and the WAL is checkpointed into the
    /// database file, so `parley.db` alone holds everything.
    pub async fn run(self) -> std::io::Result<()> {
        let sweeper = actix_web::rt::spawn(crate::sweep::every(self.state.clone(), crate::sweep::INTERVAL));
        let fetcher = actix_web::rt::spawn(self.state.hub.clone().run(self.state.db.clone()));
        let result = self.server.await;
        sweeper.abort();
        fetcher.abort();
        match self.state.db.checkpoint().await {
            Ok(true) => tracing::info!("stopped; the database file holds everything"),
            Ok(false) => tracing::warn!("stopped; the WAL could not be checkpointed completely"),
            Err(e) => tracing::warn!(error = %e, "stopped; checkpointing the WAL failed"),
        }
        result
    }
}

/// Stops a running [`Application`] the way SIGTERM does.
#[derive(Clone)]
pub struct Stopper {
    server: actix_web::dev::ServerHandle,
    hub: Arc<Hub>,
    closing: Arc<tokio::sync::Notify>,
}

impl Stopper {
    /// Ends every realtime stream at once with a last event telling its
    /// client to reconnect, stops accepting connections, and lets in-flight
    /// requests finish (for at most [`SHUTDOWN_SECONDS`]).
    pub async fn stop(&self) {
        tracing::info!("stopping: closing realtime streams, finishing in-flight requests");
        self.hub.close_all();
        // Idle keep-alive connections close now instead of holding the stop.
        self.closing.notify_waiters();
        self.server.stop(true).await;
    }

    /// Stops on the first of `signals` (for the `parley` binary; tests stop
    /// servers themselves).
    pub async fn on(self, mut signals: Signals) {
        tokio::select! {
            _ = signals.term.recv() => {}
            _ = signals.int.recv() => {}
        }
        self.stop().await;
    }
}

/// SIGTERM and SIGINT, listened for from the moment this exists (before the
/// server says it is listening, so no early signal kills it uncleanly).
pub struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

impl Signals {
    /// Starts listening; call inside the runtime.
    pub fn listen() -> std::io::Result<Signals> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Signals { term: signal(SignalKind::terminate())?, int: signal(SignalKind::interrupt())? })
    }
}

/// How long an idle keep-alive connection stays open.
pub const KEEP_ALIVE: Duration = Duration::from_secs(5);

/// The HTTP/1.1 server: actix-http's dispatcher running the app, each
/// connection behind the [`front::Guarded`] door. Built here rather than with
/// `HttpServer` because that offers no way to wrap the connection.
fn serve(
    listener: TcpListener,
    state: web::Data<AppState>,
    workers: Option<usize>,
    head_timeout: Duration,
    closing: Arc<tokio::sync::Notify>,
) -> std::io::Result<Server> {
    use actix_http::{HttpService, KeepAlive};
    use actix_service::{fn_service, map_config, IntoServiceFactory, ServiceFactoryExt};
    use actix_web::dev::AppConfig;
    let addr = listener.local_addr()?;
    let mut builder = actix_server::Server::build().disable_signals().shutdown_timeout(SHUTDOWN_SECONDS).listen(
        "parley",
        listener,
        move || {
            let state = state.clone();
            let reader = state.db.local_reader();
            let identities = crate::auth::IdentityMemo::default();
            let answers = crate::api::memo::ResponseMemo::default();
            let cors = cors(&state.config, &state.public_url);
            let app = App::new()
                .app_data(state)
                .app_data(reader)
                .app_data(identities)
                .app_data(answers)
                .wrap(from_fn(strip_json_suffix))
                .wrap(cors)
                .wrap(from_fn(crate::metrics::observe))
                .configure(routes);
            let app = app.into_factory().map_err(|e: actix_web::Error| e.error_response());
            let closing = closing.clone();
            let http = HttpService::build()
                .keep_alive(KeepAlive::Timeout(KEEP_ALIVE))
                // The door times request heads (and answers in JSON).
                .client_request_timeout(Duration::ZERO)
                .client_disconnect_timeout(Duration::from_secs(3))
                .tcp_nodelay(true)
                .local_addr(addr)
                .graceful_shutdown_signal(move || {
                    let closing = closing.clone();
                    async move { closing.notified().await }
                })
                .h1(map_config(app, |_| AppConfig::default()));
            fn_service(move |io: actix_web::rt::net::TcpStream| {
                let peer = io.peer_addr().ok();
                std::future::ready(Ok::<_, actix_http::error::DispatchError>((
                    front::Guarded::new(io, head_timeout),
                    peer,
                )))
            })
            .and_then(http)
        },
    )?;
    if let Some(n) = workers {
        builder = builder.workers(n);
    }
    Ok(builder.run())
}

/// How long in-flight requests may take to finish once the server stops; the
/// rest of the 5 s a stop may take is the WAL checkpoint's.
pub const SHUTDOWN_SECONDS: u64 = 3;

/// The instance's messenger token from its key file, moving an older
/// version's token out of the database on the way (see `secret::messenger_key`).
pub fn messenger_token(db: &Db, data_dir: &std::path::Path) -> Result<String, StartError> {
    let legacy = db.read_blocking(settings::legacy_messenger_token)?;
    let moved = legacy.is_some();
    let token = crate::secret::messenger_key(data_dir, || legacy)
        .map_err(|source| StartError::Path { path: data_dir.join(crate::secret::MESSENGER_KEY_FILE), source })?;
    if moved {
        db.write_blocking(settings::forget_messenger_token)?;
        // The old row's page leaves the WAL and the file now (secure_delete zeroed it).
        db.checkpoint_blocking()?;
    }
    Ok(token)
}

/// Browser clients (the web messenger, help-center pages) call from other
/// origins; they authenticate with headers, never cookies, so by default any
/// origin may call (`--cors-origins` narrows it, `--cors-headers` adds headers).
/// Parley's own origin (that of `public_url`, where its browser apps live) is
/// always allowed.
fn cors(config: &ServeConfig, public_url: &str) -> actix_cors::Cors {
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

/// Declares the API's routes once: [`API_ROUTES`] lists them (the OpenAPI
/// document is checked against it) and `api_routes` registers them with
/// actix, each with a `405` for the methods it lacks. Routes are tried in
/// order, so the busiest come first (each dynamic pattern tried costs a
/// regex match).
macro_rules! api_routes {
    ($($path:literal $([$data:expr])? => $($method:ident: $handler:path),+;)*) => {
        /// Every route under `/api/v1`: its pattern (actix syntax) and methods.
        pub const API_ROUTES: &[(&str, &[&str])] = &[$(($path, &[$(stringify!($method)),+])),*];

        fn api_routes(cfg: &mut web::ServiceConfig) {
            $(cfg.service(
                web::resource($path)
                    $(.app_data(web::Data::new($data)))?
                    $(.route(web::$method().to($handler)))+
                    .default_service(web::to(|| async {
                        system::method_not_allowed(&[$(stringify!($method)),+])
                    })),
            );)*
        }
    };
}

api_routes! {
    "/conversations" => get: conversations::list, post: conversations::create;
    "/conversations/{id:\\d+}" => get: conversations::get, put: triage::update;
    "/conversations/{id}/messages" => get: messages::list, post: messages::create;
    "/conversations/starter" => get: messenger::starter;
    "/realtime" => get: realtime::sse;
    "/realtime/ws" => get: realtime::websocket;
    "/realtime/websocket" => get: crate::realtime::phoenix::socket;
    "/conversations/{id}/typing" => post: messenger::typing;
    "/conversations/forms" => get: forms::list_forms;
    "/conversations/forms/{id}" => get: forms::get_form;
    "/conversations/fields" => get: forms::list_fields;
    "/conversations/fields/{id}" => get: forms::get_field;
    "/conversations/{id}/participants" => get: conversations::participants;
    "/conversations/{id}/messages/{mid}" => get: messages::get, put: messages::update;
    "/conversations/{id}/ratings" => get: ratings::list, post: ratings::create;
    "/conversations/{id}/ratings/{rid}" => put: ratings::update;
    "/conversations/{id}/messages/{mid}/download_all" => get: attachments::download_all;
    "/conversations/{id}/messages/{mid}/attachments/{aid}" => get: attachments::get;
    "/conversations/{id}/messages/{mid}/attachments/{aid}/url" => get: attachments::view;
    "/conversations/{id}/messages/{mid}/attachments/{aid}/download" => get: attachments::download;
    "/conversations/{id}/messages/{mid}/attachments/{aid}/thumbnails/{tid}" => get: attachments::thumbnail;
    "/files" => post: files::create;
    "/files/{id}" => get: files::get;
    "/cases/ratings/{id}" => get: ratings::get;
    "/session" => get: session::get, delete: session::delete;
    "/users" => get: lookups::users, post: manage::create_user;
    "/users/{id}" => get: lookups::user, put: manage::update_user;
    "/users/{id}/password" => put: manage::set_password;
    "/teams" => get: lookups::teams, post: manage::create_team;
    "/teams/{id}" => get: lookups::team, put: manage::update_team, delete: manage::delete_team;
    "/teams/{id}/members" => get: manage::team_members, post: manage::add_team_members,
        delete: manage::remove_team_members;
    "/organizations" => get: manage::organizations, post: manage::create_organization;
    "/organizations/{id}" => get: manage::organization, put: manage::update_organization,
        delete: manage::delete_organization;
    "/organizations/{id}/members" => get: manage::organization_members;
    "/roles" => get: manage::roles;
    "/roles/{id}" => get: lookups::role;
    "/locales/fields/{id}" => get: lookups::locale_field;
    "/cases/statuses" [CaseLookup::Status] => get: lookups::case_list, post: manage::create_lookup;
    "/cases/statuses/{id}" [CaseLookup::Status] => get: lookups::case_get, put: manage::update_lookup,
        delete: manage::delete_lookup;
    "/cases/priorities" [CaseLookup::Priority] => get: lookups::case_list, post: manage::create_lookup;
    "/cases/priorities/{id}" [CaseLookup::Priority] => get: lookups::case_get, put: manage::update_lookup,
        delete: manage::delete_lookup;
    "/cases/types" [CaseLookup::Type] => get: lookups::case_list, post: manage::create_lookup;
    "/cases/types/{id}" [CaseLookup::Type] => get: lookups::case_get, put: manage::update_lookup,
        delete: manage::delete_lookup;
    "/cases/fields" => get: manage::list_fields, post: manage::create_field;
    "/cases/fields/{id}" => get: manage::get_field, put: manage::update_field, delete: manage::delete_field;
    "/cases/forms" => get: manage::list_forms, post: manage::create_form;
    "/cases/forms/{id}" => get: manage::get_form, put: manage::update_form, delete: manage::delete_form;
    "/settings" => get: manage::get_settings, put: manage::update_settings;
    "/messenger/token" => post: manage::rotate_messenger_token;
    "/audit" => get: manage::audit_log;
    // Also `/openapi.json`: the suffix is optional everywhere (see `strip_json_suffix`).
    "/openapi" => get: crate::api::openapi::serve;
}

/// A resource outside the API that answers GET (and `405` otherwise).
fn get_only<F, Args>(path: &str, handler: F) -> actix_web::Resource
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    web::resource(path)
        .route(web::get().to(handler))
        .default_service(web::to(|| async { system::method_not_allowed(&["get"]) }))
}

/// The whole route table.
pub fn routes(cfg: &mut web::ServiceConfig) {
    // The API first: the pages' patterns are regexes.
    cfg.service(
        web::scope("/api/v1")
            .wrap(from_fn(auth::identify))
            .wrap(from_fn(crate::api::shape::camel_errors))
            .configure(api_routes)
            .default_service(web::to(system::not_found)),
    )
    .service(get_only("/", pages::landing))
    .service(get_only("/messenger", pages::messenger))
    .service(get_only("/messenger/", pages::messenger))
    .service(get_only("/messenger/demo", pages::demo))
    .service(get_only("/messenger.js", pages::embed))
    .service(get_only("/agent", pages::agent))
    .service(get_only("/agent/", pages::agent))
    .service(get_only("/docs", pages::docs))
    .service(get_only("/docs/", pages::docs))
    .service(get_only("/assets/{build}/{path:.+}", pages::asset))
    .service(get_only("/healthz", system::healthz))
    .service(get_only("/metrics", crate::metrics::scrape))
    .service(get_only("/avatar/get/{uuid}", system::avatar))
    .default_service(web::to(system::not_found));
}

/// `/api/v1/conversations/1.json` and `/api/v1/conversations/1` are the same
/// resource: drop the suffix before routing.
async fn strip_json_suffix(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if let Some(stripped) = req.path().strip_suffix(".json") {
        let path_and_query = match req.query_string() {
            "" => stripped.to_owned(),
            q => format!("{stripped}?{q}"),
        };
        if let Ok(uri) = path_and_query.parse::<Uri>() {
            req.match_info_mut().get_mut().update(&uri);
            req.head_mut().uri = uri;
        }
    }
    next.call(req).await
}
