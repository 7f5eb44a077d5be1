//! The two transports: Server-Sent Events at `GET /api/v1/realtime?channel=` and
//! a WebSocket at `GET /api/v1/realtime/ws?channel=`, speaking the same JSON
//! events. One stream may cover several channels (`channel` repeated, or
//! comma-separated), and staff may subscribe to `inbox`: every conversation's
//! events. A client resumes with `Last-Event-ID` (SSE) or `since` (both) and
//! first receives, from the log, every event it missed on its channels.
//! Heartbeats (every `--heartbeat-seconds`) keep idle connections open through
//! proxies. Subscribing needs the identity that may read each conversation
//! (or, for a presence channel, see the user).

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use tokio::sync::mpsc;

use crate::api::Ctx;
use crate::auth::Standing;
use crate::db::Conn;
use crate::db::{self, conversations, events, users};
use crate::error::ApiError;
use crate::realtime::{emit, Outgoing, Revocations, Subscription, INBOX};
use crate::state::AppState;

/// Events replayed from the log per read.
const REPLAY_BATCH: i64 = 500;
/// Most channels one stream may cover.
const MAX_CHANNELS: usize = 50;

/// Checks that the caller may subscribe to every one of `channels`; `404` otherwise.
async fn authorize(ctx: &Ctx, channels: &[String]) -> Result<(), ApiError> {
    ctx.caller.require_member(true)?;
    let vis = ctx.visibility()?;
    let staff = ctx.caller.is_staff();
    let me = ctx.caller.proven_user().map(|u| u.id);
    let channels = channels.to_vec();
    let allowed = ctx
        .read(move |conn| {
            for channel in &channels {
                let ok = if channel == INBOX {
                    staff
                } else if let Some(user) = channel.strip_prefix("notifications@") {
                    staff && me.is_some_and(|me| user == me.to_string())
                } else if conversations::by_realtime_channel(conn, &vis, channel)?.is_some() {
                    true
                } else {
                    may_see_presence(conn, &vis, staff, me, channel)?.is_some()
                };
                if !ok {
                    return Ok(false);
                }
            }
            Ok(true)
        })
        .await?;
    if allowed {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// The user whose presence channel `channel` is, if the caller may watch it:
/// staff watch anyone, a proven user (`me`) themself, and customers the
/// agents taking part in what they can read.
pub(super) fn may_see_presence(
    conn: &Conn,
    vis: &conversations::Visibility,
    staff: bool,
    me: Option<i64>,
    channel: &str,
) -> Result<Option<i64>, ApiError> {
    Ok(match users::by_presence_channel(conn, channel)? {
        None => None,
        Some(uid) if staff || me == Some(uid) => Some(uid),
        Some(uid) => {
            let is_agent = users::get(conn, uid)?.is_some_and(|u| u.role.is_staff());
            (is_agent && conversations::involves_visible(conn, vis, uid)?).then_some(uid)
        }
    })
}

/// The resume point: `Last-Event-ID` or `since`.
fn resume_point(ctx: &Ctx, req: &HttpRequest) -> Result<Option<i64>, ApiError> {
    let raw = req
        .headers()
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .or_else(|| ctx.query("since").map(str::to_owned));
    match raw {
        None => Ok(None),
        Some(v) => v.parse::<i64>().ok().filter(|n| *n >= 0).map(Some).ok_or_else(|| {
            ApiError::invalid("since", "Must be the id of the last event received (a non-negative integer)")
        }),
    }
}

/// Every `channel` argument (repeated, or comma-separated), without duplicates.
fn channel_param(ctx: &Ctx) -> Result<Vec<String>, ApiError> {
    let mut channels: Vec<String> = Vec::new();
    for value in ctx.query_all("channel") {
        for channel in value.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            // `notifications` is each agent's own feed.
            let channel = match (channel, ctx.caller.staff_user()) {
                ("notifications", Ok(me)) => crate::realtime::notify::channel_of(me.id),
                _ => channel.to_owned(),
            };
            if !channels.contains(&channel) {
                channels.push(channel);
            }
        }
    }
    if channels.is_empty() {
        return Err(ApiError::required("channel"));
    }
    if channels.len() > MAX_CHANNELS {
        return Err(ApiError::invalid("channel", format!("A stream may cover at most {MAX_CHANNELS} channels")));
    }
    Ok(channels)
}

/// `GET /realtime?channel=...`: Server-Sent Events.
pub async fn sse(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let revocations = ctx.state.hub.revocations(ctx.caller.user().map(|u| u.id));
    let channels = channel_param(&ctx)?;
    authorize(&ctx, &channels).await?;
    let since = resume_point(&ctx, &req)?;
    let subscription = ctx.state.hub.subscribe(&channels);
    let presence = Presence::start(&ctx).await;
    let (tx, rx) = mpsc::channel::<web::Bytes>(32);
    let state = ctx.state.clone();
    let standing = ctx.caller.standing();
    actix_web::rt::spawn(async move {
        let _presence = presence;
        pump(&state, &channels, since, subscription, Sink::Sse(tx), (standing, revocations)).await;
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, actix_web::Error>(b), rx))
    });
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/event-stream"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body))
}

