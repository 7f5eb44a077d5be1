//! The sender: takes queued mail from the outbox when it is due, builds it
//! from the rows it names, hands it to the transport and records what
//! happened, in its own write. A mail the transport accepted is marked sent
//! in the next commit; a crash before that commit sends it again with the
//! same Message-ID (the file transport, named by the outbox row, writes it
//! once). Transient failures are retried with backoff for
//! `--mail-retry-hours`; then, or on a permanent refusal, the messages are
//! marked REJECTED with the reason. Each pass first queues the agents'
//! notification digests that are due (`digest`); a digest is not about one
//! message, so it marks none sent or rejected.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;

use super::compose::{self, Draft, Piece};
use super::digest;
use super::transport::{Failure, Transport};
use super::Mail;
use crate::db::conversations::{self, Visibility};
use crate::db::mail::{self as tables, outbox, received};
use crate::db::{self, files, markers, messages, users, Conn, Db, IdsIn};
use crate::realtime::{emit, Hub};
use crate::storage::Storage;

/// Seconds between tries: 1 min, 5 min, 30 min, 2 h, then every 12 h.
const BACKOFF: &[i64] = &[60, 300, 1_800, 7_200, 43_200];

/// Mails sent at once.
const PARALLEL: usize = 8;

/// What the sender needs.
#[derive(Clone)]
pub struct Sender {
    /// The mail service.
    pub mail: Arc<Mail>,
    /// The database.
    pub db: Db,
    /// Attachment files.
    pub storage: Arc<Storage>,
    /// Realtime, told of delivery changes.
    pub hub: Arc<Hub>,
    /// Where mail goes.
    pub transport: Arc<Transport>,
    /// The server's base URL (links in notification digests).
    pub public_url: String,
}

/// What to do with a queued mail now.
pub(super) enum Plan {
    /// Send it.
    Send(Box<Ready>),
    /// Nothing left to send (a messenger customer saw every reply).
    Cancel,
    /// A cap is reached: try again at this time.
    Wait(i64),
    /// It cannot be built yet (no mailbox enabled): a failed try.
    Retry(String),
}

/// A mail built from its rows.
pub(super) struct Ready {
    pub(super) draft: Draft,
    pub(super) recipients: Vec<String>,
    /// The messages it carries (none for a digest).
    pub(super) post_ids: Vec<i64>,
    /// The files to read from disk: (storage name, name, type).
    pub(super) files: Vec<(String, String, String)>,
}

impl Sender {
    /// Sends due mail until the task is dropped: wakes when mail is queued,
    /// when the next is due, and every 2 s (a cheap indexed read).
    pub async fn run(self) {
        // A restart is when an operator has fixed what made mail fail: try it again at once.
        let now = db::now();
        let failed_before = self.db.read(move |c| outbox::failed_waiting(c, now)).await.unwrap_or(true);
        let retried = if failed_before { self.db.write(move |tx| outbox::retry_now(tx, now)).await } else { Ok(()) };
        if let Err(e) = retried {
            tracing::warn!(error = %e, "rescheduling the outbox failed");
        }
        loop {
            let now = db::now();
            let more_digests = self.digests(now).await;
            let due = self.db.read(move |c| outbox::due(c, now, 32)).await;
            let due = match due {
                Ok(due) => due,
                Err(e) => {
                    tracing::warn!(error = %e, "reading the outbox failed");
                    Vec::new()
                }
            };
            let full = due.len() == 32 || more_digests;
            // Mail to one address goes in order, one at a time (so its caps
            // count exactly); different addresses in parallel.
            let mut by_address: Vec<(String, Vec<outbox::Outgoing>)> = Vec::new();
            for row in due {
                let to = row.recipients.first().cloned().unwrap_or_default();
                match by_address.iter_mut().find(|(a, _)| *a == to) {
                    Some((_, rows)) => rows.push(row),
                    None => by_address.push((to, vec![row])),
                }
            }
            let this = &self;
            futures_util::stream::iter(by_address)
                .for_each_concurrent(PARALLEL, |(_, rows)| async move {
                    for row in rows {
                        this.clone().one(row).await;
                    }
                })
                .await;
            if full {
                continue;
            }
            let next = self.db.read(outbox::next_due).await.ok().flatten();
            let wait = next.map_or(2, |t| (t - db::now()).clamp(0, 2));
            let bell = self.mail.outbox_bell();
            let _ = tokio::time::timeout(Duration::from_secs(wait as u64), bell.notified()).await;
        }
    }

