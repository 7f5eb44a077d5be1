//! Kayako's mobile realtime protocol: Phoenix channels over a WebSocket at
//! `GET /api/v1/realtime/websocket` (the starter's `realtime_url` plus
//! `/websocket`, as Kayako's SDKs build it), serializer `1.0.0` (JSON objects)
//! and `2.0.0` (JSON arrays). Credentials come as Kayako's SDKs send them:
//! `?fingerprint_id=` or `?session_id=`.
//!
//! One socket joins many topics: a conversation's `realtime_channel` or a
//! user's `presence_channel`, authorized like Parley's own streams. The same
//! event log feeds it: a new message is `NEW_POST`, a receipt `CHANGE_POST`, a
//! changed conversation `CHANGE` naming what changed (clients fetch the values
//! through the REST API). Presence works as Phoenix Presence does
//! (`presence_state` after a join, then `presence_diff`s); typing travels as
//! the `is_typing` presence meta, in both directions with Parley's own
//! `typing` events. Events are not replayed on a new join (Kayako's clients
//! fetch what they missed), but while a topic is joined nothing is lost: a
//! topic whose queue overflowed resumes from the log where it stopped.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::MAX_FRAME;
use crate::api::Ctx;
use crate::auth::Caller;
use crate::db::conversations::Visibility;
use crate::db::{self, conversations, users};
use crate::error::ApiError;
use crate::realtime::presence::diff;
use crate::realtime::{is_conversation_channel, Outgoing, Revocations};
use crate::state::AppState;
use frames::{change, meta, parse, post, Frame};

/// Most topics one socket may join.
const MAX_TOPICS: usize = 100;
/// Events replayed from the log per read when a topic resumes.
const REPLAY_BATCH: i64 = 500;
/// The hub event only Phoenix sockets read (Parley's own streams skip every
/// `phx.` event).
const PRESENCE_DIFF: &str = "phx.presence_diff";

mod forward;
mod frames;

use forward::forward;

/// `GET /realtime/websocket`: the Phoenix socket.
pub async fn socket(ctx: Ctx, req: HttpRequest, body: web::Payload) -> Result<HttpResponse, ApiError> {
    let revocations = ctx.state.hub.revocations(ctx.caller.user().map(|u| u.id));
    ctx.caller.require_member(true)?;
    let vis = ctx.visibility()?;
    let identity = ctx.presence_identity();
    let tickets = ctx.state.sockets.open(&identity, ctx.caller.address)?;
    let (response, session, incoming) =
        actix_ws::handle(&req, body).map_err(|e| ApiError::InvalidBody(format!("not a WebSocket handshake: {e}")))?;
    let incoming = incoming.max_frame_size(MAX_FRAME).aggregate_continuations().max_continuation_size(MAX_FRAME);
    let socket = Socket {
        state: ctx.state.clone(),
        caller: ctx.caller.clone(),
        vis,
        write_vis: ctx.write_visibility(),
        identity,
        _tickets: tickets,
        session,
        topics: HashMap::new(),
        arrays: false,
    };
    actix_web::rt::spawn(socket.run(incoming, revocations));
    Ok(response)
}

/// What a joined topic is.
#[derive(Clone)]
enum Topic {
    /// A conversation's channel.
    Conversation(i64),
    /// A user's presence channel.
    Presence(i64),
}

struct Joined {
    kind: Topic,
    /// The caller may write here (write rules, not read rules): only then is
    /// their presence tracked and may they say they are typing.
    writable: bool,
    join_ref: Option<String>,
    /// This socket's presence on the topic.
    phx_ref: String,
    /// Forwards the topic's events to the socket; aborted on leave.
    forward: tokio::task::JoinHandle<()>,
    /// Users shown typing through Parley's own `typing` events.
    typing: HashMap<i64, Value>,
    /// Counts the user online while they are present on their own channel.
    _online: Option<super::stream::Presence>,
}

