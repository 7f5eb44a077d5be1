//! What a staff message sends by mail, decided inside its transaction, so
//! that the message and its outbox row commit together: a reply on a MAIL
//! conversation is queued at once; on a messenger or help-center
//! conversation it waits `--mail-offline-delay-seconds` for the customer to
//! see it there, gathering the replies that follow into one mail.

use crate::db::conversations::Conversation;
use crate::db::mail::{self, outbox, received};
use crate::db::messages::Message;
use crate::db::{self, users, Conn};

/// What the outbox needs of the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `--mail-domain`.
    pub domain: Option<String>,
    /// `--mail-offline-delay-seconds`.
    pub offline_delay: i64,
}

impl Settings {
    /// From the mail flags.
    pub fn of(config: &crate::config::MailConfig) -> Settings {
        Settings { domain: config.mail_domain.clone(), offline_delay: config.mail_offline_delay_seconds.max(0) }
    }
}

/// What a message queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queued {
    /// No mail (mail is off, the requester has no address, a customer wrote it).
    Nothing,
    /// A reply, to send now.
    Reply,
    /// A reply waiting to see whether the customer reads it in the messenger.
    Offline,
}

/// The Message-ID of the mail that carries message `uuid`.
pub fn message_id(uuid: &str, domain: &str) -> String {
    format!("m.{uuid}@{domain}")
}

/// Whether a Message-ID is one Parley wrote for `domain`.
pub fn is_ours(message_id: &str, domain: &str) -> bool {
    message_id.starts_with("m.") && super::domain_of(message_id).eq_ignore_ascii_case(domain)
}

/// Whether mail can be sent to an address (placeholders cannot).
pub fn mailable(address: &str) -> bool {
    address.contains('@') && !address.ends_with(".invalid")
}

/// Queues what a staff member's message `post` on `conversation` sends;
/// `cc` adds addresses to those the conversation's mail is copied to.
pub fn after_staff_message(
    tx: &Conn,
    settings: &Settings,
    conversation: &Conversation,
    post: &Message,
    cc: &[String],
    now: i64,
) -> db::Result<Queued> {
    let Some(mailbox) = mail::sending_mailbox(tx, conversation.id)? else { return Ok(Queued::Nothing) };
    let Some(requester) = users::get(tx, conversation.requester_id)? else { return Ok(Queued::Nothing) };
    if requester.role.is_staff() || !mailable(&requester.email) {
        return Ok(Queued::Nothing);
    }
    let mut side = mail::ensure_conversation_mail(tx, conversation.id, Some(mailbox.id), &new_token())?;
    let mut added = false;
    for address in cc {
        let address = address.to_lowercase();
        if !side.cc.contains(&address) && address != requester.email.to_lowercase() && side.cc.len() < 20 {
            side.cc.push(address);
            added = true;
        }
    }
    if added {
        mail::set_cc(tx, conversation.id, &side.cc)?;
    }
    let domain = settings.domain.clone().unwrap_or_else(|| super::domain_of(&mailbox.address).to_owned());
    match conversation.channel.as_str() {
        "MAIL" => {
            let mut recipients = vec![requester.email.to_lowercase()];
            for cc in &side.cc {
                if !recipients.contains(cc) && mailable(cc) {
                    recipients.push(cc.clone());
                }
            }
            outbox::enqueue(tx, Some(conversation.id), "REPLY", &[post.id], &recipients, now, now)?;
            let header_id = message_id(&post.uuid, &domain);
            received::insert_message_mail(
                tx,
                &received::MessageMail {
                    post_id: post.id,
                    header_id: header_id.clone(),
                    from_address: mailbox.address.clone(),
                    to: vec![requester.email.to_lowercase()],
                    cc: side.cc.clone(),
                    delivery: Some("QUEUED".into()),
                    ..Default::default()
                },
            )?;
            received::record_id(tx, &header_id, post.id, conversation.id, true)?;
            Ok(Queued::Reply)
        }
        "MESSENGER" | "HELPCENTER" => {
            match outbox::queued_of(tx, conversation.id, "OFFLINE")? {
                Some(mut gathering) if gathering.post_ids.len() < 20 => {
                    gathering.post_ids.push(post.id);
                    outbox::add_post(tx, gathering.id, &gathering.post_ids, now)?;
                }
                _ => {
                    let recipients = [requester.email.to_lowercase()];
                    outbox::enqueue(
                        tx,
                        Some(conversation.id),
                        "OFFLINE",
                        &[post.id],
                        &recipients,
                        now + settings.offline_delay,
                        now,
                    )?;
                }
            }
            Ok(Queued::Offline)
        }
        _ => Ok(Queued::Nothing),
    }
}

/// A new reply token: what a conversation's Reply-To carries after the `+`.
pub fn new_token() -> String {
    crate::secret::random_hex(10)
}
