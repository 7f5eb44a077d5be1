//! Where outgoing mail goes: `.eml` files in the data directory (the
//! default: a demo or a laptop needs nothing else), or an SMTP relay.
//!
//! The relay is spoken to with `lettre`'s SMTP client over connections this
//! module opens and pools: `TCP_NODELAY` set (lettre writes a mail and its
//! final dot in two writes, which Nagle's algorithm would hold back until
//! the relay's delayed acknowledgement, some 40 ms per mail), STARTTLS when
//! the relay offers it (or required, `?tls=required`), TLS from the start
//! for `smtps://` (rustls, the webpki roots), AUTH when the URL has a user.

use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::rustls;

use crate::config::{MailConfig, MailTransport};

/// Connections kept open to the relay.
const POOL: usize = 8;
/// A pooled connection unused this long is closed rather than reused.
const IDLE: Duration = Duration::from_secs(50);
/// The longest one mail's exchange with the relay may take.
const EXCHANGE: Duration = Duration::from_secs(120);

/// A transport, ready to send.
pub enum Transport {
    /// Writes each mail to `<dir>/<name>.eml`.
    File(PathBuf),
    /// Sends through a relay.
    Smtp(Box<Relay>),
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
                Ok(Transport::Smtp(Box::new(Relay::parse(url, config.mail_domain.as_deref())?)))
            }
        }
    }

    /// Sends `raw` to `recipients`; `name` is unique per mail (the file
    /// transport's file name, so a retry after a crash writes no second file).
    pub async fn send(&self, name: &str, from: &str, recipients: &[String], raw: &[u8]) -> Result<(), Failure> {
        match self {
            Transport::File(dir) => write_file(dir.clone(), name.to_owned(), raw.to_vec()).await,
            Transport::Smtp(relay) => {
                let from = from.parse().map_err(|e| Failure::Permanent(format!("the sender {from:?}: {e}")))?;
                let to = recipients
                    .iter()
                    .map(|r| r.parse().map_err(|e| Failure::Permanent(format!("the recipient {r:?}: {e}"))))
                    .collect::<Result<Vec<_>, _>>()?;
                let envelope = Envelope::new(Some(from), to).map_err(|e| Failure::Permanent(e.to_string()))?;
                relay.send(&envelope, raw).await
            }
        }
    }
}

/// How the relay wants TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tls {
    /// From the first byte (`smtps://`).
    Implicit,
    /// STARTTLS, refusing a relay without it (`?tls=required`).
    Required,
    /// STARTTLS when offered (`smtp://`, the default).
    Opportunistic,
    /// Never (`?tls=none`: a relay on this machine).
    None,
}

/// An SMTP relay and the connections open to it.
pub struct Relay {
    host: String,
    port: u16,
    tls: Tls,
    credentials: Option<Credentials>,
    hello: ClientId,
    idle: Mutex<Vec<(Instant, AsyncSmtpConnection)>>,
}

