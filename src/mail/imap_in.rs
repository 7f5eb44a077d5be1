//! IMAP polling (`--imap-url`), for mail that lives at a provider: every
//! `--imap-poll-seconds` the folder is read from just after the last UID
//! taken, one mail at a time, each through the pipeline; the watermark
//! (the folder's UIDVALIDITY and the last UID) moves once its import
//! committed, and the mail is then flagged `\Seen`. A new UIDVALIDITY reads
//! the folder again from its start: the Message-IDs already taken make
//! those mails duplicates, so none is imported twice.

use std::time::Duration;

use futures_util::StreamExt;
use tokio::net::TcpStream;
use tokio_rustls::rustls;

use super::ingest::{Door, Pipeline, Refused};
use crate::db::mail::received;

/// What `--imap-url` names.
#[derive(Debug, Clone)]
pub struct Account {
    tls: bool,
    host: String,
    port: u16,
    user: String,
    password: String,
    folder: String,
}

impl Account {
    /// Reads `imaps://user:pass@host[:port]/FOLDER` (or `imap://`, without
    /// TLS, for a trusted network).
    pub fn parse(text: &str) -> Result<Account, String> {
        let url = url::Url::parse(text).map_err(|e| format!("--imap-url: {e}"))?;
        let tls = match url.scheme() {
            "imaps" => true,
            "imap" => false,
            other => return Err(format!("--imap-url: the scheme must be imaps or imap, not {other}")),
        };
        let host = url.host_str().ok_or("--imap-url names no host")?.to_owned();
        let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
        let user = decode(url.username());
        if user.is_empty() {
            return Err("--imap-url names no user (imaps://user:password@host/INBOX)".into());
        }
        let folder = decode(url.path().trim_start_matches('/'));
        Ok(Account {
            tls,
            port: url.port().unwrap_or(if tls { 993 } else { 143 }),
            password: url.password().map(decode).unwrap_or_default(),
            folder: if folder.is_empty() { "INBOX".into() } else { folder },
            host,
            user,
        })
    }

    /// The watermark's key: who, where, which folder (no password).
    fn key(&self) -> String {
        format!("{}@{}:{}/{}", self.user, self.host, self.port, self.folder)
    }
}

/// Polls until the task is dropped.
pub async fn poll(pipeline: Pipeline, account: Account, every: Duration) {
    loop {
        match once(&pipeline, &account).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(taken = n, account = %account.key(), "mail taken from IMAP"),
            Err(e) => tracing::warn!(error = %e, account = %account.key(), "polling IMAP failed; trying again later"),
        }
        tokio::time::sleep(every).await;
    }
}

/// One poll: connects, takes what is new, logs out. Returns how many mails it took.
pub async fn once(pipeline: &Pipeline, account: &Account) -> Result<usize, String> {
    let tcp = TcpStream::connect((account.host.as_str(), account.port)).await.map_err(|e| e.to_string())?;
    if account.tls {
        let tls = super::tls_client()?.connect(server_name(&account.host)?, tcp).await.map_err(|e| e.to_string())?;
        session(pipeline, account, tls).await
    } else {
        session(pipeline, account, tcp).await
    }
}

fn server_name(host: &str) -> Result<rustls::pki_types::ServerName<'static>, String> {
    rustls::pki_types::ServerName::try_from(host.to_owned()).map_err(|e| format!("{host}: {e}"))
}

async fn session<T>(pipeline: &Pipeline, account: &Account, stream: T) -> Result<usize, String>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    let err = |e: async_imap::error::Error| e.to_string();
    let mut client = async_imap::Client::new(stream);
    client.read_response().await.map_err(|e| e.to_string())?.ok_or("the server closed before its greeting")?;
    let mut imap = client.login(&account.user, &account.password).await.map_err(|(e, _)| format!("login: {e}"))?;
    let folder = imap.select(&account.folder).await.map_err(err)?;
    let validity = i64::from(folder.uid_validity.unwrap_or(0));
    let key = account.key();
    let known = {
        let key = key.clone();
        pipeline.db.read(move |c| received::imap_watermark(c, &key)).await.map_err(|e| e.to_string())?
    };
    let mut last = match known {
        Some((v, uid)) if v == validity => uid,
        Some(_) => {
            tracing::info!(account = %key, "the folder's UIDVALIDITY changed: reading it again from the start");
            0
        }
        None => 0,
    };
    // Sizes first, so an oversize mail is never downloaded.
    let mut wanted: Vec<(u32, u32)> = Vec::new();
    {
        let mut sizes = imap.uid_fetch(format!("{}:*", last + 1), "(UID RFC822.SIZE)").await.map_err(err)?;
        while let Some(f) = sizes.next().await {
            let f = f.map_err(err)?;
            if let Some(uid) = f.uid.filter(|u| i64::from(*u) > last) {
                wanted.push((uid, f.size.unwrap_or(0)));
            }
        }
    }
    wanted.sort_unstable();
    let mut taken = 0;
    for (uid, size) in wanted {
        if size as usize > pipeline.mail.config.max_mail_bytes {
            tracing::warn!(uid, size, "an IMAP mail is larger than --max-mail-bytes; left where it is");
        } else {
            let raw = {
                let mut bodies = imap.uid_fetch(uid.to_string(), "(UID BODY.PEEK[])").await.map_err(err)?;
                let mut raw = None;
                while let Some(f) = bodies.next().await {
                    let f = f.map_err(err)?;
                    if f.uid == Some(uid) {
                        raw = f.body().map(<[u8]>::to_vec);
                    }
                }
                raw
            };
            let Some(raw) = raw else { continue };
            match pipeline.ingest(raw, Door::Imap, Vec::new()).await {
                Ok(_) => taken += 1,
                Err(Refused::Invalid(why)) => tracing::warn!(uid, %why, "an IMAP mail was refused"),
                Err(Refused::Failed(why)) => return Err(why),
            }
        }
        last = i64::from(uid);
        remember(pipeline, &key, validity, last).await?;
        let mut stored = imap.uid_store(uid.to_string(), "+FLAGS (\\Seen)").await.map_err(err)?;
        while stored.next().await.is_some() {}
    }
    if known.is_none_or(|(v, _)| v != validity) {
        remember(pipeline, &key, validity, last).await?;
    }
    let _ = imap.logout().await;
    Ok(taken)
}

/// Moves the watermark of `key`.
async fn remember(pipeline: &Pipeline, key: &str, validity: i64, last: i64) -> Result<(), String> {
    let key = key.to_owned();
    pipeline.db.write(move |tx| received::set_imap_watermark(tx, &key, validity, last)).await.map_err(|e| e.to_string())
}
