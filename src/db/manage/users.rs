//! Users: what the admin API changes about them, and the checks it needs.

use rusqlite::{params, OptionalExtension};

use crate::db::{Conn, Error};

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
