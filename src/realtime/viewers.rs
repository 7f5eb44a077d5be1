//! Who of the team has a conversation open, and whether they are writing a
//! reply or a note: the agents' own presence, so two of them do not answer
//! the same customer at once. Kept in memory (it is only ever "now"), told
//! on the staff inbox channel alone: customers never learn that an agent is
//! writing a note.
//!
//! Each inbox open on a conversation says so again every few seconds; one
//! that stops saying so is gone after [`TTL_SECONDS`].

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::{json, Value};

use crate::wire::ts;

/// Seconds an agent counts as viewing after they last said so.
pub const TTL_SECONDS: i64 = 45;
/// Viewers kept per conversation (staff only, so a generous bound).
const MAX_PER_CONVERSATION: usize = 64;
/// Conversations with viewers kept at once; beyond, the stalest go.
const MAX_CONVERSATIONS: usize = 10_000;

/// What an agent is doing in a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// Reading it.
    Viewing,
    /// Writing a reply to the customer.
    Replying,
    /// Writing a private note.
    Noting,
}

impl Activity {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Activity::Viewing => "VIEWING",
            Activity::Replying => "REPLYING",
            Activity::Noting => "NOTING",
        }
    }

    /// From the wire name (any case).
    pub fn parse(s: &str) -> Option<Activity> {
        match s.to_ascii_uppercase().as_str() {
            "VIEWING" => Some(Activity::Viewing),
            "REPLYING" => Some(Activity::Replying),
            "NOTING" => Some(Activity::Noting),
            _ => None,
        }
    }
}

/// One agent in a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// The agent.
    pub user_id: i64,
    /// Their name, as shown.
    pub full_name: String,
    /// What they are doing.
    pub activity: Activity,
    /// When they opened it (Unix seconds).
    pub since: i64,
    /// When they last said so.
    pub seen_at: i64,
    /// What the others were last told they do.
    told: Option<Activity>,
}

impl Viewer {
    /// On the wire.
    pub fn to_json(&self) -> Value {
        json!({
            "user": { "id": self.user_id, "full_name": self.full_name, "resource_type": "user_minimal" },
            "activity": self.activity.as_str(),
            "since": ts(Some(self.since)),
            "seen_at": ts(Some(self.seen_at)),
            "resource_type": "viewer",
        })
    }
}

/// The `viewers.changed` event's data: everyone in `conversation` now.
pub fn changed(conversation: i64, viewers: &[Viewer]) -> Value {
    json!({ "conversation_id": conversation, "viewers": viewers.iter().map(Viewer::to_json).collect::<Vec<_>>() })
}

/// Every conversation's viewers.
#[derive(Default)]
pub struct Viewers {
    by_conversation: Mutex<HashMap<i64, Vec<Viewer>>>,
}

impl Viewers {
    /// Records what `user_id` is doing in `conversation` (`None`: they
    /// left). Returns the viewers now, and whether to tell the others: someone
    /// came, went, or does something other than what the others were last
    /// told (a mere "still here" is not news). A change to a busier activity
    /// is told only if `may_tell` agrees (it spaces them); one it refused is
    /// told with the next "still here".
    pub fn set(
        &self,
        conversation: i64,
        user_id: i64,
        full_name: &str,
        activity: Option<Activity>,
        now: i64,
        may_tell: impl FnOnce() -> bool,
    ) -> (Vec<Viewer>, bool) {
        let mut all = self.by_conversation.lock().unwrap_or_else(|e| e.into_inner());
        let list = all.entry(conversation).or_default();
        let before = list.len();
        list.retain(|v| now - v.seen_at <= TTL_SECONDS);
        let mut tell = list.len() != before;
        let at = list.iter().position(|v| v.user_id == user_id);
        match (activity, at) {
            (None, Some(i)) => {
                list.remove(i);
                tell = true;
            }
            (None, None) => {}
            (Some(a), at) => {
                let i = at.unwrap_or_else(|| {
                    if list.len() >= MAX_PER_CONVERSATION {
                        list.sort_by_key(|v| std::cmp::Reverse(v.seen_at));
                        list.truncate(MAX_PER_CONVERSATION - 1);
                    }
                    list.push(Viewer {
                        user_id,
                        full_name: String::new(),
                        activity: a,
                        since: now,
                        seen_at: now,
                        told: None,
                    });
                    list.len() - 1
                });
                let v = &mut list[i];
                (v.activity, v.seen_at) = (a, now);
                v.full_name = full_name.to_owned();
                if v.told != Some(a) && (tell || v.told.is_none() || a == Activity::Viewing || may_tell()) {
                    v.told = Some(a);
                    tell = true;
                }
            }
        }
        let out: Vec<Viewer> =
            list.iter().map(|v| Viewer { activity: v.told.unwrap_or(v.activity), ..v.clone() }).collect();
        if out.is_empty() {
            all.remove(&conversation);
        } else if all.len() > MAX_CONVERSATIONS {
            all.retain(|_, l| l.iter().any(|v| now - v.seen_at <= TTL_SECONDS));
            if all.len() > MAX_CONVERSATIONS {
                let mut oldest: Vec<(i64, i64)> =
                    all.iter().map(|(c, l)| (*c, l.iter().map(|v| v.seen_at).max().unwrap_or(0))).collect();
                oldest.sort_by_key(|(_, seen)| *seen);
                for (c, _) in oldest.into_iter().take(all.len() - MAX_CONVERSATIONS) {
                    if c != conversation {
                        all.remove(&c);
                    }
                }
            }
        }
        (out, tell)
    }

