//! Parley: a self-hosted, single-binary server for the customer-facing Kayako
//! Conversations API, over one SQLite file. See ARCHITECTURE.md for the map.

pub mod admin;
pub mod api;
pub mod auth;
pub mod backup;
pub mod config;
pub mod db;
mod demo;
pub mod error;
pub mod front;
pub mod gen;
pub mod limits;
pub mod metrics;
pub mod realtime;
pub mod secret;
pub mod startup;
pub mod storage;
pub mod sweep;
pub mod transfer;
pub mod web;
