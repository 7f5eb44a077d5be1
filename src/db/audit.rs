//! The audit log: every change the admin API makes, with who made it and the
//! rows before and after, written in the same transaction as the change.

use crate::db::{Conn, Error};
use rusqlite::types::ValueRef;
use rusqlite::{params, OptionalExtension};
use serde_json::{Map, Value};

/// Columns never copied into the log.
const SECRET_COLUMNS: [&str; 1] = ["password_hash"];

/// One entry of the log.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Id, in the order of the changes.
    pub id: i64,
    /// Who changed it (`None` once that user is gone, or for the command line).
    pub actor_id: Option<i64>,
    /// e.g. `user.update`.
    pub action: String,
    /// e.g. `user`.
    pub resource_type: String,
    /// The changed resource's id.
    pub resource_id: Option<i64>,
    /// The resource before (absent for a creation).
    pub before: Option<Value>,
    /// The resource after (absent for a deletion).
    pub after: Option<Value>,
    /// Unix seconds.
    pub created_at: i64,
}

/// Records a change.
#[allow(clippy::too_many_arguments)]
pub fn record(
    conn: &Conn,
    actor_id: Option<i64>,
    action: &str,
    resource_type: &str,
    resource_id: Option<i64>,
    before: Option<&Value>,
    after: Option<&Value>,
    now: i64,
) -> Result<(), Error> {
    conn.prepare_cached(
        "INSERT INTO audit_log (actor_id, action, resource_type, resource_id, before, after, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        actor_id,
        action,
        resource_type,
        resource_id,
        before.map(Value::to_string),
        after.map(Value::to_string),
        now
    ])?;
    Ok(())
}

/// A row of `table` as a JSON object of its columns (secrets left out), for
/// the log's before and after. `table` is one of the server's own names.
pub fn row(conn: &Conn, table: &str, id: i64) -> Result<Option<Value>, Error> {
    let mut stmt = conn.prepare_cached(&format!("SELECT * FROM {table} WHERE id = ?1"))?;
    let names: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
    let found = stmt
        .query_row([id], |r| {
            let mut out = Map::new();
            for (i, name) in names.iter().enumerate() {
                if SECRET_COLUMNS.contains(&name.as_str()) {
                    continue;
                }
                let v = match r.get_ref(i)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(n) => Value::from(n),
                    ValueRef::Real(x) => Value::from(x),
                    ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Value::from(b.len()),
                };
                out.insert(name.clone(), v);
            }
            Ok(Value::Object(out))
        })
        .optional()?;
    Ok(found)
}

/// A page of the log, newest first, optionally of one resource type, and how
/// many entries that filter holds.
pub fn page(conn: &Conn, resource_type: Option<&str>, offset: i64, limit: i64) -> Result<(Vec<Entry>, i64), Error> {
    let total = conn
        .prepare_cached("SELECT COUNT(*) FROM audit_log WHERE ?1 IS NULL OR resource_type = ?1")?
        .query_row([resource_type], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, actor_id, action, resource_type, resource_id, before, after, created_at FROM audit_log
         WHERE ?1 IS NULL OR resource_type = ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3",
    )?;
    let json = |t: Option<String>| t.and_then(|t| serde_json::from_str(&t).ok());
    let rows = stmt
        .query_map(params![resource_type, limit, offset], |r| {
            Ok(Entry {
                id: r.get(0)?,
                actor_id: r.get(1)?,
                action: r.get(2)?,
                resource_type: r.get(3)?,
                resource_id: r.get(4)?,
                before: json(r.get(5)?),
                after: json(r.get(6)?),
                created_at: r.get(7)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok((rows, total))
}
