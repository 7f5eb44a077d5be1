//! Realtime delivery. Changes append events to the log (`db::events`) inside
//! their own transaction and then [`Hub::wake`] the hub. One fetcher task reads
//! new events in id (= commit) order and hands them to the subscribers of each
//! channel, so live delivery and replay (`Last-Event-ID` / `since`) follow the
//! same order and a resuming client misses nothing. Typing is ephemeral: it is
//! published directly and never logged.
//!
//! Subscribers get a bounded queue; one that cannot keep up is dropped and
//! reconnects with its last event id, replaying from the log.

pub mod emit;
pub mod notify;
pub mod presence;
pub mod viewers;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::{mpsc, Notify};

use crate::db::{events, Db};
use crate::wire::ts;

/// Events a subscriber may have queued before it counts as too slow.
const QUEUE: usize = 256;
/// Events read from the log per fetch.
const BATCH: i64 = 500;

/// One event as sent to clients.
#[derive(Debug)]
pub struct Outgoing {
    /// Log id; `None` for ephemeral events (typing).
    pub id: Option<i64>,
    /// Event type, e.g. `message.created`.
    pub kind: String,
    /// The whole event as JSON text: `{"id", "event", "channel", "data", "created_at"}`.
    pub json: String,
    /// What customers and devices get instead, where it differs: a
    /// `conversation.updated` that names fields hidden from them names only
    /// the others (`Some(None)`: nothing, so they get no event at all).
    customers: Option<Option<String>>,
}

impl Outgoing {
    /// The logged event as clients get it. Its payload is spliced in as it
    /// is stored: the log holds only what `events::append` serialised.
    pub fn from_logged(e: &events::Event) -> Outgoing {
        let text = |s: &str| Value::from(s).to_string();
        let whole = |data: &str| {
            format!(
                r#"{{"id":{},"event":{},"channel":{},"data":{},"created_at":{}}}"#,
                e.id,
                text(&e.kind),
                text(&e.channel),
                data,
                ts(Some(e.created_at)),
            )
        };
        let hidden = (e.kind == "conversation.updated" && e.data.contains(emit::STAFF_ONLY))
            .then(|| serde_json::from_str::<Value>(&e.data).ok())
            .flatten();
        let Some(mut data) = hidden else {
            return Outgoing { id: Some(e.id), kind: e.kind.clone(), json: whole(&e.data), customers: None };
        };
        let staff_only = data.as_object_mut().and_then(|m| m.remove(emit::STAFF_ONLY)).unwrap_or(Value::Null);
        let json = whole(&data.to_string());
        let hidden: Vec<&Value> = staff_only.as_array().into_iter().flatten().collect();
        let changed: Vec<Value> =
            data["changed"].as_array().into_iter().flatten().filter(|name| !hidden.contains(name)).cloned().collect();
        let customers = (!changed.is_empty()).then(|| {
            data["changed"] = Value::Array(changed);
            whole(&data.to_string())
        });
        Outgoing { id: Some(e.id), kind: e.kind.clone(), json, customers: Some(customers) }
    }

    /// The event as a reader gets it: staff whole, customers and devices
    /// without what is hidden from them (`None`: not at all).
    pub fn json_for(&self, staff: bool) -> Option<&str> {
        match (&self.customers, staff) {
            (Some(theirs), false) => theirs.as_deref(),
            _ => Some(&self.json),
        }
    }

    /// An event that is delivered live only.
    pub fn ephemeral(channel: &str, kind: &str, data: Value, now: i64) -> Outgoing {
        let json = json!({ "id": null, "event": kind, "channel": channel, "data": data, "created_at": ts(Some(now)) });
        Outgoing { id: None, kind: kind.to_owned(), json: json.to_string(), customers: None }
    }
}

/// The channel staff subscribe to for every conversation's events at once
/// (the agent inbox): each conversation event is also published there.
pub const INBOX: &str = "inbox";

/// Whether `channel` is a conversation's (as opposed to a user's presence channel).
pub fn is_conversation_channel(channel: &str) -> bool {
    channel.starts_with("presence-")
}

