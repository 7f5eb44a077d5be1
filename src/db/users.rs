//! Users, their roles, organizations and team memberships.

use crate::db::{Conn, Error};
use rusqlite::{params, OptionalExtension, Row};

/// The five kinds of user (conventions §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Owns the instance.
    Owner,
    /// Administers it.
    Admin,
    /// Answers conversations.
    Agent,
    /// Sees every conversation and may reply, but not triage.
    Collaborator,
    /// Asks for help; sees only their own conversations.
    Customer,
}

impl Role {
    /// Parses the `roles.type` column.
    pub fn parse(s: &str) -> Role {
        match s {
            "OWNER" => Role::Owner,
            "ADMIN" => Role::Admin,
            "AGENT" => Role::Agent,
            "COLLABORATOR" => Role::Collaborator,
            _ => Role::Customer,
        }
    }

    /// Everyone but customers works for the support team.
    pub fn is_staff(self) -> bool {
        self != Role::Customer
    }

    /// The `roles.type` spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "OWNER",
            Role::Admin => "ADMIN",
            Role::Agent => "AGENT",
            Role::Collaborator => "COLLABORATOR",
            Role::Customer => "CUSTOMER",
        }
    }

    /// May change status, priority and type of any conversation.
    pub fn may_triage(self) -> bool {
        matches!(self, Role::Owner | Role::Admin | Role::Agent)
    }
}

/// One row of `users`, with its role's type and its teams.
#[derive(Debug, Clone)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Stable UUID.
    pub uuid: String,
    /// Display name.
    pub full_name: String,
    /// Primary email.
    pub email: String,
    /// `roles.id`.
    pub role_id: i64,
    /// `roles.type`.
    pub role: Role,
    /// Organization, if any.
    pub organization_id: Option<i64>,
    /// Key of the avatar URL.
    pub avatar_uuid: String,
    /// Realtime presence channel.
    pub presence_channel: String,
    /// Unix seconds.
    pub last_activity_at: Option<i64>,
    /// Unix seconds.
    pub last_active_at: Option<i64>,
    /// Unix seconds.
    pub last_seen_at: Option<i64>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
    /// May sign in (a disabled user keeps their history).
    pub is_enabled: bool,
    /// Ids of the user's teams, ascending.
    pub team_ids: Vec<i64>,
}

const COLUMNS: &str = "u.id, u.uuid, u.full_name, u.email, u.role_id, r.type, u.organization_id, \
    u.avatar_uuid, u.presence_channel, u.last_activity_at, u.last_active_at, u.last_seen_at, \
    u.created_at, u.updated_at, u.is_enabled";

fn from_row(r: &Row) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        uuid: r.get(1)?,
        full_name: r.get(2)?,
        email: r.get(3)?,
        role_id: r.get(4)?,
        role: Role::parse(&r.get::<_, String>(5)?),
        organization_id: r.get(6)?,
        avatar_uuid: r.get(7)?,
        presence_channel: r.get(8)?,
        last_activity_at: r.get(9)?,
        last_active_at: r.get(10)?,
        last_seen_at: r.get(11)?,
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
        is_enabled: r.get(14)?,
        team_ids: Vec::new(),
    })
}

fn with_teams(conn: &Conn, user: Option<User>) -> Result<Option<User>, Error> {
    let Some(mut user) = user else { return Ok(None) };
    let mut stmt = conn.prepare_cached("SELECT team_id FROM team_members WHERE user_id = ?1 ORDER BY team_id")?;
    user.team_ids = stmt.query_map([user.id], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(Some(user))
}

/// The user with this id.
pub fn get(conn: &Conn, id: i64) -> Result<Option<User>, Error> {
    let sql = format!("SELECT {COLUMNS} FROM users u JOIN roles r ON r.id = u.role_id WHERE u.id = ?1");
    let user = conn.prepare_cached(&sql)?.query_row([id], from_row).optional()?;
    with_teams(conn, user)
}

/// Which users a list holds.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Role types (all when empty).
    pub roles: Vec<String>,
    /// Text the name or email contains (case-insensitive).
    pub query: Option<String>,
    /// Disabled users instead of enabled ones.
    pub disabled: bool,
}

