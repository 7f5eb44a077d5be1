//! The front door: every connection passes through a [`Guarded`] stream that
//! reads each request head before actix-http's dispatcher does, so that what
//! the dispatcher would refuse with an empty body (a head too large, too many
//! headers, a URI too long, malformed HTTP, a client too slow to send its
//! head) is answered with Parley's own JSON error envelope instead.
//!
//! The guard is stricter than the dispatcher behind it (see [`framing`]'s
//! limits), so a head the guard passes never trips the dispatcher. To find
//! where the next head starts on a keep-alive connection it follows each
//! body's framing (`Content-Length` or chunked), and every head on a
//! connection is timed. A body must keep arriving ([`Door::body_idle`]).
//! After a WebSocket upgrade it reads the client's frame headers and closes
//! the socket at one that declares more than a frame may hold. A refused
//! connection gets its answer after the responses already owed on it, then
//! is closed; one refused in the middle of a request or a WebSocket is
//! answered and closed at once.
//!
//! [`framing`]: super::framing

use std::future::Future;
use std::io;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::rt::net::TcpStream;
use actix_web::web::{Buf, BytesMut};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

use super::framing::{check_head, step_chunked, step_websocket, Framing};
use crate::error::ApiError;
use crate::limits::Ticket;

/// How much a refused client may still send, and for how long, before the
/// connection closes (so it reads the answer instead of a reset).
const LINGER_BYTES: usize = 4 * 1024 * 1024;
const LINGER_TIME: Duration = Duration::from_secs(2);

/// The slowest a request body may arrive on average: each byte buys the
/// client this much more time, up to [`Door::body_idle`] in hand.
pub const MIN_BODY_BYTES_PER_SECOND: u64 = 1024;

/// How long a client may take, the same for every connection.
#[derive(Debug, Clone, Copy)]
pub struct Door {
    /// To send a request head, from connecting or from its first byte.
    pub head_timeout: Duration,
    /// The most a request body may stall ([`MIN_BODY_BYTES_PER_SECOND`]).
    pub body_idle: Duration,
}

/// A client connection with its request heads checked before the dispatcher sees them.
pub struct Guarded {
    io: TcpStream,
    door: Door,
    /// Read from the client, not yet examined.
    pending: BytesMut,
    /// Examined, for the dispatcher.
    ready: BytesMut,
    framing: Framing,
    /// While a head is awaited from a client that started it (or just connected).
    head_timer: Option<Pin<Box<Sleep>>>,
    /// While a body is awaited: when it will have stalled too long.
    body_timer: Option<Pin<Box<Sleep>>>,
    client_eof: bool,
    /// The answer to a refused request (or the close frame of a refused
    /// WebSocket), not yet (fully) written.
    refusal: Option<BytesMut>,
    /// The refusal came in the middle of a request or a WebSocket: the
    /// connection ends at once, instead of after what the dispatcher owes.
    abort: bool,
    linger: Option<(Pin<Box<Sleep>>, usize)>,
    /// This connection's place among its address's ([`crate::limits::Connections`]).
    _ticket: Option<Ticket<std::net::IpAddr>>,
}

impl Guarded {
    /// Guards a freshly accepted connection; its first head must be complete
    /// within the door's head timeout of now. Without a `ticket` (its address
    /// has too many connections open) it is answered `429` and closed.
    pub fn new(io: TcpStream, door: Door, ticket: Result<Ticket<std::net::IpAddr>, ApiError>) -> Guarded {
        let (ticket, refused) = match ticket {
            Ok(t) => (Some(t), None),
            Err(e) => (None, Some(e)),
        };
        let mut guarded = Guarded {
            io,
            door,
            pending: BytesMut::new(),
            ready: BytesMut::new(),
            framing: Framing::Head,
            head_timer: Some(Box::pin(tokio::time::sleep(door.head_timeout))),
            body_timer: None,
            client_eof: false,
            refusal: None,
            abort: false,
            linger: None,
            _ticket: ticket,
        };
        if let Some(e) = refused {
            guarded.refuse(e);
        }
        guarded
    }

