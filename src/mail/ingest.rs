//! The one pipeline every mail received goes through, whatever its door:
//! refused outright if it is not a mail (the SMTP receiver answers with an
//! error, the other doors log it); otherwise recorded in `mails` with what
//! became of it, and, unless it is Parley's own mail, a bounce or automated
//! mail that answers nothing, posted as a message of its conversation (a
//! new one if it answers none), with its files. Everything a mail changes
//! commits in one write, so an interrupted import leaves nothing behind.

use std::sync::Arc;

use serde_json::json;

use super::parse::{self, Parsed};
use super::{thread, Mail};
use crate::db::conversations::{self, NewConversation, Visibility};
use crate::db::mail::{self as tables, received};
use crate::db::messages::{self, NewMessage};
use crate::db::{self, files, lookups, users, Conn, Db};
use crate::realtime::{emit, Hub};
use crate::storage::{Storage, StoredFile, Upload};
use crate::wire::render;

/// How a mail arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// The SMTP receiver.
    Smtp,
    /// IMAP polling.
    Imap,
    /// `parley mail ingest` (through the spool).
    Pipe,
}

impl Door {
    fn as_str(self) -> &'static str {
        match self {
            Door::Smtp => "SMTP",
            Door::Imap => "IMAP",
            Door::Pipe => "PIPE",
        }
    }
}

/// What became of a mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It became message `message_id` of `conversation_id` (a new
    /// conversation when `created`).
    Posted {
        /// The conversation.
        conversation_id: i64,
        /// The message.
        message_id: i64,
        /// Whether the mail started it.
        created: bool,
    },
    /// It was received before (the same Message-ID).
    Duplicate,
    /// Kept aside, with Kayako's suspension code: nothing posted.
    Suspended(&'static str),
}

/// Why a mail was not taken at all.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// It is not a mail, or one no client should send (the words say which).
    #[error("{0}")]
    Invalid(String),
    /// Taking it failed here (the database, the disk): try again later.
    #[error("{0}")]
    Failed(String),
}

impl From<db::Error> for Refused {
    fn from(e: db::Error) -> Self {
        Refused::Failed(format!("database: {e}"))
    }
}

/// What the pipeline works with.
#[derive(Clone)]
pub struct Pipeline {
    /// The mail service.
    pub mail: Arc<Mail>,
    /// The database.
    pub db: Db,
    /// Attachment files.
    pub storage: Arc<Storage>,
    /// Realtime, woken after a post.
    pub hub: Arc<Hub>,
    /// Base of `resource_url`s in events.
    pub public_url: String,
}

/// A mail's files as stored (their uploads kept once the import commits), and what was left out.
struct Stored {
    files: Vec<(StoredFile, Option<String>)>,
    uploads: Vec<Upload>,
    left_out: Vec<String>,
    /// The mail's bytes.
    size: i64,
}