/// A page of users by name, and how many the filter holds.
pub fn list(conn: &Conn, filter: &UserFilter, offset: i64, limit: i64) -> Result<(Vec<User>, i64), Error> {
    let roles_json = serde_json::to_string(&filter.roles)?;
    // LIKE's wildcards in the query are literal.
    let pattern = filter
        .query
        .as_deref()
        .map(|q| format!("%{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    let cond = "u.is_enabled = ?2 AND (?1 = '[]' OR r.type IN (SELECT value FROM json_each(?1)))
        AND (?3 IS NULL OR u.full_name LIKE ?3 ESCAPE '\\' OR u.email LIKE ?3 ESCAPE '\\')";
    let enabled = !filter.disabled;
    let total: i64 = conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM users u JOIN roles r ON r.id = u.role_id WHERE {cond}"))?
        .query_row(params![roles_json, enabled, pattern], |r| r.get(0))?;
    let sql = format!(
        "SELECT {COLUMNS} FROM users u JOIN roles r ON r.id = u.role_id WHERE {cond}
         ORDER BY u.full_name COLLATE NOCASE, u.id LIMIT ?4 OFFSET ?5"
    );
    let rows: Vec<User> = conn
        .prepare_cached(&sql)?
        .query_map(params![roles_json, enabled, pattern, limit, offset], from_row)?
        .collect::<Result<_, _>>()?;
    let mut users = Vec::with_capacity(rows.len());
    for u in rows {
        users.extend(with_teams(conn, Some(u))?);
    }
    Ok((users, total))
}

/// The user with this email (case-insensitive).
pub fn by_email(conn: &Conn, email: &str) -> Result<Option<User>, Error> {
    let sql = format!("SELECT {COLUMNS} FROM users u JOIN roles r ON r.id = u.role_id WHERE u.email = ?1");
    let user = conn.prepare_cached(&sql)?.query_row([email], from_row).optional()?;
    with_teams(conn, user)
}

/// The enabled user with this email and their password hash, for Basic authentication.
pub fn credentials(conn: &Conn, email: &str) -> Result<Option<(i64, Option<String>)>, Error> {
    Ok(conn
        .prepare_cached("SELECT id, password_hash FROM users WHERE email = ?1 AND is_enabled = 1")?
        .query_row([email], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Creates a customer (no password) and returns their id.
pub fn create_customer(conn: &Conn, full_name: &str, email: &str, now: i64) -> Result<i64, Error> {
    let hex = |n: usize| crate::secret::random_hex(n);
    conn.prepare_cached(
        "INSERT INTO users (uuid, full_name, email, role_id, avatar_uuid, presence_channel, created_at, updated_at)
         VALUES (?1, ?2, ?3, (SELECT id FROM roles WHERE type = 'CUSTOMER'), ?4, ?5, ?6, ?6)",
    )?
    .execute(params![
        uuid::Uuid::new_v4().to_string(),
        full_name,
        email,
        uuid::Uuid::new_v4().to_string(),
        format!("user_presence-{}@{}", hex(32), hex(20)),
        now
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Creates a user with a password hash and returns their id.
pub fn create(
    conn: &Conn,
    full_name: &str,
    email: &str,
    role_type: &str,
    organization_id: Option<i64>,
    password_hash: &str,
    now: i64,
) -> Result<i64, Error> {
    let id = create_customer(conn, full_name, email, now)?;
    conn.prepare_cached(
        "UPDATE users SET role_id = (SELECT id FROM roles WHERE type = ?2), organization_id = ?3, password_hash = ?4
         WHERE id = ?1",
    )?
    .execute(params![id, role_type, organization_id, password_hash])?;
    Ok(id)
}

/// The organization with this name, created if missing.
pub fn organization_named(conn: &Conn, name: &str, now: i64) -> Result<i64, Error> {
    let found: Option<i64> = conn
        .prepare_cached("SELECT id FROM organizations WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    conn.prepare_cached("INSERT INTO organizations (name, created_at, updated_at) VALUES (?1, ?2, ?2)")?
        .execute(params![name, now])?;
    Ok(conn.last_insert_rowid())
}

/// Records that the user just used the API (`last_activity_at`, `last_active_at`).
pub fn touch_activity(conn: &Conn, id: i64, now: i64) -> Result<(), Error> {
    conn.prepare_cached("UPDATE users SET last_activity_at = ?2, last_active_at = ?2 WHERE id = ?1")?
        .execute(params![id, now])?;
    Ok(())
}

/// The display name behind an avatar key.
pub fn name_by_avatar(conn: &Conn, avatar_uuid: &str) -> Result<Option<String>, Error> {
    Ok(conn
        .prepare_cached("SELECT full_name FROM users WHERE avatar_uuid = ?1")?
        .query_row([avatar_uuid], |r| r.get(0))
        .optional()?)
}

/// The user whose presence channel is `channel`.
pub fn by_presence_channel(conn: &Conn, channel: &str) -> Result<Option<i64>, Error> {
    Ok(conn
        .prepare_cached("SELECT id FROM users WHERE presence_channel = ?1")?
        .query_row([channel], |r| r.get(0))
        .optional()?)
}

/// Records that the user is connected now (`last_seen_at`, `last_active_at`).
pub fn touch_seen(conn: &Conn, id: i64, now: i64) -> Result<(), Error> {
    conn.prepare_cached("UPDATE users SET last_seen_at = ?2, last_active_at = ?2 WHERE id = ?1")?
        .execute(params![id, now])?;
    Ok(())
}

/// Staff who can answer (owners, admins, agents), most recently active first.
pub fn recently_active_agents(conn: &Conn, limit: i64) -> Result<Vec<i64>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.id FROM users u JOIN roles r ON r.id = u.role_id
         WHERE r.type IN ('OWNER', 'ADMIN', 'AGENT') AND u.is_enabled = 1 AND u.last_active_at IS NOT NULL
         ORDER BY u.last_active_at DESC, u.id LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// The support team's names by id (every staff user, enabled or not).
pub fn staff_names(conn: &Conn) -> Result<std::collections::HashMap<i64, String>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.id, u.full_name FROM users u JOIN roles r ON r.id = u.role_id WHERE r.type <> 'CUSTOMER'",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
