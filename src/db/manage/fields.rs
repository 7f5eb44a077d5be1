//! Custom fields, with their options and translations.

use rusqlite::params;

use super::order_or_last;
use crate::db::{Conn, Error};

/// A translation given to the admin API.
#[derive(Debug, Clone, PartialEq)]
pub struct Translation {
    /// e.g. `en-us`.
    pub locale: String,
    /// The text.
    pub translation: String,
}

/// An option given to the admin API, with the options under it (cascading selects).
#[derive(Debug, Clone, PartialEq)]
pub struct OptionSpec {
    /// An existing option to keep (and relabel); `None` for a new one.
    pub id: Option<i64>,
    /// Its labels.
    pub values: Vec<Translation>,
    /// The options under it.
    pub children: Vec<OptionSpec>,
}

/// What a new or changed field holds; `None` keeps (or defaults) it.
#[derive(Debug, Default, Clone)]
pub struct FieldChange {
    /// TEXT, SELECT, ... (creation only).
    pub kind: Option<String>,
    /// The `field_values` key (creation only).
    pub key: Option<String>,
    /// Titles, replacing the old ones.
    pub titles: Option<Vec<Translation>>,
    /// Descriptions, replacing the old ones.
    pub descriptions: Option<Vec<Translation>>,
    /// Required on forms holding it.
    pub is_required: Option<bool>,
    /// Customers may change it.
    pub is_editable: Option<bool>,
    /// Customers see it.
    pub is_visible_to_customers: Option<bool>,
    /// Offered at all.
    pub is_enabled: Option<bool>,
    /// For REGEX fields; `Some(None)` clears it.
    pub regular_expression: Option<Option<String>>,
    /// Position.
    pub sort_order: Option<i64>,
    /// The options, replacing the old ones (kept where `id` names them).
    pub options: Option<Vec<OptionSpec>>,
}

/// Creates a field and returns its id.
pub fn create_field(conn: &Conn, change: &FieldChange, now: i64) -> Result<i64, Error> {
    let order = order_or_last(conn, change.sort_order, "conversation_fields", "sort_order")?;
    conn.prepare_cached(
        "INSERT INTO conversation_fields (fielduuid, type, key, is_required, is_editable, is_visible_to_customers,
                is_enabled, regular_expression, sort_order, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
    )?
    .execute(params![
        uuid::Uuid::new_v4().to_string(),
        change.kind,
        change.key,
        change.is_required.unwrap_or(false),
        change.is_editable.unwrap_or(true),
        change.is_visible_to_customers.unwrap_or(true),
        change.is_enabled.unwrap_or(true),
        change.regular_expression.clone().flatten(),
        order,
        now
    ])?;
    let id = conn.last_insert_rowid();
    apply_field_parts(conn, id, change, now)?;
    Ok(id)
}

/// Changes a field.
pub fn update_field(conn: &Conn, id: i64, change: &FieldChange, now: i64) -> Result<(), Error> {
    conn.prepare_cached(
        "UPDATE conversation_fields SET is_required = COALESCE(?2, is_required), is_editable = COALESCE(?3, is_editable),
                is_visible_to_customers = COALESCE(?4, is_visible_to_customers), is_enabled = COALESCE(?5, is_enabled),
                regular_expression = CASE WHEN ?6 THEN ?7 ELSE regular_expression END,
                sort_order = COALESCE(?8, sort_order), updated_at = ?9
          WHERE id = ?1",
    )?
    .execute(params![
        id,
        change.is_required,
        change.is_editable,
        change.is_visible_to_customers,
        change.is_enabled,
        change.regular_expression.is_some(),
        change.regular_expression.clone().flatten(),
        change.sort_order,
        now
    ])?;
    apply_field_parts(conn, id, change, now)
}

