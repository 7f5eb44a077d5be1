//! Command-line administration that needs no running server, such as
//! creating the first owner of a fresh instance.

use crate::config::AddUser;
use crate::db::{self, users, Db};
use crate::error::ApiError;
use crate::secret::password::{hash_password, MIN_PASSWORD};
use crate::wire::valid_email;
use std::path::Path;

/// Creates the user described by `args` with `password`; returns the new id.
pub fn add_user(args: &AddUser, password: &str) -> Result<i64, String> {
    let role = args.role.trim().to_ascii_uppercase();
    if !["OWNER", "ADMIN", "AGENT", "COLLABORATOR", "CUSTOMER"].contains(&role.as_str()) {
        return Err(format!("unknown role {role:?}: use OWNER, ADMIN, AGENT, COLLABORATOR or CUSTOMER"));
    }
    let email = args.email.trim().to_owned();
    if !valid_email(&email) {
        return Err(format!("{email:?} is not a valid email address"));
    }
    let name = args.name.trim().to_owned();
    if name.is_empty() {
        return Err("the name must not be empty".into());
    }
    if password.chars().count() < MIN_PASSWORD {
        return Err(format!("the password must have at least {MIN_PASSWORD} characters"));
    }
    let (db, _) = open(&args.data_dir, args.init)?;
    let hash = hash_password(password).map_err(|e| e.to_string())?;
    let organization = args.organization.clone().map(|o| o.trim().to_owned()).filter(|o| !o.is_empty());
    db.write_blocking(move |tx| {
        let now = db::now();
        if users::by_email(tx, &email)?.is_some() {
            return Err(ApiError::invalid("email", format!("a user with email {email} already exists")));
        }
        let org = organization.map(|o| users::organization_named(tx, &o, now)).transpose()?;
        Ok(users::create(tx, &name, &email, &role, org, &hash, now)?)
    })
    .map_err(|e| match e {
        ApiError::Fields(problems) => problems.into_iter().map(|p| p.message).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    })
}

/// The instance's messenger token, generated on first use.
pub fn messenger_token(data_dir: &Path, init: bool) -> Result<String, String> {
    let (db, _) = open(data_dir, init)?;
    crate::state::messenger_token(&db, data_dir).map_err(|e| e.to_string())
}

/// The instance in `data_dir`; a new one only with `init`, so that a wrong
/// directory is an error rather than a new, empty instance.
fn open(data_dir: &Path, init: bool) -> Result<(Db, Option<crate::db::migrate::DemoOutcome>), String> {
    let path = data_dir.join("parley.db");
    if !init && !path.exists() {
        return Err(format!(
            "{} holds no Parley database: is --data-dir right? To start a new instance there, add --init",
            data_dir.display()
        ));
    }
    std::fs::create_dir_all(data_dir).map_err(|e| format!("{}: {e}", data_dir.display()))?;
    Db::open(&path, false).map_err(|e| format!("database {}: {e}", path.display()))
}
