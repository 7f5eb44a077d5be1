//! Start-up and stop: the application is built from the configuration
//! (state, data directory, database, demo), bound, run and stopped here. The
//! listener is bound before the server starts, so tests can ask for port 0 and
//! learn the real port without sleeping. The route table is [`routes`]; the
//! front door that guards every connection is [`front`].

pub mod cors;
mod framing;
pub mod front;
pub mod observe;
pub mod routes;

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App};

use crate::config::ServeConfig;
use crate::db::migrate::DemoOutcome;
use crate::db::Db;
use crate::realtime::Hub;
use crate::state::{lock_data_dir, messenger_token, AppState, StartError, LOCK_FILE};
use crate::storage::Storage;

/// A bound, not yet running server.
pub struct Application {
    server: Server,
    port: u16,
    state: web::Data<AppState>,
    closing: Arc<tokio::sync::Notify>,
    mail: MailParts,
}

/// The email channel's parts that run beside the HTTP server.
struct MailParts {
    transport: Arc<crate::mail::transport::Transport>,
    smtp: Option<crate::mail::smtp_in::Receiver>,
    imap: Option<crate::mail::imap_in::Account>,
    stopping: tokio::sync::watch::Sender<bool>,
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
        let opened = if config.read_only {
            if config.demo {
                return Err(StartError::Conflict("--read-only serves a standby's copy: --demo cannot load into it"));
            }
            Db::open_standby(&config.db_path()).map(|db| (db, None))
        } else {
            Db::open_with(&config.db_path(), config.demo, config.durability, config.wal_checkpoints)
        };
        let (db, demo) = opened.map_err(|source| StartError::Database { path: config.db_path(), source })?;
        match demo {
            Some(DemoOutcome::Loaded) => {
                crate::demo::attach_files(&db, &storage)?;
                crate::demo::history(&db, config.demo_history_weeks)?;
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
        let workers = config.workers;
        let limits = crate::limits::RateLimits::new(&config);
        let text_budget = config.max_buffered_text_bytes;
        let openapi = crate::api::openapi::document(&public_url).to_string().into();
        let limits_of_files = crate::mail::FileLimits {
            max_file_bytes: config.max_file_bytes,
            max_files_per_message: config.max_files_per_message,
        };
        let mail = Arc::new(crate::mail::Mail::new(config.mail.clone(), config.data_dir.clone(), limits_of_files));
        let transport =
            crate::mail::transport::Transport::from_config(&config.mail, mail.sent_dir()).map_err(StartError::Mail)?;
        let smtp = match config.mail.smtp_listen {
            // A standby could not keep the mail it took: the primary receives it.
            _ if config.read_only => None,
            None => None,
            Some(addr) => {
                let listener = std::net::TcpListener::bind(addr).map_err(|source| StartError::Bind { addr, source })?;
                let receiver = crate::mail::smtp_in::Receiver::new(listener, &config.mail).map_err(StartError::Mail)?;
                tracing::info!(smtp = %receiver.local_addr()?, "receiving mail");
                Some(receiver)
            }
        };
        if config.read_only {
            tracing::info!(%public_url, data_dir = %config.data_dir.display(), "listening as a read-only standby");
        } else {
            tracing::info!(%public_url, data_dir = %config.data_dir.display(), "listening");
        }
        let state = web::Data::new(AppState {
            db,
            config,
            public_url,
            login_throttle: Default::default(),
            hasher: crate::secret::password::Hasher::for_this_machine(),
            limits,
            sockets: Default::default(),
            web_build: crate::web::build_id(),
            openapi,
            text_budget: Arc::new(crate::limits::TextBudget::new(text_budget)),
            storage,
            hub: Arc::new(Hub::default()),
            mail,
            metrics: crate::metrics::Metrics::default(),
            messenger_token: std::sync::RwLock::new(messenger_token),
            reply_time: Default::default(),
            data_lock,
            standby_sessions: Default::default(),
        });
        let closing = Arc::new(tokio::sync::Notify::new());
        let door = front::Door {
            head_timeout: Duration::from_secs(state.config.head_timeout_seconds.max(1)),
            body_idle: Duration::from_secs(state.config.body_idle_timeout_seconds.max(1)),
        };
        let server = serve(listener, state.clone(), workers, door, closing.clone())?;
        let hub = state.hub.clone();
        // Replicated events reach the standby's subscribers as they arrive.
        state.db.on_follow(move || hub.wake());
        let imap = state
            .config
            .mail
            .imap_url
            .as_deref()
            .filter(|_| !state.config.read_only)
            .map(crate::mail::imap_in::Account::parse)
            .transpose()
            .map_err(StartError::Mail)?;
        let (stopping, _) = tokio::sync::watch::channel(false);
        let mail = MailParts { transport: Arc::new(transport), smtp, imap, stopping };
        Ok(Application { server, port, state, closing, mail })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port the SMTP receiver is bound to, if it runs.
    pub fn smtp_port(&self) -> Option<u16> {
        self.mail.smtp.as_ref().and_then(|r| r.local_addr().ok()).map(|a| a.port())
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
        if self.state.config.read_only {
            return self.run_standby().await;
        }
        let sweeper = actix_web::rt::spawn(crate::sweep::every(
            self.state.clone(),
            crate::sweep::interval(self.state.config.unattached_file_seconds),
        ));
        let fetcher = actix_web::rt::spawn(self.state.hub.clone().run(self.state.db.clone()));
        let state = &self.state;
        let pipeline = crate::mail::ingest::Pipeline {
            mail: state.mail.clone(),
            db: state.db.clone(),
            storage: state.storage.clone(),
            hub: state.hub.clone(),
            public_url: state.public_url.clone(),
        };
        let sender = crate::mail::send::Sender {
            mail: state.mail.clone(),
            db: state.db.clone(),
            storage: state.storage.clone(),
            hub: state.hub.clone(),
            transport: self.mail.transport.clone(),
            public_url: state.public_url.clone(),
        };
        let sending = actix_web::rt::spawn(sender.run());
        let spool = actix_web::rt::spawn(crate::mail::spool::drain(pipeline.clone()));
        let receiving =
            self.mail.smtp.map(|r| actix_web::rt::spawn(r.run(pipeline.clone(), self.mail.stopping.subscribe())));
        let every = Duration::from_secs(state.config.mail.imap_poll_seconds.max(1));
        let polling =
            self.mail.imap.map(|a| actix_web::rt::spawn(crate::mail::imap_in::poll(pipeline.clone(), a, every)));
        let stopping = self.mail.stopping;
        let result = self.server.await;
        // Mail being received finishes; then nothing more is taken.
        let _ = stopping.send(true);
        if let Some(receiving) = receiving {
            let _ = receiving.await;
        }
        sweeper.abort();
        fetcher.abort();
        sending.abort();
        spool.abort();
        if let Some(polling) = polling {
            polling.abort();
        }
        let external = self.state.config.wal_checkpoints == crate::config::WalCheckpoints::External;
        match self.state.db.checkpoint().await {
            // Committed pages may stay in the WAL, which is as durable: its owner checkpoints it.
            Ok(_) if external => tracing::info!("stopped; the WAL is left to its owner (--wal-checkpoints external)"),
            Ok(true) => tracing::info!("stopped; the database file holds everything"),
            Ok(false) => tracing::warn!("stopped; the WAL could not be checkpointed completely"),
            Err(e) => tracing::warn!(error = %e, "stopped; checkpointing the WAL failed"),
        }
        result
    }
}

impl Application {
    /// A standby serves and feeds realtime subscribers from the replicated
    /// log; it sweeps, sends and receives nothing, as all of those write.
    async fn run_standby(self) -> std::io::Result<()> {
        let fetcher = actix_web::rt::spawn(self.state.hub.clone().run(self.state.db.clone()));
        let result = self.server.await;
        fetcher.abort();
        tracing::info!("stopped; the standby's copy is left to its follower");
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
    door: front::Door,
    closing: Arc<tokio::sync::Notify>,
) -> std::io::Result<Server> {
    use actix_http::{HttpService, KeepAlive};
    use actix_service::{fn_service, map_config, IntoServiceFactory, ServiceFactoryExt};
    use actix_web::dev::AppConfig;
    let addr = listener.local_addr()?;
    let connections = crate::limits::Connections::new(state.config.max_connections_per_address);
    // Trusted proxies carry everyone's connections: cap those in the proxy.
    let trusted = state.config.trusted_proxies.clone();
    let mut builder = actix_server::Server::build().disable_signals().shutdown_timeout(SHUTDOWN_SECONDS).listen(
        "parley",
        listener,
        move || {
            let state = state.clone();
            let reader = state.db.local_reader();
            let identities = crate::auth::IdentityMemo::default();
            let answers = crate::api::memo::ResponseMemo::default();
            let cors = cors::cors(&state.config, &state.public_url);
            let app = App::new()
                .app_data(state)
                .app_data(reader)
                .app_data(identities)
                .app_data(answers)
                .wrap(from_fn(routes::strip_json_suffix))
                .wrap(cors)
                .wrap(from_fn(observe::observe))
                .configure(routes::routes);
            let app = app.into_factory().map_err(|e: actix_web::Error| e.error_response());
            let closing = closing.clone();
            let (connections, trusted) = (connections.clone(), trusted.clone());
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
                let counted = peer.map(|p| p.ip()).filter(|ip| !trusted.contains(ip)).map(crate::limits::group);
                let ticket = connections
                    .open(counted, "Too many connections from your address are open at once; close some and try again");
                std::future::ready(Ok::<_, actix_http::error::DispatchError>((
                    front::Guarded::new(io, door, ticket),
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
