//! Custom conversation fields, their options and translations, forms, and
//! the values conversations hold for fields.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension, Row};

use super::IdsIn;
use crate::db::{Conn, Error};

/// A row of `conversation_fields` with the ids of what hangs off it.
#[derive(Debug, Clone)]
pub struct Field {
    /// Id.
    pub id: i64,
    /// Stable UUID.
    pub fielduuid: String,
    /// TEXT, NUMERIC, SELECT, ...
    pub kind: String,
    /// The key clients use in `field_values`.
    pub key: String,
    /// Must be given when a conversation is created through a form holding it.
    pub is_required: bool,
    /// Customers may change it after creation.
    pub is_editable: bool,
    /// Built in.
    pub is_system: bool,
    /// Shown to customers at all.
    pub is_visible_to_customers: bool,
    /// Offered at all: a disabled field keeps the values conversations hold
    /// but takes no new ones and is listed to staff only.
    pub is_enabled: bool,
    /// For REGEX fields.
    pub regular_expression: Option<String>,
    /// Where it is listed.
    pub sort_order: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
    /// `locale_fields` ids of the titles.
    pub title_ids: Vec<i64>,
    /// `locale_fields` ids of the descriptions.
    pub description_ids: Vec<i64>,
    /// `field_options` ids, in order.
    pub option_ids: Vec<i64>,
}

/// A row of `field_options`.
#[derive(Debug, Clone)]
pub struct FieldOption {
    /// Id.
    pub id: i64,
    /// The field it belongs to.
    pub field_id: i64,
    /// For cascading selects.
    pub parent_id: Option<i64>,
    /// Position.
    pub sort_order: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
    /// `locale_fields` ids of its labels.
    pub value_ids: Vec<i64>,
}

/// A row of `locale_fields`.
#[derive(Debug, Clone)]
pub struct LocaleField {
    /// Id.
    pub id: i64,
    /// e.g. `en-us`.
    pub locale: String,
    /// The text.
    pub translation: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
    /// The field it translates a title or description of.
    pub field_id: Option<i64>,
    /// The form it translates a title or description of.
    pub form_id: Option<i64>,
    /// The option it labels.
    pub option_id: Option<i64>,
}

/// A row of `forms` with its field ids.
#[derive(Debug, Clone)]
pub struct Form {
    /// Id.
    pub id: i64,
    /// Title (deprecated in the API in favour of `titles`).
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Where it is listed.
    pub sort_order: i64,
    /// Offered when a conversation names no form.
    pub is_default: bool,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
    /// `locale_fields` ids of the titles.
    pub title_ids: Vec<i64>,
    /// `locale_fields` ids of the descriptions.
    pub description_ids: Vec<i64>,
    /// The form's fields, in order.
    pub field_ids: Vec<i64>,
}

const FIELD: &str = "SELECT id, fielduuid, type, key, is_required, is_editable, is_system, \
    is_visible_to_customers, regular_expression, created_at, updated_at, sort_order, is_enabled FROM conversation_fields";

fn field(r: &Row) -> rusqlite::Result<Field> {
    Ok(Field {
        id: r.get(0)?,
        fielduuid: r.get(1)?,
        kind: r.get(2)?,
        key: r.get(3)?,
        is_required: r.get(4)?,
        is_editable: r.get(5)?,
        is_system: r.get(6)?,
        is_visible_to_customers: r.get(7)?,
        regular_expression: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
        sort_order: r.get(11)?,
        is_enabled: r.get(12)?,
        title_ids: Vec::new(),
        description_ids: Vec::new(),
        option_ids: Vec::new(),
    })
}

fn ids(conn: &Conn, sql: &str, owner: i64) -> Result<Vec<i64>, Error> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([owner], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(rows)
}

fn complete_field(conn: &Conn, mut f: Field) -> Result<Field, Error> {
    f.title_ids = ids(conn, "SELECT id FROM locale_fields WHERE field_id = ?1 AND kind = 'title' ORDER BY id", f.id)?;
    f.description_ids =
        ids(conn, "SELECT id FROM locale_fields WHERE field_id = ?1 AND kind = 'description' ORDER BY id", f.id)?;
    f.option_ids = ids(conn, "SELECT id FROM field_options WHERE field_id = ?1 ORDER BY sort_order, id", f.id)?;
    Ok(f)
}

