//! How the front door follows a connection's bytes: where each request head
//! ends ([`check_head`]), how its body is framed (`Content-Length` or
//! chunked, [`step_chunked`]), and after a WebSocket upgrade, the client's
//! frames ([`step_websocket`]), so that a frame declaring more than
//! [`MAX_FRAME`] is refused at its header, before any of it is buffered.

use crate::api::realtime::MAX_FRAME;
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

/// The longest chunk-size line (size and extensions) the door follows.
pub const MAX_CHUNK_LINE: usize = 1024;

/// Where the guard is in the request stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// Waiting for (the rest of) a request head.
    Head,
    /// Inside a body of known length: this many bytes to go.
    Length(u64),
    /// Inside a chunked body.
    Chunked(Chunk),
    /// After a WebSocket upgrade: the client's frames.
    WebSocket(Ws),
}

impl Framing {
    /// Inside a request body, which must keep arriving.
    pub fn in_body(self) -> bool {
        matches!(self, Framing::Length(_) | Framing::Chunked(_))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chunk {
    /// Expecting a chunk-size line.
    Size,
    /// Inside chunk data: this many bytes to go.
    Data(u64),
    /// Expecting the CRLF after chunk data.
    DataEnd,
    /// After the last chunk: trailer lines until an empty one.
    Trailers,
}

/// Where the guard is in a client's WebSocket frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ws {
    /// Expecting a frame header.
    Header,
    /// Inside a frame's payload: this many bytes to go.
    Payload(u64),
}

/// Why a client's WebSocket frame is refused, with the close code it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadFrame {
    /// The header declares more than [`MAX_FRAME`] bytes (close code 1009).
    TooLarge,
    /// A client frame without a mask (close code 1002, RFC 6455 §5.1).
    Unmasked,
}

impl BadFrame {
    /// The close frame that tells the client why.
    pub fn close_frame(self) -> Vec<u8> {
        let (code, reason): (u16, &str) = match self {
            BadFrame::TooLarge => (1009, "frame too large"),
            BadFrame::Unmasked => (1002, "client frames must be masked"),
        };
        let mut frame = vec![0x88, (2 + reason.len()) as u8];
        frame.extend_from_slice(&code.to_be_bytes());
        frame.extend_from_slice(reason.as_bytes());
        frame
    }
}

/// The length of a complete head at the start of `buf` and the framing of its
/// body; `None` while incomplete; the answer when it must be refused.
pub fn check_head(buf: &[u8]) -> Result<Option<(usize, Framing)>, ApiError> {
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
        Framing::WebSocket(Ws::Header)
    } else {
        match length {
            Some(n) if n > 0 => Framing::Length(n),
            _ => Framing::Head,
        }
    };
    Ok(Some((skip + len, framing)))
}

/// One step through a chunked body: how many bytes of `buf` it covers and
/// the state after them; `None` when more bytes are needed. Framing the door
/// cannot follow (a size that is no number, a size line or trailer over
/// [`MAX_CHUNK_LINE`]) is refused, so that every request on a connection
/// passes the door.
pub fn step_chunked(buf: &[u8], state: Chunk) -> Result<Option<(usize, Framing)>, ApiError> {
    let line = || buf.iter().position(|b| *b == b'\n').map(|i| i + 1);
    let too_long = || ApiError::InvalidRequest(format!("a chunk-size line or trailer over {MAX_CHUNK_LINE} bytes"));
    let long_wait = |end: Option<usize>| match end {
        None if buf.len() > MAX_CHUNK_LINE => Err(too_long()),
        Some(end) if end > MAX_CHUNK_LINE + 2 => Err(too_long()),
        end => Ok(end),
    };
    match state {
        Chunk::Size => {
            let Some(end) = long_wait(line())? else { return Ok(None) };
            let text = std::str::from_utf8(&buf[..end]).unwrap_or("");
            let hex = text.split([';', '\r', '\n']).next().unwrap_or("").trim();
            match u64::from_str_radix(hex, 16) {
                Ok(0) => Ok(Some((end, Framing::Chunked(Chunk::Trailers)))),
                Ok(n) => Ok(Some((end, Framing::Chunked(Chunk::Data(n))))),
                Err(_) => Err(ApiError::InvalidRequest("a chunk size must be a hexadecimal number".into())),
            }
        }
        Chunk::Data(n) => {
            let take = n.min(buf.len() as u64);
            let next = if take == n { Chunk::DataEnd } else { Chunk::Data(n - take) };
            Ok(Some((take as usize, Framing::Chunked(next))))
        }
        Chunk::DataEnd => {
            let Some(end) = long_wait(line())? else { return Ok(None) };
            Ok(Some((end, Framing::Chunked(Chunk::Size))))
        }
        Chunk::Trailers => {
            let Some(end) = long_wait(line())? else { return Ok(None) };
            let blank = buf[..end].iter().all(|b| *b == b'\r' || *b == b'\n');
            Ok(Some((end, if blank { Framing::Head } else { Framing::Chunked(Chunk::Trailers) })))
        }
    }
}

