//! The front door: every connection passes through a [`Guarded`] stream that
//! reads each request head before actix-http's dispatcher does, so that what
//! the dispatcher would refuse with an empty body (a head too large, too many
//! headers, a URI too long, malformed HTTP, a client too slow to send its
//! head) is answered with Parley's own JSON error envelope instead.
//!
//! The guard is stricter than the dispatcher behind it ([`MAX_HEAD_BYTES`],
//! [`MAX_HEADERS`], [`MAX_URI_BYTES`] are below actix-http's own limits), so a
//! head the guard passes never trips the dispatcher. To find where the next
//! head starts on a keep-alive connection it follows each body's framing
//! (`Content-Length` or chunked); after a WebSocket upgrade it steps aside.
//! A refused connection gets its answer after the responses already owed on
//! it, then is closed.

use std::future::Future;
use std::io;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::rt::net::TcpStream;
use actix_web::web::{Buf, BytesMut};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::error::ApiError;

/// Largest request head (request line and headers); actix-http allows 128 KiB.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Longest request target; `http::Uri` allows 64 KiB.
pub const MAX_URI_BYTES: usize = 16 * 1024;
/// Most headers one request may carry; actix-http allows 96.
pub const MAX_HEADERS: usize = 64;

/// A target over [`MAX_URI_BYTES`].
const TOO_LONG: ApiError = ApiError::UriTooLong { max_bytes: MAX_URI_BYTES };
/// A head over [`MAX_HEADERS`] or [`MAX_HEAD_BYTES`].
const TOO_LARGE: ApiError = ApiError::HeadersTooLarge { max_headers: MAX_HEADERS, max_bytes: MAX_HEAD_BYTES };

/// How much a refused client may still send, and for how long, before the
/// connection closes (so it reads the answer instead of a reset).
const LINGER_BYTES: usize = 4 * 1024 * 1024;
const LINGER_TIME: Duration = Duration::from_secs(2);

/// Where the guard is in the request stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// Waiting for (the rest of) a request head.
    Head,
    /// Inside a body of known length: this many bytes to go.
    Length(u64),
    /// Inside a chunked body.
    Chunked(Chunk),
    /// Not HTTP any more (WebSocket), or framing the guard does not follow.
    Tunnel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chunk {
    /// Expecting a chunk-size line.
    Size,
    /// Inside chunk data: this many bytes to go.
    Data(u64),
    /// Expecting the CRLF after chunk data.
    DataEnd,
    /// After the last chunk: trailer lines until an empty one.
    Trailers,
}

/// A client connection with its request heads checked before the dispatcher sees them.
pub struct Guarded {
    io: TcpStream,
    /// Read from the client, not yet examined.
    pending: BytesMut,
    /// Examined, for the dispatcher.
    ready: BytesMut,
    framing: Framing,
    /// While a head is awaited from a client that started it (or just connected).
    head_timer: Option<Pin<Box<tokio::time::Sleep>>>,
    head_timeout: Duration,
    client_eof: bool,
    /// The JSON answer to a refused request, not yet (fully) written.
    refusal: Option<BytesMut>,
    linger: Option<(Pin<Box<tokio::time::Sleep>>, usize)>,
}

impl Guarded {
    /// Guards a freshly accepted connection; its first head must be complete
    /// within `head_timeout` of now.
    pub fn new(io: TcpStream, head_timeout: Duration) -> Guarded {
        Guarded {
            io,
            pending: BytesMut::new(),
            ready: BytesMut::new(),
            framing: Framing::Head,
            head_timer: Some(Box::pin(tokio::time::sleep(head_timeout))),
            head_timeout,
            client_eof: false,
            refusal: None,
            linger: None,
        }
    }

    fn refuse(&mut self, err: ApiError) {
        tracing::debug!(error = %err, "request refused at the door");
        self.refusal = Some(BytesMut::from(err.to_http_bytes().as_slice()));
        self.pending.clear();
        self.head_timer = None;
    }

