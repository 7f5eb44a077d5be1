//! How each resource looks on the wire: snake_case JSON whose related
//! resources are stubs (`{id, resource_type}`), rendered from rows `db` has
//! already read. What a customer may not see (status, priority, type, hidden
//! fields, other customers' activity) is decided here, from the [`View`], so
//! no handler can forget it.

mod admin;
mod catalog;
mod conversations;
mod desk;
mod mail;
mod people;

use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Value};

use crate::db::catalog::Catalog;
use crate::db::settings::Settings;

pub use admin::{audit_entry, settings};
pub use catalog::{
    case_field, case_form, case_type, field, field_option, form, from_catalog, locale_field, priority, status,
};
pub use conversations::{
    attachment, conversation, conversations, file, message, AttachmentOut, ConversationOut, MessageOut,
};
pub use desk::{macro_out, note, notification, notification_preference, search_result, snippet_html};
pub use mail::{mail, mailbox, MessageMailOut};
pub use people::{avatar_url, organization, rating, read_marker, role, team, user_for_staff, user_minimal};

/// Who the output is for.
#[derive(Debug, Clone)]
pub struct View {
    /// Base of every `resource_url`, without a trailing slash.
    pub base_url: String,
    /// Staff see everything; customers get the restricted view.
    pub staff: bool,
    /// The acting user, for `read_marker`.
    pub user_id: Option<i64>,
    /// The user the caller has proven to be (see `Caller::proven_user`): only
    /// they, and staff, see a customer's activity times and presence channel.
    pub me: Option<i64>,
    /// Instance settings.
    pub settings: Settings,
    /// The reference tables (statuses, teams, fields, ...).
    pub catalog: Arc<Catalog>,
}

impl View {
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}/api/v1/{path}", self.base_url)
    }
}

/// A related resource by reference: `{"id", "resource_type"}`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Stub {
    id: i64,
    resource_type: &'static str,
}

impl Stub {
    pub(super) fn of(resource_type: &'static str, id: i64) -> Stub {
        Stub { id, resource_type }
    }

    pub(super) fn user(id: Option<i64>) -> Option<Stub> {
        id.map(|id| Stub::of("user_minimal", id))
    }
}

/// A related resource as a stub: `{id, resource_type}`.
pub fn stub(kind: &str, id: i64) -> Value {
    json!({ "id": id, "resource_type": kind })
}

pub(super) fn locale_stubs(ids: &[i64]) -> Vec<Value> {
    ids.iter().map(|id| stub("locale_field", *id)).collect()
}

pub(super) fn user_stub(id: Option<i64>) -> Value {
    id.map_or(Value::Null, |id| stub("user_minimal", id))
}
