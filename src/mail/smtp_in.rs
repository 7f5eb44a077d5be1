//! The embedded SMTP receiver (`--smtp-listen`): `mailin`'s state machine
//! driven over tokio with Parley's own limits. It takes mail only for the
//! mailboxes and their `+token` forms (`550` for anyone else: never an open
//! relay), at most `--max-mail-bytes` (`552`), lines of at most 1 MiB, a
//! bounded number of sessions in all and per address (`421`), and idle
//! sessions end. A mail is answered `250` only after its import committed;
//! one the pipeline refuses gets `554` with the reason, and a failure here
//! `451` (the client retries). Stopping ends idle sessions with `421` and
//! lets a mail being received finish.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailin::{Action, Handler, Response, SessionBuilder};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::{watch, Semaphore};
use tokio_rustls::rustls;

use super::ingest::{Door, Outcome, Pipeline, Refused};
use super::split_plus;
use crate::config::MailConfig;
use crate::db::mail as tables;
use crate::limits::{Connections, Held, TextBudget};

/// Longest line taken, in bytes (RFC 5321 asks for 1,000; real mail has longer).
const MAX_LINE: usize = 1024 * 1024;

/// Recipients one mail may have.
const MAX_RECIPIENTS: usize = 100;

/// Seconds a session may stay silent.
const IDLE: Duration = Duration::from_secs(120);

/// Bytes of mail all sessions may hold in memory at once (three quarters of
/// it; see `TextBudget`); a mail beyond it is answered `452` and retried.
const IN_FLIGHT: usize = 256 * 1024 * 1024;

/// The receiver, bound.
pub struct Receiver {
    listener: std::net::TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    max_sessions: usize,
    per_address: usize,
    max_bytes: usize,
    name: String,
}

impl Receiver {
    /// A receiver on a listener the server bound; loads the STARTTLS
    /// certificate if the flags name one.
    pub fn new(listener: std::net::TcpListener, config: &MailConfig) -> Result<Receiver, String> {
        let tls = match (&config.smtp_tls_cert, &config.smtp_tls_key) {
            (Some(cert), Some(key)) => Some(acceptor(cert, key)?),
            _ => None,
        };
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        Ok(Receiver {
            listener,
            tls,
            max_sessions: config.smtp_max_sessions.max(1),
            per_address: config.smtp_sessions_per_address.max(1),
            max_bytes: config.max_mail_bytes,
            name: config.mail_domain.clone().unwrap_or_else(|| "parley".into()),
        })
    }

    /// Where it listens.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Receives mail until `closing` turns true; then waits (at most 30 s)
    /// for the sessions receiving a mail to finish.
    pub async fn run(self, pipeline: Pipeline, mut closing: watch::Receiver<bool>) {
        let listener = match tokio::net::TcpListener::from_std(self.listener) {
            Ok(l) => l,
            Err(e) => return tracing::error!(error = %e, "the SMTP receiver could not start"),
        };
        let sessions = Arc::new(Semaphore::new(self.max_sessions));
        let per_address: Arc<Connections<IpAddr>> = Connections::new(self.per_address);
        let budget = Arc::new(TextBudget::new(IN_FLIGHT));
        let shared = Arc::new(Shared { tls: self.tls, max_bytes: self.max_bytes, name: self.name, budget });
        let mut running = tokio::task::JoinSet::new();
        loop {
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        tracing::warn!(error = %e, "accepting an SMTP connection failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
                _ = closing.changed() => break,
            };
            let ticket = per_address.open(Some(crate::limits::group(peer.ip())), "SMTP sessions");
            let permit = sessions.clone().try_acquire_owned();
            let (Ok(ticket), Ok(permit)) = (ticket, permit) else {
                let mut stream = stream;
                let _ = stream.write_all(b"421 4.7.0 Too many sessions, try again later\r\n").await;
                continue;
            };
            let (shared, pipeline, closing) = (shared.clone(), pipeline.clone(), closing.clone());
            running.spawn(async move {
                let _held = (ticket, permit);
                if let Err(e) = session(stream, peer, &shared, &pipeline, closing).await {
                    tracing::debug!(error = %e, %peer, "an SMTP session ended");
                }
            });
            while running.try_join_next().is_some() {}
        }
        drop(listener);
        let _ =
            tokio::time::timeout(Duration::from_secs(30), async { while running.join_next().await.is_some() {} }).await;
        running.abort_all();
    }
}