    /// Moves examined bytes from `pending` to `ready`, following the framing.
    fn examine(&mut self) {
        while !self.pending.is_empty() && self.refusal.is_none() {
            match self.framing {
                Framing::Head => {
                    if self.head_timer.is_none() {
                        self.head_timer = Some(Box::pin(tokio::time::sleep(self.head_timeout)));
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
                    None => return,
                    Some((used, next)) => {
                        self.ready.extend_from_slice(&self.pending.split_to(used));
                        self.framing = next;
                    }
                },
                Framing::Tunnel => {
                    let all = self.pending.split();
                    self.ready.extend_from_slice(&all);
                }
            }
        }
    }
}

/// The length of a complete head at the start of `buf` and the framing of its
/// body; `None` while incomplete; the answer when it must be refused.
fn check_head(buf: &[u8]) -> Result<Option<(usize, Framing)>, ApiError> {
    // Blank lines between requests are allowed (RFC 9112 §2.2).
    let skip = buf.iter().take_while(|b| **b == b'\r' || **b == b'\n').count();
    let head = &buf[skip..];
    let end = head.windows(4).position(|w| w == b"\r\n\r\n");
    let first_line = head.iter().position(|b| *b == b'\n').unwrap_or(head.len());
    if first_line > MAX_URI_BYTES + 64 {
        return Err(TOO_LONG);
    }
    let Some(end) = end else {
        return if head.len() > MAX_HEAD_BYTES { Err(TOO_LARGE) } else { Ok(None) };
    };
    let len = end + 4;
    if len > MAX_HEAD_BYTES {
        return Err(TOO_LARGE);
    }
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    match req.parse(&head[..len]) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err(ApiError::InvalidRequest("the request head is incomplete".into())),
        Err(httparse::Error::TooManyHeaders) => return Err(TOO_LARGE),
        Err(e) => return Err(ApiError::InvalidRequest(format!("malformed request head: {e}"))),
    }
    let path = req.path.unwrap_or("");
    if path.len() > MAX_URI_BYTES {
        return Err(TOO_LONG);
    }
    if actix_web::http::Uri::try_from(path).is_err() {
        return Err(ApiError::InvalidRequest("the request target is not a valid URI".into()));
    }
    let http11 = req.version == Some(1);
    let (mut length, mut chunked, mut seen_te, mut seen_host, mut websocket) = (None, false, false, false, false);
    for h in req.headers.iter() {
        let value = std::str::from_utf8(h.value).map(str::trim);
        let bad = |why: &str| Err(ApiError::InvalidRequest(why.into()));
        if h.name.eq_ignore_ascii_case("content-length") {
            match value.ok().filter(|v| !v.starts_with('+')).and_then(|v| v.parse::<u64>().ok()) {
                Some(n) if length.is_none() => length = Some(n),
                Some(_) => return bad("more than one Content-Length"),
                None => return bad("Content-Length must be a number of bytes"),
            }
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            if seen_te {
                return bad("more than one Transfer-Encoding");
            }
            seen_te = true;
            if http11 {
                match value {
                    Ok(v) if v.eq_ignore_ascii_case("chunked") => chunked = true,
                    Ok(v) if v.eq_ignore_ascii_case("identity") => {}
                    _ => return bad("Transfer-Encoding must be chunked"),
                }
            }
        } else if h.name.eq_ignore_ascii_case("host") {
            if seen_host {
                return bad("more than one Host");
            }
            seen_host = true;
        } else if h.name.eq_ignore_ascii_case("upgrade") {
            websocket |= value.is_ok_and(|v| v.eq_ignore_ascii_case("websocket"));
        }
    }
    let framing = if chunked {
        Framing::Chunked(Chunk::Size)
    } else if websocket {
        Framing::Tunnel
    } else {
        match length {
            Some(n) if n > 0 => Framing::Length(n),
            _ => Framing::Head,
        }
    };
    Ok(Some((skip + len, framing)))
}

