//! Command line and environment configuration, parsed once in `main` and passed down.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

mod database;
mod file;
mod mail;
use database::primary_url;
pub use database::{Durability, WalCheckpoints};
pub use file::{config_path, load_file};
pub use mail::{MailConfig, MailTransport};

/// Parley: a self-hosted server for the customer-facing Kayako Conversations API.
#[derive(Debug, Parser)]
#[command(name = "parley", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// How log lines are written to standard error: `pretty` (coloured only on
    /// a terminal) or `json` (one object per line, for log collectors).
    #[arg(long, global = true, env = "PARLEY_LOG_FORMAT", value_enum, default_value = "pretty")]
    pub log_format: LogFormat,
    /// A TOML file of settings (`bind = "0.0.0.0:8080"`, ...), each key a flag's
    /// name; the environment and flags override it.
    #[arg(long, global = true, env = "PARLEY_CONFIG")]
    pub config: Option<PathBuf>,
}

/// `--log-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API.
    Serve(Box<ServeConfig>),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Write a consistent backup of the instance (database, attachments,
    /// messenger key) to one file; safe while the server runs.
    Backup {
        /// The archive to write (a zip).
        file: PathBuf,
        /// Directory holding `parley.db`.
        #[arg(long, env = "PARLEY_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
    },
    /// Restore a backup into an empty data directory.
    Restore {
        /// The archive `parley backup` wrote.
        file: PathBuf,
        /// The data directory to restore into; it must hold no database.
        #[arg(long, env = "PARLEY_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
    },
    /// Export the whole instance (users, organizations, teams, conversations,
    /// messages, ratings, fields, forms, settings, attachments, the messenger
    /// key) as one portable archive; safe while the server runs.
    Export {
        /// The archive to write (a zip of JSON Lines and files).
        file: PathBuf,
        /// Directory holding `parley.db`.
        #[arg(long, env = "PARLEY_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
    },
    /// Import an export, with the server stopped: into an empty instance (or a
    /// new data directory) it reproduces every row; into one with users or
    /// conversations only with --merge.
    Import {
        /// The archive `parley export` wrote.
        file: PathBuf,
        /// The data directory to import into (created when missing).
        #[arg(long, env = "PARLEY_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
        /// Add the export to an instance that already has data: what both hold
        /// (users by email, conversations by UUID, ...) stays as it is here.
        #[arg(long)]
        merge: bool,
    },
    /// Build a large instance for measuring at scale: the demo plus generated
    /// customers, conversations and messages, in a new data directory.
    Gen(GenArgs),
    /// Check a configuration file: unknown keys and bad values.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// The email channel.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Print the instance's messenger token (generated on first use), the secret
    /// your backend signs messenger identities with.
    MessengerToken {
        /// Directory holding `parley.db`.
        #[arg(long, env = "PARLEY_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
        /// Create a new instance when the directory holds none (otherwise refused,
        /// so that a mistyped `--data-dir` does not print a token no server uses).
        #[arg(long)]
        init: bool,
    },
}

/// `parley mail ...`.
#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Take one mail (RFC 5322) for the server, from a file or standard
    /// input: an MTA's pipe delivery (Postfix `mailbox_command`, an alias).
    /// It is checked, then left in the data directory's spool, which the
    /// server drains (at once, or when it next starts). Exits 65 for a mail
    /// it refuses, 75 when it could not be stored (the MTA retries).
    Ingest {
        /// The mail; `-` (the default) reads standard input.
        #[arg(default_value = "-")]
        file: PathBuf,
        /// Directory holding `parley.db`.
        #[arg(long, env = "PARLEY_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
        /// Largest mail accepted, in bytes.
        #[arg(long, env = "PARLEY_MAX_MAIL_BYTES", default_value_t = 25 * 1024 * 1024)]
        max_mail_bytes: usize,
    },
}

/// `parley config ...`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Report unknown keys and bad values in the file `--config` names;
    /// exits 1 when there are any.
    Check,
}

/// `parley user ...`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user who can sign in (e.g. the instance's first owner or an agent).
    Add(AddUser),
}

/// `parley user add`.
#[derive(Debug, Clone, Args)]
pub struct AddUser {
    /// Directory holding `parley.db`.
    #[arg(long, env = "PARLEY_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Full name.
    #[arg(long)]
    pub name: String,
    /// Email, used to sign in.
    #[arg(long)]
    pub email: String,
    /// OWNER, ADMIN, AGENT, COLLABORATOR or CUSTOMER.
    #[arg(long, default_value = "AGENT")]
    pub role: String,
    /// Organization name (created if missing).
    #[arg(long)]
    pub organization: Option<String>,
    /// Password; when absent it is read from the first line of standard input.
    #[arg(long, env = "PARLEY_USER_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// Create a new instance when the directory holds none (otherwise refused,
    /// so that a mistyped `--data-dir` does not add a user no server sees).
    #[arg(long)]
    pub init: bool,
}

