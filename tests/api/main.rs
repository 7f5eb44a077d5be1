//! Black-box tests: a real server over HTTP against a real SQLite file.

mod arbitrary;
mod attachments;
mod auth;
mod authorization;
mod backup;
mod bodies_and_errors;
mod conversations;
mod crash;
mod disk_full;
mod forms_and_fields;
mod front;
mod hardening;
mod helpers;
mod inbox;
mod limits;
mod lists;
mod lookups;
mod messages;
mod process;
mod ratings;
mod realtime;
mod reference;
mod shaping;
mod shutdown;
mod signin;
mod web;
