//! Every table as rows of JSON, for `parley export` and `parley import`:
//! which tables travel and what their columns refer to ([`TABLES`]), each
//! row as a JSON object by column name, and the statements an import needs
//! (find a row by its natural key, insert one, count a table). Table and
//! column names come from [`TABLES`] and the schema only, never from an
//! archive.

use rusqlite::types::{Value as Sql, ValueRef};
use rusqlite::{params_from_iter, OptionalExtension};
use serde_json::{Map, Value};

use crate::db::{Conn, Error, Result};

/// One exported table: what its columns refer to, and how a merge finds
/// the row the target already has.
pub struct Table {
    /// The table's name.
    pub name: &'static str,
    /// `(column, table)`: the column holds an id of that table.
    pub refs: &'static [(&'static str, &'static str)],
    /// The columns that identify the same row in another instance (empty:
    /// always a new row). Tables without an `id` column are keyed by their
    /// primary key and inserted with `OR IGNORE`.
    pub key: &'static [&'static str],
    /// Rows keyed by an `id` column (remapped on merge).
    pub has_id: bool,
}

/// Every exported table, parents before children.
pub const TABLES: &[Table] = &[
    Table { name: "settings", refs: &[], key: &[], has_id: false },
    Table { name: "roles", refs: &[], key: &["type"], has_id: true },
    Table { name: "organizations", refs: &[], key: &["name"], has_id: true },
    Table {
        name: "users",
        refs: &[("role_id", "roles"), ("organization_id", "organizations")],
        key: &["email"],
        has_id: true,
    },
    Table { name: "teams", refs: &[], key: &["title"], has_id: true },
    Table { name: "team_members", refs: &[("team_id", "teams"), ("user_id", "users")], key: &[], has_id: false },
    Table { name: "fingerprints", refs: &[("user_id", "users")], key: &[], has_id: false },
    Table { name: "case_statuses", refs: &[], key: &["label", "type"], has_id: true },
    Table { name: "case_priorities", refs: &[], key: &["label"], has_id: true },
    Table { name: "case_types", refs: &[], key: &["label"], has_id: true },
    Table { name: "conversation_fields", refs: &[], key: &["key"], has_id: true },
    Table {
        name: "field_options",
        refs: &[("field_id", "conversation_fields"), ("parent_id", "field_options")],
        key: &["field_id", "parent_id", "sort_order"],
        has_id: true,
    },
    Table { name: "forms", refs: &[], key: &["title"], has_id: true },
    Table {
        name: "form_fields",
        refs: &[("form_id", "forms"), ("field_id", "conversation_fields")],
        key: &[],
        has_id: false,
    },
    Table {
        name: "locale_fields",
        refs: &[("field_id", "conversation_fields"), ("form_id", "forms"), ("option_id", "field_options")],
        key: &[],
        has_id: true,
    },
    Table {
        name: "conversations",
        refs: &[
            ("requester_id", "users"),
            ("creator_id", "users"),
            ("last_replier_id", "users"),
            ("last_agent_replier_id", "users"),
            ("assigned_team_id", "teams"),
            ("assigned_agent_id", "users"),
            ("status_id", "case_statuses"),
            ("priority_id", "case_priorities"),
            ("type_id", "case_types"),
            ("form_id", "forms"),
        ],
        key: &["uuid"],
        has_id: true,
    },
    Table { name: "conversation_devices", refs: &[("conversation_id", "conversations")], key: &[], has_id: false },
    Table {
        name: "participants",
        refs: &[("conversation_id", "conversations"), ("user_id", "users")],
        key: &[],
        has_id: false,
    },
    Table {
        name: "field_values",
        refs: &[("conversation_id", "conversations"), ("field_id", "conversation_fields")],
        key: &[],
        has_id: false,
    },
    Table {
        name: "messages",
        refs: &[("conversation_id", "conversations"), ("creator_id", "users")],
        key: &["uuid"],
        has_id: true,
    },
    Table {
        name: "read_markers",
        refs: &[("conversation_id", "conversations"), ("user_id", "users"), ("last_read_post_id", "messages")],
        key: &["conversation_id", "user_id"],
        has_id: true,
    },
    Table {
        name: "ratings",
        refs: &[("conversation_id", "conversations"), ("creator_id", "users")],
        key: &["conversation_id", "creator_id", "created_at"],
        has_id: true,
    },
    Table {
        name: "notes",
        refs: &[("conversation_id", "conversations"), ("creator_id", "users")],
        key: &["uuid"],
        has_id: true,
    },
    Table { name: "note_mentions", refs: &[("note_id", "notes"), ("user_id", "users")], key: &[], has_id: false },
    Table {
        name: "files",
        refs: &[("uploader_id", "users"), ("message_id", "messages"), ("note_id", "notes")],
        key: &["uuid"],
        has_id: true,
    },
    Table { name: "thumbnails", refs: &[("file_id", "files")], key: &["storage_name"], has_id: true },
    Table { name: "mailboxes", refs: &[], key: &["address"], has_id: true },
    Table {
        name: "conversation_mail",
        refs: &[("conversation_id", "conversations"), ("mailbox_id", "mailboxes")],
        key: &[],
        has_id: false,
    },
    Table {
        name: "mails",
        refs: &[("mailbox_id", "mailboxes"), ("conversation_id", "conversations"), ("post_id", "messages")],
        key: &["message_id"],
        has_id: true,
    },
    Table {
        name: "mail_ids",
        refs: &[("post_id", "messages"), ("conversation_id", "conversations")],
        key: &[],
        has_id: false,
    },
    Table { name: "message_mail", refs: &[("post_id", "messages")], key: &[], has_id: false },
    Table {
        name: "macros",
        refs: &[
            ("owner_id", "users"),
            ("status_id", "case_statuses"),
            ("priority_id", "case_priorities"),
            ("assigned_agent_id", "users"),
            ("assigned_team_id", "teams"),
        ],
        key: &["title", "owner_id"],
        has_id: true,
    },
    Table {
        name: "notifications",
        refs: &[("user_id", "users"), ("conversation_id", "conversations"), ("actor_id", "users")],
        key: &["user_id", "type", "conversation_id", "created_at"],
        has_id: true,
    },
    Table { name: "notification_preferences", refs: &[("user_id", "users")], key: &[], has_id: false },
    Table {
        name: "audit_log",
        refs: &[("actor_id", "users")],
        key: &["actor_id", "action", "resource_type", "resource_id", "created_at"],
        has_id: true,
    },
];

