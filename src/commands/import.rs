//! `parley import FILE`: an export (see [`super::export`]) into an instance.
//!
//! An import writes in one transaction with the server stopped (it takes the
//! data directory's lock, which servers hold shared while they run): into an
//! instance with no users and no conversations it replaces everything and
//! reproduces every row as it was, ids included; into one with data only when
//! told to merge (`--merge`), when what both hold (users by email, teams and
//! forms by title, fields by key, statuses by label and type, conversations
//! and messages by UUID, ...) is kept as the target has it, everything else
//! is added under new ids, and every reference (including option ids inside
//! field values) follows.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::archive::{check_room, declared_only, err, open_archive, Moved, Opened, Progress};
use super::export::{ATTACHMENTS, FORMAT};
use crate::config::Durability;
use crate::db::offline::{self, Offline};
use crate::db::transfer::{self, Table, TABLES};
use crate::db::{migrate, Conn, Db};
use crate::secret::MESSENGER_KEY_FILE;
use crate::storage::Storage;

/// An archive being read.
type Archive = zip::ZipArchive<File>;

/// The longest row an archive may hold: far above any row Parley writes
/// (a message's text is bounded well below it), and what bounds an
/// import's memory.
const MAX_LINE: usize = 16 << 20;

/// The tables without which an instance cannot work: every export has rows in them.
const REQUIRED: &[&str] = &["roles", "case_statuses", "case_priorities", "case_types"];

/// The tables that grant access (a device, a membership) to what they
/// refer to, with the references that, pointing at a row the target
/// already had, leave the row out of a merge: a merge plants no credential
/// on the target's own users, teams and conversations.
const GRANTS: &[(&str, &[&str])] = &[
    ("fingerprints", &["users"]),
    ("team_members", &["users", "teams"]),
    ("conversation_devices", &["conversations"]),
    ("participants", &["conversations"]),
    // A translation of something the target already had stays the target's.
    ("locale_fields", &["conversation_fields", "forms", "field_options"]),
];

/// Imports the archive `file` into the instance in `data_dir` (created when
/// there is none). An instance holding users or conversations is refused
/// unless `merge`.
pub fn import(file: &Path, data_dir: &Path, merge: bool) -> Result<Moved, String> {
    let Opened { mut zip, manifest, declared } = open_archive(file, "export")?;
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
    for name in REQUIRED {
        let entry = format!("tables/{name}.jsonl");
        if zip.by_name(&entry).map_or(true, |e| e.size() == 0) {
            return Err(format!("{} is not a whole Parley export: it has no {name}", file.display()));
        }
    }
    check_room(data_dir, declared)?;
    std::fs::create_dir_all(data_dir).map_err(|e| err(data_dir.display(), e))?;
    // Held until the import is done: no server may start on it meanwhile.
    let _lock = crate::state::lock_data_dir(data_dir, true)
        .map_err(|e| err(data_dir.join(crate::state::LOCK_FILE).display(), e))?
        .ok_or_else(|| format!("a server is running on {}: stop it before importing", data_dir.display()))?;
    let db_path = data_dir.join("parley.db");
    let fresh = !db_path.exists();
    let result = into(&mut zip, &manifest, data_dir, &db_path, merge);
    if result.is_err() && fresh {
        // A failed import into nothing leaves nothing: no empty instance.
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(data_dir.join(format!("parley.db{suffix}")));
        }
    }
    result
}

/// Imports the opened archive into `db_path` (created when missing), with the data directory locked.
fn into(zip: &mut Archive, manifest: &Value, data_dir: &Path, db_path: &Path, merge: bool) -> Result<Moved, String> {
    // Create or migrate the instance the way the server would.
    drop(Db::open(db_path, false).map_err(|e| err(db_path.display(), e))?);
    let storage = Storage::open(data_dir.join(ATTACHMENTS)).map_err(|e| err("attachments", e))?;
    let db = Offline::open(db_path, Durability::Full).map_err(|e| err(db_path.display(), e))?;
    db.cache_kib(128 * 1024).map_err(|e| err("opening", e))?;
    let occupied = db.snapshot(transfer::occupied).map_err(|e| err("checking the instance", e))?;
    if occupied && !merge {
        return Err(format!(
            "{} already holds users or conversations: import into an empty instance, or add --merge to add the export to it",
            data_dir.display()
        ));
    }
    let total = manifest["rows"].as_object().map_or(0, |m| m.values().filter_map(Value::as_u64).sum::<u64>())
        + manifest["files"].as_u64().unwrap_or(0);
    let progress = Progress::new(if occupied { "merging" } else { "importing" }, total);
    let mut written = Vec::new();
    let result = db.transaction(|tx| {
        let moved = rows(tx, zip, occupied, &progress)?;
        copy_files(tx, zip, &storage, &mut written, &progress).map(|files| Moved { files, ..moved })
    });
    let moved = match result {
        Ok(moved) => moved,
        Err(e) => {
            // Nothing of the rows was kept: neither are the files they named.
            storage.remove(&written);
            return Err(e);
        }
    };
    progress.finish();
    if let Ok(dir) = File::open(storage_dir(data_dir)) {
        let _ = dir.sync_all();
    }
    // A replaced instance takes the export's messenger key, so signed identities keep verifying.
    if !occupied {
        if let Ok(key) = zip.by_name(MESSENGER_KEY_FILE) {
            let mut token = String::new();
            declared_only(key).take(4096).read_to_string(&mut token).map_err(|e| err(MESSENGER_KEY_FILE, e))?;
            let token = token.trim().to_owned();
            if !token.is_empty() {
                let _ = std::fs::remove_file(data_dir.join(MESSENGER_KEY_FILE));
                crate::secret::messenger_key(data_dir, || Some(token)).map_err(|e| err(MESSENGER_KEY_FILE, e))?;
            }
        }
    }
    db.checkpoint().map_err(|e| err("checkpoint", e))?;
    Ok(moved)
}