struct Socket {
    state: web::Data<AppState>,
    caller: Caller,
    vis: Visibility,
    /// What the caller may change: `filters=MY_ORGANIZATION` widens reads only.
    write_vis: Visibility,
    /// Whom the presence limits count: the user, or the device.
    identity: String,
    _tickets: crate::limits::SocketTickets,
    session: actix_ws::Session,
    topics: HashMap<String, Joined>,
    /// The client speaks serializer 2.0.0 (arrays).
    arrays: bool,
}

impl Socket {
    async fn run(mut self, mut incoming: actix_ws::AggregatedMessageStream, mut revocations: Revocations) {
        let (events_tx, mut events) = mpsc::channel::<(String, Arc<Outgoing>)>(256);
        let idle = Duration::from_secs(self.state.config.socket_timeout_seconds.max(1));
        let mut last_heard = Instant::now();
        let mut check = tokio::time::interval(Duration::from_millis(idle.as_millis().min(5000) as u64 / 2 + 1));
        // Credentials are re-checked as often as the streams' heartbeats go.
        let standing = self.caller.standing();
        let recheck = Duration::from_secs(self.state.config.heartbeat_seconds.max(1));
        let mut last_standing = Instant::now();
        loop {
            tokio::select! {
                message = incoming.next() => {
                    let text = match message {
                        Some(Ok(actix_ws::AggregatedMessage::Text(text))) => text,
                        Some(Ok(actix_ws::AggregatedMessage::Ping(bytes))) => {
                            last_heard = Instant::now();
                            if self.session.pong(&bytes).await.is_err() { break }
                            continue;
                        }
                        Some(Ok(actix_ws::AggregatedMessage::Close(_))) | None | Some(Err(_)) => break,
                        Some(Ok(_)) => continue,
                    };
                    last_heard = Instant::now();
                    let Some((frame, arrays)) = parse(&text) else {
                        tracing::debug!("phoenix: a frame that is not a Phoenix message");
                        continue;
                    };
                    self.arrays = arrays;
                    // A join is authorized by the authority the user has now.
                    if revocations.pending() {
                        return self.close(actix_ws::CloseCode::Policy, "access changed; reconnect").await;
                    }
                    if !self.handle(frame, &events_tx).await { break }
                }
                Some((topic, event)) = events.recv() => {
                    if revocations.pending() {
                        return self.close(actix_ws::CloseCode::Policy, "access changed; reconnect").await;
                    }
                    if !self.deliver(&topic, &event).await { break }
                }
                _ = revocations.hit() => {
                    return self.close(actix_ws::CloseCode::Policy, "access changed; reconnect").await;
                }
                _ = check.tick() => {
                    if last_heard.elapsed() > idle {
                        return self.close(actix_ws::CloseCode::Normal, "no heartbeat").await;
                    }
                    if last_standing.elapsed() >= recheck {
                        last_standing = Instant::now();
                        if !super::stream::still_standing(&self.state, &standing).await {
                            return self.close(actix_ws::CloseCode::Policy, "signed out").await;
                        }
                    }
                }
                _ = self.state.hub.closed() => {
                    return self.close(actix_ws::CloseCode::Restart, "the server is restarting; reconnect").await;
                }
            }
        }
        self.leave_all();
        let _ = self.session.clone().close(None).await;
    }

    /// Sends one frame; `false` once the client is gone.
    async fn push(
        &mut self,
        join_ref: Option<&str>,
        msg_ref: Option<&str>,
        topic: &str,
        event: &str,
        payload: Value,
    ) -> bool {
        let text = frames::encode(self.arrays, join_ref, msg_ref, topic, event, payload);
        self.session.text(text).await.is_ok()
    }

    async fn reply(&mut self, frame: &Frame, status: &str, response: Value) -> bool {
        let payload = json!({ "status": status, "response": response });
        self.push(frame.join_ref.as_deref(), frame.msg_ref.as_deref(), &frame.topic, "phx_reply", payload).await
    }