    /// Queues the notification digests due (a cheap indexed read; the
    /// write only when one is); whether more may be due at once.
    async fn digests(&self, now: i64) -> bool {
        let delay = self.mail.config.notification_mail_delay_seconds;
        match self.db.read(move |c| digest::any_due(c, delay, now)).await {
            Ok(true) => {}
            Ok(false) => return false,
            Err(e) => {
                tracing::warn!(error = %e, "reading the notifications to mail failed");
                return false;
            }
        }
        match self.db.write(move |tx| digest::queue(tx, delay, now)).await {
            Ok(pass) => {
                if pass.queued > 0 {
                    tracing::info!(digests = pass.queued, "notification mail queued");
                }
                pass.more
            }
            Err(e) => {
                tracing::warn!(error = %e, "queuing notification mail failed");
                false
            }
        }
    }

    /// Tries one queued mail.
    async fn one(self, row: outbox::Outgoing) {
        let config = self.mail.config.clone();
        let public_url = self.public_url.clone();
        let id = row.id;
        let plan = {
            let row = row.clone();
            self.db.read(move |c| plan(c, &config, &public_url, &row, db::now())).await
        };
        let plan = match plan {
            Ok(p) => p,
            Err(e) => Plan::Retry(format!("reading the mail's rows: {e}")),
        };
        let now = db::now();
        match plan {
            Plan::Cancel => {
                self.record(move |tx| outbox::record_try(tx, id, "CANCELLED", row.attempts, now, None, now)).await
            }
            Plan::Wait(until) => {
                self.record(move |tx| outbox::record_try(tx, id, "QUEUED", row.attempts, until, None, now)).await
            }
            Plan::Retry(why) => self.failed(row, Failure::Transient(why)).await,
            Plan::Send(ready) => {
                let mut ready = *ready;
                let storage = self.storage.clone();
                let wanted = std::mem::take(&mut ready.files);
                let read = tokio::task::spawn_blocking(move || read_files(&storage, wanted)).await;
                ready.draft.files = match read {
                    Ok(Ok(files)) => files,
                    Ok(Err(e)) => return self.failed(row, Failure::Transient(e)).await,
                    Err(e) => return self.failed(row, Failure::Transient(e.to_string())).await,
                };
                let raw = match compose::build(&ready.draft) {
                    Ok(raw) => raw,
                    Err(e) => return self.failed(row, Failure::Permanent(e)).await,
                };
                let name = format!("{:08}-{}", row.id, ready.draft.message_id.replace(['/', '\\'], "_"));
                match self.transport.send(&name, &ready.draft.from_address, &ready.recipients, &raw).await {
                    Ok(()) => self.sent(row, ready).await,
                    Err(failure) => self.failed(row, failure).await,
                }
            }
        }
    }

    async fn record(&self, f: impl FnOnce(&Conn) -> db::Result<()> + Send + 'static) {
        if let Err(e) = self.db.write(f).await {
            tracing::warn!(error = %e, "recording a mail's delivery failed");
        }
    }