fn acceptor(cert: &std::path::Path, key: &std::path::Path) -> Result<tokio_rustls::TlsAcceptor, String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_file_iter(cert)
        .and_then(|i| i.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("--smtp-tls-cert {}: {e}", cert.display()))?;
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| format!("--smtp-tls-key {}: {e}", key.display()))?;
    // ring, as lettre's client uses: no C toolchain beyond the one `bundled` SQLite needs.
    #[allow(deprecated)]
    let provider = rustls::crypto::ring::default_provider();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("--smtp-tls-cert: {e}"))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

struct Shared {
    tls: Option<tokio_rustls::TlsAcceptor>,
    max_bytes: usize,
    name: String,
    budget: Arc<TextBudget>,
}

/// What one mail of a session gathers, shared between the handler (which
/// `mailin` owns) and the driver.
#[derive(Default)]
struct Gathered {
    recipients: Vec<String>,
    data: Vec<u8>,
    /// The share of the in-flight budget `data` holds.
    held: Option<Held>,
    too_big: bool,
    over_budget: bool,
    done: bool,
}

struct Gatherer {
    mailboxes: Vec<String>,
    max_bytes: usize,
    budget: Arc<TextBudget>,
    mail: Arc<Mutex<Gathered>>,
}

impl Gatherer {
    fn gathered(&self) -> std::sync::MutexGuard<'_, Gathered> {
        self.mail.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Handler for Gatherer {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, _from: &str) -> Response {
        *self.gathered() = Gathered::default();
        mailin::response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        let address = to.trim().trim_start_matches('<').trim_end_matches('>').to_lowercase();
        if !self.mailboxes.contains(&split_plus(&address).0) {
            return Response::custom(550, "5.1.1 No such mailbox here".into());
        }
        let mut mail = self.gathered();
        if mail.recipients.len() >= MAX_RECIPIENTS {
            return Response::custom(452, "4.5.3 Too many recipients".into());
        }
        mail.recipients.push(address);
        mailin::response::OK
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, _to: &[String]) -> Response {
        let budget = self.budget.clone();
        let mut mail = self.gathered();
        mail.data.clear();
        mail.held = Some(Held::new(budget, false));
        mail.too_big = false;
        mail.over_budget = false;
        mailin::response::START_DATA
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        let max = self.max_bytes;
        let mut guard = self.gathered();
        let mail = &mut *guard;
        if mail.too_big || mail.over_budget {
            return Ok(());
        }
        if mail.data.len() + buf.len() > max {
            mail.too_big = true;
        } else if mail.held.as_mut().is_some_and(|h| h.grow(buf.len()).is_err()) {
            mail.over_budget = true;
        } else {
            mail.data.extend_from_slice(buf);
            return Ok(());
        }
        // Refused at its end; meanwhile it is read in bounded memory.
        mail.data = Vec::new();
        mail.held = None;
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        self.gathered().done = true;
        mailin::response::OK
    }
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

async fn session(
    stream: TcpStream,
    peer: SocketAddr,
    shared: &Shared,
    pipeline: &Pipeline,
    closing: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let mailboxes: Vec<String> = pipeline
        .db
        .read(tables::mailboxes)
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))?
        .into_iter()
        .filter(|m| m.is_enabled)
        .map(|m| m.address.to_lowercase())
        .collect();
    let gathered = Arc::new(Mutex::new(Gathered::default()));
    let handler =
        Gatherer { mailboxes, max_bytes: shared.max_bytes, budget: shared.budget.clone(), mail: gathered.clone() };
    let mut builder = SessionBuilder::new(shared.name.clone());
    if shared.tls.is_some() {
        builder.enable_start_tls();
    }
    let mut smtp = builder.build(peer.ip(), handler);
    let mut io: BufReader<Box<dyn Stream>> = BufReader::new(Box::new(stream));
    io.get_mut().write_all(&smtp.greeting().buffer()?).await?;
    let mut line = Vec::with_capacity(1024);
    let mut in_data = false;
    let mut closing = closing;
    loop {
        if *closing.borrow() && !in_data {
            io.get_mut().write_all(b"421 4.3.2 Shutting down, try again later\r\n").await?;
            return Ok(());
        }
        line.clear();
        // Between mails, stopping ends the session at once; a mail being
        // received is read to its end first.
        let read = tokio::select! {
            read = tokio::time::timeout(IDLE, read_line(&mut io, &mut line)) => read,
            changed = closing.changed(), if !in_data => {
                if changed.is_err() {
                    // The server is gone without a word: nothing more is taken either.
                    io.get_mut().write_all(b"421 4.3.2 Shutting down, try again later\r\n").await?;
                    return Ok(());
                }
                continue;
            }
        };
        let Ok(read) = read else {
            io.get_mut().write_all(b"421 4.4.2 Idle too long, closing\r\n").await?;
            return Ok(());
        };
        match read? {
            Line::Eof => return Ok(()),
            Line::TooLong if in_data => {
                // Keep reading the mail (in bounded memory); it is refused at its end.
                let mut mail = gathered.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                mail.too_big = true;
                mail.data = Vec::new();
                mail.held = None;
                continue;
            }
            Line::TooLong => {
                io.get_mut().write_all(b"500 5.5.6 Line too long, closing\r\n").await?;
                return Ok(());
            }
            Line::Read => {}
        }
        if !line.ends_with(b"\r\n") {
            line.pop();
            line.extend_from_slice(b"\r\n");
        }
        let response = smtp.process(&line);
        let finished = {
            let mut mail = gathered.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            mail.done.then(|| std::mem::take(&mut *mail))
        };
        if let Some(taken) = finished {
            in_data = false;
            let answer = if taken.too_big {
                format!("552 5.3.4 The mail is larger than {} bytes, or has a line over 1 MiB\r\n", shared.max_bytes)
            } else if taken.over_budget {
                "452 4.3.1 Too much mail is arriving at once, try again later\r\n".to_owned()
            } else {
                // The mail's share of the budget is held until its import is done.
                let _held = taken.held;
                answer(pipeline.ingest(taken.data, Door::Smtp, taken.recipients).await)
            };
            io.get_mut().write_all(answer.as_bytes()).await?;
            continue;
        }
        if response.code == 354 {
            in_data = true;
        }
        match response.action {
            Action::NoReply => {}
            Action::Reply => io.get_mut().write_all(&response.buffer()?).await?,
            Action::Close => {
                io.get_mut().write_all(&response.buffer()?).await?;
                return Ok(());
            }
            Action::UpgradeTls => {
                io.get_mut().write_all(&response.buffer()?).await?;
                let Some(acceptor) = shared.tls.clone() else { return Ok(()) };
                let plain = io.into_inner();
                let tls = acceptor.accept(plain).await?;
                io = BufReader::new(Box::new(tls));
                smtp.tls_active();
            }
        }
    }
}