/// Everything `parley serve` needs.
#[derive(Debug, Clone, Args)]
pub struct ServeConfig {
    /// Directory holding `parley.db` and `attachments/`; created if missing.
    #[arg(long, env = "PARLEY_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// Address and port to listen on.
    #[arg(long, env = "PARLEY_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Base of every `resource_url` (default: `http://<bind>`).
    #[arg(long, env = "PARLEY_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Load the demo data into an empty database (a no-op when it is already there).
    #[arg(long, env = "PARLEY_DEMO", action = clap::ArgAction::SetTrue,
          value_parser = clap::builder::BoolishValueParser::new())]
    pub demo: bool,

    /// Weeks of past conversations the demo adds (answered, completed and
    /// rated with a weekday rhythm), so that insights have a history to
    /// show; 0 for none.
    #[arg(long, env = "PARLEY_DEMO_HISTORY_WEEKS", default_value_t = 12)]
    pub demo_history_weeks: u32,

    /// Seconds of inactivity after which a session expires.
    #[arg(long, env = "PARLEY_SESSION_TTL", default_value_t = 86_400)]
    pub session_ttl: i64,

    /// Largest attachment, in bytes.
    #[arg(long, env = "PARLEY_MAX_FILE_BYTES", default_value_t = 20 * 1024 * 1024)]
    pub max_file_bytes: u64,

    /// Largest request body carrying files, in bytes.
    #[arg(long, env = "PARLEY_MAX_REQUEST_BYTES", default_value_t = 50 * 1024 * 1024)]
    pub max_request_bytes: u64,

    /// Most files one message may carry.
    #[arg(long, env = "PARLEY_MAX_FILES_PER_MESSAGE", default_value_t = 10)]
    pub max_files_per_message: usize,

    /// Milliseconds one search may take before it is stopped (a `400` asks
    /// for more words or longer prefixes).
    #[arg(long, env = "PARLEY_SEARCH_TIMEOUT_MS", default_value_t = 2000)]
    pub search_timeout_ms: u64,

    /// Seconds between heartbeats on idle realtime connections.
    #[arg(long, env = "PARLEY_HEARTBEAT_SECONDS", default_value_t = 20)]
    pub heartbeat_seconds: u64,

    /// Origins browsers may call the API from (`https://shop.example`, ...),
    /// comma-separated; `*` (the default) allows any, which is safe because
    /// Parley authenticates with headers, never cookies.
    #[arg(long, env = "PARLEY_CORS_ORIGINS", value_delimiter = ',', default_value = "*",
          value_parser = parse_origin)]
    pub cors_origins: Vec<String>,

    /// Request headers browsers may send besides Parley's own (which are
    /// always allowed), comma-separated, e.g. `X-Client-Version`.
    #[arg(long, env = "PARLEY_CORS_HEADERS", value_delimiter = ',', value_parser = parse_header_name)]
    pub cors_headers: Vec<String>,

    /// Bearer token that `GET /metrics` asks for; without one, only loopback
    /// clients may read the metrics.
    #[arg(long, env = "PARLEY_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// Seconds a Phoenix socket (Kayako's mobile realtime protocol) may stay
    /// silent before it is closed; its clients send a heartbeat every few seconds.
    #[arg(long, env = "PARLEY_SOCKET_TIMEOUT_SECONDS", default_value_t = 60)]
    pub socket_timeout_seconds: u64,

    /// `full` (the default) flushes every commit to the disk before answering,
    /// so an acknowledged write survives a power loss; `normal` leaves the flush
    /// to the operating system: faster on slow disks, and an acknowledged write
    /// survives a crash of Parley but not of the machine.
    #[arg(long, env = "PARLEY_DURABILITY", value_enum, default_value = "full")]
    pub durability: Durability,

    /// Who checkpoints the WAL: `parley` (the default) copies it into the
    /// file and starts it over itself; `external` leaves that to a process
    /// that reads the WAL, such as Litestream (`litestream replicate -exec
    /// "parley serve --wal-checkpoints external"`): Parley then never
    /// truncates or restarts the WAL, and only ever runs PASSIVE checkpoints.
    #[arg(long, env = "PARLEY_WAL_CHECKPOINTS", value_enum, default_value = "parley")]
    pub wal_checkpoints: WalCheckpoints,

    /// Serve a warm standby: the data directory's `parley.db` is kept current
    /// by `litestream restore -f`, and Parley only reads it (every `GET`, the
    /// apps, realtime); writes are answered `503 READ_ONLY`, sessions signed
    /// in here are held in memory, and there is no writer, no migration and
    /// no checkpoint.
    #[arg(long, env = "PARLEY_READ_ONLY")]
    pub read_only: bool,

    /// The primary's URL, named in a standby's `503 READ_ONLY` so that
    /// clients know where to write.
    #[arg(long, env = "PARLEY_PRIMARY_URL", value_parser = primary_url)]
    pub primary_url: Option<String>,

    /// Worker threads serving HTTP (default: one per core).
    #[arg(long, env = "PARLEY_WORKERS")]
    pub workers: Option<usize>,

    /// Bytes of request text (JSON, urlencoded, multipart text parts) held in
    /// memory at once across all requests; beyond it requests are answered `503`.
    #[arg(long, env = "PARLEY_MAX_BUFFERED_TEXT_BYTES", default_value_t = 256 * 1024 * 1024)]
    pub max_buffered_text_bytes: usize,

    /// Seconds a client may take to send a request's head (from connecting, or
    /// from its first byte); slower clients are answered `408`.
    #[arg(long, env = "PARLEY_HEAD_TIMEOUT_SECONDS", default_value_t = 5)]
    pub head_timeout_seconds: u64,

    /// Seconds a request body may stall; a body must also average 1 KiB/s,
    /// and a slower one is answered `408` and its connection closed.
    #[arg(long, env = "PARLEY_BODY_IDLE_TIMEOUT_SECONDS", default_value_t = 30)]
    pub body_idle_timeout_seconds: u64,

    /// Connections one client address (an IPv6 address by its /64) may hold
    /// open at once; trusted proxies are not counted (0: no limit).
    #[arg(long, env = "PARLEY_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = 256)]
    pub max_connections_per_address: usize,

    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed
    /// (comma-separated); sign-in throttling and rate limits then apply to
    /// the client behind them.
    #[arg(long, env = "PARLEY_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// Conversations one address may start per hour without signing in (0: no limit).
    #[arg(long, env = "PARLEY_CONVERSATIONS_PER_HOUR_PER_ADDRESS", default_value_t = 30)]
    pub conversations_per_hour_per_address: u64,

    /// Conversations one messenger device may start per hour (0: no limit).
    #[arg(long, env = "PARLEY_CONVERSATIONS_PER_HOUR_PER_DEVICE", default_value_t = 10)]
    pub conversations_per_hour_per_device: u64,

    /// Messages one customer, device or address may send per hour; staff are not limited (0: no limit).
    #[arg(long, env = "PARLEY_MESSAGES_PER_HOUR", default_value_t = 300)]
    pub messages_per_hour: u64,

    /// Bytes of files one customer or device, and one address (an IPv6
    /// address by its /64), may upload per hour (0: no limit).
    #[arg(long, env = "PARLEY_UPLOAD_BYTES_PER_HOUR", default_value_t = 500 * 1024 * 1024)]
    pub upload_bytes_per_hour: u64,

    /// Seconds an upload (`POST /files`) may wait to be attached to a message
    /// before it is deleted.
    #[arg(long, env = "PARLEY_UNATTACHED_FILE_SECONDS", default_value_t = 3600)]
    pub unattached_file_seconds: i64,

    /// Bytes of uploads not yet attached to a message that one address may
    /// hold (0: no limit).
    #[arg(long, env = "PARLEY_MAX_UNATTACHED_BYTES_PER_ADDRESS", default_value_t = 256 * 1024 * 1024)]
    pub max_unattached_bytes_per_address: u64,

    /// Bytes of uploads not yet attached to a message that the whole instance
    /// may hold (0: no limit).
    #[arg(long, env = "PARLEY_MAX_UNATTACHED_BYTES", default_value_t = 4 * 1024 * 1024 * 1024)]
    pub max_unattached_bytes: u64,

    /// How messenger identity signatures are computed: `v2` (the default)
    /// over length-prefixed fields; `kayako` also accepts Kayako's
    /// `name + email + token + timestamp`, which cannot tell where the name
    /// ends and the email begins (see README).
    #[arg(long, env = "PARLEY_IDENTITY_SIGNATURES", value_enum, default_value = "v2")]
    pub identity_signatures: IdentitySignatures,

    /// Seconds a verified messenger device stays verified; each new
    /// signature starts the time again.
    #[arg(long, env = "PARLEY_IDENTITY_LIFETIME_SECONDS", default_value_t = 7 * 86_400)]
    pub identity_lifetime_seconds: i64,

    /// The email channel.
    #[command(flatten)]
    pub mail: MailConfig,

    /// The clock the API stamps what it writes with: the system's, or one a
    /// test sets (never from the command line).
    #[arg(skip)]
    pub clock: Clock,
}

