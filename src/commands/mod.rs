//! The command line's verbs that work on a data directory without a running
//! server: `parley user add` and `messenger-token` ([`user`]), `backup` and
//! `restore` ([`backup`]), `export` ([`export`]), `import` ([`import`]) and
//! `gen` ([`gen`]). They reach SQLite through `db` alone, and the server's data
//! directory through `state`.

mod archive;
pub mod backup;
pub mod export;
pub mod gen;
pub mod import;
pub mod mail;
pub mod user;

pub use archive::Moved;
