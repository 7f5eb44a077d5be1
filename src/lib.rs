//! Parley: a self-hosted, single-binary server for the customer-facing Kayako
//! Conversations API, over one SQLite file. See ARCHITECTURE.md for the map:
//! every module imports only the ones below it.

pub mod api;
pub mod auth;
pub mod commands;
pub mod config;
pub mod db;
mod demo;
pub mod error;
pub mod limits;
pub mod mail;
pub mod metrics;
pub mod realtime;
pub mod secret;
pub mod server;
pub mod state;
pub mod storage;
pub mod sweep;
pub mod web;
pub mod wire;
