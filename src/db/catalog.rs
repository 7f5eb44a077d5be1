//! The catalog: the small reference tables (statuses, priorities, types,
//! roles, teams, custom fields with their options and translations, forms,
//! instance settings),
//! held in memory as one snapshot per
//! [`Db::catalog_generation`](super::Db::catalog_generation), so rendering
//! and `include` expansion look them up without SQL. Writes inside a
//! transaction still read the tables themselves.

use std::collections::HashMap;

use super::fields::{self, Field, FieldOption, Form, LocaleField};
use super::lookups::{self, CaseType, Priority, RoleRow, Status, Team};
use super::settings::{MessengerTexts, Settings};
use crate::db::{Conn, Error};

/// Every row of the reference tables, by id.
#[derive(Debug, Default)]
pub struct Catalog {
    /// Case statuses.
    pub statuses: HashMap<i64, Status>,
    /// Case priorities.
    pub priorities: HashMap<i64, Priority>,
    /// Case types.
    pub types: HashMap<i64, CaseType>,
    /// Roles.
    pub roles: HashMap<i64, RoleRow>,
    /// Teams.
    pub teams: HashMap<i64, Team>,
    /// Custom fields, with the ids of their titles, descriptions and options.
    pub fields: HashMap<i64, Field>,
    /// Field options, with the ids of their values.
    pub options: HashMap<i64, FieldOption>,
    /// Translations.
    pub locales: HashMap<i64, LocaleField>,
    /// Forms, with their titles, descriptions and fields.
    pub forms: HashMap<i64, Form>,
    /// What the instance lets customers see and do.
    pub settings: Settings,
    /// The Messenger's words.
    pub messenger: MessengerTexts,
}

fn by_id<T>(rows: Vec<T>, id: fn(&T) -> i64) -> HashMap<i64, T> {
    rows.into_iter().map(|r| (id(&r), r)).collect()
}

/// Reads the whole catalog (a few small tables).
pub fn load(conn: &Conn) -> Result<Catalog, Error> {
    let (settings, messenger) = super::settings::load_all(conn)?;
    Ok(Catalog {
        settings,
        messenger,
        statuses: by_id(lookups::statuses(conn)?, |s: &Status| s.id),
        priorities: by_id(lookups::priorities(conn)?, |p: &Priority| p.id),
        types: by_id(lookups::types(conn)?, |t: &CaseType| t.id),
        roles: by_id(lookups::roles(conn)?, |r: &RoleRow| r.id),
        teams: by_id(lookups::teams(conn)?, |t: &Team| t.id),
        fields: by_id(fields::all_complete(conn)?, |f: &Field| f.id),
        options: by_id(fields::all_options(conn)?, |o: &FieldOption| o.id),
        locales: by_id(fields::all_locales(conn)?, |l: &LocaleField| l.id),
        forms: by_id(fields::forms(conn)?, |f: &Form| f.id),
    })
}
