//! The admin API's writes to users, teams, organizations, the case lookups
//! (statuses, priorities, types), custom fields with their options and
//! translations, and forms. Validation that needs the database is the
//! caller's, inside the same write.

use crate::db::{Conn, Error};
use rusqlite::{params, OptionalExtension};

/// What may change about a user; `None` leaves it as it is.
#[derive(Debug, Default, Clone)]
pub struct UserChange {
    /// Display name.
    pub full_name: Option<String>,
    /// Primary email.
    pub email: Option<String>,
    /// `roles.id`.
    pub role_id: Option<i64>,
    /// `Some(None)` leaves the organization.
    pub organization_id: Option<Option<i64>>,
    /// May sign in.
    pub is_enabled: Option<bool>,
    /// The user's teams, replacing the old ones.
    pub team_ids: Option<Vec<i64>>,
}

/// Applies `change` to user `id`. Disabling a user signs them out everywhere.
pub fn update_user(conn: &Conn, id: i64, change: &UserChange, now: i64) -> Result<(), Error> {
    conn.prepare_cached(
        "UPDATE users SET full_name = COALESCE(?2, full_name), email = COALESCE(?3, email),
                role_id = COALESCE(?4, role_id),
                organization_id = CASE WHEN ?5 THEN ?6 ELSE organization_id END,
                is_enabled = COALESCE(?7, is_enabled), updated_at = ?8
          WHERE id = ?1",
    )?
    .execute(params![
        id,
        change.full_name,
        change.email,
        change.role_id,
        change.organization_id.is_some(),
        change.organization_id.flatten(),
        change.is_enabled,
        now
    ])?;
    if let Some(teams) = &change.team_ids {
        conn.prepare_cached("DELETE FROM team_members WHERE user_id = ?1")?.execute([id])?;
        for team in teams {
            conn.prepare_cached("INSERT OR IGNORE INTO team_members (team_id, user_id) VALUES (?1, ?2)")?
                .execute([team, &id])?;
        }
    }
    if change.is_enabled == Some(false) {
        sign_out_everywhere(conn, id)?;
    }
    Ok(())
}

/// Sets a user's password hash and signs them out everywhere.
pub fn set_password(conn: &Conn, id: i64, hash: &str, now: i64) -> Result<(), Error> {
    conn.prepare_cached("UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id, hash, now])?;
    sign_out_everywhere(conn, id)
}

/// Ends every session of a user.
pub fn sign_out_everywhere(conn: &Conn, id: i64) -> Result<(), Error> {
    conn.prepare_cached("DELETE FROM sessions WHERE user_id = ?1")?.execute([id])?;
    Ok(())
}

/// How many enabled owners there are besides `except`.
pub fn other_enabled_owners(conn: &Conn, except: i64) -> Result<i64, Error> {
    Ok(conn
        .prepare_cached(
            "SELECT COUNT(*) FROM users u JOIN roles r ON r.id = u.role_id
              WHERE r.type = 'OWNER' AND u.is_enabled = 1 AND u.id != ?1",
        )?
        .query_row([except], |r| r.get(0))?)
}

/// The role with this type (`OWNER`, `AGENT`, ...).
pub fn role_id_of_type(conn: &Conn, kind: &str) -> Result<Option<i64>, Error> {
    Ok(conn.prepare_cached("SELECT id FROM roles WHERE type = ?1")?.query_row([kind], |r| r.get(0)).optional()?)
}

/// Which of `ids` are not ids of rows of `table` (one of the server's own names).
pub fn missing(conn: &Conn, table: &str, ids: &[i64]) -> Result<Vec<i64>, Error> {
    let mut stmt = conn.prepare_cached(&format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?1)"))?;
    let mut out = Vec::new();
    for id in ids {
        if !stmt.query_row([id], |r| r.get::<_, bool>(0))? {
            out.push(*id);
        }
    }
    Ok(out)
}

/// Which of `ids` are not staff (owners, admins, agents, collaborators).
pub fn not_staff(conn: &Conn, ids: &[i64]) -> Result<Vec<i64>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM users u JOIN roles r ON r.id = u.role_id WHERE u.id = ?1 AND r.type != 'CUSTOMER')",
    )?;
    let mut out = Vec::new();
    for id in ids {
        if !stmt.query_row([id], |r| r.get::<_, bool>(0))? {
            out.push(*id);
        }
    }
    Ok(out)
}

/// Creates a team and returns its id.
pub fn create_team(conn: &Conn, title: &str, now: i64) -> Result<i64, Error> {
    conn.prepare_cached("INSERT INTO teams (title, created_at, updated_at) VALUES (?1, ?2, ?2)")?
        .execute(params![title, now])?;
    Ok(conn.last_insert_rowid())
}

