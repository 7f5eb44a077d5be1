//! Where a mail received belongs, decided inside the write that stores it:
//! its mailbox, whether it is Parley's own mail coming back, and the
//! conversation it answers. First match wins: the token of the address it
//! was sent to, then `In-Reply-To`/`References` against every Message-ID
//! Parley received or sent, then a `[#id]` in the subject; the sender must
//! take part in the conversation found, or the mail starts a new one. A
//! `Re:` subject alone never threads.

use super::parse::{subject_tag, Parsed};
use super::split_plus;
use crate::db::conversations::{self, Conversation, Visibility};
use crate::db::mail::{self as tables, received, Mailbox};
use crate::db::{self, Conn};

/// The mailbox a mail was sent to, and the token its address carried.
pub fn mailbox_of(conn: &Conn, envelope: &[String], parsed: &Parsed) -> db::Result<Option<(Mailbox, Option<String>)>> {
    let candidates = envelope.iter().chain(parsed.to.iter()).chain(parsed.cc.iter());
    for address in candidates {
        let (base, tag) = split_plus(&address.to_lowercase());
        if let Some(mailbox) = tables::mailbox_by_address(conn, &base)? {
            if mailbox.is_enabled {
                return Ok(Some((mailbox, tag)));
            }
        }
    }
    // Delivered by an alias or forwarded from a provider: the default mailbox.
    Ok(tables::mailboxes(conn)?.into_iter().find(|m| m.is_default && m.is_enabled).map(|m| (m, None)))
}

/// Whether an address is one of the mailboxes (any `+tag`).
pub fn is_mailbox(conn: &Conn, address: &str) -> db::Result<bool> {
    Ok(tables::mailbox_by_address(conn, &split_plus(address).0)?.is_some())
}

/// The conversation a mail answers, if its sender takes part in it and it
/// is not closed.
pub fn conversation_of(
    conn: &Conn,
    token: Option<&str>,
    parsed: &Parsed,
    sender: &str,
) -> db::Result<Option<Conversation>> {
    let mut found = None;
    if let Some(token) = token {
        found = tables::conversation_by_token(conn, token)?;
    }
    if found.is_none() {
        found = received::known_id(conn, &parsed.answers)?.map(|k| k.conversation_id);
    }
    if found.is_none() {
        found = subject_tag(&parsed.subject);
    }
    let Some(id) = found else { return Ok(None) };
    let Some(c) = conversations::get_visible(conn, &Visibility::All, id)? else { return Ok(None) };
    if c.is_closed() || !takes_part(conn, &c, sender)? {
        return Ok(None);
    }
    Ok(Some(c))
}

/// Whether `sender` is the requester, a participant, or copied on the conversation.
fn takes_part(conn: &Conn, c: &Conversation, sender: &str) -> db::Result<bool> {
    if conversations::is_participant_email(conn, c.id, sender)? {
        return Ok(true);
    }
    let requester = db::users::get(conn, c.requester_id)?;
    if requester.is_some_and(|u| u.email.eq_ignore_ascii_case(sender)) {
        return Ok(true);
    }
    let side = tables::conversation_mail(conn, c.id)?;
    Ok(side.is_some_and(|s| s.cc.iter().any(|cc| cc.eq_ignore_ascii_case(sender))))
}
