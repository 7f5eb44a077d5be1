//! The email channel. Mail in: one pipeline (`ingest`) behind three doors,
//! the SMTP receiver (`smtp_in`), IMAP polling (`imap_in`) and the spool
//! that `parley mail ingest` drops mail into (`spool`). Mail out: a reply
//! queues a row of the outbox in its own transaction (`outbox`); the sender
//! (`send`) builds each mail (`compose`) and hands it to the transport
//! (`transport`); each of its passes also queues agents' notifications still
//! unread after a delay, one mail per agent (`digest`). Reading a mail
//! (`parse`, `quote`, `html`) is pure. Below the API: nothing here knows HTTP.

use std::path::PathBuf;
use tokio::sync::Notify;

use crate::config::MailConfig;

pub mod compose;
pub mod content;
pub mod digest;
pub mod html;
pub mod imap_in;
pub mod ingest;
pub mod outbox;
pub mod parse;
pub mod quote;
pub mod send;
pub mod smtp_in;
pub mod spool;
pub mod thread;
pub mod transport;

/// The mail service the server holds: its settings and the bell that wakes
/// the sender.
pub struct Mail {
    /// The flags it started with.
    pub config: MailConfig,
    /// The data directory (`mail/spool/`, `mail/sent/` under it).
    pub data_dir: PathBuf,
    /// Largest attachment, and most files a message carries (the server's limits).
    pub limits: FileLimits,
    outbox: Notify,
}

/// The attachment limits mail is held to, as uploads are.
#[derive(Debug, Clone, Copy)]
pub struct FileLimits {
    /// Largest file, in bytes.
    pub max_file_bytes: u64,
    /// Most files one message carries.
    pub max_files_per_message: usize,
}

impl Mail {
    /// The service for a data directory.
    pub fn new(config: MailConfig, data_dir: PathBuf, limits: FileLimits) -> Mail {
        Mail { config, data_dir, limits, outbox: Notify::new() }
    }

    /// Tells the sender that mail was queued.
    pub fn wake(&self) {
        self.outbox.notify_one();
    }

    /// What the sender waits on.
    pub(crate) fn outbox_bell(&self) -> &Notify {
        &self.outbox
    }

    /// Where `parley mail ingest` leaves mail for the server.
    pub fn spool_dir(&self) -> PathBuf {
        spool::dir(&self.data_dir)
    }

    /// Where the file transport writes what it sends.
    pub fn sent_dir(&self) -> PathBuf {
        self.data_dir.join("mail").join("sent")
    }

    /// Removes the file transport's mails and refused spooled mail older than
    /// `--mail-files-keep-days`; returns how many went.
    pub fn prune_files(&self) -> usize {
        let days = self.config.mail_files_keep_days;
        if days == 0 {
            return 0;
        }
        let Some(cutoff) = std::time::SystemTime::now().checked_sub(std::time::Duration::from_secs(days * 86_400))
        else {
            return 0;
        };
        let mut removed = 0;
        for dir in [self.sent_dir(), self.spool_dir().join("refused")] {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let old = entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| t < cutoff);
                if old && entry.path().is_file() && std::fs::remove_file(entry.path()).is_ok() {
                    removed += 1;
                }
            }
        }
        removed
    }
}

/// A TLS client trusting the webpki roots (IMAP over TLS, `smtps://` relays).
pub(crate) fn tls_client() -> Result<tokio_rustls::TlsConnector, String> {
    use tokio_rustls::rustls;
    let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    // ring, as lettre's client uses: no C toolchain beyond the one `bundled` SQLite needs.
    #[allow(deprecated)]
    let provider = rustls::crypto::ring::default_provider();
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(std::sync::Arc::new(config)))
}

/// The domain of an address (after its last `@`), lowercased.
pub fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map_or("", |(_, d)| d)
}

/// An address without its `+tag`, and the tag.
pub fn split_plus(address: &str) -> (String, Option<String>) {
    let Some((local, domain)) = address.rsplit_once('@') else { return (address.to_owned(), None) };
    match local.split_once('+') {
        Some((base, tag)) if !tag.is_empty() => (format!("{base}@{domain}"), Some(tag.to_ascii_lowercase())),
        _ => (address.to_owned(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_tags_are_split_off() {
        assert_eq!(
            split_plus("support+abc123@brewfictus.com"),
            ("support@brewfictus.com".into(), Some("abc123".into()))
        );
        assert_eq!(split_plus("support@brewfictus.com"), ("support@brewfictus.com".into(), None));
        assert_eq!(domain_of("a@B.example"), "B.example");
    }
}
