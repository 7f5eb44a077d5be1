//! The admin API's writes to users, teams, organizations, the case lookups
//! (statuses, priorities, types), custom fields with their options and
//! translations, and forms. Validation that needs the database is the
//! caller's, inside the same write.

mod fields;
mod forms;
mod lookups;
mod organizations;
mod teams;
mod users;

pub use fields::{
    create_field, delete_field, field_in_use, field_key_taken, options_in_use, update_field, FieldChange, OptionSpec,
    Translation,
};
pub use forms::{create_form, delete_form, form_uses, update_form, FormChange};
pub use lookups::{
    create_lookup, delete_lookup, lookup_uses, statuses_of_type_besides, update_lookup, Lookup, LookupChange,
};
pub use organizations::{
    create_organization, delete_organization, organization_by_id, organization_name_taken, organizations,
    rename_organization, Organization,
};
pub use teams::{create_team, delete_team, member_ids, rename_team, team_members};
pub use users::{
    missing, not_staff, other_enabled_owners, role_id_of_type, set_password, sign_out_everywhere, update_user,
    UserChange,
};

use crate::db::{Conn, Error};

/// `given`, or the place after the last row of `table` by `column` (the
/// server's own names).
pub(super) fn order_or_last(conn: &Conn, given: Option<i64>, table: &str, column: &str) -> Result<i64, Error> {
    match given {
        Some(order) => Ok(order),
        None => Ok(conn.query_row(&format!("SELECT COALESCE(MAX({column}), 0) + 1 FROM {table}"), [], |r| r.get(0))?),
    }
}