/// Writes every table's rows from the archive, inside the import's
/// transaction: over what an empty instance had, or merged into what it holds.
fn rows(tx: &Conn, zip: &mut Archive, merge: bool, progress: &Progress) -> Result<Moved, String> {
    let mut importer =
        Importer { tx, merge, maps: HashMap::new(), matched: HashMap::new(), option_fields: HashSet::new() };
    if !merge {
        // Replace: the new instance's own rows (roles, statuses, settings, ...) give way.
        transfer::clear(tx).map_err(|e| err("emptying the instance", e))?;
    }
    let mut moved = Moved::default();
    for t in TABLES {
        progress.table(t.name);
        let entry = format!("tables/{}.jsonl", t.name);
        let (count, kept) = match zip.by_name(&entry) {
            Ok(reader) => importer.table(t, BufReader::new(declared_only(reader)), progress)?,
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
    if !merge {
        for name in REQUIRED {
            let t = transfer::table(name).ok_or("an unknown table")?;
            if transfer::count(tx, t).map_err(|e| err(name, e))? == 0 {
                return Err(format!("the export has no {name}: an instance cannot work without them"));
            }
        }
    }
    // Message counts are kept by triggers, which counted the inserted messages again.
    transfer::recount_posts(tx).map_err(|e| err("counting messages", e))?;
    Ok(moved)
}

/// Copies from the archive every file a row names, and none other; what it
/// began to write is named in `written` first, so a failure can remove it.
fn copy_files(
    tx: &Conn,
    zip: &mut Archive,
    storage: &Storage,
    written: &mut Vec<String>,
    progress: &Progress,
) -> Result<u64, String> {
    let names = offline::stored_names(tx).map_err(|e| err("listing attachments", e))?;
    let mut files = 0;
    progress.table(ATTACHMENTS);
    for (name, _) in &names {
        let Some(path) = storage.path_of(name) else {
            return Err(format!("the export names attachment {name:?}, which is not a name Parley makes"));
        };
        if path.is_file() {
            continue; // a merge that already has it
        }
        let entry = format!("{ATTACHMENTS}/{name}");
        written.push(name.clone());
        let mut source = declared_only(zip.by_name(&entry).map_err(|e| err(&entry, e))?);
        let mut target = File::create(&path).map_err(|e| err(path.display(), e))?;
        io::copy(&mut source, &mut target).map_err(|e| err(path.display(), e))?;
        target.sync_all().map_err(|e| err(path.display(), e))?;
        files += 1;
        progress.step();
    }
    progress.done("imported", ATTACHMENTS, files);
    Ok(files)
}

/// Inserts an archive's rows, remapping ids on a merge.
struct Importer<'a> {
    tx: &'a Conn<'a>,
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
    fn table(
        &mut self,
        t: &'static Table,
        mut reader: impl BufRead,
        progress: &Progress,
    ) -> Result<(u64, u64), String> {
        let columns = transfer::columns(self.tx, t).map_err(|e| err(t.name, e))?;
        let (mut count, mut kept) = (0u64, 0u64);
        for n in 0.. {
            let Some(line) = next_line(&mut reader).map_err(|e| err(format!("{} line {}", t.name, n + 1), e))? else {
                break;
            };
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
            return self.insert(t, row, false).map(|added| added.is_some());
        }
        if let Some((_, parents)) = GRANTS.iter().find(|(name, _)| *name == t.name) {
            for (column, table) in t.refs {
                if let Some(old) = row.get(*column).and_then(Value::as_i64) {
                    if parents.contains(table) && self.matched(table, old) {
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
        if t.name == "fingerprints" {
            // A device speaks for a customer, never for staff.
            let user = row.get("user_id").and_then(Value::as_i64).unwrap_or_default();
            if !transfer::is_customer(self.tx, user).map_err(|e| e.to_string())? {
                return Ok(false);
            }
        }
        if !t.has_id {
            return self.insert(t, row, true).map(|added| added.is_some());
        }
        let old = row.remove("id").and_then(|v| v.as_i64()).ok_or("a row without an id")?;
        let found = if t.key.is_empty() { None } else { self.find(t, row)? };
        let (new, added) = match found {
            Some(id) => {
                self.matched.entry(t.name).or_default().insert(old);
                (id, false)
            }
            None => (self.insert(t, row, false)?.ok_or("the row was not written")?, true),
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
        transfer::find(self.tx, t, row).map_err(|e| e.to_string())
    }

    /// Inserts a row; its rowid, or `None` when `or_ignore` left it out.
    fn insert(&self, t: &Table, row: &Map<String, Value>, or_ignore: bool) -> Result<Option<i64>, String> {
        transfer::insert(self.tx, t, row, or_ignore).map_err(|e| e.to_string())
    }
}

/// The next line of `reader` without its newline, or `None` at the end; a
/// line over [`MAX_LINE`] is an error, read no further.
fn next_line(reader: &mut impl BufRead) -> io::Result<Option<String>> {
    let mut line = Vec::new();
    let limit = MAX_LINE as u64 + 1;
    if (&mut *reader).take(limit).read_until(b'\n', &mut line)? == 0 {
        return Ok(None);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
    } else if line.len() > MAX_LINE {
        return Err(io::Error::new(io::ErrorKind::InvalidData, format!("a row over {} MiB", MAX_LINE >> 20)));
    }
    String::from_utf8(line).map(Some).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

fn storage_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(ATTACHMENTS)
}
