//! `parley export FILE` and `parley import FILE`: the whole instance as one
//! portable archive, to move it between machines or versions, or to merge
//! one instance into another.
//!
//! Unlike `parley backup` (a copy of the database file), an export holds
//! every table as JSON Lines (`tables/<table>.jsonl`, deflated, one object per row,
//! columns by name), the attachment files (`attachments/<name>`), the
//! messenger key, and `manifest.json` with the row counts. Sessions, request
//! tokens and the realtime log are left out: they are short-lived.
//!
//! The export reads one snapshot (one read transaction), so it is consistent
//! while the server runs. An import writes in one transaction with the
//! server stopped (it takes the data directory's lock, which servers hold
//! shared while they run): into an instance with no users and no conversations it
//! replaces everything and reproduces every row as it was, ids included;
//! into one with data only when told to merge (`--merge`), when what both
//! hold (users by email, teams and forms by title, fields by key, statuses by
//! label and type, conversations and messages by UUID, ...) is kept as the
//! target has it, everything else is added under new ids, and every
//! reference (including option ids inside field values) follows.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use rusqlite::types::{Value as Sql, ValueRef};
use rusqlite::{params_from_iter, Connection, OptionalExtension};
use serde_json::{json, Map, Value};

use crate::backup::{err, open_archive, MANIFEST};
use crate::db::{migrate, Db};
use crate::secret::MESSENGER_KEY_FILE;
use crate::storage::Storage;

const FORMAT: &str = "parley-export";
const ATTACHMENTS: &str = "attachments";

/// One exported table: what its columns refer to, and how a merge finds
/// the row the target already has.
struct Table {
    name: &'static str,
    /// `(column, table)`: the column holds an id of that table.
    refs: &'static [(&'static str, &'static str)],
    /// The columns that identify the same row in another instance (empty:
    /// always a new row). Tables without an `id` column are keyed by their
    /// primary key and inserted with `OR IGNORE`.
    key: &'static [&'static str],
    /// Rows keyed by an `id` column (remapped on merge).
    has_id: bool,
}

/// Every exported table, parents before children.
const TABLES: &[Table] = &[
    Table { name: "settings", refs: &[], key: &[], has_id: false },
    Table { name: "roles", refs: &[], key: &["type"], has_id: true },
    Table { name: "organizations", refs: &[], key: &["name"], has_id: true },
    Table {
        name: "users",
        refs: &[("role_id", "roles"), ("organization_id", "organizations")],
        key: &["email"],
        has_id: true,
    },
    Table { name: "teams", refs: &[], key: &["title"], has_id: true },
    Table { name: "team_members", refs: &[("team_id", "teams"), ("user_id", "users")], key: &[], has_id: false },
    Table { name: "fingerprints", refs: &[("user_id", "users")], key: &[], has_id: false },
    Table { name: "case_statuses", refs: &[], key: &["label", "type"], has_id: true },
    Table { name: "case_priorities", refs: &[], key: &["label"], has_id: true },
    Table { name: "case_types", refs: &[], key: &["label"], has_id: true },
    Table { name: "conversation_fields", refs: &[], key: &["key"], has_id: true },
    Table {
        name: "field_options",
        refs: &[("field_id", "conversation_fields"), ("parent_id", "field_options")],
        key: &["field_id", "parent_id", "sort_order"],
        has_id: true,
    },
    Table { name: "forms", refs: &[], key: &["title"], has_id: true },
    Table {
        name: "form_fields",
        refs: &[("form_id", "forms"), ("field_id", "conversation_fields")],
        key: &[],
        has_id: false,
    },
    Table {
        name: "locale_fields",
        refs: &[("field_id", "conversation_fields"), ("form_id", "forms"), ("option_id", "field_options")],
        key: &[],
        has_id: true,
    },
    Table {
        name: "conversations",
        refs: &[
            ("requester_id", "users"),
            ("creator_id", "users"),
            ("last_replier_id", "users"),
            ("last_agent_replier_id", "users"),
            ("assigned_team_id", "teams"),
            ("assigned_agent_id", "users"),
            ("status_id", "case_statuses"),
            ("priority_id", "case_priorities"),
            ("type_id", "case_types"),
            ("form_id", "forms"),
        ],
        key: &["uuid"],
        has_id: true,
    },
    Table { name: "conversation_devices", refs: &[("conversation_id", "conversations")], key: &[], has_id: false },
    Table {
        name: "participants",
        refs: &[("conversation_id", "conversations"), ("user_id", "users")],
        key: &[],
        has_id: false,
    },
    Table {
        name: "field_values",
        refs: &[("conversation_id", "conversations"), ("field_id", "conversation_fields")],
        key: &[],
        has_id: false,
    },
    Table {
        name: "messages",
        refs: &[("conversation_id", "conversations"), ("creator_id", "users")],
        key: &["uuid"],
        has_id: true,
    },
    Table {
        name: "read_markers",
        refs: &[("conversation_id", "conversations"), ("user_id", "users"), ("last_read_post_id", "messages")],
        key: &["conversation_id", "user_id"],
        has_id: true,
    },
    Table {
        name: "ratings",
        refs: &[("conversation_id", "conversations"), ("creator_id", "users")],
        key: &["conversation_id", "creator_id", "created_at"],
        has_id: true,
    },
    Table {
        name: "files",
        refs: &[("uploader_id", "users"), ("message_id", "messages")],
        key: &["uuid"],
        has_id: true,
    },
    Table { name: "thumbnails", refs: &[("file_id", "files")], key: &["storage_name"], has_id: true },
    Table {
        name: "audit_log",
        refs: &[("actor_id", "users")],
        key: &["actor_id", "action", "resource_type", "resource_id", "created_at"],
        has_id: true,
    },
];