/// The in-memory fan-out of events to connected clients. A subscription may
/// cover several channels; each subscriber has one bounded queue, registered
/// under each of its channels.
pub struct Hub {
    wake: Notify,
    closing: tokio::sync::watch::Sender<bool>,
    next_id: AtomicU64,
    routes: Mutex<Routes>,
    connections: Mutex<HashMap<i64, usize>>,
    /// Users whose authority changed (role, teams, organization, password,
    /// enabled): their open streams and sockets end at once.
    revoked: tokio::sync::broadcast::Sender<i64>,
    /// Who is present on each topic of the Phoenix sockets.
    pub phoenix: presence::Presences,
    /// Which agents have each conversation open, and what they write.
    pub viewers: viewers::Viewers,
}

/// What a long-lived connection hears of its user's authority changing.
pub struct Revocations {
    rx: tokio::sync::broadcast::Receiver<i64>,
    user: Option<i64>,
}

impl Revocations {
    /// Resolves once this connection's user has been revoked (or, having
    /// missed notices, may have been); never for a connection with no user.
    pub async fn hit(&mut self) {
        let Some(me) = self.user else { return std::future::pending().await };
        loop {
            match self.rx.recv().await {
                Ok(id) if id == me => return,
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => return,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return std::future::pending().await,
            }
        }
    }

    /// Whether a revocation is waiting, without waiting for one: checked
    /// before a join or an event is acted on.
    pub fn pending(&mut self) -> bool {
        let Some(me) = self.user else { return false };
        loop {
            match self.rx.try_recv() {
                Ok(id) if id == me => return true,
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::TryRecvError::Lagged(_)) => return true,
                Err(_) => return false,
            }
        }
    }
}

#[derive(Default)]
struct Routes {
    /// Subscriber ids by channel.
    channels: HashMap<String, Vec<u64>>,
    /// Each subscriber's queue; removing it ends the subscriber's stream.
    queues: HashMap<u64, mpsc::Sender<Arc<Outgoing>>>,
}

/// A subscription; dropping it unsubscribes.
pub struct Subscription {
    hub: Arc<Hub>,
    channels: Vec<String>,
    id: u64,
    /// Events for this subscriber, in order.
    pub rx: mpsc::Receiver<Arc<Outgoing>>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.unsubscribe(&self.channels, self.id);
    }
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            wake: Notify::new(),
            closing: tokio::sync::watch::channel(false).0,
            next_id: AtomicU64::new(0),
            routes: Mutex::default(),
            connections: Mutex::default(),
            revoked: tokio::sync::broadcast::channel(1024).0,
            phoenix: presence::Presences::default(),
            viewers: viewers::Viewers::default(),
        }
    }
}

impl Hub {
    /// `user_id`'s authority changed: their streams and sockets end, and
    /// reconnect (when they still may) with what they have now.
    pub fn revoke(&self, user_id: i64) {
        let _ = self.revoked.send(user_id);
    }

    /// Revocation notices for a connection of `user` (none for no user).
    /// Take it before authorizing the connection, so no change is missed.
    pub fn revocations(&self, user: Option<i64>) -> Revocations {
        Revocations { rx: self.revoked.subscribe(), user }
    }

