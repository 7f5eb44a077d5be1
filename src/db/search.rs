//! Full-text search over the FTS5 tables of migration 10: conversations
//! (by their messages, notes, subject and requester), users and
//! organizations.
//!
//! A [`Query`] is already parsed (`wire::search`); every term reaches FTS5 as
//! a quoted string, so no input is FTS5 syntax. Newest first walks each
//! index backwards by rowid and merges the walks, so it reads only as many
//! hits as the page and the count need (counts stop at [`CAP`]). Relevance
//! ranks all hits with `bm25`, and is only done when they are at most
//! [`RELEVANCE_HITS`]; beyond that the order stays newest first. Filters
//! apply in the join after the match, never in the index scan.

use std::collections::{HashMap, HashSet};

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, OptionalExtension};

use super::conversations::Visibility;
use super::{Conn, Error};

/// Hits counted per resource type at most; pages end there too.
pub const CAP: usize = 1000;
/// Above this many matching documents, relevance gives way to newest first.
pub const RELEVANCE_HITS: usize = 10_000;
/// Marks a match's start in a snippet (escaped and replaced by the caller).
pub const MARK_START: char = '\u{2}';
/// Marks a match's end in a snippet.
pub const MARK_END: char = '\u{3}';

/// A word or phrase to find; `prefix` matches words starting with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// One word, or several for a phrase.
    pub text: String,
    /// `refun*`.
    pub prefix: bool,
}

/// Who a conversation must be assigned to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assignee {
    /// The searching agent.
    Me,
    /// Nobody.
    Nobody,
    /// The agent with this email.
    Email(String),
}

/// A parsed search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// All must match.
    pub terms: Vec<Term>,
    /// None may match.
    pub excluded: Vec<Term>,
    /// Status types or labels, any of them (`status:open`).
    pub statuses: Vec<String>,
    /// `assignee:`.
    pub assignee: Option<Assignee>,
    /// `channel:`, upper case.
    pub channel: Option<String>,
    /// `from:`: an email, or `me`.
    pub from: Option<String>,
    /// Written before this time (Unix seconds).
    pub before: Option<i64>,
    /// Written at or after this time.
    pub after: Option<i64>,
}

impl Query {
    /// Whether anything restricts conversations beyond the words.
    fn filtered(&self) -> bool {
        !self.statuses.is_empty()
            || self.assignee.is_some()
            || self.channel.is_some()
            || self.from.is_some()
            || self.before.is_some()
            || self.after.is_some()
    }

    /// The FTS5 expression, if there are words to find.
    fn expression(&self) -> Option<String> {
        if self.terms.is_empty() {
            return None;
        }
        let quoted = |t: &Term| format!("\"{}\"{}", t.text.replace('"', "\"\""), if t.prefix { "*" } else { "" });
        let all: Vec<String> = self.terms.iter().map(quoted).collect();
        let mut expr = format!("({})", all.join(" AND "));
        if !self.excluded.is_empty() {
            let none: Vec<String> = self.excluded.iter().map(quoted).collect();
            expr = format!("{expr} NOT ({})", none.join(" OR "));
        }
        Some(expr)
    }
}

/// Where a conversation hit matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A message, by id.
    Message(i64),
    /// A note, by id.
    Note(i64),
    /// The subject or the requester.
    Conversation,
    /// Only the filters (no words).
    Filters,
}

/// One conversation found.
#[derive(Debug, Clone)]
pub struct ConversationHit {
    /// The conversation.
    pub id: i64,
    /// Where it matched (the newest match, or the best ranked).
    pub source: Source,
    /// `bm25` when ranked by relevance (lower is better).
    pub rank: Option<f64>,
    /// The matched text around the match, marked with [`MARK_START`]/[`MARK_END`].
    pub snippet: Option<String>,
}

/// A page of hits and how many there are (at most [`CAP`]).
#[derive(Debug, Clone)]
pub struct Found<T> {
    /// The page.
    pub hits: Vec<T>,
    /// All hits, counted up to [`CAP`].
    pub total: usize,
    /// Whether the page is ranked by relevance.
    pub ranked: bool,
}

/// Runs a search (`f`) stopped at `limit`: past it, its statement fails
/// with [`Error::Interrupted`]. Prefixes of the commonest words can take
/// seconds; a stopped search costs no more than `limit`.
pub fn within<T, E: From<Error>>(
    conn: &Conn,
    limit: std::time::Duration,
    f: impl FnOnce(&Conn) -> Result<T, E>,
) -> Result<T, E> {
    conn.bounded(limit, || f(conn))
}

/// Whether this SQLite has FTS5 (checked at start-up).
pub fn available(conn: &Conn) -> Result<bool, Error> {
    Ok(conn.query_row("SELECT sqlite_compileoption_used('ENABLE_FTS5')", [], |r| r.get(0))?)
}