    async fn handle(&mut self, frame: Frame, events_tx: &mpsc::Sender<(String, Arc<Outgoing>)>) -> bool {
        match (frame.topic.as_str(), frame.event.as_str()) {
            ("phoenix", "heartbeat") => self.reply(&frame, "ok", json!({})).await,
            (_, "phx_join") => self.join(frame, events_tx).await,
            (_, "phx_leave") => {
                self.leave(&frame.topic);
                self.reply(&frame, "ok", json!({})).await
            }
            (_, "update-presence-meta") => self.update_meta(frame).await,
            _ => self.reply(&frame, "error", json!({ "reason": "unmatched topic" })).await,
        }
    }

    /// Whether the caller may join `topic`, what it is, and whether they may write there.
    async fn authorize(&self, topic: &str) -> Result<Option<(Topic, bool)>, ApiError> {
        let (vis, write_vis) = (self.vis.clone(), self.write_vis.clone());
        let staff = self.caller.is_staff();
        let me = self.caller.proven_user().map(|u| u.id);
        let topic = topic.to_owned();
        self.state
            .db
            .read(move |conn| {
                if is_conversation_channel(&topic) {
                    let Some(id) = conversations::by_realtime_channel(conn, &vis, &topic)? else { return Ok(None) };
                    let writable = conversations::by_realtime_channel(conn, &write_vis, &topic)?.is_some();
                    return Ok(Some((Topic::Conversation(id), writable)));
                }
                let allowed = super::stream::may_see_presence(conn, &vis, staff, me, &topic)?;
                Ok(allowed.map(|uid| (Topic::Presence(uid), me == Some(uid))))
            })
            .await
    }

    fn user_meta(&self) -> Option<Value> {
        Some(meta(&self.state.public_url, self.caller.user()?, false, db::now() * 1000))
    }

    async fn join(&mut self, frame: Frame, events_tx: &mpsc::Sender<(String, Arc<Outgoing>)>) -> bool {
        if !self.topics.contains_key(&frame.topic) && self.topics.len() >= MAX_TOPICS {
            return self.reply(&frame, "error", json!({ "reason": "too many topics" })).await;
        }
        let (kind, writable) = match self.authorize(&frame.topic).await {
            Ok(Some(found)) => found,
            Ok(None) => return self.reply(&frame, "error", json!({ "reason": "unauthorized" })).await,
            Err(e) => {
                tracing::warn!(error = %e, "phoenix: authorizing a join failed");
                return self.reply(&frame, "error", json!({ "reason": "unavailable" })).await;
            }
        };
        // A client rejoining after a reconnect: the new join replaces the old.
        self.leave(&frame.topic);
        let phx_ref = self.state.hub.phoenix.next_ref();
        let own = matches!(kind, Topic::Presence(uid) if self.caller.proven_user().is_some_and(|u| u.id == uid));
        let online = if own { self.caller.user().map(|u| super::stream::Presence::of(&self.state, u)) } else { None };
        let forward = actix_web::rt::spawn(forward(self.state.clone(), frame.topic.clone(), events_tx.clone()));
        self.topics.insert(
            frame.topic.clone(),
            Joined {
                kind,
                writable,
                join_ref: frame.join_ref.clone(),
                phx_ref: phx_ref.clone(),
                forward,
                typing: HashMap::new(),
                _online: online,
            },
        );
        if !self.reply(&frame, "ok", json!({})).await {
            return false;
        }
        // A presence channel tracks its owner alone: who else watches it is
        // nobody's business.
        let joined = &self.topics[&frame.topic];
        let tracked = match &joined.kind {
            Topic::Conversation(_) => joined.writable,
            Topic::Presence(uid) => self.caller.user().is_some_and(|u| u.id == *uid),
        };
        let meta = if tracked { self.user_meta() } else { None };
        let Some(mut meta) = meta else {
            let state = self.state.hub.phoenix.state(&frame.topic);
            return self.push(frame.join_ref.as_deref(), None, &frame.topic, "presence_state", state).await;
        };
        meta["phx_ref"] = json!(phx_ref);
        self.state.hub.phoenix.put(&frame.topic, &phx_ref, meta.clone());
        let state = self.state.hub.phoenix.state(&frame.topic);
        if !self.push(frame.join_ref.as_deref(), None, &frame.topic, "presence_state", state).await {
            return false;
        }
        self.broadcast(&frame.topic, diff(vec![meta], vec![]));
        true
    }