    /// The viewers of `conversation` now.
    pub fn of(&self, conversation: i64, now: i64) -> Vec<Viewer> {
        let all = self.by_conversation.lock().unwrap_or_else(|e| e.into_inner());
        all.get(&conversation)
            .map(|l| l.iter().filter(|v| now - v.seen_at <= TTL_SECONDS).cloned().collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yes() -> bool {
        true
    }

    #[test]
    fn arrivals_changes_and_departures_are_news_and_staying_is_not() {
        let v = Viewers::default();
        let (list, news) = v.set(1, 7, "Alex", Some(Activity::Viewing), 100, yes);
        assert!(news);
        assert_eq!(list.len(), 1);
        assert!(!v.set(1, 7, "Alex", Some(Activity::Viewing), 110, yes).1);
        assert!(v.set(1, 7, "Alex", Some(Activity::Noting), 111, yes).1);
        assert_eq!(v.of(1, 112)[0].activity, Activity::Noting);
        assert_eq!(v.of(1, 112)[0].since, 100);
        assert!(v.set(1, 7, "Alex", None, 113, yes).1);
        assert!(v.of(1, 113).is_empty());
    }

    #[test]
    fn a_change_refused_for_now_is_told_with_the_next_heartbeat() {
        let v = Viewers::default();
        v.set(1, 7, "Alex", Some(Activity::Viewing), 100, yes);
        let (list, news) = v.set(1, 7, "Alex", Some(Activity::Replying), 100, || false);
        assert!(!news);
        assert_eq!(list[0].activity, Activity::Viewing, "what the others know");
        let (list, news) = v.set(1, 7, "Alex", Some(Activity::Replying), 105, yes);
        assert!(news);
        assert_eq!(list[0].activity, Activity::Replying);
    }

    #[test]
    fn a_viewer_who_stops_saying_so_is_gone_after_the_ttl() {
        let v = Viewers::default();
        v.set(1, 7, "Alex", Some(Activity::Viewing), 100, yes);
        v.set(1, 8, "Sam", Some(Activity::Replying), 100 + TTL_SECONDS, yes);
        assert_eq!(v.of(1, 100 + TTL_SECONDS + 1).len(), 1);
        let (list, news) = v.set(1, 8, "Sam", Some(Activity::Replying), 100 + TTL_SECONDS + 1, yes);
        assert!(news, "someone left meanwhile");
        assert_eq!(list.iter().map(|x| x.user_id).collect::<Vec<_>>(), vec![8]);
    }

    #[test]
    fn a_conversation_keeps_a_bounded_number_of_viewers() {
        let v = Viewers::default();
        for u in 0..200 {
            v.set(1, u, "x", Some(Activity::Viewing), 100, yes);
        }
        let list = v.of(1, 100);
        assert_eq!(list.len(), MAX_PER_CONVERSATION);
        assert!(list.iter().any(|x| x.user_id == 199), "the newest stays");
    }
}