/// A page of fields (all, or only those customers see) and the total count.
pub fn list(conn: &Conn, customer_only: bool, offset: i64, limit: i64) -> Result<(Vec<Field>, i64), Error> {
    let filter = if customer_only { " WHERE is_visible_to_customers = 1 AND is_enabled = 1" } else { "" };
    let total = conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM conversation_fields{filter}"))?
        .query_row([], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(&format!("{FIELD}{filter} ORDER BY sort_order, id LIMIT ?1 OFFSET ?2"))?;
    let rows: Vec<Field> = stmt.query_map([limit, offset], field)?.collect::<Result<_, _>>()?;
    let rows = rows.into_iter().map(|f| complete_field(conn, f)).collect::<Result<_, _>>()?;
    Ok((rows, total))
}

/// Every field, by id; used to validate `field_values`.
pub fn all(conn: &Conn) -> Result<Vec<Field>, Error> {
    let mut stmt = conn.prepare_cached(&format!("{FIELD} ORDER BY sort_order, id"))?;
    let rows: Vec<Field> = stmt.query_map([], field)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// One field.
pub fn by_id(conn: &Conn, id: i64) -> Result<Option<Field>, Error> {
    let f = conn.prepare_cached(&format!("{FIELD} WHERE id = ?1"))?.query_row([id], field).optional()?;
    f.map(|f| complete_field(conn, f)).transpose()
}

/// Every field, with its titles, descriptions and options.
pub fn all_complete(conn: &Conn) -> Result<Vec<Field>, Error> {
    all(conn)?.into_iter().map(|f| complete_field(conn, f)).collect()
}

/// Every field option, with its values.
pub fn all_options(conn: &Conn) -> Result<Vec<FieldOption>, Error> {
    let mut stmt =
        conn.prepare_cached("SELECT id, field_id, parent_id, sort_order, created_at, updated_at FROM field_options")?;
    let options: Vec<FieldOption> = stmt.query_map([], option)?.collect::<Result<_, _>>()?;
    options
        .into_iter()
        .map(|mut o| {
            o.value_ids = ids(conn, "SELECT id FROM locale_fields WHERE option_id = ?1 ORDER BY id", o.id)?;
            Ok(o)
        })
        .collect()
}

/// Every translation.
pub fn all_locales(conn: &Conn) -> Result<Vec<LocaleField>, Error> {
    let mut stmt = conn.prepare_cached(&format!("{LOCALE} ORDER BY id"))?;
    let rows = stmt.query_map([], locale)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// One option.
pub fn option_by_id(conn: &Conn, id: i64) -> Result<Option<FieldOption>, Error> {
    let o = conn
        .prepare_cached(
            "SELECT id, field_id, parent_id, sort_order, created_at, updated_at FROM field_options WHERE id = ?1",
        )?
        .query_row([id], option)
        .optional()?;
    let Some(mut o) = o else { return Ok(None) };
    o.value_ids = ids(conn, "SELECT id FROM locale_fields WHERE option_id = ?1 ORDER BY id", o.id)?;
    Ok(Some(o))
}

fn option(r: &Row) -> rusqlite::Result<FieldOption> {
    Ok(FieldOption {
        id: r.get(0)?,
        field_id: r.get(1)?,
        parent_id: r.get(2)?,
        sort_order: r.get(3)?,
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
        value_ids: Vec::new(),
    })
}

/// The option ids of a field, with the parent of each.
pub fn options_of(conn: &Conn, field_id: i64) -> Result<Vec<(i64, Option<i64>)>, Error> {
    let mut stmt = conn.prepare_cached("SELECT id, parent_id FROM field_options WHERE field_id = ?1")?;
    let rows = stmt.query_map([field_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// One translation.
pub fn locale_by_id(conn: &Conn, id: i64) -> Result<Option<LocaleField>, Error> {
    Ok(conn.prepare_cached(&format!("{LOCALE} WHERE id = ?1"))?.query_row([id], locale).optional()?)
}

const LOCALE: &str =
    "SELECT id, locale, translation, created_at, updated_at, field_id, form_id, option_id FROM locale_fields";

fn locale(r: &Row) -> rusqlite::Result<LocaleField> {
    Ok(LocaleField {
        id: r.get(0)?,
        locale: r.get(1)?,
        translation: r.get(2)?,
        created_at: r.get(3)?,
        updated_at: r.get(4)?,
        field_id: r.get(5)?,
        form_id: r.get(6)?,
        option_id: r.get(7)?,
    })
}

const FORM: &str = "SELECT id, title, description, created_at, updated_at, sort_order, is_default FROM forms";

fn form(r: &Row) -> rusqlite::Result<Form> {
    Ok(Form {
        id: r.get(0)?,
        title: r.get(1)?,
        description: r.get(2)?,
        created_at: r.get(3)?,
        updated_at: r.get(4)?,
        sort_order: r.get(5)?,
        is_default: r.get(6)?,
        title_ids: Vec::new(),
        description_ids: Vec::new(),
        field_ids: Vec::new(),
    })
}

fn complete_form(conn: &Conn, mut f: Form) -> Result<Form, Error> {
    f.title_ids = ids(conn, "SELECT id FROM locale_fields WHERE form_id = ?1 AND kind = 'title' ORDER BY id", f.id)?;
    f.description_ids =
        ids(conn, "SELECT id FROM locale_fields WHERE form_id = ?1 AND kind = 'description' ORDER BY id", f.id)?;
    f.field_ids = ids(conn, "SELECT field_id FROM form_fields WHERE form_id = ?1 ORDER BY sort_order, field_id", f.id)?;
    Ok(f)
}

/// Every form, by `sort_order`.
pub fn forms(conn: &Conn) -> Result<Vec<Form>, Error> {
    let mut stmt = conn.prepare_cached(&format!("{FORM} ORDER BY sort_order, id"))?;
    let rows: Vec<Form> = stmt.query_map([], form)?.collect::<Result<_, _>>()?;
    rows.into_iter().map(|f| complete_form(conn, f)).collect()
}

/// One form.
pub fn form_by_id(conn: &Conn, id: i64) -> Result<Option<Form>, Error> {
    let f = conn.prepare_cached(&format!("{FORM} WHERE id = ?1"))?.query_row([id], form).optional()?;
    f.map(|f| complete_form(conn, f)).transpose()
}

/// The field values, as `(field_id, value)`, of each of the conversations in
/// `ids`, in the order of `fields` (the catalog's); `customer_only` leaves out
/// fields customers may not see.
pub fn values_of(
    conn: &Conn,
    ids: &IdsIn,
    fields: &HashMap<i64, Field>,
    customer_only: bool,
) -> Result<HashMap<i64, Vec<(i64, String)>>, Error> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT conversation_id, field_id, value FROM field_values WHERE conversation_id {}",
        ids.sql(1)
    ))?;
    let mut rows = stmt.query([ids.value()])?;
    let mut out: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    while let Some(r) = rows.next()? {
        let field_id = r.get(1)?;
        match fields.get(&field_id) {
            Some(f) if !customer_only || f.is_visible_to_customers => {
                out.entry(r.get(0)?).or_default().push((field_id, r.get(2)?))
            }
            _ => {}
        }
    }
    let order = |id: &i64| fields.get(id).map_or((i64::MAX, *id), |f| (f.sort_order, f.id));
    out.values_mut().for_each(|values| values.sort_by_key(|(id, _)| order(id)));
    Ok(out)
}

/// Sets (or replaces) one field value; an empty value removes it.
pub fn set_value(conn: &Conn, conversation_id: i64, field_id: i64, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        conn.prepare_cached("DELETE FROM field_values WHERE conversation_id = ?1 AND field_id = ?2")?
            .execute(params![conversation_id, field_id])?;
        return Ok(());
    }
    conn.prepare_cached(
        "INSERT INTO field_values (conversation_id, field_id, value) VALUES (?1, ?2, ?3)
         ON CONFLICT (conversation_id, field_id) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![conversation_id, field_id, value])?;
    Ok(())
}