/// One step through a chunked body: how many bytes of `buf` it covers and
/// the state after them; `None` when more bytes are needed. Framing the guard
/// cannot follow is handed to the dispatcher as it is (which refuses it).
fn step_chunked(buf: &[u8], state: Chunk) -> Option<(usize, Framing)> {
    let line = || buf.iter().position(|b| *b == b'\n').map(|i| i + 1);
    match state {
        Chunk::Size => {
            let Some(end) = line() else {
                return (buf.len() > 1024).then_some((buf.len(), Framing::Tunnel));
            };
            let text = std::str::from_utf8(&buf[..end]).ok()?;
            let hex = text.split([';', '\r', '\n']).next().unwrap_or("").trim();
            match u64::from_str_radix(hex, 16) {
                Ok(0) => Some((end, Framing::Chunked(Chunk::Trailers))),
                Ok(n) => Some((end, Framing::Chunked(Chunk::Data(n)))),
                Err(_) => Some((buf.len(), Framing::Tunnel)),
            }
        }
        Chunk::Data(n) => {
            let take = n.min(buf.len() as u64);
            let next = if take == n { Chunk::DataEnd } else { Chunk::Data(n - take) };
            Some((take as usize, Framing::Chunked(next)))
        }
        Chunk::DataEnd => {
            let end = line()?;
            Some((end, Framing::Chunked(Chunk::Size)))
        }
        Chunk::Trailers => {
            let end = line()?;
            let blank = buf[..end].iter().all(|b| *b == b'\r' || *b == b'\n');
            Some((end, if blank { Framing::Head } else { Framing::Chunked(Chunk::Trailers) }))
        }
    }
}

impl AsyncRead for Guarded {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, out: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        loop {
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
                    // An incomplete head goes on as it is; the dispatcher sees it end.
                    let rest = this.pending.split();
                    this.ready.extend_from_slice(&rest);
                }
                Poll::Ready(Ok(())) => {
                    this.pending.extend_from_slice(buf.filled());
                    this.examine();
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
            match this.poll_refusal(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Ready(Ok(())) => {}
            }
            if this.linger.is_none() {
                if let Poll::Ready(Err(e)) = Pin::new(&mut this.io).poll_shutdown(cx) {
                    return Poll::Ready(Err(e));
                }
            }
            if this.poll_linger(cx).is_pending() {
                return Poll::Pending;
            }
            this.refusal = None;
            return Poll::Ready(Ok(()));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> Result<Option<(usize, Framing)>, ApiError> {
        check_head(text.as_bytes())
    }

    #[test]
    fn heads_are_measured_and_their_bodies_framed() {
        let get = "GET /api/v1/conversations HTTP/1.1\r\nHost: x\r\n\r\n";
        assert_eq!(head(get).ok().flatten(), Some((get.len(), Framing::Head)));
        assert_eq!(head("GET / HTTP/1.1\r\nHost: x\r\n").ok().flatten(), None, "incomplete");
        let post = "POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
        assert_eq!(head(post).ok().flatten().map(|(_, f)| f), Some(Framing::Length(5)));
        let chunked = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
        assert_eq!(head(chunked).ok().flatten().map(|(_, f)| f), Some(Framing::Chunked(Chunk::Size)));
        let ws = "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
        assert_eq!(head(ws).ok().flatten().map(|(_, f)| f), Some(Framing::Tunnel));
    }

    #[test]
    fn what_the_dispatcher_would_refuse_bare_is_refused_here() {
        let many: String = (0..MAX_HEADERS + 1).map(|i| format!("X-{i}: v\r\n")).collect();
        assert!(matches!(head(&format!("GET / HTTP/1.1\r\n{many}\r\n")), Err(ApiError::HeadersTooLarge { .. })));
        let long = format!("GET /?q={} HTTP/1.1\r\n\r\n", "a".repeat(MAX_URI_BYTES + 1));
        assert!(matches!(head(&long), Err(ApiError::UriTooLong { .. })));
        let huge = format!("GET / HTTP/1.1\r\nX: {}", "a".repeat(MAX_HEAD_BYTES + 1));
        assert!(matches!(head(&huge), Err(ApiError::HeadersTooLarge { .. })));
        assert!(matches!(head("GARBAGE\r\n\r\n"), Err(ApiError::InvalidRequest(_))));
        assert!(matches!(
            head("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            Err(ApiError::InvalidRequest(_))
        ));
        assert!(matches!(head("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"), Err(ApiError::InvalidRequest(_))));
    }

    #[test]
    fn chunked_bodies_are_followed_to_their_end() {
        let body = b"5\r\nhello\r\n0\r\nX-Trailer: y\r\n\r\nGET";
        let mut at = 0;
        let mut framing = Framing::Chunked(Chunk::Size);
        while let Framing::Chunked(state) = framing {
            let (used, next) = step_chunked(&body[at..], state).expect("complete");
            at += used;
            framing = next;
        }
        assert_eq!(framing, Framing::Head);
        assert_eq!(&body[at..], b"GET");
    }
}