impl Pipeline {
    /// Takes one mail. `envelope` holds the SMTP recipients (empty for the
    /// other doors).
    pub async fn ingest(&self, raw: Vec<u8>, door: Door, envelope: Vec<String>) -> Result<Outcome, Refused> {
        let max = self.mail.config.max_mail_bytes;
        if raw.len() > max {
            return Err(Refused::Invalid(format!("the mail is larger than {max} bytes")));
        }
        if parse::header_bomb(&raw) {
            return Err(Refused::Invalid(format!("the mail has more than {} header lines", parse::MAX_HEADERS)));
        }
        let (raw, parsed) = tokio::task::spawn_blocking(move || {
            let parsed = parse::parse(&raw);
            (raw, parsed)
        })
        .await
        .map_err(|e| Refused::Failed(e.to_string()))?;
        let parsed = parsed.ok_or_else(|| Refused::Invalid("this is not a mail (no header could be read)".into()))?;
        let id = parsed.message_id.clone();
        if self.db.read(move |c| received::was_received(c, &id)).await? {
            return Ok(Outcome::Duplicate);
        }
        let storage = self.storage.clone();
        let limits = self.mail.limits;
        let (parsed, stored) = tokio::task::spawn_blocking(move || {
            let stored = store_files(&storage, &parsed, &raw, limits);
            (parsed, stored)
        })
        .await
        .map_err(|e| Refused::Failed(e.to_string()))?;
        let stored = stored.map_err(|e| Refused::Failed(format!("storing the mail's files: {e}")))?;
        let Stored { files, uploads, left_out, size } = stored;
        let view_base = self.public_url.clone();
        let catalog = self.db.catalog()?;
        let domain = self.mail.config.mail_domain.clone();
        let outcome = self
            .db
            .write_then(
                move |tx| {
                    let view = render::View {
                        base_url: view_base,
                        staff: false,
                        user_id: None,
                        me: None,
                        settings: catalog.settings,
                        catalog,
                    };
                    take(tx, &view, domain.as_deref(), door, &envelope, parsed, files, &left_out, size, db::now())
                },
                move |outcome: &Outcome| {
                    let mut uploads = uploads;
                    if matches!(outcome, Outcome::Posted { .. }) {
                        uploads.iter_mut().for_each(Upload::keep);
                    }
                },
            )
            .await?;
        self.hub.wake();
        Ok(outcome)
    }
}

/// Stores a mail's files (and the mail itself, as `original.eml`), leaving
/// out those over the limits.
fn store_files(storage: &Storage, parsed: &Parsed, raw: &[u8], limits: super::FileLimits) -> std::io::Result<Stored> {
    let mut out = Stored { files: Vec::new(), uploads: Vec::new(), left_out: Vec::new(), size: raw.len() as i64 };
    for part in &parsed.files {
        let too_big = part.bytes.len() as u64 > limits.max_file_bytes;
        if too_big || out.files.len() >= limits.max_files_per_message {
            let why = if too_big { "larger than the file size limit" } else { "more files than a message may carry" };
            out.left_out.push(format!("{} ({} bytes): {why}", part.name, part.bytes.len()));
            continue;
        }
        let (upload, stored) = storage.store_bytes(&part.name, &part.bytes)?;
        out.uploads.push(upload);
        out.files.push((stored, part.content_id.clone()));
    }
    let (upload, stored) = storage.store_bytes("original.eml", raw)?;
    out.uploads.push(upload);
    out.files.push((stored, None));
    Ok(out)
}