/// What an export or import moved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Moved {
    /// Rows written, all tables together.
    pub rows: u64,
    /// Rows a merge found the target already had, and kept as they were.
    pub kept: u64,
    /// Conversations written.
    pub conversations: u64,
    /// Messages written.
    pub messages: u64,
    /// Attachment files.
    pub files: u64,
}

/// Progress on a terminal as a bar; otherwise a plain line per table.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new(verb: &str, total: u64) -> Progress {
        if !io::stderr().is_terminal() {
            eprintln!("{verb} {total} rows and files");
            return Progress { bar: None };
        }
        let bar = indicatif::ProgressBar::new(total);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{msg:>24} [{bar:40}] {pos}/{len} {eta}") {
            bar.set_style(style.progress_chars("=> "));
        }
        Progress { bar: Some(bar) }
    }

    fn table(&self, name: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(name.to_owned());
        }
    }

    fn step(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    fn done(&self, verb: &str, name: &str, count: u64) {
        if self.bar.is_none() {
            eprintln!("{verb} {name}: {count}");
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// A row's column as JSON.
fn to_json(v: ValueRef) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(n) => Value::from(n),
        ValueRef::Real(x) => Value::from(x),
        ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::from(b.iter().map(|x| format!("{x:02x}")).collect::<String>()),
    }
}

/// A JSON value as a column.
fn to_sql(v: &Value) -> Sql {
    match v {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Integer(i64::from(*b)),
        Value::Number(n) => n.as_i64().map_or_else(|| Sql::Real(n.as_f64().unwrap_or(0.0)), Sql::Integer),
        Value::String(s) => Sql::Text(s.clone()),
        other => Sql::Text(other.to_string()),
    }
}

/// Writes the instance in `data_dir` to `file`.
pub fn export(data_dir: &Path, file: &Path) -> Result<Moved, String> {
    let db_path = data_dir.join("parley.db");
    if !db_path.is_file() {
        return Err(format!("{} holds no Parley database: is --data-dir right?", data_dir.display()));
    }
    let conn = Connection::open_with_flags(&db_path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| err(db_path.display(), e))?;
    conn.busy_timeout(std::time::Duration::from_secs(30)).map_err(|e| err("busy timeout", e))?;
    // One read transaction: every table from the same moment.
    conn.execute_batch("BEGIN").map_err(|e| err("starting the snapshot", e))?;
    let schema: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| err("schema", e))?;
    let mut counts = Map::new();
    let mut total = 0u64;
    for t in TABLES {
        let n: u64 = conn
            .query_row(&format!("SELECT COUNT(*) FROM {}", t.name), [], |r| r.get(0))
            .map_err(|e| err(t.name, e))?;
        counts.insert(t.name.to_owned(), json!(n));
        total += n;
    }
    let names = stored_names(&conn)?;
    let storage = Storage::open(data_dir.join(ATTACHMENTS)).map_err(|e| err("attachments", e))?;
    let progress = Progress::new("exporting", total + names.len() as u64);

    let part = PathBuf::from(format!("{}.part", file.display()));
    let out = File::create(&part).map_err(|e| err(part.display(), e))?;
    let mut zip = zip::ZipWriter::new(io::BufWriter::new(out));
    let stored =
        || zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored).large_file(true);
    // Tables are text, and compress several times over; the fastest level keeps
    // an export about as quick as writing it plain.
    let deflated = || {
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(1))
            .large_file(true)
    };
    let key = std::fs::read_to_string(data_dir.join(MESSENGER_KEY_FILE)).ok();
    let manifest = json!({
        "format": FORMAT,
        "format_version": 1,
        "parley_version": env!("CARGO_PKG_VERSION"),
        "schema_version": schema,
        "exported_at": crate::db::now(),
        "rows": counts,
        "files": names.len(),
        "messenger_key": key.is_some(),
    });
    zip.start_file(MANIFEST, stored()).map_err(|e| err(MANIFEST, e))?;
    zip.write_all(manifest.to_string().as_bytes()).map_err(|e| err(MANIFEST, e))?;
    if let Some(key) = &key {
        zip.start_file(MESSENGER_KEY_FILE, stored()).map_err(|e| err(MESSENGER_KEY_FILE, e))?;
        zip.write_all(key.as_bytes()).map_err(|e| err(MESSENGER_KEY_FILE, e))?;
    }
    let mut moved = Moved::default();
    for t in TABLES {
        progress.table(t.name);
        let entry = format!("tables/{}.jsonl", t.name);
        zip.start_file(entry.as_str(), deflated()).map_err(|e| err(&entry, e))?;
        let order = if t.has_id { " ORDER BY id" } else { "" };
        let mut stmt = conn.prepare(&format!("SELECT * FROM {}{order}", t.name)).map_err(|e| err(t.name, e))?;
        let columns: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
        let mut rows = stmt.query([]).map_err(|e| err(t.name, e))?;
        let mut count = 0u64;
        // Rows go to the compressor in large writes: many small ones cost it dearly.
        let mut buffer = Vec::with_capacity(1 << 17);
        while let Some(row) = rows.next().map_err(|e| err(t.name, e))? {
            let mut object = Map::new();
            for (i, column) in columns.iter().enumerate() {
                object.insert(column.clone(), to_json(row.get_ref(i).map_err(|e| err(t.name, e))?));
            }
            serde_json::to_writer(&mut buffer, &Value::Object(object)).map_err(|e| err(&entry, e))?;
            buffer.push(b'\n');
            if buffer.len() >= 1 << 16 {
                zip.write_all(&buffer).map_err(|e| err(&entry, e))?;
                buffer.clear();
            }
            count += 1;
            progress.step();
        }
        zip.write_all(&buffer).map_err(|e| err(&entry, e))?;
        progress.done("exported", t.name, count);
        moved.rows += count;
        match t.name {
            "conversations" => moved.conversations = count,
            "messages" => moved.messages = count,
            _ => {}
        }
    }
    progress.table(ATTACHMENTS);
    for name in &names {
        let path = storage.path_of(name).ok_or_else(|| format!("attachment name {name:?} is not one Parley made"))?;
        let entry = format!("{ATTACHMENTS}/{name}");
        zip.start_file(entry.as_str(), stored()).map_err(|e| err(&entry, e))?;
        let mut f = File::open(&path).map_err(|e| err(path.display(), e))?;
        io::copy(&mut f, &mut zip).map_err(|e| err(path.display(), e))?;
        moved.files += 1;
        progress.step();
    }
    progress.done("exported", ATTACHMENTS, moved.files);
    progress.finish();
    conn.execute_batch("COMMIT").map_err(|e| err("ending the snapshot", e))?;
    let out = zip.finish().map_err(|e| err("finishing the archive", e))?;
    let out = out.into_inner().map_err(|e| err("writing the archive", e.error()))?;
    out.sync_all().map_err(|e| err(part.display(), e))?;
    std::fs::rename(&part, file).map_err(|e| err(file.display(), e))?;
    Ok(moved)
}

