//! The realtime transports: Parley's own event streams ([`stream`]: SSE and
//! WebSocket) and Kayako's Phoenix sockets ([`phoenix`]). They authorize
//! every subscription against the caller and feed it from the hub
//! (`crate::realtime`), which knows nothing of HTTP.

pub mod phoenix;
pub mod stream;

/// Largest frame a client may send on a WebSocket, and largest message its
/// continuation frames may add up to. The front door refuses a frame whose
/// header declares more before reading it.
pub const MAX_FRAME: usize = 64 * 1024;
