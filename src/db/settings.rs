//! Instance settings (the `settings` key/value table).

use crate::db::{Conn, Error};
use rusqlite::OptionalExtension;

/// What the instance lets customers see and do.
#[derive(Debug, Clone, Copy, Default)]
pub struct Settings {
    /// Customers see `status` on conversations.
    pub customers_see_status: bool,
    /// Customers see `priority`.
    pub customers_see_priority: bool,
    /// Customers see `type`.
    pub customers_see_type: bool,
    /// Customers may set `priority_id`.
    pub customers_edit_priority: bool,
}

/// The Messenger's words, as the instance sets them (`None`: the Messenger's own).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessengerTexts {
    /// Who the customer talks to, e.g. "Brewfictus Support".
    pub team_name: Option<String>,
    /// The home screen's greeting.
    pub greeting: Option<String>,
    /// How fast the team answers, in words (instead of the measured average).
    pub reply_time: Option<String>,
}

/// The instance settings the admin API reads and writes: `(name, kind)`.
pub const NAMES: [(&str, Kind); 8] = [
    ("customers_see_status", Kind::Flag),
    ("customers_see_priority", Kind::Flag),
    ("customers_see_type", Kind::Flag),
    ("customers_edit_priority", Kind::Flag),
    ("messenger_team_name", Kind::Text),
    ("messenger_greeting", Kind::Text),
    ("messenger_reply_time", Kind::Text),
    ("timezone", Kind::Text),
];

/// What a setting holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// `true` or `false`.
    Flag,
    /// Text (empty: the default).
    Text,
}

/// Every setting of [`NAMES`] with its value (`false` or `""` when unset).
pub fn all(conn: &Conn) -> Result<Vec<(&'static str, Kind, String)>, Error> {
    let mut stmt = conn.prepare_cached("SELECT value FROM settings WHERE key = ?1")?;
    NAMES
        .iter()
        .map(|&(name, kind)| {
            let value: Option<String> = stmt.query_row([name], |r| r.get(0)).optional()?;
            let default = if kind == Kind::Flag { "false" } else { "" };
            Ok((name, kind, value.unwrap_or_else(|| default.to_owned())))
        })
        .collect()
}

/// Sets one setting (an empty text removes it).
pub fn set(conn: &Conn, name: &str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        conn.prepare_cached("DELETE FROM settings WHERE key = ?1")?.execute([name])?;
    } else {
        conn.prepare_cached("INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)")?.execute([name, value])?;
    }
    Ok(())
}

/// Reads the settings; a missing key counts as `false`.
pub fn load(conn: &Conn) -> Result<Settings, Error> {
    Ok(load_all(conn)?.0)
}

/// Reads the settings and the Messenger's words.
pub fn load_all(conn: &Conn) -> Result<(Settings, MessengerTexts), Error> {
    let mut stmt = conn.prepare_cached("SELECT key, value FROM settings")?;
    let mut s = Settings::default();
    let mut m = MessengerTexts::default();
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (key, value) = row?;
        let on = value == "true";
        match key.as_str() {
            "customers_see_status" => s.customers_see_status = on,
            "customers_see_priority" => s.customers_see_priority = on,
            "customers_see_type" => s.customers_see_type = on,
            "customers_edit_priority" => s.customers_edit_priority = on,
            "messenger_team_name" => m.team_name = Some(value),
            "messenger_greeting" => m.greeting = Some(value),
            "messenger_reply_time" => m.reply_time = Some(value),
            _ => {}
        }
    }
    Ok((s, m))
}

/// The instance's time zone (an IANA name such as `Europe/Paris`), in
/// which insights cut days and weeks; empty when unset (UTC).
pub fn timezone(conn: &Conn) -> Result<String, Error> {
    let value: Option<String> = conn
        .prepare_cached("SELECT value FROM settings WHERE key = 'timezone'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(value.unwrap_or_default())
}

/// Whether a marker setting (such as `demo_files_loaded`) is present.
pub fn is_marked(conn: &Conn, key: &str) -> Result<bool, Error> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM settings WHERE key = ?1)", [key], |r| r.get(0))?)
}

/// Sets a marker setting to `true`.
pub fn mark(conn: &Conn, key: &str) -> Result<(), Error> {
    conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?1, 'true')", [key])?;
    Ok(())
}

/// The messenger token an older version kept in this table, if any (it now
/// lives in its own key file, see `secret::messenger_key`).
pub fn legacy_messenger_token(conn: &Conn) -> Result<Option<String>, Error> {
    Ok(conn.query_row("SELECT value FROM settings WHERE key = 'messenger_token'", [], |r| r.get(0)).optional()?)
}

/// Removes the messenger token from the database once its key file holds it.
pub fn forget_messenger_token(conn: &Conn) -> Result<(), Error> {
    conn.execute("DELETE FROM settings WHERE key = 'messenger_token'", [])?;
    Ok(())
}