/// The table named `name`, if it is one that travels.
pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

/// How many rows `t` holds.
pub fn count(conn: &Conn, t: &Table) -> Result<u64> {
    Ok(conn.query_row(&format!("SELECT COUNT(*) FROM {}", t.name), [], |r| r.get(0))?)
}

/// Whether the instance holds users or conversations (an import then merges).
pub fn occupied(conn: &Conn) -> Result<bool> {
    Ok(conn
        .query_row("SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM conversations)", [], |r| r.get(0))?)
}

/// Hands every row of `t` to `each`, as a JSON object by column name, in id
/// order where the table has ids.
pub fn rows<E: From<Error>>(
    conn: &Conn,
    t: &Table,
    mut each: impl FnMut(Map<String, Value>) -> Result<(), E>,
) -> Result<(), E> {
    let order = if t.has_id { " ORDER BY id" } else { "" };
    let mut stmt = conn.prepare(&format!("SELECT * FROM {}{order}", t.name)).map_err(Error::from)?;
    let columns: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
    let mut rows = stmt.query([]).map_err(Error::from)?;
    while let Some(row) = rows.next().map_err(Error::from)? {
        let mut object = Map::new();
        for (i, column) in columns.iter().enumerate() {
            object.insert(column.clone(), to_json(row.get_ref(i).map_err(Error::from)?));
        }
        each(object)?;
    }
    Ok(())
}

/// The columns `t` has in this schema.
pub fn columns(conn: &Conn, t: &Table) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({})", t.name))?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(1))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Deletes every row of every table that travels, children first (an import
/// that replaces an instance).
pub fn clear(conn: &Conn) -> Result<()> {
    for t in TABLES.iter().rev() {
        conn.execute(&format!("DELETE FROM {}", t.name), [])?;
    }
    Ok(())
}

/// The id of the row of `t` whose key columns hold what `row` holds.
pub fn find(conn: &Conn, t: &Table, row: &Map<String, Value>) -> Result<Option<i64>> {
    let cond = t.key.iter().enumerate().map(|(i, k)| format!("{k} IS ?{}", i + 1)).collect::<Vec<_>>().join(" AND ");
    let values: Vec<Sql> = t.key.iter().map(|k| to_sql(row.get(*k).unwrap_or(&Value::Null))).collect();
    Ok(conn
        .query_row(&format!("SELECT id FROM {} WHERE {cond} LIMIT 1", t.name), params_from_iter(values), |r| r.get(0))
        .optional()?)
}

/// Inserts `row` (its keys checked against [`columns`] by the caller) into
/// `t`; its rowid, or `None` when `or_ignore` left it out.
pub fn insert(conn: &Conn, t: &Table, row: &Map<String, Value>, or_ignore: bool) -> Result<Option<i64>> {
    let names = row.keys().map(String::as_str).collect::<Vec<_>>().join(", ");
    let marks = (1..=row.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
    let or = if or_ignore { "OR IGNORE" } else { "" };
    let sql = format!("INSERT {or} INTO {} ({names}) VALUES ({marks})", t.name);
    let changed = conn.prepare_cached(&sql)?.execute(params_from_iter(row.values().map(to_sql)))?;
    Ok((changed > 0).then(|| conn.last_insert_rowid()))
}

/// Whether user `id` is a customer here (a merge binds devices to no one else).
pub fn is_customer(conn: &Conn, id: i64) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM users u JOIN roles r ON r.id = u.role_id WHERE u.id = ?1 AND r.type = 'CUSTOMER')",
            [id],
            |r| r.get(0),
        )?)
}

/// Counts each conversation's messages again (triggers counted the imported
/// messages on top of the imported counts).
pub fn recount_posts(conn: &Conn) -> Result<()> {
    conn.execute(
        "UPDATE conversations SET post_count = (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = conversations.id)",
        [],
    )?;
    Ok(())
}

/// A row's column as JSON.
fn to_json(v: ValueRef) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(n) => Value::from(n),
        ValueRef::Real(x) => Value::from(x),
        ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::from(b.iter().map(|x| format!("{x:02x}")).collect::<String>()),
    }
}

/// A JSON value as a column.
fn to_sql(v: &Value) -> Sql {
    match v {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Integer(i64::from(*b)),
        Value::Number(n) => n.as_i64().map_or_else(|| Sql::Real(n.as_f64().unwrap_or(0.0)), Sql::Integer),
        Value::String(s) => Sql::Text(s.clone()),
        other => Sql::Text(other.to_string()),
    }
}
