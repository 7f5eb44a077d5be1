//! The email channel's flags (flattened into `parley serve`).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;

/// How outgoing mail leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MailTransport {
    /// Each mail is written as an `.eml` file under `<data-dir>/mail/sent/`.
    File,
    /// Through the relay `--smtp-relay` names.
    Smtp,
}

/// `parley serve`'s mail flags.
#[derive(Debug, Clone, Args)]
pub struct MailConfig {
    /// The domain of the Message-IDs Parley writes (default: the default
    /// mailbox's domain).
    #[arg(long, env = "PARLEY_MAIL_DOMAIN")]
    pub mail_domain: Option<String>,

    /// How outgoing mail leaves: `file` (the default) writes `.eml` files
    /// under `<data-dir>/mail/sent/`; `smtp` sends through `--smtp-relay`.
    #[arg(long, env = "PARLEY_MAIL_TRANSPORT", value_enum, default_value = "file")]
    pub mail_transport: MailTransport,

    /// The relay for `--mail-transport smtp`: `smtp://host:port` (STARTTLS
    /// when offered), `smtps://user:pass@host:465` (TLS from the start).
    #[arg(long, env = "PARLEY_SMTP_RELAY", hide_env_values = true)]
    pub smtp_relay: Option<String>,

    /// Hours an outgoing mail is retried before it is marked failed on its message.
    #[arg(long, env = "PARLEY_MAIL_RETRY_HOURS", default_value_t = 48)]
    pub mail_retry_hours: i64,

    /// Seconds a messenger customer who gave an email has to see an agent's
    /// reply in the messenger before it is mailed to them.
    #[arg(long, env = "PARLEY_MAIL_OFFLINE_DELAY_SECONDS", default_value_t = 120)]
    pub mail_offline_delay_seconds: i64,

    /// Seconds an agent's notification stays unread before it is mailed to
    /// them (by their preferences), with their others still unread in one mail.
    #[arg(long, env = "PARLEY_NOTIFICATION_MAIL_DELAY_SECONDS", default_value_t = 300)]
    pub notification_mail_delay_seconds: i64,

    /// Mails one address may be sent per hour, in all; more wait (0: no limit).
    #[arg(long, env = "PARLEY_MAIL_PER_ADDRESS_PER_HOUR", default_value_t = 60)]
    pub mail_per_address_per_hour: i64,

    /// Mails one address may be sent per hour from one conversation; more wait (0: no limit).
    #[arg(long, env = "PARLEY_MAIL_PER_CONVERSATION_PER_HOUR", default_value_t = 20)]
    pub mail_per_conversation_per_hour: i64,

    /// Where the embedded SMTP receiver listens (`127.0.0.1:2525`); off when unset.
    #[arg(long, env = "PARLEY_SMTP_LISTEN")]
    pub smtp_listen: Option<SocketAddr>,

    /// A PEM certificate chain: the SMTP receiver then offers STARTTLS.
    #[arg(long, env = "PARLEY_SMTP_TLS_CERT", requires = "smtp_tls_key")]
    pub smtp_tls_cert: Option<PathBuf>,

    /// The PEM private key of `--smtp-tls-cert`.
    #[arg(long, env = "PARLEY_SMTP_TLS_KEY", requires = "smtp_tls_cert")]
    pub smtp_tls_key: Option<PathBuf>,

    /// SMTP sessions the receiver holds at once, in all.
    #[arg(long, env = "PARLEY_SMTP_MAX_SESSIONS", default_value_t = 32)]
    pub smtp_max_sessions: usize,

    /// SMTP sessions one client address may hold at once.
    #[arg(long, env = "PARLEY_SMTP_SESSIONS_PER_ADDRESS", default_value_t = 4)]
    pub smtp_sessions_per_address: usize,

    /// Largest mail accepted, in bytes (the SMTP receiver answers `552`).
    #[arg(long, env = "PARLEY_MAX_MAIL_BYTES", default_value_t = 25 * 1024 * 1024)]
    pub max_mail_bytes: usize,

    /// A mailbox to poll: `imaps://user:pass@host/INBOX` (or `imap://` on a
    /// trusted network); off when unset.
    #[arg(long, env = "PARLEY_IMAP_URL", hide_env_values = true)]
    pub imap_url: Option<String>,

    /// Seconds between IMAP polls.
    #[arg(long, env = "PARLEY_IMAP_POLL_SECONDS", default_value_t = 60)]
    pub imap_poll_seconds: u64,

    /// Days the file transport's `.eml` files (`mail/sent/`) and refused
    /// spooled mail (`mail/spool/refused/`) are kept (0: for ever).
    #[arg(long, env = "PARLEY_MAIL_FILES_KEEP_DAYS", default_value_t = 30)]
    pub mail_files_keep_days: u64,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            mail_domain: None,
            mail_transport: MailTransport::File,
            smtp_relay: None,
            mail_retry_hours: 48,
            mail_offline_delay_seconds: 120,
            notification_mail_delay_seconds: 300,
            mail_per_address_per_hour: 60,
            mail_per_conversation_per_hour: 20,
            smtp_listen: None,
            smtp_tls_cert: None,
            smtp_tls_key: None,
            smtp_max_sessions: 32,
            smtp_sessions_per_address: 4,
            max_mail_bytes: 25 * 1024 * 1024,
            imap_url: None,
            imap_poll_seconds: 60,
            mail_files_keep_days: 30,
        }
    }
}