    fn refuse(&mut self, err: ApiError) {
        tracing::debug!(error = %err, "request refused at the door");
        // A refusal inside a body interrupts a request the dispatcher holds.
        self.abort = self.framing.in_body();
        self.refusal = Some(BytesMut::from(err.to_http_bytes().as_slice()));
        self.pending.clear();
        self.head_timer = None;
        self.body_timer = None;
    }

    /// Moves examined bytes from `pending` to `ready`, following the framing.
    fn examine(&mut self) {
        while !self.pending.is_empty() && self.refusal.is_none() {
            match self.framing {
                Framing::Head => {
                    if self.head_timer.is_none() {
                        self.head_timer = Some(Box::pin(tokio::time::sleep(self.door.head_timeout)));
                    }
                    match check_head(&self.pending) {
                        Err(e) => return self.refuse(e),
                        Ok(None) => return,
                        Ok(Some((len, next))) => {
                            self.ready.extend_from_slice(&self.pending.split_to(len));
                            self.framing = next;
                            self.head_timer = None;
                        }
                    }
                }
                Framing::Length(n) => {
                    let take = (n.min(self.pending.len() as u64)) as usize;
                    self.ready.extend_from_slice(&self.pending.split_to(take));
                    self.framing = if n == take as u64 { Framing::Head } else { Framing::Length(n - take as u64) };
                }
                Framing::Chunked(state) => match step_chunked(&self.pending, state) {
                    Err(e) => return self.refuse(e),
                    Ok(None) => return,
                    Ok(Some((used, next))) => {
                        self.ready.extend_from_slice(&self.pending.split_to(used));
                        self.framing = next;
                    }
                },
                Framing::WebSocket(state) => match step_websocket(&self.pending, state) {
                    Err(bad) => {
                        tracing::debug!(?bad, "WebSocket closed at the door");
                        self.refusal = Some(BytesMut::from(bad.close_frame().as_slice()));
                        self.abort = true;
                        self.pending.clear();
                        return;
                    }
                    Ok(None) => return,
                    Ok(Some((used, next))) => {
                        self.ready.extend_from_slice(&self.pending.split_to(used));
                        self.framing = Framing::WebSocket(next);
                    }
                },
            }
        }
    }

    /// `bytes` arrived: a body in progress gains time, a new one starts its clock.
    fn progress(&mut self, bytes: usize) {
        if !self.framing.in_body() {
            self.body_timer = None;
            return;
        }
        let now = Instant::now();
        let most = now + self.door.body_idle;
        match self.body_timer.as_mut() {
            None => self.body_timer = Some(Box::pin(tokio::time::sleep_until(most))),
            Some(timer) => {
                let earned = Duration::from_millis(bytes as u64 * 1000 / MIN_BODY_BYTES_PER_SECOND);
                // Time the dispatcher spent not reading is not the client's.
                let from = timer.deadline().max(now);
                timer.as_mut().reset((from + earned).min(most));
            }
        }
    }

    /// After a refusal: the answer, the write half shut, then a bounded
    /// linger (so the client reads the answer instead of a reset).
    fn poll_answered(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.poll_refusal(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Ready(Ok(())) => {}
        }
        if self.linger.is_none() {
            if let Poll::Ready(Err(e)) = Pin::new(&mut self.io).poll_shutdown(cx) {
                return Poll::Ready(Err(e));
            }
        }
        if self.poll_linger(cx).is_pending() {
            return Poll::Pending;
        }
        self.refusal = None;
        Poll::Ready(Ok(()))
    }

    /// After a refusal in the middle of a request: answered, then an error
    /// that makes the dispatcher drop the connection.
    fn poll_abort(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.poll_answered(cx) {
            Poll::Ready(Ok(())) => {
                Poll::Ready(Err(io::Error::new(io::ErrorKind::ConnectionAborted, "refused at the door")))
            }
            other => other,
        }
    }
}