/// One step through a client's WebSocket frames: how many bytes of `buf` it
/// covers and the state after them; `None` when more bytes are needed. A
/// frame is judged by its header alone, so an oversized one is refused
/// before its payload is read.
pub fn step_websocket(buf: &[u8], state: Ws) -> Result<Option<(usize, Ws)>, BadFrame> {
    match state {
        Ws::Payload(n) => {
            let take = n.min(buf.len() as u64);
            Ok(Some((take as usize, if take == n { Ws::Header } else { Ws::Payload(n - take) })))
        }
        Ws::Header => {
            let [_, second, ..] = *buf else { return Ok(None) };
            if second & 0x80 == 0 {
                return Err(BadFrame::Unmasked);
            }
            let extended = match second & 0x7f {
                126 => 2,
                127 => 8,
                _ => 0,
            };
            let Some(length) = buf.get(2..2 + extended) else { return Ok(None) };
            let declared = match extended {
                0 => u64::from(second & 0x7f),
                _ => length.iter().fold(0u64, |n, b| n << 8 | u64::from(*b)),
            };
            if declared > MAX_FRAME as u64 {
                return Err(BadFrame::TooLarge);
            }
            let header = 2 + extended + 4;
            if buf.len() < header {
                return Ok(None);
            }
            Ok(Some((header, if declared == 0 { Ws::Header } else { Ws::Payload(declared) })))
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
        assert_eq!(head(ws).ok().flatten().map(|(_, f)| f), Some(Framing::WebSocket(Ws::Header)));
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
            let (used, next) = step_chunked(&body[at..], state).expect("well framed").expect("complete");
            at += used;
            framing = next;
        }
        assert_eq!(framing, Framing::Head);
        assert_eq!(&body[at..], b"GET");
    }

    #[test]
    fn chunk_lines_the_door_cannot_follow_are_refused() {
        let long = format!("2;{}", "e".repeat(MAX_CHUNK_LINE));
        assert!(step_chunked(long.as_bytes(), Chunk::Size).is_err(), "an endless extension");
        assert!(step_chunked(format!("{long}\r\n").as_bytes(), Chunk::Size).is_err(), "a long one");
        assert!(step_chunked(b"zz\r\n", Chunk::Size).is_err());
        assert_eq!(step_chunked(b"2;name=value\r\n", Chunk::Size).ok().flatten().map(|(n, _)| n), Some(14));
    }

    #[test]
    fn websocket_frames_are_judged_by_their_header() {
        let masked = |len: u8, ext: &[u8]| [&[0x81, 0x80 | len][..], ext, &[1, 2, 3, 4]].concat();
        assert_eq!(step_websocket(&masked(5, &[]), Ws::Header), Ok(Some((6, Ws::Payload(5)))));
        let limit = (MAX_FRAME as u64).to_be_bytes();
        assert_eq!(step_websocket(&masked(127, &limit), Ws::Header), Ok(Some((14, Ws::Payload(MAX_FRAME as u64)))));
        // One byte over is refused before the mask, let alone the payload, has arrived.
        let over = (MAX_FRAME as u64 + 1).to_be_bytes();
        assert_eq!(step_websocket(&masked(127, &over)[..10], Ws::Header), Err(BadFrame::TooLarge));
        assert_eq!(step_websocket(&[0x81, 0x05], Ws::Header), Err(BadFrame::Unmasked));
        assert_eq!(step_websocket(&[0x81], Ws::Header), Ok(None));
        assert_eq!(step_websocket(b"abc", Ws::Payload(5)), Ok(Some((3, Ws::Payload(2)))));
    }
}
