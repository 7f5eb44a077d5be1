//! The Kayako wire format, shared by the handlers, the hub and the commands:
//! resources out ([`render`]: snake_case JSON, related resources as stubs,
//! times as ISO-8601), requests in ([`decode`]: bodies and query strings
//! under one set of bounds), and the text rules both sides share ([`text`]).
//! Nothing here reads the database or knows a handler: rendering takes rows
//! that `db` has already read.

pub mod decode;
pub mod include;
pub mod insights;
pub mod mention;
pub mod render;
pub mod search;
pub mod text;
mod time;

pub use text::{fill_placeholders, text_to_html, valid_email};
pub use time::{ts, Ts};