/// Renames a team.
pub fn rename_team(conn: &Conn, id: i64, title: &str, now: i64) -> Result<(), Error> {
    conn.prepare_cached("UPDATE teams SET title = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id, title, now])?;
    Ok(())
}

/// Deletes a team: its memberships go, and conversations assigned to it are unassigned.
pub fn delete_team(conn: &Conn, id: i64) -> Result<(), Error> {
    conn.prepare_cached("UPDATE conversations SET assigned_team_id = NULL WHERE assigned_team_id = ?1")?
        .execute([id])?;
    conn.prepare_cached("DELETE FROM teams WHERE id = ?1")?.execute([id])?;
    Ok(())
}

/// Adds (`add`) or removes members of a team.
pub fn team_members(conn: &Conn, team: i64, users: &[i64], add: bool) -> Result<(), Error> {
    let sql = if add {
        "INSERT OR IGNORE INTO team_members (team_id, user_id) VALUES (?1, ?2)"
    } else {
        "DELETE FROM team_members WHERE team_id = ?1 AND user_id = ?2"
    };
    let mut stmt = conn.prepare_cached(sql)?;
    for user in users {
        stmt.execute([team, *user])?;
    }
    Ok(())
}

/// The member ids of a team, or of an organization (`organization`).
pub fn member_ids(conn: &Conn, id: i64, organization: bool) -> Result<Vec<i64>, Error> {
    let sql = if organization {
        "SELECT id FROM users WHERE organization_id = ?1 ORDER BY id"
    } else {
        "SELECT user_id FROM team_members WHERE team_id = ?1 ORDER BY user_id"
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([id], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// A row of `organizations`, with how many users belong to it.
#[derive(Debug, Clone)]
pub struct Organization {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Users in it.
    pub member_count: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

const ORGANIZATION: &str = "SELECT id, name, created_at, updated_at,
        (SELECT COUNT(*) FROM users u WHERE u.organization_id = organizations.id) FROM organizations";

fn organization(r: &rusqlite::Row) -> rusqlite::Result<Organization> {
    Ok(Organization {
        id: r.get(0)?,
        name: r.get(1)?,
        created_at: r.get(2)?,
        updated_at: r.get(3)?,
        member_count: r.get(4)?,
    })
}

/// A page of organizations by name, and how many there are.
pub fn organizations(conn: &Conn, offset: i64, limit: i64) -> Result<(Vec<Organization>, i64), Error> {
    let total = conn.prepare_cached("SELECT COUNT(*) FROM organizations")?.query_row([], |r| r.get(0))?;
    let rows = conn
        .prepare_cached(&format!("{ORGANIZATION} ORDER BY name COLLATE NOCASE, id LIMIT ?1 OFFSET ?2"))?
        .query_map([limit, offset], organization)?
        .collect::<Result<_, _>>()?;
    Ok((rows, total))
}

/// One organization.
pub fn organization_by_id(conn: &Conn, id: i64) -> Result<Option<Organization>, Error> {
    Ok(conn.prepare_cached(&format!("{ORGANIZATION} WHERE id = ?1"))?.query_row([id], organization).optional()?)
}

/// Whether another organization than `except` has this name (case-insensitive).
pub fn organization_name_taken(conn: &Conn, name: &str, except: Option<i64>) -> Result<bool, Error> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM organizations WHERE name = ?1 COLLATE NOCASE AND id IS NOT ?2)")?
        .query_row(params![name, except], |r| r.get(0))?)
}

/// Creates an organization and returns its id.
pub fn create_organization(conn: &Conn, name: &str, now: i64) -> Result<i64, Error> {
    conn.prepare_cached("INSERT INTO organizations (name, created_at, updated_at) VALUES (?1, ?2, ?2)")?
        .execute(params![name, now])?;
    Ok(conn.last_insert_rowid())
}

/// Renames an organization.
pub fn rename_organization(conn: &Conn, id: i64, name: &str, now: i64) -> Result<(), Error> {
    conn.prepare_cached("UPDATE organizations SET name = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id, name, now])?;
    Ok(())
}

/// Deletes an organization; its users stay, in no organization.
pub fn delete_organization(conn: &Conn, id: i64, now: i64) -> Result<(), Error> {
    conn.prepare_cached("UPDATE users SET organization_id = NULL, updated_at = ?2 WHERE organization_id = ?1")?
        .execute([id, now])?;
    conn.prepare_cached("DELETE FROM organizations WHERE id = ?1")?.execute([id])?;
    Ok(())
}

/// One of the three case lookups, by its table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lookup {
    /// `case_statuses`: label, type, sort_order.
    Status,
    /// `case_priorities`: label, level.
    Priority,
    /// `case_types`: label (type CUSTOM).
    Type,
}

impl Lookup {
    /// The table.
    pub fn table(self) -> &'static str {
        match self {
            Lookup::Status => "case_statuses",
            Lookup::Priority => "case_priorities",
            Lookup::Type => "case_types",
        }
    }

    /// The conversations column that refers to it.
    fn column(self) -> &'static str {
        match self {
            Lookup::Status => "status_id",
            Lookup::Priority => "priority_id",
            Lookup::Type => "type_id",
        }
    }
}