/// The SMTP answer to an import.
fn answer(result: Result<Outcome, Refused>) -> String {
    match result {
        Ok(Outcome::Posted { conversation_id, .. }) => format!("250 2.0.0 Ok: conversation {conversation_id}\r\n"),
        Ok(Outcome::Duplicate) => "250 2.0.0 Ok: already received\r\n".into(),
        Ok(Outcome::Suspended(code)) => format!("250 2.0.0 Ok: kept aside ({code})\r\n"),
        Err(Refused::Invalid(why)) => format!("554 5.6.0 {}\r\n", one_line(&why)),
        Err(Refused::Failed(why)) => {
            tracing::warn!(%why, "a mail could not be taken; the client will retry");
            "451 4.3.0 Local error, try again later\r\n".into()
        }
    }
}

fn one_line(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(200).collect()
}

enum Line {
    Read,
    TooLong,
    Eof,
}

/// Reads one line (with its `\n`) of at most [`MAX_LINE`] bytes; a longer
/// line is read to its end and dropped.
async fn read_line(io: &mut BufReader<Box<dyn Stream>>, line: &mut Vec<u8>) -> std::io::Result<Line> {
    let mut too_long = false;
    loop {
        let buf = io.fill_buf().await?;
        if buf.is_empty() {
            return Ok(if line.is_empty() && !too_long {
                Line::Eof
            } else if too_long {
                Line::TooLong
            } else {
                Line::Read
            });
        }
        let (chunk, end) = match buf.iter().position(|b| *b == b'\n') {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        let n = chunk.len();
        if !too_long {
            if line.len() + n > MAX_LINE {
                too_long = true;
                line.clear();
            } else {
                line.extend_from_slice(chunk);
            }
        }
        io.consume(n);
        if end {
            return Ok(if too_long { Line::TooLong } else { Line::Read });
        }
    }
}
