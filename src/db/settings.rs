//! Instance settings (the `settings` key/value table).

use rusqlite::{Connection, OptionalExtension};

use crate::error::ApiError;

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

/// Reads the settings; a missing key counts as `false`.
pub fn load(conn: &Connection) -> Result<Settings, ApiError> {
    let mut stmt = conn.prepare("SELECT key, value FROM settings")?;
    let mut s = Settings::default();
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (key, value) = row?;
        let on = value == "true";
        match key.as_str() {
            "customers_see_status" => s.customers_see_status = on,
            "customers_see_priority" => s.customers_see_priority = on,
            "customers_see_type" => s.customers_see_type = on,
            "customers_edit_priority" => s.customers_edit_priority = on,
            _ => {}
        }
    }
    Ok(s)
}

/// Whether a marker setting (such as `demo_files_loaded`) is present.
pub fn is_marked(conn: &Connection, key: &str) -> Result<bool, ApiError> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM settings WHERE key = ?1)", [key], |r| r.get(0))?)
}

/// Sets a marker setting to `true`.
pub fn mark(conn: &Connection, key: &str) -> Result<(), ApiError> {
    conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?1, 'true')", [key])?;
    Ok(())
}

/// The messenger token an older version kept in this table, if any (it now
/// lives in its own key file, see `secret::messenger_key`).
pub fn legacy_messenger_token(conn: &Connection) -> Result<Option<String>, ApiError> {
    Ok(conn.query_row("SELECT value FROM settings WHERE key = 'messenger_token'", [], |r| r.get(0)).optional()?)
}

/// Removes the messenger token from the database once its key file holds it.
pub fn forget_messenger_token(conn: &Connection) -> Result<(), ApiError> {
    conn.execute("DELETE FROM settings WHERE key = 'messenger_token'", [])?;
    Ok(())
}