/// What a new or changed lookup row holds; `None` keeps (or defaults) it.
#[derive(Debug, Default, Clone)]
pub struct LookupChange {
    /// Label.
    pub label: Option<String>,
    /// Statuses: NEW, OPEN, PENDING, COMPLETED, CLOSED or CUSTOM.
    pub kind: Option<String>,
    /// Statuses' `sort_order`, priorities' `level`.
    pub order: Option<i64>,
}

/// `given`, or the place after the last row of `table` by `column` (the
/// server's own names).
fn order_or_last(conn: &Conn, given: Option<i64>, table: &str, column: &str) -> Result<i64, Error> {
    match given {
        Some(order) => Ok(order),
        None => Ok(conn.query_row(&format!("SELECT COALESCE(MAX({column}), 0) + 1 FROM {table}"), [], |r| r.get(0))?),
    }
}

/// Creates a lookup row and returns its id; without an order it goes last.
pub fn create_lookup(conn: &Conn, which: Lookup, change: &LookupChange, now: i64) -> Result<i64, Error> {
    let label = change.label.clone().unwrap_or_default();
    match which {
        Lookup::Status => {
            let order = order_or_last(conn, change.order, "case_statuses", "sort_order")?;
            conn.prepare_cached(
                "INSERT INTO case_statuses (label, type, sort_order, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
            )?
            .execute(params![label, change.kind.as_deref().unwrap_or("CUSTOM"), order, now])?;
        }
        Lookup::Priority => {
            let level = order_or_last(conn, change.order, "case_priorities", "level")?;
            conn.prepare_cached(
                "INSERT INTO case_priorities (label, level, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
            )?
            .execute(params![label, level, now])?;
        }
        Lookup::Type => {
            conn.prepare_cached(
                "INSERT INTO case_types (label, type, created_at, updated_at) VALUES (?1, 'CUSTOM', ?2, ?2)",
            )?
            .execute(params![label, now])?;
        }
    }
    Ok(conn.last_insert_rowid())
}

/// Changes a lookup row.
pub fn update_lookup(conn: &Conn, which: Lookup, id: i64, change: &LookupChange, now: i64) -> Result<(), Error> {
    match which {
        Lookup::Status => conn
            .prepare_cached(
                "UPDATE case_statuses SET label = COALESCE(?2, label), type = COALESCE(?3, type),
                        sort_order = COALESCE(?4, sort_order), updated_at = ?5 WHERE id = ?1",
            )?
            .execute(params![id, change.label, change.kind, change.order, now])?,
        Lookup::Priority => conn
            .prepare_cached(
                "UPDATE case_priorities SET label = COALESCE(?2, label), level = COALESCE(?3, level), updated_at = ?4
                  WHERE id = ?1",
            )?
            .execute(params![id, change.label, change.order, now])?,
        Lookup::Type => conn
            .prepare_cached("UPDATE case_types SET label = COALESCE(?2, label), updated_at = ?3 WHERE id = ?1")?
            .execute(params![id, change.label, now])?,
    };
    Ok(())
}

/// How many conversations refer to a lookup row.
pub fn lookup_uses(conn: &Conn, which: Lookup, id: i64) -> Result<i64, Error> {
    Ok(conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM conversations WHERE {} = ?1", which.column()))?
        .query_row([id], |r| r.get(0))?)
}

/// Deletes a lookup row no conversation refers to.
pub fn delete_lookup(conn: &Conn, which: Lookup, id: i64) -> Result<(), Error> {
    conn.prepare_cached(&format!("DELETE FROM {} WHERE id = ?1", which.table()))?.execute([id])?;
    Ok(())
}

/// How many rows of a status type remain besides `except`.
pub fn statuses_of_type_besides(conn: &Conn, kind: &str, except: i64) -> Result<i64, Error> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM case_statuses WHERE type = ?1 AND id != ?2")?
        .query_row(params![kind, except], |r| r.get(0))?)
}

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
fn replace_translations(
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
