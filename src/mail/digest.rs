//! Agents' notifications by mail. Each pass of the sender takes, in one
//! write, the agents who have a notification still unread
//! `--notification-mail-delay-seconds` after it was raised, and for each
//! queues one mail (an outbox row of kind NOTIFY, due at once) listing
//! every notification of theirs still unread that they want by mail (the
//! younger ones go with it: several events, one mail), and settles them all
//! (`mailed_at`: queued, or not wanted). An agent who is disabled or has no
//! address, or an instance with no mailbox enabled, gets none. When the
//! mail is built ([`plan`]), the notifications read meanwhile are left out;
//! none left, it is not sent. Notifications are never of the agent's own
//! doing (`realtime::notify`), so neither is their mail.

use super::send::{Plan, Ready};
use crate::config::MailConfig;
use crate::db::conversations::{self, Visibility};
use crate::db::mail::{self as tables, outbox};
use crate::db::notifications::{self as store, Notification};
use crate::db::{self, users, Conn};

/// Notifications one pass takes at most.
pub const BATCH: i64 = 500;

/// What a pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// Mails queued.
    pub queued: usize,
    /// The batch was full: more may be due now.
    pub more: bool,
}

/// Whether a digest may be due at `now` (an index's worth).
pub fn any_due(conn: &Conn, delay: i64, now: i64) -> db::Result<bool> {
    store::any_to_mail(conn, now - delay.max(0))
}

/// Queues the digests due at `now`, and settles what they cover.
pub fn queue(tx: &Conn, delay: i64, now: i64) -> db::Result<Pass> {
    let before = now - delay.max(0);
    let mut pending = store::to_mail(tx, before, BATCH)?;
    let more = pending.len() as i64 >= BATCH;
    if more {
        // The last agent's may go on past the batch: theirs wait, whole, for the next pass.
        let last = pending.last().map(|n| n.user_id);
        if pending.iter().any(|n| Some(n.user_id) != last) {
            pending.retain(|n| Some(n.user_id) != last);
        }
    }
    let mail_on = tables::first_mailbox(tx)?.is_some();
    let mut pass = Pass { queued: 0, more };
    for theirs in pending.chunk_by(|a, b| a.user_id == b.user_id) {
        if one_agent(tx, theirs, before, mail_on, now)? {
            pass.queued += 1;
        }
    }
    Ok(pass)
}

/// One agent's pending notifications (oldest first): their mail queued if
/// one they want is due; whether it was.
fn one_agent(tx: &Conn, theirs: &[Notification], before: i64, mail_on: bool, now: i64) -> db::Result<bool> {
    let Some(first) = theirs.first() else { return Ok(false) };
    let address = users::get(tx, first.user_id)?
        .filter(|u| mail_on && u.is_enabled && u.role.is_staff() && super::outbox::mailable(&u.email))
        .map(|u| u.email.to_lowercase());
    let Some(address) = address else {
        store::mailed(tx, &ids(theirs.iter()), now)?;
        return Ok(false);
    };
    let preferences = store::preferences(tx, first.user_id)?;
    let wants = |n: &Notification| preferences.iter().any(|p| p.kind == n.kind && p.email);
    let due = |n: &Notification| n.created_at <= before;
    if !theirs.iter().any(|n| due(n) && wants(n)) {
        // Nothing they want by mail is due: what is due is settled unmailed;
        // the younger wait for their own time.
        store::mailed(tx, &ids(theirs.iter().filter(|n| due(n))), now)?;
        return Ok(false);
    }
    let listed = ids(theirs.iter().filter(|n| wants(n)));
    outbox::enqueue(tx, None, "NOTIFY", &listed, &[address], now, now)?;
    store::mailed(tx, &ids(theirs.iter()), now)?;
    Ok(true)
}

fn ids<'a>(notifications: impl Iterator<Item = &'a Notification>) -> Vec<i64> {
    notifications.map(|n| n.id).collect()
}