/// `GET /realtime/ws?channel=...`: the same events over a WebSocket (text frames).
pub async fn websocket(ctx: Ctx, req: HttpRequest, body: web::Payload) -> Result<HttpResponse, ApiError> {
    let revocations = ctx.state.hub.revocations(ctx.caller.user().map(|u| u.id));
    let channels = channel_param(&ctx)?;
    authorize(&ctx, &channels).await?;
    let since = resume_point(&ctx, &req)?;
    let (response, session, incoming) =
        actix_ws::handle(&req, body).map_err(|e| ApiError::InvalidBody(format!("not a WebSocket handshake: {e}")))?;
    let subscription = ctx.state.hub.subscribe(&channels);
    let presence = Presence::start(&ctx).await;
    let state = ctx.state.clone();
    let standing = ctx.caller.standing();
    actix_web::rt::spawn(async move {
        let _presence = presence;
        let incoming = incoming.max_frame_size(super::MAX_FRAME);
        pump(&state, &channels, since, subscription, Sink::Ws(session, incoming), (standing, revocations)).await;
    });
    Ok(response)
}

enum Sink {
    Sse(mpsc::Sender<web::Bytes>),
    Ws(actix_ws::Session, actix_ws::MessageStream),
}

impl Sink {
    /// Opens an SSE stream with a retry hint for EventSource, and bytes so that
    /// proxies pass the headers on at once; a WebSocket is open already.
    async fn open(&mut self) -> bool {
        match self {
            Sink::Sse(tx) => tx.send(web::Bytes::from_static(b"retry: 3000\n: connected\n\n")).await.is_ok(),
            Sink::Ws(..) => true,
        }
    }

    /// Sends `event` as a reader who is `staff` (or not) may see it.
    async fn send(&mut self, event: &Outgoing, staff: bool) -> bool {
        let Some(json) = event.json_for(staff) else { return true };
        match self {
            Sink::Sse(tx) => {
                let mut frame = String::with_capacity(json.len() + 48);
                if let Some(id) = event.id {
                    frame.push_str(&format!("id: {id}\n"));
                }
                frame.push_str(&format!("event: {}\ndata: {}\n\n", event.kind, json));
                tx.send(web::Bytes::from(frame)).await.is_ok()
            }
            Sink::Ws(session, _) => session.text(json.to_owned()).await.is_ok(),
        }
    }

    async fn heartbeat(&mut self) -> bool {
        match self {
            Sink::Sse(tx) => tx.send(web::Bytes::from_static(b": heartbeat\n\n")).await.is_ok(),
            Sink::Ws(session, _) => session.ping(b"").await.is_ok(),
        }
    }

    /// The server is stopping: a last `shutdown` event, then the end of the
    /// stream (SSE: EventSource reconnects after `retry`) or a close frame
    /// `1012 service restart` (WebSocket).
    async fn shutdown(self, channel: &str) {
        let data = serde_json::json!({ "reconnect": true, "reason": "the server is restarting" });
        let event = Outgoing::ephemeral(channel, "shutdown", data, db::now());
        match self {
            Sink::Sse(tx) => {
                let frame = format!("retry: 1000\nevent: shutdown\ndata: {}\n\n", event.json);
                let _ = tx.send(web::Bytes::from(frame)).await;
            }
            Sink::Ws(mut session, _) => {
                let _ = session.text(event.json.clone()).await;
                let reason = actix_ws::CloseReason {
                    code: actix_ws::CloseCode::Restart,
                    description: Some("the server is restarting; reconnect".into()),
                };
                let _ = session.close(Some(reason)).await;
            }
        }
    }

    /// Resolves when the client has gone (SSE) or sent a close (WebSocket);
    /// answers pings on the way.
    async fn closed(&mut self) {
        match self {
            Sink::Sse(tx) => tx.closed().await,
            Sink::Ws(session, incoming) => loop {
                match incoming.next().await {
                    Some(Ok(actix_ws::Message::Ping(bytes))) => {
                        if session.pong(&bytes).await.is_err() {
                            return;
                        }
                    }
                    Some(Ok(actix_ws::Message::Close(_))) | None | Some(Err(_)) => return,
                    Some(Ok(_)) => {}
                }
            },
        }
    }
}

