//! `parley export FILE`: the whole instance as one portable archive, to move
//! it between machines or versions, or to merge it into another instance
//! (`parley import`, in [`super::import`]).
//!
//! Unlike `parley backup` (a copy of the database file), an export holds
//! every table as JSON Lines (`tables/<table>.jsonl`, deflated, one object per row,
//! columns by name), the attachment files (`attachments/<name>`), the
//! messenger key, and `manifest.json` with the row counts. Sessions, request
//! tokens and the realtime log are left out: they are short-lived.
//!
//! The export reads one snapshot (one read transaction), so it is consistent
//! while the server runs.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Map, Value};

use super::archive::{err, Moved, Progress, MANIFEST};
use crate::db::offline::{self, Offline};
use crate::db::transfer::{self, TABLES};
use crate::db::Conn;
use crate::secret::MESSENGER_KEY_FILE;
use crate::storage::Storage;

/// What identifies an export's manifest.
pub const FORMAT: &str = "parley-export";
/// Where the attachment files go in the archive.
pub const ATTACHMENTS: &str = "attachments";

/// Writes the instance in `data_dir` to `file`.
pub fn export(data_dir: &Path, file: &Path) -> Result<Moved, String> {
    let db_path = data_dir.join("parley.db");
    if !db_path.is_file() {
        return Err(format!("{} holds no Parley database: is --data-dir right?", data_dir.display()));
    }
    let db = Offline::open_read_only(&db_path, Duration::from_secs(30)).map_err(|e| err(db_path.display(), e))?;
    let schema = db.schema_version().map_err(|e| err("schema", e))?;
    // One read transaction: every table from the same moment.
    db.snapshot(|conn| write(conn, data_dir, file, schema))
}

/// The export itself, inside the snapshot.
fn write(conn: &Conn, data_dir: &Path, file: &Path, schema: i64) -> Result<Moved, String> {
    let mut counts = Map::new();
    let mut total = 0u64;
    for t in TABLES {
        let n = transfer::count(conn, t).map_err(|e| err(t.name, e))?;
        counts.insert(t.name.to_owned(), json!(n));
        total += n;
    }
    let names: Vec<String> = offline::stored_names(conn)
        .map_err(|e| err("listing attachments", e))?
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    let storage = Storage::open(data_dir.join(ATTACHMENTS)).map_err(|e| err("attachments", e))?;
    let progress = Progress::new("exporting", total + names.len() as u64);

    let part = PathBuf::from(format!("{}.part", file.display()));
    let out = super::archive::create_private(&part).map_err(|e| err(part.display(), e))?;
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
        let mut count = 0u64;
        // Rows go to the compressor in large writes: many small ones cost it dearly.
        let mut buffer = Vec::with_capacity(1 << 17);
        transfer::rows(conn, t, |object| -> Result<(), String> {
            serde_json::to_writer(&mut buffer, &Value::Object(object)).map_err(|e| err(&entry, e))?;
            buffer.push(b'\n');
            if buffer.len() >= 1 << 16 {
                zip.write_all(&buffer).map_err(|e| err(&entry, e))?;
                buffer.clear();
            }
            count += 1;
            progress.step();
            Ok(())
        })
        .map_err(|e| err(t.name, e))?;
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
    let out = zip.finish().map_err(|e| err("finishing the archive", e))?;
    let out = out.into_inner().map_err(|e| err("writing the archive", e.error()))?;
    out.sync_all().map_err(|e| err(part.display(), e))?;
    std::fs::rename(&part, file).map_err(|e| err(file.display(), e))?;
    Ok(moved)
}