/// The attachment files the rows name (originals and thumbnails).
fn stored_names(conn: &Connection) -> Result<Vec<String>, String> {
    Ok(crate::backup::stored_names(conn)?.into_iter().map(|(name, _)| name).collect())
}

/// Imports the archive `file` into the instance in `data_dir` (created when
/// there is none). An instance holding users or conversations is refused
/// unless `merge`.
pub fn import(file: &Path, data_dir: &Path, merge: bool) -> Result<Moved, String> {
    let (mut zip, manifest) = open_archive(file, "export")?;
    if manifest["format"] != FORMAT {
        return Err(format!("{} is not a Parley export (a backup is restored with parley restore)", file.display()));
    }
    let schema = manifest["schema_version"].as_i64().unwrap_or(i64::MAX);
    if schema > migrate::VERSION {
        return Err(format!(
            "the export comes from a newer Parley (schema {schema}; this one knows up to {}): upgrade first",
            migrate::VERSION
        ));
    }
    std::fs::create_dir_all(data_dir).map_err(|e| err(data_dir.display(), e))?;
    // Held until the import is done: no server may start on it meanwhile.
    let _lock = crate::startup::lock_data_dir(data_dir, true)
        .map_err(|e| err(data_dir.join(crate::startup::LOCK_FILE).display(), e))?
        .ok_or_else(|| format!("a server is running on {}: stop it before importing", data_dir.display()))?;
    let db_path = data_dir.join("parley.db");
    // Create or migrate the instance the way the server would.
    drop(Db::open(&db_path, false).map_err(|e| err(db_path.display(), e))?);
    let storage = Storage::open(data_dir.join(ATTACHMENTS)).map_err(|e| err("attachments", e))?;
    let mut conn = Connection::open(&db_path).map_err(|e| err(db_path.display(), e))?;
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA cache_size = -131072;")
        .map_err(|e| err("opening", e))?;
    let occupied: bool = conn
        .query_row("SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM conversations)", [], |r| r.get(0))
        .map_err(|e| err("checking the instance", e))?;
    if occupied && !merge {
        return Err(format!(
            "{} already holds users or conversations: import into an empty instance, or add --merge to add the export to it",
            data_dir.display()
        ));
    }
    let total = manifest["rows"].as_object().map_or(0, |m| m.values().filter_map(Value::as_u64).sum::<u64>())
        + manifest["files"].as_u64().unwrap_or(0);
    let progress = Progress::new(if occupied { "merging" } else { "importing" }, total);
    let tx = conn.transaction().map_err(|e| err("starting the import", e))?;
    let mut importer = Importer {
        tx: &tx,
        merge: occupied,
        maps: HashMap::new(),
        matched: HashMap::new(),
        option_fields: HashSet::new(),
    };
    if !occupied {
        // Replace: the new instance's own rows (roles, statuses, settings, ...) give way.
        for t in TABLES.iter().rev() {
            tx.execute(&format!("DELETE FROM {}", t.name), []).map_err(|e| err(t.name, e))?;
        }
    }
    let mut moved = Moved::default();
    for t in TABLES {
        progress.table(t.name);
        let entry = format!("tables/{}.jsonl", t.name);
        let (count, kept) = match zip.by_name(&entry) {
            Ok(reader) => importer.table(t, BufReader::new(reader), &progress)?,
            Err(zip::result::ZipError::FileNotFound) => (0, 0),
            Err(e) => return Err(err(&entry, e)),
        };
        progress.done("imported", t.name, count);
        moved.rows += count;
        moved.kept += kept;
        match t.name {
            "conversations" => moved.conversations = count,
            "messages" => moved.messages = count,
            _ => {}
        }
    }
    // Message counts are kept by triggers, which counted the inserted messages again.
    tx.execute_batch(
        "UPDATE conversations SET post_count = (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = conversations.id)",
    )
    .map_err(|e| err("counting messages", e))?;
    // Every file a row names, from the archive; none other.
    let names = stored_names(&tx)?;
    let mut written = Vec::new();
    progress.table(ATTACHMENTS);
    for name in &names {
        let Some(path) = storage.path_of(name) else {
            storage.remove(&written);
            return Err(format!("the export names attachment {name:?}, which is not a name Parley makes"));
        };
        if path.is_file() {
            continue; // a merge that already has it
        }
        let entry = format!("{ATTACHMENTS}/{name}");
        // Named before it exists: a failure removes what it began.
        written.push(name.clone());
        let copied = (|| -> Result<(), String> {
            let mut source = zip.by_name(&entry).map_err(|e| err(&entry, e))?;
            let mut target = File::create(&path).map_err(|e| err(path.display(), e))?;
            io::copy(&mut source, &mut target).map_err(|e| err(path.display(), e))?;
            target.sync_all().map_err(|e| err(path.display(), e))
        })();
        if let Err(e) = copied {
            storage.remove(&written);
            return Err(e);
        }
        moved.files += 1;
        progress.step();
    }
    progress.done("imported", ATTACHMENTS, moved.files);
    if let Err(e) = tx.commit() {
        storage.remove(&written);
        return Err(err("committing the import", e));
    }
    progress.finish();
    if let Ok(dir) = File::open(storage_dir(data_dir)) {
        let _ = dir.sync_all();
    }
    // A replaced instance takes the export's messenger key, so signed identities keep verifying.
    if !occupied {
        if let Ok(mut key) = zip.by_name(MESSENGER_KEY_FILE) {
            let mut token = String::new();
            key.read_to_string(&mut token).map_err(|e| err(MESSENGER_KEY_FILE, e))?;
            let token = token.trim().to_owned();
            if !token.is_empty() {
                let _ = std::fs::remove_file(data_dir.join(MESSENGER_KEY_FILE));
                crate::secret::messenger_key(data_dir, || Some(token)).map_err(|e| err(MESSENGER_KEY_FILE, e))?;
            }
        }
    }
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(|e| err("checkpoint", e))?;
    Ok(moved)
}

