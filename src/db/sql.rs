//! Small helpers every table module shares: sets of ids as one parameter,
//! ordered UUIDs, the clock.

/// Ids as the JSON array text that `IN (SELECT value FROM json_each(?))`
/// takes: one statement, whatever the number of ids.
pub fn id_array(ids: impl IntoIterator<Item = i64>) -> String {
    let mut out = String::from("[");
    for (i, id) in ids.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&id.to_string());
    }
    out.push(']');
    out
}

/// A new UUID for a message or conversation: version 7, so that each one
/// sorts after the last and its unique index grows at one end (a random
/// version 4 dirties a random page of the index on every insert).
pub fn ordered_uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A set of ids for a batch query: `column = ?n` when there is one (an
/// index lookup), `column IN (SELECT value FROM json_each(?n))` when there
/// are more (one statement, whatever their number).
#[derive(Debug)]
pub enum IdsIn {
    /// One id.
    One(i64),
    /// Any other number, as a JSON array.
    Many(String),
}

impl IdsIn {
    /// The set of `ids`.
    pub fn of(ids: impl IntoIterator<Item = i64>) -> IdsIn {
        let ids: Vec<i64> = ids.into_iter().collect();
        match ids.as_slice() {
            [one] => IdsIn::One(*one),
            _ => IdsIn::Many(id_array(ids)),
        }
    }

    /// The SQL that follows the column, with the set as parameter `n`.
    pub fn sql(&self, n: usize) -> String {
        match self {
            IdsIn::One(_) => format!("= ?{n}"),
            IdsIn::Many(_) => format!("IN (SELECT value FROM json_each(?{n}))"),
        }
    }

    /// The parameter [`IdsIn::sql`] refers to.
    pub fn value(&self) -> rusqlite::types::Value {
        match self {
            IdsIn::One(id) => rusqlite::types::Value::Integer(*id),
            IdsIn::Many(array) => rusqlite::types::Value::Text(array.clone()),
        }
    }
}

/// Current Unix time in seconds.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}