    /// The transport took it.
    async fn sent(&self, row: outbox::Outgoing, ready: Ready) {
        let now = db::now();
        let header_id = ready.draft.message_id.clone();
        let from = ready.draft.from_address.clone();
        let (to, cc) = (ready.draft.to.clone(), ready.draft.cc.clone());
        self.record(move |tx| {
            outbox::record_try(tx, row.id, "SENT", row.attempts + 1, now, None, now)?;
            outbox::log_sent(tx, &ready.recipients, row.conversation_id, now)?;
            let Some(conversation) = row.conversation_id else { return Ok(()) };
            for post in &ready.post_ids {
                let headers = received::MessageMail {
                    post_id: *post,
                    header_id: header_id.clone(),
                    from_address: from.clone(),
                    to: to.clone(),
                    cc: cc.clone(),
                    delivery: Some("SENT".into()),
                    ..Default::default()
                };
                received::insert_message_mail(tx, &headers)?;
                received::record_id(tx, &header_id, *post, conversation, true)?;
                emit::message_delivery(tx, conversation, *post, "SENT", now)?;
            }
            Ok(())
        })
        .await;
        self.hub.wake();
        tracing::info!(outbox = row.id, recipients = row.recipients.len(), "mail sent");
    }

    /// A try failed: again later, or given up.
    async fn failed(&self, row: outbox::Outgoing, failure: Failure) {
        let now = db::now();
        let attempts = row.attempts + 1;
        let give_up_at = row.created_at + self.mail.config.mail_retry_hours.max(0) * 3_600;
        let (reason, reject_type) = match &failure {
            Failure::Permanent(why) => (why.clone(), Some("BOUNCE")),
            Failure::Transient(why) if now >= give_up_at => {
                (format!("Gave up after {} hours: {why}", self.mail.config.mail_retry_hours), Some("EXPIRED"))
            }
            Failure::Transient(why) => (why.clone(), None),
        };
        tracing::warn!(outbox = row.id, attempts, error = %reason, "a mail was not sent");
        let Some(reject_type) = reject_type else {
            let delay = BACKOFF[(attempts as usize - 1).min(BACKOFF.len() - 1)];
            let due = (now + delay).min(give_up_at.max(now + 1));
            return self
                .record(move |tx| outbox::record_try(tx, row.id, "QUEUED", attempts, due, Some(&reason), now))
                .await;
        };
        self.record(move |tx| {
            outbox::record_try(tx, row.id, "FAILED", attempts, now, Some(&reason), now)?;
            // A digest's ids are notifications: no message to mark.
            let Some(id) = row.conversation_id.filter(|_| row.kind != "NOTIFY") else { return Ok(()) };
            let Some(c) = conversations::get_visible(tx, &Visibility::All, id)? else { return Ok(()) };
            let delivery = if reject_type == "BOUNCE" { "BOUNCED" } else { "FAILED" };
            received::set_delivery(tx, &row.post_ids, delivery)?;
            for post in &row.post_ids {
                received::reject_message(tx, *post, reject_type, &reason, now)?;
                emit::message_delivery(tx, c.id, *post, delivery, now)?;
            }
            Ok(())
        })
        .await;
        self.hub.wake();
    }
}

