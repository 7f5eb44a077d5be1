//! What handlers read before they render: conversations decorated for the
//! caller (their read markers and field values), and the rows `include`
//! asks for. Reading happens here, in the handler's snapshot; `wire` renders
//! what was read and never reads itself.

use std::collections::HashSet;

use serde_json::Value;

use crate::db::conversations::{self, Conversation, Visibility};
use crate::db::{manage, markers, ratings, users, Conn};
use crate::error::ApiError;
use crate::wire::include::{Expansion, Need, Row};
use crate::wire::render::{self, ConversationOut, View};

/// Conversations as `view` may see them: read what their wire form needs
/// (one query each, whatever their number), then render.
pub fn conversations(conn: &Conn, view: &View, rows: Vec<Conversation>) -> Result<Vec<ConversationOut>, ApiError> {
    let decorated = conversations::decorate(conn, rows, view.user_id, &view.catalog.fields, !view.staff)?;
    Ok(render::conversations(view, decorated))
}

/// One conversation as `view` may see it.
pub fn conversation(conn: &Conn, view: &View, row: Conversation) -> Result<ConversationOut, ApiError> {
    conversations(conn, view, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::Internal("a rendered conversation went missing".into()))
}

/// `data` with the stubs `includes` names expanded (see `wire::include`):
/// each round reads the rows the expansion still wants, until it wants none.
pub fn expand(conn: &Conn, view: &View, includes: HashSet<String>, data: Value) -> Result<Value, ApiError> {
    let mut expansion = Expansion::new(includes);
    loop {
        let wanted = expansion.wanted(view, &data);
        if wanted.is_empty() {
            return Ok(expansion.apply(data));
        }
        for (key, need) in wanted {
            let row = related(conn, view, need)?;
            expansion.loaded(view, key, row);
        }
    }
}

/// The row `need` names, if it exists.
fn related(conn: &Conn, view: &View, need: Need) -> Result<Option<Row>, ApiError> {
    Ok(match need {
        Need::User(id) => users::get(conn, id)?.map(Row::User),
        Need::ReadMarker(id) => markers::get(conn, id)?.map(Row::ReadMarker),
        Need::Rating(id) => ratings::get(conn, id)?.map(Row::Rating),
        Need::Organization(id) => manage::organization_by_id(conn, id)?.map(Row::Organization),
        Need::Conversation(id) => match conversations::get_visible(conn, &Visibility::All, id)? {
            Some(c) => conversations::decorate(conn, vec![c], view.user_id, &view.catalog.fields, !view.staff)?
                .pop()
                .map(|d| Row::Conversation(Box::new(d))),
            None => None,
        },
    })
}