/// The filters as SQL conditions on `c` (conversations) and on the matched
/// row's author and time, with their arguments appended.
struct Conditions {
    on_conversation: String,
    args: Vec<SqlValue>,
    /// The `from:` user, when there is one.
    from: Option<i64>,
    /// Nothing can match (an unknown status, user or agent).
    impossible: bool,
}

fn conditions(conn: &Conn, q: &Query, vis: &Visibility, me: i64) -> Result<Conditions, Error> {
    let mut args = Vec::new();
    let mut parts = vec![vis.predicate(&mut args, true)];
    let mut impossible = false;
    if !q.statuses.is_empty() {
        let mut ids = Vec::new();
        let mut stmt =
            conn.prepare_cached("SELECT id FROM case_statuses WHERE lower(type) = ?1 OR lower(label) = ?1")?;
        for s in &q.statuses {
            for id in stmt.query_map([s.to_lowercase()], |r| r.get::<_, i64>(0))? {
                ids.push(id?);
            }
        }
        impossible |= ids.is_empty();
        let list: Vec<String> = ids.iter().map(i64::to_string).collect();
        parts.push(format!("c.status_id IN ({})", list.join(", ")));
    }
    let user = |email: &str| -> Result<Option<i64>, Error> {
        Ok(conn.prepare_cached("SELECT id FROM users WHERE email = ?1")?.query_row([email], |r| r.get(0)).optional()?)
    };
    match &q.assignee {
        None => {}
        Some(Assignee::Nobody) => parts.push("c.assigned_agent_id IS NULL".into()),
        Some(a) => {
            let id = match a {
                Assignee::Email(e) => user(e)?,
                _ => Some(me),
            };
            impossible |= id.is_none();
            args.push(SqlValue::Integer(id.unwrap_or(0)));
            parts.push(format!("c.assigned_agent_id = ?{}", args.len()));
        }
    }
    if let Some(channel) = &q.channel {
        args.push(SqlValue::Text(channel.clone()));
        parts.push(format!("c.channel = ?{}", args.len()));
    }
    let from = match q.from.as_deref() {
        None => None,
        Some("me") => Some(me),
        Some(email) => {
            let id = user(email)?;
            impossible |= id.is_none();
            Some(id.unwrap_or(0))
        }
    };
    Ok(Conditions { on_conversation: parts.join(" AND "), args, from, impossible })
}

/// Where a walk's rows come from, by the rowid they matched.
type Kind = fn(i64) -> Source;

/// One index walked backwards: `(conversation, time, source)` rows.
struct Walk {
    index: &'static str,
    sql: String,
    args: Vec<SqlValue>,
    kind: Kind,
}