/// Decides what to do with a queued mail, and builds it from its rows.
fn plan(
    conn: &Conn,
    config: &crate::config::MailConfig,
    public_url: &str,
    row: &outbox::Outgoing,
    now: i64,
) -> db::Result<Plan> {
    if row.kind == "NOTIFY" {
        return digest::plan(conn, config, public_url, row, now);
    }
    let Some(id) = row.conversation_id else { return Ok(Plan::Cancel) };
    let Some(c) = conversations::get_visible(conn, &Visibility::All, id)? else {
        return Ok(Plan::Cancel);
    };
    let Some(mailbox) = tables::sending_mailbox(conn, c.id)? else {
        return Ok(Plan::Retry("no mailbox is enabled to send from".into()));
    };
    let side = tables::conversation_mail(conn, c.id)?;
    let token = match &side {
        Some(s) => s.token.clone(),
        None => return Ok(Plan::Retry("the conversation has no reply token".into())),
    };
    let mut posts = Vec::new();
    for id in &row.post_ids {
        if let Some(m) = messages::get(conn, c.id, *id)? {
            posts.push(m);
        }
    }
    if row.kind == "OFFLINE" {
        // Only what the customer has not seen in the messenger meanwhile.
        let seen = markers::ids_of(conn, &IdsIn::One(c.id), c.requester_id)?.get(&c.id).copied().unwrap_or(0);
        posts.retain(|m| m.id > seen && m.message_status != "SEEN");
    }
    if posts.is_empty() {
        return Ok(Plan::Cancel);
    }
    for r in &row.recipients {
        let (all, here) = outbox::sent_to(conn, r, c.id, now - 3_600)?;
        let over_all = config.mail_per_address_per_hour > 0 && all >= config.mail_per_address_per_hour;
        let over_here = config.mail_per_conversation_per_hour > 0 && here >= config.mail_per_conversation_per_hour;
        if over_all || over_here {
            tracing::info!(outbox = row.id, "a recipient's hourly mail cap is reached; the mail waits");
            return Ok(Plan::Wait(now + 300));
        }
    }
    let domain = config.mail_domain.clone().unwrap_or_else(|| super::domain_of(&mailbox.address).to_owned());
    let first = &posts[0];
    let message_id = super::outbox::message_id(&first.uuid, &domain);
    let inbound = received::thread_ids(conn, c.id, true, 1)?;
    let mut references = received::thread_ids(conn, c.id, false, 20)?;
    references.retain(|r| *r != message_id);
    let mut pieces = Vec::new();
    let mut wanted = Vec::new();
    let mut author_name = None;
    let post_ids: Vec<i64> = posts.iter().map(|m| m.id).collect();
    let mut attached = files::of_messages(conn, &IdsIn::of(post_ids.iter().copied()))?;
    for m in &posts {
        let author = users::get(conn, m.creator_id)?.map_or_else(|| "Support".to_owned(), |u| u.full_name);
        author_name.get_or_insert_with(|| author.clone());
        pieces.push(Piece {
            author,
            written: chrono::DateTime::from_timestamp(m.created_at, 0)
                .map(|d| d.format("%a, %d %b %Y %H:%M UTC").to_string())
                .unwrap_or_default(),
            text: m.content_text.clone(),
            html: m.content_html.clone(),
        });
        for f in attached.remove(&m.id).unwrap_or_default() {
            wanted.push((f.storage_name, f.name, f.mime));
        }
    }
    let (local, mailbox_domain) = mailbox.address.rsplit_once('@').unwrap_or((&mailbox.address, &domain));
    let several = posts.len() > 1 || row.kind == "OFFLINE";
    let from_name =
        if several { format!("{} support", org_name(mailbox_domain)) } else { author_name.unwrap_or_default() };
    let (to, cc) =
        row.recipients.split_first().map_or((Vec::new(), Vec::new()), |(to, cc)| (vec![to.clone()], cc.to_vec()));
    let subject = if c.subject.trim().is_empty() { "Your conversation".to_owned() } else { c.subject.clone() };
    let subject = if inbound.is_empty() && !several { subject } else { format!("Re: {subject}") };
    let draft = Draft {
        from_name,
        from_address: mailbox.address.clone(),
        reply_to: Some(format!("{local}+{token}@{mailbox_domain}")),
        to,
        cc,
        subject,
        message_id,
        in_reply_to: inbound.last().cloned(),
        references,
        pieces,
        footer: "Reply to this mail to answer; your reply joins the conversation.".into(),
        files: Vec::new(),
        loop_mark: mailbox.address.clone(),
        auto_submitted: false,
    };
    Ok(Plan::Send(Box::new(Ready { draft, recipients: row.recipients.clone(), post_ids, files: wanted })))
}

/// A name for a mailbox's domain: `brewfictus.com` gives `Brewfictus`.
pub(super) fn org_name(domain: &str) -> String {
    let first = domain.split('.').next().unwrap_or(domain);
    let mut chars = first.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// Reads the files a mail carries.
fn read_files(storage: &Storage, wanted: Vec<(String, String, String)>) -> Result<Vec<compose::File>, String> {
    wanted
        .into_iter()
        .map(|(stored, name, mime)| {
            let path = storage.path_of(&stored).ok_or_else(|| format!("a stored file name {stored:?}"))?;
            let bytes = std::fs::read(&path).map_err(|e| format!("reading {name}: {e}"))?;
            Ok(compose::File { name, mime, bytes })
        })
        .collect()
}
