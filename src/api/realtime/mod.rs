//! The realtime transports: Parley's own event streams ([`stream`]: SSE and
//! WebSocket) and Kayako's Phoenix sockets ([`phoenix`]). They authorize
//! every subscription against the caller and feed it from the hub
//! (`crate::realtime`), which knows nothing of HTTP.

pub mod phoenix;
pub mod stream;