    /// Publishes a presence diff to every socket on `topic`.
    fn broadcast(&self, topic: &str, diff: Value) {
        let event = Outgoing::ephemeral(topic, PRESENCE_DIFF, diff, db::now());
        self.state.hub.publish(topic, Arc::new(event));
    }

    fn leave(&mut self, topic: &str) {
        let Some(joined) = self.topics.remove(topic) else { return };
        joined.forward.abort();
        if let Some(meta) = self.state.hub.phoenix.remove(topic, &joined.phx_ref) {
            self.broadcast(topic, diff(vec![], vec![meta]));
        }
    }

    fn leave_all(&mut self) {
        let topics: Vec<String> = self.topics.keys().cloned().collect();
        for topic in topics {
            self.leave(&topic);
        }
    }

    async fn update_meta(&mut self, frame: Frame) -> bool {
        let Some(joined) = self.topics.get(&frame.topic) else {
            return self.reply(&frame, "error", json!({ "reason": "not joined" })).await;
        };
        let (phx_ref, kind) = (joined.phx_ref.clone(), joined.kind.clone());
        if matches!(kind, Topic::Conversation(_)) && !joined.writable {
            return self.reply(&frame, "error", json!({ "reason": "unauthorized" })).await;
        }
        let stopping = frame.payload.get("is_typing") == Some(&json!(false));
        if !self.state.sockets.may_change(&self.identity, &frame.topic, stopping) {
            return self.reply(&frame, "error", json!({ "reason": "too frequent" })).await;
        }
        let Some(mut meta) = self.state.hub.phoenix.meta(&frame.topic, &phx_ref) else {
            return self.reply(&frame, "error", json!({ "reason": "no presence" })).await;
        };
        let old = meta.clone();
        let mut typing = None;
        for key in ["is_typing", "is_updating", "is_viewing", "is_foreground"] {
            if let Some(flag) = frame.payload.get(key).and_then(Value::as_bool) {
                meta[key] = json!(flag);
                if key == "is_typing" && old[key] != json!(flag) {
                    typing = Some(flag);
                }
            }
        }
        if let Some(at) = frame.payload.get("last_active_at").and_then(Value::as_i64) {
            meta["last_active_at"] = json!(at);
        }
        if meta != old {
            // As Phoenix Presence updates: a new ref that names the one it replaces.
            let new_ref = self.state.hub.phoenix.next_ref();
            meta["phx_ref"] = json!(new_ref);
            meta["phx_ref_prev"] = json!(phx_ref);
            self.state.hub.phoenix.replace(&frame.topic, &phx_ref, &new_ref, meta.clone());
            if let Some(joined) = self.topics.get_mut(&frame.topic) {
                joined.phx_ref = new_ref;
            }
            self.broadcast(&frame.topic, diff(vec![meta], vec![old]));
        }
        if let (Some(is_typing), Topic::Conversation(id), Some(user)) = (typing, kind, self.caller.user()) {
            // Parley's own streams hear it as their `typing` event.
            let data = json!({
                "conversation_id": id,
                "is_typing": is_typing,
                "user": { "id": user.id, "full_name": user.full_name, "resource_type": "user_minimal", "role": user.role.as_str() },
                "via": "presence",
            });
            super::stream::publish_ephemeral(&self.state, &frame.topic, "typing", data);
        }
        self.reply(&frame, "ok", json!({})).await
    }