impl ServeConfig {
    /// A configuration with every default, for a data directory.
    pub fn with_data_dir(data_dir: PathBuf) -> Self {
        ServeConfig {
            data_dir,
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            demo: false,
            demo_history_weeks: 12,
            session_ttl: 86_400,
            max_file_bytes: 20 * 1024 * 1024,
            max_request_bytes: 50 * 1024 * 1024,
            max_files_per_message: 10,
            search_timeout_ms: 2000,
            heartbeat_seconds: 20,
            socket_timeout_seconds: 60,
            metrics_token: None,
            cors_origins: vec!["*".into()],
            cors_headers: Vec::new(),
            durability: Durability::Full,
            wal_checkpoints: WalCheckpoints::Parley,
            read_only: false,
            primary_url: None,
            workers: None,
            max_buffered_text_bytes: 256 * 1024 * 1024,
            head_timeout_seconds: 5,
            body_idle_timeout_seconds: 30,
            max_connections_per_address: 256,
            trusted_proxies: Vec::new(),
            conversations_per_hour_per_address: 30,
            conversations_per_hour_per_device: 10,
            messages_per_hour: 300,
            upload_bytes_per_hour: 500 * 1024 * 1024,
            unattached_file_seconds: 3600,
            max_unattached_bytes_per_address: 256 * 1024 * 1024,
            max_unattached_bytes: 4 * 1024 * 1024 * 1024,
            identity_signatures: IdentitySignatures::V2,
            identity_lifetime_seconds: 7 * 86_400,
            mail: MailConfig::default(),
            clock: Clock::default(),
        }
    }

