//! Conversation forms, with their translations and fields in order.

use rusqlite::params;

use super::fields::{replace_translations, Translation};
use super::order_or_last;
use crate::db::{Conn, Error};

/// What a new or changed form holds; `None` keeps (or defaults) it.
#[derive(Debug, Default, Clone)]
pub struct FormChange {
    /// Title.
    pub title: Option<String>,
    /// `Some(None)` clears it.
    pub description: Option<Option<String>>,
    /// Localized titles, replacing the old ones.
    pub titles: Option<Vec<Translation>>,
    /// Localized descriptions, replacing the old ones.
    pub descriptions: Option<Vec<Translation>>,
    /// The form's fields, in order, replacing the old ones.
    pub field_ids: Option<Vec<i64>>,
    /// Position among forms.
    pub sort_order: Option<i64>,
    /// Make it the default form (the previous default stops being it).
    pub is_default: Option<bool>,
}

/// Creates a form and returns its id.
pub fn create_form(conn: &Conn, change: &FormChange, now: i64) -> Result<i64, Error> {
    let order = order_or_last(conn, change.sort_order, "forms", "sort_order")?;
    conn.prepare_cached(
        "INSERT INTO forms (title, description, sort_order, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
    )?
    .execute(params![change.title, change.description.clone().flatten(), order, now])?;
    let id = conn.last_insert_rowid();
    apply_form_parts(conn, id, change, now)?;
    Ok(id)
}

/// Changes a form.
pub fn update_form(conn: &Conn, id: i64, change: &FormChange, now: i64) -> Result<(), Error> {
    conn.prepare_cached(
        "UPDATE forms SET title = COALESCE(?2, title), description = CASE WHEN ?3 THEN ?4 ELSE description END,
                sort_order = COALESCE(?5, sort_order), updated_at = ?6
          WHERE id = ?1",
    )?
    .execute(params![
        id,
        change.title,
        change.description.is_some(),
        change.description.clone().flatten(),
        change.sort_order,
        now
    ])?;
    apply_form_parts(conn, id, change, now)
}

fn apply_form_parts(conn: &Conn, id: i64, change: &FormChange, now: i64) -> Result<(), Error> {
    replace_translations(conn, "form_id", id, &change.titles, &change.descriptions, now)?;
    if let Some(fields) = &change.field_ids {
        conn.prepare_cached("DELETE FROM form_fields WHERE form_id = ?1")?.execute([id])?;
        for (position, field) in fields.iter().enumerate() {
            conn.prepare_cached(
                "INSERT OR IGNORE INTO form_fields (form_id, field_id, sort_order) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![id, field, position as i64 + 1])?;
        }
    }
    match change.is_default {
        Some(true) => {
            conn.prepare_cached("UPDATE forms SET is_default = (id = ?1)")?.execute([id])?;
        }
        Some(false) => {
            conn.prepare_cached("UPDATE forms SET is_default = 0 WHERE id = ?1")?.execute([id])?;
        }
        None => {}
    }
    Ok(())
}

/// How many conversations were started through a form.
pub fn form_uses(conn: &Conn, id: i64) -> Result<i64, Error> {
    Ok(conn.prepare_cached("SELECT COUNT(*) FROM conversations WHERE form_id = ?1")?.query_row([id], |r| r.get(0))?)
}

/// Deletes a form; conversations started through it keep their values.
pub fn delete_form(conn: &Conn, id: i64) -> Result<(), Error> {
    conn.prepare_cached("UPDATE conversations SET form_id = NULL WHERE form_id = ?1")?.execute([id])?;
    conn.prepare_cached("DELETE FROM forms WHERE id = ?1")?.execute([id])?;
    Ok(())
}