    /// The server is stopping: every stream sends a last `shutdown` event
    /// telling its client to reconnect, and ends.
    pub fn close_all(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once [`Hub::close_all`] was called (at once if it was already).
    pub async fn closed(&self) {
        let mut rx = self.closing.subscribe();
        let _ = rx.wait_for(|closing| *closing).await;
    }

    /// Tells the fetcher that new events were committed.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Starts receiving the events of `channels`.
    pub fn subscribe(self: &Arc<Self>, channels: &[String]) -> Subscription {
        let (tx, rx) = mpsc::channel(QUEUE);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut routes = self.lock_routes();
        routes.queues.insert(id, tx);
        for channel in channels {
            routes.channels.entry(channel.clone()).or_default().push(id);
        }
        Subscription { hub: self.clone(), channels: channels.to_vec(), id, rx }
    }

    fn unsubscribe(&self, channels: &[String], id: u64) {
        let mut routes = self.lock_routes();
        routes.queues.remove(&id);
        for channel in channels {
            if let Some(list) = routes.channels.get_mut(channel) {
                list.retain(|s| *s != id);
                if list.is_empty() {
                    routes.channels.remove(channel);
                }
            }
        }
    }

    /// Hands an event to every subscriber of `channel` (and, for a
    /// conversation's channel, of the staff inbox), once each; a subscriber
    /// whose queue is full is dropped (it will resume from the log).
    pub fn publish(&self, channel: &str, event: Arc<Outgoing>) {
        let mut routes = self.lock_routes();
        let mut targets: Vec<u64> = routes.channels.get(channel).cloned().unwrap_or_default();
        if is_conversation_channel(channel) {
            targets.extend(routes.channels.get(INBOX).into_iter().flatten());
            targets.sort_unstable();
            targets.dedup();
        }
        for id in targets {
            let full = routes.queues.get(&id).is_some_and(|q| q.try_send(event.clone()).is_err());
            if full {
                // Its only sender goes: the stream ends and the client resumes.
                routes.queues.remove(&id);
            }
        }
    }

    /// Whether anyone would get an event of `channel` (see [`Hub::publish`]).
    fn is_listened(&self, channel: &str) -> bool {
        let routes = self.lock_routes();
        routes.channels.contains_key(channel)
            || (is_conversation_channel(channel) && routes.channels.contains_key(INBOX))
    }

    /// Whether no subscription is open.
    fn is_idle(&self) -> bool {
        self.lock_routes().queues.is_empty()
    }

    /// How many subscriptions are open (for logs and benchmarks).
    pub fn subscriber_count(&self) -> usize {
        self.lock_routes().queues.len()
    }

    /// Counts a user's realtime connection; `true` when it is their first.
    pub fn connected(&self, user_id: i64) -> bool {
        let mut c = self.connections.lock().unwrap_or_else(|e| e.into_inner());
        let n = c.entry(user_id).or_insert(0);
        *n += 1;
        *n == 1
    }

    /// Uncounts a user's realtime connection; `true` when it was their last.
    pub fn disconnected(&self, user_id: i64) -> bool {
        let mut c = self.connections.lock().unwrap_or_else(|e| e.into_inner());
        match c.get_mut(&user_id) {
            Some(n) if *n > 1 => {
                *n -= 1;
                false
            }
            Some(_) => {
                c.remove(&user_id);
                true
            }
            None => false,
        }
    }

    /// Whether a user holds a realtime connection now.
    pub fn is_online(&self, user_id: i64) -> bool {
        self.connections.lock().unwrap_or_else(|e| e.into_inner()).contains_key(&user_id)
    }

    fn lock_routes(&self) -> std::sync::MutexGuard<'_, Routes> {
        self.routes.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The fetcher: publishes logged events in order, forever. It wakes on
    /// [`Hub::wake`] and, as a safety net, every second.
    pub async fn run(self: Arc<Self>, db: Db) {
        // Reads along the log's primary key, at most BATCH rows: on this
        // thread, with a connection of its own, not through the pool.
        let log = db.local_reader();
        let mut cursor = match log.read(events::last_id) {
            Ok(id) => id,
            Err(e) => {
                tracing::error!(error = %e, "realtime: cannot read the event log");
                0
            }
        };
        loop {
            let _ = tokio::time::timeout(Duration::from_secs(1), self.wake.notified()).await;
            loop {
                if self.is_idle() {
                    // Nobody to hand events to: skip to the log's end. The end
                    // is read before looking again, so an event committed after
                    // a subscriber came is never skipped.
                    match log.read(events::last_id) {
                        Ok(end) if self.is_idle() => {
                            cursor = end;
                            break;
                        }
                        Ok(_) => {}
                        Err(e) => {
                            tracing::warn!(error = %e, "realtime: reading the event log failed");
                            break;
                        }
                    }
                }
                let batch = match log.read(|c| events::after(c, cursor, BATCH)) {
                    Ok(batch) => batch,
                    Err(e) => {
                        tracing::warn!(error = %e, "realtime: reading the event log failed");
                        break;
                    }
                };
                for e in &batch {
                    if self.is_listened(&e.channel) {
                        self.publish(&e.channel, Arc::new(Outgoing::from_logged(e)));
                    }
                    cursor = e.id;
                }
                if (batch.len() as i64) < BATCH {
                    break;
                }
                tokio::task::yield_now().await; // a long backlog lets this thread's other tasks run
            }
        }
    }
}
