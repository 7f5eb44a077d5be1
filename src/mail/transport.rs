//! Where outgoing mail goes: `.eml` files in the data directory (the
//! default: a demo or a laptop needs nothing else), or an SMTP relay through
//! `lettre` (pooled connections, STARTTLS when the relay offers it, TLS from
//! the start for `smtps://`).

use std::path::PathBuf;

use lettre::address::Envelope;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::config::{MailConfig, MailTransport};

/// A transport, ready to send.
pub enum Transport {
    /// Writes each mail to `<dir>/<name>.eml`.
    File(PathBuf),
    /// Sends through a relay.
    Smtp(Box<AsyncSmtpTransport<Tokio1Executor>>),
}

/// Why a mail was not sent.
#[derive(Debug)]
pub enum Failure {
    /// Try again later (a 4xx, a connection that failed, a full disk).
    Transient(String),
    /// Never (a 5xx from the relay).
    Permanent(String),
}

impl Transport {
    /// The transport the flags name. A relay URL is only checked here; its
    /// connections open when mail is sent.
    pub fn from_config(config: &MailConfig, sent_dir: PathBuf) -> Result<Transport, String> {
        match config.mail_transport {
            MailTransport::File => Ok(Transport::File(sent_dir)),
            MailTransport::Smtp => {
                let url = config.smtp_relay.as_deref().ok_or("--mail-transport smtp needs --smtp-relay")?;
                Ok(Transport::Smtp(Box::new(relay(url)?)))
            }
        }
    }

    /// Sends `raw` to `recipients`; `name` is unique per mail (the file
    /// transport's file name, so a retry after a crash writes no second file).
    pub async fn send(&self, name: &str, from: &str, recipients: &[String], raw: &[u8]) -> Result<(), Failure> {
        match self {
            Transport::File(dir) => write_file(dir.clone(), name.to_owned(), raw.to_vec()).await,
            Transport::Smtp(smtp) => {
                let from = from.parse().map_err(|e| Failure::Permanent(format!("the sender {from:?}: {e}")))?;
                let to = recipients
                    .iter()
                    .map(|r| r.parse().map_err(|e| Failure::Permanent(format!("the recipient {r:?}: {e}"))))
                    .collect::<Result<Vec<_>, _>>()?;
                let envelope = Envelope::new(Some(from), to).map_err(|e| Failure::Permanent(e.to_string()))?;
                match smtp.send_raw(&envelope, raw).await {
                    Ok(_) => Ok(()),
                    Err(e) if e.is_permanent() => Err(Failure::Permanent(relay_words(&e))),
                    Err(e) => Err(Failure::Transient(relay_words(&e))),
                }
            }
        }
    }
}

/// The relay `url` names: `smtp://host:port` tries STARTTLS when offered
/// (unless `?tls=` says otherwise), `smtps://` is TLS from the start.
pub fn relay(url: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let url = if url.starts_with("smtp://") && !url.contains("tls=") {
        format!("{url}{}tls=opportunistic", if url.contains('?') { '&' } else { '?' })
    } else {
        url.to_owned()
    };
    let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
        .map_err(|e| format!("--smtp-relay: {}", e.to_string().replace(&url, "<url>")))?;
    Ok(builder.timeout(Some(std::time::Duration::from_secs(60))).build())
}

fn relay_words(e: &lettre::transport::smtp::Error) -> String {
    let words = e.to_string();
    words.chars().take(500).collect()
}

async fn write_file(dir: PathBuf, name: String, raw: Vec<u8>) -> Result<(), Failure> {
    tokio::task::spawn_blocking(move || {
        let path = dir.join(format!("{name}.eml"));
        if path.exists() {
            return Ok(());
        }
        std::fs::create_dir_all(&dir)?;
        let part = dir.join(format!("{name}.eml.part"));
        std::fs::write(&part, &raw)?;
        std::fs::File::open(&part)?.sync_all()?;
        std::fs::rename(&part, &path)?;
        std::fs::File::open(&dir)?.sync_all()
    })
    .await
    .map_err(|e| Failure::Transient(e.to_string()))?
    .map_err(|e: std::io::Error| Failure::Transient(format!("writing the mail file: {e}")))
}