/// Sends the missed events from the log, then live ones, until the client goes.
async fn pump(
    state: &AppState,
    channels: &[String],
    since: Option<i64>,
    mut sub: Subscription,
    mut sink: Sink,
    (standing, mut revocations): (Standing, Revocations),
) {
    let staff = standing.is_staff();
    if !sink.open().await {
        return;
    }
    let mut last = since.unwrap_or(0);
    if since.is_some() {
        let inbox = channels.iter().any(|c| c == INBOX);
        let named: Vec<String> = channels.iter().filter(|c| *c != INBOX).cloned().collect();
        loop {
            let named = named.clone();
            let after = last;
            let read = state.db.read(move |c| events::on_channels_after(c, &named, inbox, after, REPLAY_BATCH));
            let Ok(page) = read.await else {
                return;
            };
            for e in &page {
                if revocations.pending() || !sink.send(&Outgoing::from_logged(e), staff).await {
                    return;
                }
                last = e.id;
            }
            if (page.len() as i64) < REPLAY_BATCH {
                break;
            }
        }
    }
    let every = Duration::from_secs(state.config.heartbeat_seconds.max(1));
    let mut beat = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        tokio::select! {
            event = sub.rx.recv() => {
                // `None`: the hub dropped this subscriber as too slow; the client resumes from the log.
                let Some(event) = event else { break };
                if event.kind.starts_with("phx.") {
                    continue; // for the Phoenix sockets only
                }
                if let Some(id) = event.id {
                    if id <= last {
                        continue; // already sent during replay
                    }
                    last = id;
                }
                // Nothing goes out on authority the user no longer has.
                if revocations.pending() || !sink.send(&event, staff).await {
                    break;
                }
            }
            _ = revocations.hit() => break,
            _ = beat.tick() => {
                // Credentials revoked since (signed out, disabled, password reset): the stream ends.
                if !still_standing(state, &standing).await || !sink.heartbeat().await {
                    break;
                }
            }
            _ = sink.closed() => break,
            _ = state.hub.closed() => {
                sink.shutdown(&channels[0]).await;
                return;
            }
        }
    }
    if let Sink::Ws(session, _) = sink {
        let _ = session.close(None).await;
    }
}

/// Whether a connection's credentials still stand (a failed read counts as yes:
/// a busy database is no reason to drop anyone).
pub async fn still_standing(state: &AppState, standing: &Standing) -> bool {
    if standing.is_unconditional() {
        return true;
    }
    let (standing, ttl) = (standing.clone(), state.config.session_ttl);
    state.db.read(move |conn| standing.holds(conn, db::now(), ttl)).await.unwrap_or(true)
}

/// Marks a user present while they hold a realtime connection: their
/// `last_seen_at`/`last_active_at` move, and staff announce online/offline on
/// their presence channel.
pub struct Presence {
    state: web::Data<AppState>,
    user: Option<(i64, bool, String)>,
}

impl Presence {
    /// Counts `user` present from now until the returned value is dropped
    /// (the Phoenix socket: while they are joined on their own channel).
    pub(super) fn of(state: &web::Data<AppState>, user: &users::User) -> Presence {
        let presence = Presence {
            state: state.clone(),
            user: Some((user.id, user.role.is_staff(), user.presence_channel.clone())),
        };
        let first = state.hub.connected(user.id);
        let (state, id, staff, channel) = (state.clone(), user.id, user.role.is_staff(), user.presence_channel.clone());
        actix_web::rt::spawn(async move { record(&state, id, staff && first, true, channel).await });
        presence
    }

    async fn start(ctx: &Ctx) -> Presence {
        let user = ctx.caller.user().map(|u| (u.id, u.role.is_staff(), u.presence_channel.clone()));
        let presence = Presence { state: ctx.state.clone(), user };
        if let Some((id, staff, channel)) = presence.user.clone() {
            let first = presence.state.hub.connected(id);
            record(&presence.state, id, staff && first, true, channel).await;
        }
        presence
    }
}

impl Drop for Presence {
    fn drop(&mut self) {
        if let Some((id, staff, channel)) = self.user.take() {
            let last = self.state.hub.disconnected(id);
            let state = self.state.clone();
            actix_web::rt::spawn(async move { record(&state, id, staff && last, false, channel).await });
        }
    }
}

async fn record(state: &web::Data<AppState>, user_id: i64, announce: bool, online: bool, channel: String) {
    if state.db.is_standby() {
        // A standby writes nothing: presence is the primary's to log.
        return;
    }
    let now = db::now();
    let written: db::Result<()> = state
        .db
        .write(move |tx| {
            users::touch_seen(tx, user_id, now)?;
            if announce {
                emit::presence(tx, &channel, user_id, online, now)?;
            }
            Ok(())
        })
        .await;
    match written {
        Ok(()) if announce => state.hub.wake(),
        Ok(()) => {}
        Err(e) => tracing::warn!(error = %e, "presence could not be recorded"),
    }
}

/// Publishes an ephemeral event (typing) to a channel's live subscribers.
pub fn publish_ephemeral(state: &AppState, channel: &str, kind: &str, data: serde_json::Value) {
    state.hub.publish(channel, Arc::new(Outgoing::ephemeral(channel, kind, data, db::now())));
}