/// Records a mail and posts it where it belongs, in one write.
#[allow(clippy::too_many_arguments)]
fn take(
    tx: &Conn,
    view: &render::View,
    domain: Option<&str>,
    door: Door,
    envelope: &[String],
    parsed: Parsed,
    files: Vec<(StoredFile, Option<String>)>,
    left_out: &[String],
    size: i64,
    now: i64,
) -> Result<Outcome, Refused> {
    if received::was_received(tx, &parsed.message_id)? {
        return Ok(Outcome::Duplicate);
    }
    let mut record = received::NewMail {
        mailbox_id: None,
        message_id: parsed.message_id.clone(),
        from_address: parsed.from.clone().unwrap_or_default(),
        from_name: parsed.from_name.clone(),
        recipients: json!({ "to": parsed.to, "cc": parsed.cc, "envelope": envelope }).to_string(),
        subject: parsed.subject.chars().take(255).collect(),
        status: "SUSPENDED",
        suspension_code: None,
        reason: (!left_out.is_empty()).then(|| format!("Left out: {}", left_out.join("; "))),
        size,
        door: door.as_str(),
        conversation_id: None,
        post_id: None,
    };
    let suspend = |record: &mut received::NewMail, code: &'static str, reason: &str| -> Result<Outcome, Refused> {
        record.suspension_code = Some(code);
        record.reason = Some(reason.to_owned());
        received::insert_mail(tx, record, now)?;
        Ok(Outcome::Suspended(code))
    };
    let Some((mailbox, token)) = thread::mailbox_of(tx, envelope, &parsed)? else {
        return suspend(&mut record, "NO_MAILBOX", "No mailbox is configured to receive this mail");
    };
    record.mailbox_id = Some(mailbox.id);
    let domain = domain.map_or_else(|| super::domain_of(&mailbox.address).to_owned(), str::to_owned);
    let ours = super::outbox::is_ours(&parsed.message_id, &domain);
    let looped = parsed.loop_mark.as_deref().is_some_and(|m| thread::is_mailbox(tx, m).unwrap_or(true));
    if ours || looped {
        return suspend(&mut record, "LOOP_DETECTED", "Parley sent this mail itself");
    }
    let Some(sender) = parsed.from.clone() else {
        return suspend(&mut record, "NO_SENDER", "The mail names no sender address");
    };
    if thread::is_mailbox(tx, &sender)? {
        return suspend(&mut record, "SOURCE_IS_MAILBOX", "The mail is from one of Parley's mailboxes");
    }
    if let Some(bounce) = &parsed.bounce {
        return take_bounce(tx, record, bounce, now);
    }
    let existing = users::by_email(tx, &sender)?;
    if existing.as_ref().is_some_and(|u| u.role.is_staff()) {
        return suspend(
            &mut record,
            "SOURCE_IS_AGENT",
            "Mail from a staff address is not taken as theirs: it could be forged",
        );
    }
    let found = thread::conversation_of(tx, token.as_deref(), &parsed, &sender)?;
    if parsed.automated.is_some() && found.is_none() {
        return suspend(
            &mut record,
            "AUTOMATED_EMAIL",
            "Automated mail (an auto-reply, bulk or list mail) that answers no conversation",
        );
    }
    let author = match existing {
        Some(u) => u,
        None => {
            let name =
                parsed.from_name.clone().unwrap_or_else(|| sender.split('@').next().unwrap_or("Customer").to_owned());
            let id = users::create_customer(tx, &name, &sender, now)?;
            users::get(tx, id)?.ok_or(db::Error::NotFound)?
        }
    };
    let copied: Vec<String> = parsed
        .to
        .iter()
        .chain(parsed.cc.iter())
        .filter(|a| **a != sender && !thread::is_mailbox(tx, a).unwrap_or(true))
        .take(20)
        .cloned()
        .collect();

    // The conversation: the one it answers, or a new one.
    let (conversation, created) = match found {
        Some(c) => {
            let mut side = tables::ensure_conversation_mail(tx, c.id, Some(mailbox.id), &super::outbox::new_token())?;
            let before = side.cc.len();
            for a in &copied {
                if !side.cc.contains(a) && side.cc.len() < 20 {
                    side.cc.push(a.clone());
                }
            }
            if side.cc.len() != before {
                tables::set_cc(tx, c.id, &side.cc)?;
            }
            (c, false)
        }
        None => {
            let status = lookups::first_status_of_type(tx, "NEW")?.ok_or(db::Error::NotFound)?;
            let subject = parse::clean_subject(&parsed.subject);
            let subject =
                if subject.is_empty() { "(no subject)".to_owned() } else { subject.chars().take(255).collect() };
            let new = NewConversation {
                subject,
                channel: "MAIL".into(),
                requester_id: author.id,
                creator_id: author.id,
                status_id: status.id,
                priority_id: None,
                form_id: None,
            };
            let id = conversations::insert(tx, &new, &crate::secret::random_hex(32), now)?;
            conversations::add_participant(tx, id, author.id, now)?;
            tables::ensure_conversation_mail(tx, id, Some(mailbox.id), &super::outbox::new_token())?;
            tables::set_cc(tx, id, &copied)?;
            let c = conversations::get_visible(tx, &Visibility::All, id)?.ok_or(db::Error::NotFound)?;
            (c, true)
        }
    };

    // The message: the reply without its quoted history.
    let content = super::content::content(&parsed, left_out);
    let new = NewMessage {
        conversation_id: conversation.id,
        client_id: None,
        subject: conversation.subject.clone(),
        channel: conversation.channel.clone(),
        content_text: content.text,
        content_html: content.html,
        creator_id: author.id,
        source: "MAIL".into(),
        metadata: "{}".into(),
    };
    let post =
        messages::post(tx, messages::Post { message: new, by_staff: false, fingerprint: None, files: &[] }, now)?;
    let uploader = files::Uploader { user_id: Some(author.id), fingerprint: None, address: None };
    for (stored, content_id) in &files {
        let file_id = files::insert(tx, stored, &uploader, Some(post.id), now)?;
        if let Some(cid) = content_id {
            files::set_content_id(tx, file_id, cid)?;
        }
    }
    received::insert_message_mail(
        tx,
        &received::MessageMail {
            post_id: post.id,
            header_id: parsed.message_id.clone(),
            from_address: sender.clone(),
            to: parsed.to.clone(),
            cc: parsed.cc.clone(),
            quoted_text: content.quoted_text,
            quoted_html: content.quoted_html,
            automated: parsed.automated.map(str::to_owned),
            delivery: None,
        },
    )?;
    received::record_id(tx, &parsed.message_id, post.id, conversation.id, false)?;

    // A customer writing back reopens a conversation that waited on them or
    // was done; automated mail never does.
    if !created && parsed.automated.is_none() && matches!(conversation.status_kind.as_str(), "PENDING" | "COMPLETED") {
        if let Some(open) = lookups::first_status_of_type(tx, "OPEN")? {
            let changes = conversations::Changes { status_id: Some(open.id), ..Default::default() };
            conversations::update(tx, conversation.id, &changes, true, now)?;
            let hidden: &[&str] = if view.settings.customers_see_status { &[] } else { &["status"] };
            emit::conversation_updated(tx, &conversation.realtime_channel, conversation.id, &["status"], hidden, now)?;
        }
    }
    if created {
        emit::conversation_created(tx, &conversation.realtime_channel, conversation.id, now)?;
        crate::realtime::notify::conversation_created(tx, &conversation, post.creator_id, now)?;
    } else if parsed.automated.is_none() {
        crate::realtime::notify::customer_replied(tx, &conversation, post.creator_id, now)?;
    }
    let attached = files::of_message(tx, post.id)?;
    let data = render::message(view, post.clone(), attached);
    emit::message_created(tx, &conversation.realtime_channel, conversation.id, &data, now)?;

    record.status = "PROCESSED";
    record.suspension_code = parsed.automated.map(|_| "AUTOMATED_EMAIL");
    record.conversation_id = Some(conversation.id);
    record.post_id = Some(post.id);
    received::insert_mail(tx, &record, now)?;
    Ok(Outcome::Posted { conversation_id: conversation.id, message_id: post.id, created })
}

/// A bounce: the message it names is REJECTED with the reason; nothing is posted.
fn take_bounce(tx: &Conn, mut record: received::NewMail, bounce: &parse::Bounce, now: i64) -> Result<Outcome, Refused> {
    let known = received::known_id(tx, &bounce.original_ids)?.filter(|k| k.outbound);
    record.suspension_code = Some("MAILER_DAEMON");
    record.reason = Some(bounce.reason.clone());
    if let Some(k) = known {
        received::reject_message(tx, k.post_id, "BOUNCE", &bounce.reason, now)?;
        received::set_delivery(tx, &[k.post_id], "BOUNCED")?;
        emit::message_delivery(tx, k.conversation_id, k.post_id, "BOUNCED", now)?;
        record.conversation_id = Some(k.conversation_id);
        record.post_id = Some(k.post_id);
    }
    received::insert_mail(tx, &record, now)?;
    Ok(Outcome::Suspended("MAILER_DAEMON"))
}