/// The walks over messages, notes and conversations for `expr`. Each row's
/// author and time are held to `from:`/`before:`/`after:`.
fn walks(expr: &str, q: &Query, cond: &Conditions) -> Vec<Walk> {
    let sources: [(&'static str, &str, &str, Kind); 3] = [
        ("message_search", "messages", "creator_id", Source::Message),
        ("note_search", "notes", "creator_id", Source::Note),
        ("conversation_search", "conversations", "requester_id", |_| Source::Conversation),
    ];
    sources
        .into_iter()
        .map(|(index, table, author, kind)| {
            let mut args = cond.args.clone();
            args.push(SqlValue::Text(expr.to_owned()));
            let mut sql = if table == "conversations" {
                format!(
                    "SELECT c.id, c.created_at, s.rowid FROM {index} s CROSS JOIN conversations c ON c.id = s.rowid
                      WHERE {index} MATCH ?{} AND {}",
                    args.len(),
                    cond.on_conversation
                )
            } else {
                format!(
                    "SELECT c.id, t.created_at, s.rowid FROM {index} s CROSS JOIN {table} t ON t.id = s.rowid
                       CROSS JOIN conversations c ON c.id = t.conversation_id
                      WHERE {index} MATCH ?{} AND {}",
                    args.len(),
                    cond.on_conversation
                )
            };
            let alias = if table == "conversations" { "c" } else { "t" };
            if let Some(from) = cond.from {
                args.push(SqlValue::Integer(from));
                sql += &format!(" AND {alias}.{author} = ?{}", args.len());
            }
            for (bound, op) in [(q.before, "<"), (q.after, ">=")] {
                if let Some(at) = bound {
                    args.push(SqlValue::Integer(at));
                    sql += &format!(" AND {alias}.created_at {op} ?{}", args.len());
                }
            }
            Walk { index, sql, args, kind }
        })
        .collect()
}

/// Conversations matching `q` that `vis` shows, newest first (or by
/// relevance when asked and the hits are few enough), `offset`/`limit` of
/// at most [`CAP`].
pub fn conversations(
    conn: &Conn,
    q: &Query,
    vis: &Visibility,
    me: i64,
    relevance: bool,
    offset: usize,
    limit: usize,
) -> Result<Found<ConversationHit>, Error> {
    let empty = Found { hits: Vec::new(), total: 0, ranked: false };
    let cond = conditions(conn, q, vis, me)?;
    if cond.impossible {
        return Ok(empty);
    }
    let Some(expr) = q.expression() else {
        return if q.filtered() && q.excluded.is_empty() {
            by_filters(conn, q, &cond, offset, limit)
        } else {
            Ok(empty)
        };
    };
    let walks = walks(&expr, q, &cond);
    let mut found = if relevance && few_hits(conn, &expr)? {
        ranked(conn, &walks, offset, limit)?
    } else {
        newest(conn, &walks, offset, limit)?
    };
    let of = |kind: fn(&Source, i64) -> Option<i64>| found.hits.iter().filter_map(|h| kind(&h.source, h.id)).collect();
    let messages: Vec<i64> = of(|s, _| if let Source::Message(id) = s { Some(*id) } else { None });
    let notes: Vec<i64> = of(|s, _| if let Source::Note(id) = s { Some(*id) } else { None });
    let subjects: Vec<i64> = of(|s, c| matches!(s, Source::Conversation).then_some(c));
    let mut messages = snippets(conn, "message_search", &expr, &messages)?;
    let mut notes = snippets(conn, "note_search", &expr, &notes)?;
    let mut subjects = snippets(conn, "conversation_search", &expr, &subjects)?;
    for hit in &mut found.hits {
        hit.snippet = match hit.source {
            Source::Message(id) => messages.remove(&id),
            Source::Note(id) => notes.remove(&id),
            _ => subjects.remove(&hit.id),
        };
    }
    Ok(found)
}

/// Whether every index together holds at most [`RELEVANCE_HITS`] matches.
fn few_hits(conn: &Conn, expr: &str) -> Result<bool, Error> {
    let mut n = 0;
    for index in ["message_search", "note_search", "conversation_search"] {
        let sql = format!("SELECT COUNT(*) FROM (SELECT 1 FROM {index} WHERE {index} MATCH ?1 LIMIT ?2)");
        n += conn.prepare_cached(&sql)?.query_row(params![expr, RELEVANCE_HITS as i64 + 1], |r| r.get::<_, i64>(0))?;
        if n > RELEVANCE_HITS as i64 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Newest first: the walks merged by the matched row's time, each
/// conversation once, read until the page is full and [`CAP`] are counted.
fn newest(conn: &Conn, walks: &[Walk], offset: usize, limit: usize) -> Result<Found<ConversationHit>, Error> {
    let mut stmts = Vec::new();
    for w in walks {
        stmts.push(conn.prepare_cached(&format!("{} ORDER BY s.rowid DESC", w.sql))?);
    }
    let mut rows = Vec::new();
    for (stmt, w) in stmts.iter_mut().zip(walks) {
        rows.push(stmt.query(params_from_iter(w.args.iter()))?);
    }
    let mut heads: Vec<Option<(i64, i64, Source)>> = Vec::with_capacity(rows.len());
    for (r, w) in rows.iter_mut().zip(walks) {
        heads.push(next(r, w.kind)?);
    }
    let mut seen = HashSet::new();
    let mut hits = Vec::new();
    while seen.len() < CAP {
        let Some(i) = (0..heads.len()).filter(|i| heads[*i].is_some()).max_by_key(|i| heads[*i].map(|h| h.1)) else {
            break;
        };
        let (id, _, source) = heads[i].expect("chosen among the present");
        heads[i] = next(&mut rows[i], walks[i].kind)?;
        if seen.insert(id) && seen.len() > offset && hits.len() < limit {
            hits.push(ConversationHit { id, source, rank: None, snippet: None });
        }
    }
    Ok(Found { hits, total: seen.len(), ranked: false })
}

fn next(rows: &mut rusqlite::Rows, kind: Kind) -> Result<Option<(i64, i64, Source)>, Error> {
    Ok(match rows.next()? {
        Some(r) => Some((r.get(0)?, r.get(1)?, kind(r.get(2)?))),
        None => None,
    })
}

/// By relevance: every hit ranked with `bm25`, each conversation at its best.
fn ranked(conn: &Conn, walks: &[Walk], offset: usize, limit: usize) -> Result<Found<ConversationHit>, Error> {
    let mut best: HashMap<i64, (f64, i64, Source)> = HashMap::new();
    for w in walks {
        let sql = w.sql.replacen("SELECT c.id,", &format!("SELECT bm25({}), c.id,", w.index), 1);
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params_from_iter(w.args.iter()))?;
        while let Some(r) = rows.next()? {
            let (rank, id, at, source): (f64, i64, i64, Source) =
                (r.get(0)?, r.get(1)?, r.get(2)?, (w.kind)(r.get(3)?));
            let slot = best.entry(id).or_insert((rank, at, source));
            if rank < slot.0 {
                *slot = (rank, at, source);
            }
        }
    }
    let mut all: Vec<(i64, (f64, i64, Source))> = best.into_iter().collect();
    all.sort_by(|a, b| a.1 .0.total_cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1)).then(b.0.cmp(&a.0)));
    all.truncate(CAP);
    let total = all.len();
    let hits = all
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|(id, (rank, _, source))| ConversationHit { id, source, rank: Some(rank), snippet: None })
        .collect();
    Ok(Found { hits, total, ranked: true })
}

