//! Teams and their members.

use rusqlite::params;

use crate::db::{Conn, Error};

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