fn storage_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(ATTACHMENTS)
}

/// Inserts an archive's rows, remapping ids on a merge.
struct Importer<'a> {
    tx: &'a Connection,
    merge: bool,
    /// Per table: the archive's id → the target's.
    maps: HashMap<&'static str, HashMap<i64, i64>>,
    /// Per table: the archive's ids of rows the target already had.
    matched: HashMap<&'static str, HashSet<i64>>,
    /// The archive's ids of fields whose values hold option ids.
    option_fields: HashSet<i64>,
}

impl Importer<'_> {
    /// Imports a table's rows: how many were written, and how many the target already had.
    fn table(&mut self, t: &'static Table, reader: impl BufRead, progress: &Progress) -> Result<(u64, u64), String> {
        let columns: Vec<String> = {
            let mut stmt = self.tx.prepare(&format!("PRAGMA table_info({})", t.name)).map_err(|e| err(t.name, e))?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(1)).map_err(|e| err(t.name, e))?;
            rows.collect::<Result<_, _>>().map_err(|e| err(t.name, e))?
        };
        let (mut count, mut kept) = (0u64, 0u64);
        for (n, line) in reader.lines().enumerate() {
            let line = line.map_err(|e| err(format!("{} line {}", t.name, n + 1), e))?;
            if line.trim().is_empty() {
                continue;
            }
            let Value::Object(mut row) =
                serde_json::from_str(&line).map_err(|e| err(format!("{} line {}", t.name, n + 1), e))?
            else {
                return Err(format!("{} line {}: not an object", t.name, n + 1));
            };
            if let Some(unknown) = row.keys().find(|k| !columns.contains(k)) {
                return Err(format!("{} line {}: this Parley has no column {unknown}", t.name, n + 1));
            }
            if self.row(t, &mut row).map_err(|e| format!("{} line {}: {e}", t.name, n + 1))? {
                count += 1;
            } else {
                kept += 1;
            }
            progress.step();
        }
        Ok((count, kept))
    }

    /// Imports one row; `false` when the target already had it.
    fn row(&mut self, t: &'static Table, row: &mut Map<String, Value>) -> Result<bool, String> {
        if t.name == "conversation_fields"
            && ["CHECKBOX", "RADIO", "SELECT", "CASCADINGSELECT"].contains(&row["type"].as_str().unwrap_or_default())
        {
            self.option_fields.insert(row["id"].as_i64().unwrap_or_default());
        }
        if !self.merge {
            return self.insert(t.name, row, "").map(|added| added.is_some());
        }
        // A translation of something the target already had stays the target's.
        if t.name == "locale_fields" {
            for (column, table) in t.refs {
                if let Some(old) = row.get(*column).and_then(Value::as_i64) {
                    if self.matched(table, old) {
                        return Ok(false);
                    }
                }
            }
        }
        if t.name == "field_values" {
            self.remap_option_values(row);
        }
        for (column, table) in t.refs {
            if let Some(old) = row.get(*column).and_then(Value::as_i64) {
                let new = self.maps.get(table).and_then(|m| m.get(&old)).copied();
                row.insert((*column).to_owned(), new.map_or(Value::Null, Value::from));
            }
        }
        if !t.has_id {
            return self.insert(t.name, row, "OR IGNORE").map(|added| added.is_some());
        }
        let old = row.remove("id").and_then(|v| v.as_i64()).ok_or("a row without an id")?;
        let found = if t.key.is_empty() { None } else { self.find(t, row)? };
        let (new, added) = match found {
            Some(id) => {
                self.matched.entry(t.name).or_default().insert(old);
                (id, false)
            }
            None => (self.insert(t.name, row, "")?.ok_or("the row was not written")?, true),
        };
        self.maps.entry(t.name).or_default().insert(old, new);
        Ok(added)
    }

    fn matched(&self, table: &str, old: i64) -> bool {
        self.matched.get(table).is_some_and(|m| m.contains(&old))
    }

    /// Option ids inside a value of a field with options follow the options.
    fn remap_option_values(&self, row: &mut Map<String, Value>) {
        let field = row.get("field_id").and_then(Value::as_i64).unwrap_or_default();
        if !self.option_fields.contains(&field) {
            return;
        }
        let Some(options) = self.maps.get("field_options") else { return };
        if let Some(Value::String(value)) = row.get("value") {
            let mapped: Vec<String> = value
                .split(',')
                .map(|part| match part.trim().parse::<i64>() {
                    Ok(id) => options.get(&id).map_or_else(|| part.to_owned(), |new| new.to_string()),
                    Err(_) => part.to_owned(),
                })
                .collect();
            row.insert("value".into(), Value::from(mapped.join(",")));
        }
    }

    /// The target's row with the same key columns.
    fn find(&self, t: &Table, row: &Map<String, Value>) -> Result<Option<i64>, String> {
        let cond =
            t.key.iter().enumerate().map(|(i, k)| format!("{k} IS ?{}", i + 1)).collect::<Vec<_>>().join(" AND ");
        let values: Vec<Sql> = t.key.iter().map(|k| to_sql(row.get(*k).unwrap_or(&Value::Null))).collect();
        self.tx
            .query_row(&format!("SELECT id FROM {} WHERE {cond} LIMIT 1", t.name), params_from_iter(values), |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| e.to_string())
    }

    /// Inserts a row; its rowid, or `None` when `OR IGNORE` left it out.
    fn insert(&self, table: &str, row: &Map<String, Value>, or: &str) -> Result<Option<i64>, String> {
        let columns: Vec<&String> = row.keys().collect();
        let marks = (1..=columns.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
        let names = columns.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ");
        let sql = format!("INSERT {or} INTO {table} ({names}) VALUES ({marks})");
        let changed = self
            .tx
            .prepare_cached(&sql)
            .and_then(|mut s| s.execute(params_from_iter(row.values().map(to_sql))))
            .map_err(|e| e.to_string())?;
        Ok((changed > 0).then(|| self.tx.last_insert_rowid()))
    }
}