/// What to do with a queued digest: the notifications it lists still
/// unread, as a mail from the first enabled mailbox, to the agent.
pub(super) fn plan(
    conn: &Conn,
    config: &MailConfig,
    public_url: &str,
    row: &outbox::Outgoing,
    now: i64,
) -> db::Result<Plan> {
    let unread: Vec<Notification> =
        store::by_ids(conn, &row.post_ids)?.into_iter().filter(|n| n.read_at.is_none()).collect();
    if unread.is_empty() {
        return Ok(Plan::Cancel);
    }
    let Some(mailbox) = tables::first_mailbox(conn)? else {
        return Ok(Plan::Retry("no mailbox is enabled to send from".into()));
    };
    for r in &row.recipients {
        let (all, _) = outbox::sent_to(conn, r, 0, now - 3_600)?;
        if config.mail_per_address_per_hour > 0 && all >= config.mail_per_address_per_hour {
            tracing::info!(outbox = row.id, "a recipient's hourly mail cap is reached; the digest waits");
            return Ok(Plan::Wait(now + 300));
        }
    }
    let agent = users::get(conn, unread[0].user_id)?.map(|u| u.full_name).unwrap_or_default();
    let link = |n: &Notification| n.conversation_id.map(|id| format!("{public_url}/agent/#/conversations/{id}"));
    let subject = match unread.as_slice() {
        [one] if one.kind == "case_created" => {
            let about = match one.conversation_id {
                Some(id) => conversations::get_visible(conn, &Visibility::All, id)?.map(|c| c.subject),
                None => None,
            };
            format!("New conversation: {}", about.unwrap_or_else(|| one.summary.clone()))
        }
        [one] => one.summary.clone(),
        several => format!("{} updates in your inbox", several.len()),
    };
    let hello = agent.split_whitespace().next().map_or_else(|| "Hello,".to_owned(), |first| format!("Hello {first},"));
    let mut text = format!("{hello}\n\nStill unread in your inbox:\n\n");
    let mut html = format!("<p>{}</p><p>Still unread in your inbox:</p><ul>", super::compose::escape(&hello));
    for n in &unread {
        text.push_str(&format!("- {}\n", n.summary));
        let summary = super::compose::escape(&n.summary);
        match link(n) {
            Some(url) => {
                text.push_str(&format!("  {url}\n"));
                html.push_str(&format!("<li><a href=\"{}\">{summary}</a></li>", super::compose::escape(&url)));
            }
            None => html.push_str(&format!("<li>{summary}</li>")),
        }
    }
    html.push_str("</ul>");
    let domain = config.mail_domain.clone().unwrap_or_else(|| super::domain_of(&mailbox.address).to_owned());
    let draft = super::compose::Draft {
        from_name: format!("{} support", super::send::org_name(super::domain_of(&mailbox.address))),
        from_address: mailbox.address.clone(),
        reply_to: None,
        to: row.recipients.first().cloned().into_iter().collect(),
        cc: Vec::new(),
        subject,
        message_id: format!("notify.{}.{}@{domain}", row.id, row.created_at),
        in_reply_to: None,
        references: Vec::new(),
        pieces: vec![super::compose::Piece { author: String::new(), written: String::new(), text, html }],
        footer: format!(
            "Notifications still unread after {} are mailed to you. Choose which in your notification \
             preferences: {public_url}/agent/",
            spelled(config.notification_mail_delay_seconds)
        ),
        files: Vec::new(),
        loop_mark: mailbox.address.clone(),
        auto_submitted: true,
    };
    Ok(Plan::Send(Box::new(Ready {
        draft,
        recipients: row.recipients.clone(),
        post_ids: Vec::new(),
        files: Vec::new(),
    })))
}

/// A delay in words: `5 minutes`, `1 second`.
fn spelled(seconds: i64) -> String {
    let (n, unit) = if seconds >= 60 && seconds % 60 == 0 { (seconds / 60, "minute") } else { (seconds, "second") };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::spelled;

    #[test]
    fn delays_are_spelled_out() {
        assert_eq!(spelled(300), "5 minutes");
        assert_eq!(spelled(60), "1 minute");
        assert_eq!(spelled(1), "1 second");
        assert_eq!(spelled(90), "90 seconds");
    }
}