    /// Turns one of Parley's events into what Phoenix clients expect.
    async fn deliver(&mut self, topic: &str, event: &Outgoing) -> bool {
        let Some(joined) = self.topics.get(topic) else { return true };
        let join_ref = joined.join_ref.clone();
        let kind = joined.kind.clone();
        let Some(json) = event.json_for(self.caller.is_staff()) else { return true };
        let whole: Value = serde_json::from_str(json).unwrap_or(Value::Null);
        let data = &whole["data"];
        let base = format!("{}/api/v1", self.state.public_url);
        let mut frames: Vec<(&str, Value)> = Vec::new();
        match (event.kind.as_str(), &kind) {
            (PRESENCE_DIFF, _) => frames.push(("presence_diff", data.clone())),
            ("message.created", Topic::Conversation(id)) => {
                let mid = data["message"]["id"].clone();
                frames.push(("NEW_POST", post(&base, *id, &mid)));
                let changed = ["post_count", "last_replier", "last_message_preview", "last_replied_at", "updated_at"];
                frames.push(("CHANGE", change(&base, *id, &changed)));
            }
            ("message.status_changed", Topic::Conversation(id)) => {
                frames.push(("CHANGE_POST", post(&base, *id, &data["message_id"])));
            }
            ("conversation.updated", Topic::Conversation(id)) => {
                let names: Vec<&str> =
                    data["changed"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                frames.push(("CHANGE", change(&base, *id, &names)));
            }
            ("rating.created" | "rating.updated", Topic::Conversation(id)) => {
                frames.push(("CHANGE", change(&base, *id, &["rating", "updated_at"])));
            }
            ("typing", Topic::Conversation(_)) if data["via"] != json!("presence") => {
                let Some(uid) = data["user"]["id"].as_i64() else { return true };
                let is_typing = data["is_typing"].as_bool().unwrap_or(false);
                if let Some(d) = self.typing_diff(topic, uid, is_typing).await {
                    frames.push(("presence_diff", d));
                }
            }
            ("presence.online" | "presence.offline", Topic::Presence(uid)) => {
                // Parley's own streams counted the user online or offline.
                let meta = self.presence_meta(*uid).await;
                if let Some(meta) = meta {
                    let online = event.kind == "presence.online";
                    let d = if online { diff(vec![meta], vec![]) } else { diff(vec![], vec![meta]) };
                    frames.push(("presence_diff", d));
                }
            }
            _ => {}
        }
        for (name, payload) in frames {
            if !self.push(join_ref.as_deref(), None, topic, name, payload).await {
                return false;
            }
        }
        true
    }

    /// A user shown typing (or no longer) through Parley's own `typing` event:
    /// a meta of theirs joins while they type and leaves when they stop.
    async fn typing_diff(&mut self, topic: &str, uid: i64, is_typing: bool) -> Option<Value> {
        let mut meta = self.presence_meta(uid).await?;
        let phx_ref = self.state.hub.phoenix.next_ref();
        let joined = self.topics.get_mut(topic)?;
        if is_typing {
            meta["is_typing"] = json!(true);
            meta["is_viewing"] = json!(true);
            meta["is_foreground"] = json!(false);
            meta["last_active_at"] = json!(db::now() * 1000);
            meta["phx_ref"] = json!(phx_ref);
            let old = joined.typing.insert(uid, meta.clone());
            Some(diff(vec![meta], old.into_iter().collect()))
        } else {
            let left = joined.typing.remove(&uid)?;
            Some(diff(vec![], vec![left]))
        }
    }

    /// A user's presence meta as the SDKs read it (`user` with name and avatar).
    async fn presence_meta(&self, uid: i64) -> Option<Value> {
        let user = self.state.db.read(move |conn| users::get(conn, uid)).await.ok().flatten()?;
        let mut meta = meta(&self.state.public_url, &user, true, user.last_active_at.unwrap_or_else(db::now) * 1000);
        meta["phx_ref"] = json!(format!("user-{uid}"));
        Some(meta)
    }

    /// Closes the socket with `code` and `reason`, leaving every topic.
    async fn close(mut self, code: actix_ws::CloseCode, reason: &str) {
        self.leave_all();
        let reason = actix_ws::CloseReason { code, description: Some(reason.into()) };
        let _ = self.session.clone().close(Some(reason)).await;
    }
}