    /// The attachments directory.
    pub fn attachments_dir(&self) -> PathBuf {
        self.data_dir.join("attachments")
    }

    /// The path of the SQLite database.
    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("parley.db")
    }
}

/// `*`, or an origin: `http(s)://host[:port]`, nothing after.
fn parse_origin(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s == "*" {
        return Ok(s.to_owned());
    }
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(['/', '?', '#', ' ']) => Ok(s.to_owned()),
        _ => Err(format!("{s:?} is not an origin: write it as https://host or http://host:port")),
    }
}

/// A request header name, lowercase.
fn parse_header_name(s: &str) -> Result<String, String> {
    let s = s.trim().to_ascii_lowercase();
    actix_web::http::header::HeaderName::from_bytes(s.as_bytes())
        .map(|_| s.clone())
        .map_err(|_| format!("{s:?} is not a header name"))
}

/// What to generate.
#[derive(Debug, Clone, Args)]
pub struct GenArgs {
    /// Directory to create the instance in; it must hold no database yet.
    #[arg(long, env = "PARLEY_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Conversations to add to the demo's.
    #[arg(long, default_value_t = 100_000)]
    pub conversations: u64,
    /// Messages to add; one conversation gets 1,000 of them, every other at least one.
    #[arg(long, default_value_t = 1_000_000)]
    pub messages: u64,
    /// Seed of the generator: the same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// The time the API writes as "now", in Unix seconds: the system's clock,
/// or a set one that a test moves, so a scenario can be written at known
/// times through the API itself.
#[derive(Debug, Clone, Default)]
pub struct Clock(Option<std::sync::Arc<std::sync::atomic::AtomicI64>>);

impl Clock {
    /// A clock that reads `at` until it is [`set`](Clock::set) again.
    pub fn set_at(at: i64) -> Clock {
        Clock(Some(std::sync::Arc::new(std::sync::atomic::AtomicI64::new(at))))
    }

    /// Moves a set clock (a system clock cannot be moved).
    pub fn set(&self, at: i64) {
        if let Some(t) = &self.0 {
            t.store(at, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// The current time in Unix seconds.
    pub fn now(&self) -> i64 {
        match &self.0 {
            Some(t) => t.load(std::sync::atomic::Ordering::SeqCst),
            None => chrono::Utc::now().timestamp(),
        }
    }
}

/// Which messenger identity signatures verify a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum IdentitySignatures {
    /// HMAC-SHA256 over `v2|<name bytes>|<name>|<email bytes>|<email>|<timestamp>`.
    V2,
    /// V2, or Kayako's HMAC over `name + email + token + timestamp`.
    Kayako,
}