/// No words, only filters: the conversations they select, newest first.
fn by_filters(
    conn: &Conn,
    q: &Query,
    cond: &Conditions,
    offset: usize,
    limit: usize,
) -> Result<Found<ConversationHit>, Error> {
    let mut args = cond.args.clone();
    let mut sql = format!("SELECT c.id FROM conversations c WHERE {}", cond.on_conversation);
    if let Some(from) = cond.from {
        args.push(SqlValue::Integer(from));
        sql += &format!(" AND c.requester_id = ?{}", args.len());
    }
    for (bound, op) in [(q.before, "<"), (q.after, ">=")] {
        if let Some(at) = bound {
            args.push(SqlValue::Integer(at));
            sql += &format!(" AND c.created_at {op} ?{}", args.len());
        }
    }
    sql += &format!(" ORDER BY c.created_at DESC, c.id DESC LIMIT {CAP}");
    let ids: Vec<i64> =
        conn.prepare_cached(&sql)?.query_map(params_from_iter(args.iter()), |r| r.get(0))?.collect::<Result<_, _>>()?;
    let total = ids.len();
    let hits = ids
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|id| ConversationHit { id, source: Source::Filters, rank: None, snippet: None })
        .collect();
    Ok(Found { hits, total, ranked: false })
}

/// The marked text around the match in each of the rows `ids` of `index`.
/// One walk over the range the rows span, marking only those rows: a
/// `rowid =` lookup per row would build a prefix term's doclist each time.
fn snippets(conn: &Conn, index: &str, expr: &str, ids: &[i64]) -> Result<HashMap<i64, String>, Error> {
    let (Some(low), Some(high)) = (ids.iter().min(), ids.iter().max()) else { return Ok(HashMap::new()) };
    let wanted: HashSet<i64> = ids.iter().copied().collect();
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    let sql = format!(
        "SELECT rowid, CASE WHEN rowid IN ({}) THEN snippet({index}, -1, char(2), char(3), '…', 16) END
           FROM {index} WHERE {index} MATCH ?1 AND rowid BETWEEN ?2 AND ?3",
        list.join(", ")
    );
    let mut out = HashMap::new();
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(params![expr, low, high])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if wanted.contains(&id) {
            if let Some(text) = r.get::<_, Option<String>>(1)? {
                out.insert(id, text);
            }
        }
    }
    Ok(out)
}

/// A found user or organization: its id and marked name.
#[derive(Debug, Clone)]
pub struct NamedHit {
    /// Id.
    pub id: i64,
    /// The matched columns, marked.
    pub snippet: Option<String>,
}

/// Users (`users`) or organizations (`organizations`) matching the words,
/// newest first.
pub fn named(conn: &Conn, table: &str, q: &Query, offset: usize, limit: usize) -> Result<Found<NamedHit>, Error> {
    let (index, ok) = match table {
        "users" => ("user_search", true),
        "organizations" => ("organization_search", true),
        _ => ("", false),
    };
    let Some(expr) = q.expression().filter(|_| ok) else {
        return Ok(Found { hits: Vec::new(), total: 0, ranked: false });
    };
    let sql = format!("SELECT rowid FROM {index} WHERE {index} MATCH ?1 ORDER BY rowid DESC LIMIT {CAP}");
    let mut total = 0;
    let mut hits = Vec::new();
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params![expr])?;
    while let Some(r) = rows.next()? {
        total += 1;
        if total > offset && hits.len() < limit {
            hits.push(NamedHit { id: r.get(0)?, snippet: None });
        }
    }
    let mut marked = snippets(conn, index, &expr, &hits.iter().map(|h| h.id).collect::<Vec<_>>())?;
    for hit in &mut hits {
        hit.snippet = marked.remove(&hit.id);
    }
    Ok(Found { hits, total, ranked: false })
}