fn apply_field_parts(conn: &Conn, id: i64, change: &FieldChange, now: i64) -> Result<(), Error> {
    replace_translations(conn, "field_id", id, &change.titles, &change.descriptions, now)?;
    if let Some(options) = &change.options {
        let mut kept = Vec::new();
        place_options(conn, id, None, options, now, &mut kept)?;
        let kept = serde_json::to_string(&kept)?;
        conn.prepare_cached(
            "DELETE FROM field_options WHERE field_id = ?1 AND id NOT IN (SELECT value FROM json_each(?2))",
        )?
        .execute(params![id, kept])?;
    }
    Ok(())
}

/// Replaces the titles and descriptions (those given) of the field or form
/// `id`; `owner` is `field_id` or `form_id`.
pub(super) fn replace_translations(
    conn: &Conn,
    owner: &str,
    id: i64,
    titles: &Option<Vec<Translation>>,
    descriptions: &Option<Vec<Translation>>,
    now: i64,
) -> Result<(), Error> {
    for (kind, texts) in [("title", titles), ("description", descriptions)] {
        if let Some(texts) = texts {
            conn.prepare_cached(&format!("DELETE FROM locale_fields WHERE {owner} = ?1 AND kind = ?2"))?
                .execute(params![id, kind])?;
            for t in texts {
                translate(conn, owner, id, kind, t, now)?;
            }
        }
    }
    Ok(())
}

fn translate(conn: &Conn, owner: &str, id: i64, kind: &str, t: &Translation, now: i64) -> Result<(), Error> {
    conn.prepare_cached(&format!(
        "INSERT INTO locale_fields ({owner}, kind, locale, translation, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)"
    ))?
    .execute(params![id, kind, t.locale, t.translation, now])?;
    Ok(())
}

fn place_options(
    conn: &Conn,
    field: i64,
    parent: Option<i64>,
    options: &[OptionSpec],
    now: i64,
    kept: &mut Vec<i64>,
) -> Result<(), Error> {
    for (position, o) in options.iter().enumerate() {
        let order = position as i64 + 1;
        let id = match o.id {
            Some(id) => {
                conn.prepare_cached(
                    "UPDATE field_options SET parent_id = ?2, sort_order = ?3, updated_at = ?4 WHERE id = ?1",
                )?
                .execute(params![id, parent, order, now])?;
                conn.prepare_cached("DELETE FROM locale_fields WHERE option_id = ?1")?.execute([id])?;
                id
            }
            None => {
                conn.prepare_cached(
                    "INSERT INTO field_options (field_id, parent_id, sort_order, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?4)",
                )?
                .execute(params![field, parent, order, now])?;
                conn.last_insert_rowid()
            }
        };
        kept.push(id);
        for v in &o.values {
            translate(conn, "option_id", id, "value", v, now)?;
        }
        place_options(conn, field, Some(id), &o.children, now, kept)?;
    }
    Ok(())
}

/// Whether any conversation holds a value for the field.
pub fn field_in_use(conn: &Conn, id: i64) -> Result<bool, Error> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM field_values WHERE field_id = ?1)")?
        .query_row([id], |r| r.get(0))?)
}

/// Whether another field has this key.
pub fn field_key_taken(conn: &Conn, key: &str) -> Result<bool, Error> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM conversation_fields WHERE key = ?1)")?
        .query_row([key], |r| r.get(0))?)
}

/// Whether any conversation's value of the field names one of these options.
pub fn options_in_use(conn: &Conn, field: i64, options: &[i64]) -> Result<bool, Error> {
    let mut stmt = conn.prepare_cached("SELECT value FROM field_values WHERE field_id = ?1")?;
    let values: Vec<String> = stmt.query_map([field], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(values
        .iter()
        .flat_map(|v| v.split(','))
        .filter_map(|v| v.trim().parse::<i64>().ok())
        .any(|v| options.contains(&v)))
}

/// Deletes a field no conversation holds a value for (its options,
/// translations and places on forms go with it).
pub fn delete_field(conn: &Conn, id: i64) -> Result<(), Error> {
    conn.prepare_cached("DELETE FROM conversation_fields WHERE id = ?1")?.execute([id])?;
    Ok(())
}
