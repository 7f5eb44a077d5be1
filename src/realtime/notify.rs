//! Who hears of what: each desk event becomes notifications for the agents
//! it concerns who want it (never its own author), written in the event's
//! own transaction, each with a `notification.created` event on that
//! agent's private channel ([`channel_of`]), which only they may subscribe
//! to (as `notifications`).

use crate::db::conversations::Conversation;
use crate::db::notifications::{self as store, Notification};
use crate::db::{self, events, users, Conn};
use crate::wire::render;

/// The log channel of `user`'s notifications.
pub fn channel_of(user: i64) -> String {
    format!("notifications@{user}")
}

/// Notifies each of `recipients` (but `actor`) who wants `kind`.
fn raise(
    tx: &Conn,
    kind: &'static str,
    recipients: &[i64],
    c: &Conversation,
    actor: Option<i64>,
    summary: &str,
    now: i64,
) -> db::Result<Vec<Notification>> {
    let mut out = Vec::new();
    for &user in recipients {
        if Some(user) == actor || out.iter().any(|n: &Notification| n.user_id == user) {
            continue;
        }
        let wanted = store::preferences(tx, user)?.into_iter().find(|p| p.kind == kind).is_some_and(|p| p.wanted());
        if !wanted {
            continue;
        }
        let n = store::insert(tx, user, kind, Some(c.id), actor, summary, now)?;
        events::append(tx, &channel_of(user), "notification.created", &render::notification(&n), now)?;
        out.push(n);
    }
    Ok(out)
}

fn name_of(tx: &Conn, user: Option<i64>) -> db::Result<String> {
    Ok(match user {
        Some(id) => users::get(tx, id)?.map(|u| u.full_name).unwrap_or_else(|| "Someone".into()),
        None => "Someone".into(),
    })
}

/// A conversation was started: the agents of its team, or every agent when
/// it has none, while nobody is assigned.
pub fn conversation_created(tx: &Conn, c: &Conversation, actor: i64, now: i64) -> db::Result<()> {
    if c.assigned_agent_id.is_some() {
        return Ok(());
    }
    let who = name_of(tx, Some(c.requester_id))?;
    let recipients = store::staff(tx, c.assigned_team_id)?;
    raise(tx, "case_created", &recipients, c, Some(actor), &format!("{who} started “{}”", c.subject), now).map(drop)
}

/// The customer wrote back: the assigned agent.
pub fn customer_replied(tx: &Conn, c: &Conversation, author: i64, now: i64) -> db::Result<()> {
    let Some(agent) = c.assigned_agent_id else { return Ok(()) };
    let who = name_of(tx, Some(author))?;
    raise(tx, "reply_on_case", &[agent], c, Some(author), &format!("{who} replied to “{}”", c.subject), now).map(drop)
}

/// `agent` was assigned `c` by `actor`.
pub fn assigned(tx: &Conn, c: &Conversation, agent: i64, actor: Option<i64>, now: i64) -> db::Result<()> {
    let who = name_of(tx, actor)?;
    let summary = format!("{who} assigned “{}” to you", c.subject);
    raise(tx, "case_assigned_to_agent", &[agent], c, actor, &summary, now).map(drop)
}

/// A note by `author` mentions `mentioned`.
pub fn mentioned(tx: &Conn, c: &Conversation, mentioned: &[i64], author: i64, now: i64) -> db::Result<()> {
    let who = name_of(tx, Some(author))?;
    let summary = format!("{who} mentioned you on “{}”", c.subject);
    raise(tx, "mentioned_in_conversation", mentioned, c, Some(author), &summary, now).map(drop)
}

/// The customer rated the conversation (`score`: GOOD, BAD, ...): the assigned agent.
pub fn rated(tx: &Conn, c: &Conversation, author: i64, score: &str, now: i64) -> db::Result<()> {
    let Some(agent) = c.assigned_agent_id else { return Ok(()) };
    let who = name_of(tx, Some(author))?;
    let summary = format!("{who} rated “{}”: {}", c.subject, score.to_lowercase());
    raise(tx, "case_rated", &[agent], c, Some(author), &summary, now).map(drop)
}
