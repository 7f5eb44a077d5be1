//! What each commit changed that memos depend on, told to the writer by
//! temporary triggers on its own connection.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rusqlite::functions::FunctionFlags;
use rusqlite::Connection;

/// What a transaction changed that memos depend on.
#[derive(Debug, Default)]
pub(super) struct Changed {
    /// Which conversations lists hold, or their order.
    pub(super) lists: AtomicBool,
    /// A table of the catalog.
    pub(super) catalog: AtomicBool,
    /// What a credential resolves to.
    pub(super) identities: AtomicBool,
}

/// Installs, on the writer's connection only, the triggers that tell the
/// writer a commit changes what conversation lists hold (see
/// [`Db::lists_generation`]), the catalog (see [`Db::catalog_generation`]) or
/// what credentials resolve to (see [`Db::identities_generation`]).
/// Temporary: they live with this connection.
pub(super) fn watch_tables(conn: &Connection) -> Result<Arc<Changed>, rusqlite::Error> {
    let changed = Arc::new(Changed::default());
    for (name, which) in [("parley_lists_changed", 0), ("parley_catalog_changed", 1), ("parley_identities_changed", 2)]
    {
        let flag = changed.clone();
        conn.create_scalar_function(name, 0, FunctionFlags::SQLITE_UTF8, move |_| {
            let f = match which {
                0 => &flag.lists,
                1 => &flag.catalog,
                _ => &flag.identities,
            };
            f.store(true, Ordering::Relaxed);
            Ok(0)
        })?;
    }
    let mut sql = String::new();
    let mut watch = |table: &str, update_of: Option<&str>, function: &str| {
        let update = update_of.map_or("UPDATE".to_owned(), |columns| format!("UPDATE OF {columns}"));
        for (event, when) in [("insert", "INSERT".to_owned()), ("delete", "DELETE".to_owned()), ("update", update)] {
            sql.push_str(&format!(
                "CREATE TEMP TRIGGER IF NOT EXISTS {function}_{table}_{event} AFTER {when} ON main.{table}
                 BEGIN SELECT {function}(); END;\n"
            ));
        }
    };
    for (table, update_of) in [
        ("conversations", "status_id, priority_id, assigned_agent_id, assigned_team_id, requester_id, created_at"),
        ("conversation_devices", "fingerprint, conversation_id"),
        ("users", "organization_id"),
        ("case_statuses", "type"),
        ("case_priorities", "level"),
    ] {
        watch(table, Some(update_of), "parley_lists_changed");
    }
    for table in [
        "case_statuses",
        "case_priorities",
        "case_types",
        "roles",
        "teams",
        "team_members",
        "conversation_fields",
        "field_options",
        "locale_fields",
        "forms",
        "form_fields",
        "settings",
    ] {
        watch(table, None, "parley_catalog_changed");
    }
    for table in ["sessions", "fingerprints", "users", "roles", "team_members"] {
        watch(table, None, "parley_identities_changed");
    }
    conn.execute_batch(&sql)?;
    Ok(changed)
}