impl Relay {
    /// Reads `smtp://[user:pass@]host[:port][?tls=required|none]` or `smtps://...`.
    pub fn parse(text: &str, domain: Option<&str>) -> Result<Relay, String> {
        let url = url::Url::parse(text).map_err(|e| format!("--smtp-relay: {e}"))?;
        let query = url.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| v.into_owned());
        let tls = match (url.scheme(), query.as_deref()) {
            ("smtps", _) => Tls::Implicit,
            ("smtp", None | Some("opportunistic")) => Tls::Opportunistic,
            ("smtp", Some("required")) => Tls::Required,
            ("smtp", Some("none")) => Tls::None,
            (scheme, tls) => return Err(format!("--smtp-relay: smtp:// or smtps://, not {scheme}:// (tls={tls:?})")),
        };
        let host = url.host_str().ok_or("--smtp-relay names no host")?.trim_matches(['[', ']']).to_owned();
        let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
        let credentials = (!url.username().is_empty())
            .then(|| Credentials::new(decode(url.username()), url.password().map(decode).unwrap_or_default()));
        Ok(Relay {
            port: url.port().unwrap_or(if tls == Tls::Implicit { 465 } else { 587 }),
            host,
            tls,
            credentials,
            hello: domain.map_or_else(ClientId::default, |d| ClientId::Domain(d.to_owned())),
            idle: Mutex::new(Vec::new()),
        })
    }

    fn pool(&self) -> std::sync::MutexGuard<'_, Vec<(Instant, AsyncSmtpConnection)>> {
        self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    async fn send(&self, envelope: &Envelope, raw: &[u8]) -> Result<(), Failure> {
        let pooled = {
            let mut idle = self.pool();
            idle.retain(|(at, c)| at.elapsed() < IDLE && !c.has_broken());
            idle.pop()
        };
        let fresh = pooled.is_none();
        let mut conn = match pooled {
            Some((_, c)) => c,
            None => tokio::time::timeout(EXCHANGE, self.connect()).await.map_err(|_| timed_out())??,
        };
        match tokio::time::timeout(EXCHANGE, conn.send(envelope, raw)).await {
            Ok(Ok(_)) => {
                let mut idle = self.pool();
                if idle.len() < POOL {
                    idle.push((Instant::now(), conn));
                }
                Ok(())
            }
            // A pooled connection the relay had closed: once more on a new one.
            Ok(Err(e)) if !fresh && !e.is_permanent() && !e.is_transient() => {
                let mut conn = tokio::time::timeout(EXCHANGE, self.connect()).await.map_err(|_| timed_out())??;
                match tokio::time::timeout(EXCHANGE, conn.send(envelope, raw)).await {
                    Ok(Ok(_)) => {
                        self.pool().push((Instant::now(), conn));
                        Ok(())
                    }
                    Ok(Err(e)) => Err(failure(&e)),
                    Err(_) => Err(timed_out()),
                }
            }
            Ok(Err(e)) => Err(failure(&e)),
            Err(_) => Err(timed_out()),
        }
    }

    /// A new connection: TCP (no Nagle), TLS as asked, EHLO, AUTH.
    async fn connect(&self) -> Result<AsyncSmtpConnection, Failure> {
        let transient = |what: &str, e: &dyn std::fmt::Display| {
            Failure::Transient(format!("{what} {}:{}: {e}", self.host, self.port))
        };
        let tcp =
            TcpStream::connect((self.host.as_str(), self.port)).await.map_err(|e| transient("connecting to", &e))?;
        tcp.set_nodelay(true).map_err(|e| transient("connecting to", &e))?;
        let stream: Box<dyn AsyncTokioStream> = if self.tls == Tls::Implicit {
            let name =
                rustls::pki_types::ServerName::try_from(self.host.clone()).map_err(|e| transient("naming", &e))?;
            let tls = super::tls_client()
                .map_err(|e| transient("TLS to", &e))?
                .connect(name, tcp)
                .await
                .map_err(|e| transient("TLS to", &e))?;
            Box::new(Secured(tls))
        } else {
            Box::new(tcp)
        };
        let mut conn =
            AsyncSmtpConnection::connect_with_transport(stream, &self.hello).await.map_err(|e| failure(&e))?;
        if matches!(self.tls, Tls::Required | Tls::Opportunistic) {
            if conn.can_starttls() {
                let params = TlsParameters::new(self.host.clone()).map_err(|e| Failure::Permanent(e.to_string()))?;
                conn.starttls(params, &self.hello).await.map_err(|e| failure(&e))?;
            } else if self.tls == Tls::Required {
                return Err(Failure::Transient(format!(
                    "{}:{} offers no STARTTLS (tls=required)",
                    self.host, self.port
                )));
            }
        }
        if let Some(credentials) = &self.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials).await.map_err(|e| failure(&e))?;
        }
        Ok(conn)
    }
}

fn failure(e: &lettre::transport::smtp::Error) -> Failure {
    let words: String = e.to_string().chars().take(500).collect();
    if e.is_permanent() {
        Failure::Permanent(words)
    } else {
        Failure::Transient(words)
    }
}

fn timed_out() -> Failure {
    Failure::Transient(format!("the relay did not answer within {} s", EXCHANGE.as_secs()))
}

/// A TLS stream lettre can speak SMTP over (its trait, our stream).
#[derive(Debug)]
struct Secured(tokio_rustls::client::TlsStream<TcpStream>);

impl AsyncRead for Secured {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for Secured {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

impl AsyncTokioStream for Secured {
    fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_urls_say_how_to_reach_the_relay() {
        let r = Relay::parse("smtp://127.0.0.1:2525", None).expect("plain");
        assert_eq!(
            (r.host.as_str(), r.port, r.tls, r.credentials.is_none()),
            ("127.0.0.1", 2525, Tls::Opportunistic, true)
        );
        let r = Relay::parse("smtps://support%40example.com:p%40ss@smtp.example.com", None).expect("tls");
        assert_eq!((r.port, r.tls, r.credentials.is_some()), (465, Tls::Implicit, true));
        assert_eq!(Relay::parse("smtp://relay.example?tls=required", None).expect("required").tls, Tls::Required);
        assert!(Relay::parse("http://relay.example", None).is_err());
        assert!(Relay::parse("smtp://relay.example?tls=maybe", None).is_err());
    }
}