impl AsyncRead for Guarded {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, out: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        loop {
            if this.abort {
                return this.poll_abort(cx);
            }
            if !this.ready.is_empty() {
                let n = this.ready.len().min(out.remaining());
                out.put_slice(&this.ready[..n]);
                this.ready.advance(n);
                if this.ready.is_empty() {
                    // Idle connections (realtime streams) hold no buffers.
                    this.ready = BytesMut::new();
                }
                return Poll::Ready(Ok(()));
            }
            if this.refusal.is_some() || this.client_eof {
                // End of input for the dispatcher: it finishes what it owes, then shuts down.
                return Poll::Ready(Ok(()));
            }
            // Not zeroed first: the socket fills it, and only what it filled is read.
            let mut chunk = [MaybeUninit::<u8>::uninit(); 8 * 1024];
            let mut buf = ReadBuf::uninit(&mut chunk);
            match Pin::new(&mut this.io).poll_read(cx, &mut buf) {
                Poll::Ready(Ok(())) if buf.filled().is_empty() => {
                    this.client_eof = true;
                    this.head_timer = None;
                    this.body_timer = None;
                    // An incomplete head goes on as it is; the dispatcher sees it end.
                    let rest = this.pending.split();
                    this.ready.extend_from_slice(&rest);
                }
                Poll::Ready(Ok(())) => {
                    let n = buf.filled().len();
                    this.pending.extend_from_slice(buf.filled());
                    this.examine();
                    if this.refusal.is_none() {
                        this.progress(n);
                    }
                    if this.pending.is_empty() {
                        this.pending = BytesMut::new();
                    }
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => {
                    if let Some(timer) = this.head_timer.as_mut() {
                        if timer.as_mut().poll(cx).is_ready() {
                            this.refuse(ApiError::RequestTimeout);
                            continue;
                        }
                    }
                    if let Some(timer) = this.body_timer.as_mut() {
                        if timer.as_mut().poll(cx).is_ready() {
                            let idle_seconds = this.door.body_idle.as_secs();
                            this.refuse(ApiError::BodyTimeout { idle_seconds });
                            continue;
                        }
                    }
                    return Poll::Pending;
                }
            }
        }
    }
}

impl Guarded {
    /// Writes what is left of the refusal.
    fn poll_refusal(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some(rest) = self.refusal.as_mut().filter(|r| !r.is_empty()) {
            match Pin::new(&mut self.io).poll_write(cx, rest) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => rest.advance(n),
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }

    /// After a refusal: reads and discards (bounded) what the client still
    /// sends, so that closing does not reset the connection before the client
    /// has read its answer.
    fn poll_linger(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let (timer, left) =
            self.linger.get_or_insert_with(|| (Box::pin(tokio::time::sleep(LINGER_TIME)), LINGER_BYTES));
        loop {
            if timer.as_mut().poll(cx).is_ready() || *left == 0 {
                return Poll::Ready(());
            }
            let mut chunk = [MaybeUninit::<u8>::uninit(); 8 * 1024];
            let mut buf = ReadBuf::uninit(&mut chunk);
            match Pin::new(&mut self.io).poll_read(cx, &mut buf) {
                Poll::Ready(Ok(())) if !buf.filled().is_empty() => *left = left.saturating_sub(buf.filled().len()),
                Poll::Ready(_) => return Poll::Ready(()),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.refusal.is_some() {
            return this.poll_answered(cx);
        }
        Pin::new(&mut this.io).poll_shutdown(cx)
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        // The dispatcher let go without shutting down: a last, best-effort answer.
        if let Some(rest) = self.refusal.take().filter(|r| !r.is_empty()) {
            let _ = self.io.try_write(&rest);
        }
    }
}
