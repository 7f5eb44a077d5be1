//! `parley backup FILE` and `parley restore FILE`: the whole instance (the
//! database, every attachment a row names, the messenger key) as one zip.
//!
//! A backup may be taken while the server runs under load: the database is
//! copied with SQLite's backup API in one step, that is inside one read
//! transaction, so the copy is one consistent moment; attachments are
//! immutable once a row names them, so the files that snapshot names are
//! copied afterwards. (An unattached upload the hourly sweep removes in
//! between loses its row in the copy too.) The archive is written beside its
//! destination and renamed into place once complete and synced.
//!
//! A restore goes into an empty data directory only, and is checked before
//! it is moved into place: the manifest, `integrity_check`, the schema
//! version, and a file for every row.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::json;

use super::archive::{check_room, declared_only, err, open_archive, Opened, MANIFEST};
use crate::config::Durability;
use crate::db::migrate;
use crate::db::offline::{self, Offline};
use crate::secret::MESSENGER_KEY_FILE;

/// The archive format this binary writes and reads.
const FORMAT: i64 = 1;
const DATABASE: &str = "parley.db";
const ATTACHMENTS: &str = "attachments";

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Conversations in the snapshot.
    pub conversations: i64,
    /// Messages in the snapshot.
    pub messages: i64,
    /// Attachment files (originals and thumbnails).
    pub files: usize,
    /// Bytes of attachment files.
    pub file_bytes: u64,
}

/// Writes a backup of the instance in `data_dir` to `file`.
pub fn create(data_dir: &Path, file: &Path) -> Result<Summary, String> {
    let source_path = data_dir.join(DATABASE);
    if !source_path.is_file() {
        return Err(format!("{} holds no database", data_dir.display()));
    }
    let work = tempfile::Builder::new()
        .prefix(".parley-backup-")
        .tempdir_in(file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")))
        .map_err(|e| err("creating a work directory beside the backup", e))?;
    let snapshot = work.path().join(DATABASE);
    offline::copy_online(&source_path, &snapshot).map_err(|e| err("copying the database", e))?;
    let copy = Offline::open(&snapshot, Durability::Full).map_err(|e| err(snapshot.display(), e))?;
    copy.rollback_journal().map_err(|e| err("the copy's journal", e))?;
    let attachments = data_dir.join(ATTACHMENTS);
    let (names, (conversations, messages)) = copy.transaction(|conn| {
        let mut names = BTreeSet::new();
        for (name, attached) in offline::stored_names(conn).map_err(|e| err("listing attachments", e))? {
            if attachments.join(&name).is_file() {
                names.insert(name);
            } else if attached {
                return Err(format!(
                    "attachment {name} is named by a message but missing from {}",
                    attachments.display()
                ));
            } else {
                // An unattached upload swept since the snapshot: it goes from the copy too.
                offline::forget_file(conn, &name).map_err(|e| err("the copy", e))?;
            }
        }
        Ok((names, offline::totals(conn).map_err(|e| err("counting", e))?))
    })?;
    let mut summary = Summary { conversations, messages, files: names.len(), file_bytes: 0 };
    let schema = copy.schema_version().map_err(|e| err("the schema version", e))?;
    drop(copy);

    let part = PathBuf::from(format!("{}.part", file.display()));
    let out = super::archive::create_private(&part).map_err(|e| err(part.display(), e))?;
    let mut zip = zip::ZipWriter::new(out);
    let stored =
        || zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored).large_file(true);
    let add = |zip: &mut zip::ZipWriter<File>, name: &str, path: &Path| -> Result<u64, String> {
        zip.start_file(name, stored()).map_err(|e| err(name, e))?;
        let mut f = File::open(path).map_err(|e| err(path.display(), e))?;
        io::copy(&mut f, zip).map_err(|e| err(path.display(), e))
    };
    add(&mut zip, DATABASE, &snapshot)?;
    let key = data_dir.join(MESSENGER_KEY_FILE);
    let has_key = key.is_file();
    if has_key {
        add(&mut zip, MESSENGER_KEY_FILE, &key)?;
    }
    for name in &names {
        summary.file_bytes += add(&mut zip, &format!("{ATTACHMENTS}/{name}"), &attachments.join(name))?;
    }
    let manifest = json!({
        "format": FORMAT,
        "parley_version": env!("CARGO_PKG_VERSION"),
        "schema_version": schema,
        "created_at": crate::db::now(),
        "messenger_key": has_key,
        "conversations": summary.conversations,
        "messages": summary.messages,
        "files": summary.files,
        "file_bytes": summary.file_bytes,
    });
    zip.start_file(MANIFEST, stored()).map_err(|e| err(MANIFEST, e))?;
    zip.write_all(manifest.to_string().as_bytes()).map_err(|e| err(MANIFEST, e))?;
    let out = zip.finish().map_err(|e| err("finishing the archive", e))?;
    out.sync_all().map_err(|e| err(part.display(), e))?;
    drop(out);
    std::fs::rename(&part, file).map_err(|e| err(file.display(), e))?;
    if let Some(dir) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        File::open(dir).and_then(|d| d.sync_all()).map_err(|e| err(dir.display(), e))?;
    }
    Ok(summary)
}

/// Restores the backup `file` into `data_dir`, which must hold no database.
pub fn restore(file: &Path, data_dir: &Path) -> Result<Summary, String> {
    if data_dir.join(DATABASE).exists() || data_dir.join(ATTACHMENTS).read_dir().is_ok_and(|mut d| d.next().is_some()) {
        return Err(format!(
            "{} already holds an instance; restore into an empty data directory (stop the server and move the old one aside first)",
            data_dir.display()
        ));
    }
    let Opened { mut zip, manifest, declared } = open_archive(file, "backup")?;
    if manifest["format"].as_i64() != Some(FORMAT) {
        return Err(format!("backup format {} is not one this Parley reads ({FORMAT})", manifest["format"]));
    }
    if zip.by_name(DATABASE).is_err() {
        return Err(format!("{} is not a whole Parley backup: it has no {DATABASE}", file.display()));
    }
    check_room(data_dir, declared)?;
    std::fs::create_dir_all(data_dir).map_err(|e| err(data_dir.display(), e))?;
    let work = tempfile::Builder::new()
        .prefix(".parley-restore-")
        .tempdir_in(data_dir)
        .map_err(|e| err("creating a work directory", e))?;
    std::fs::create_dir(work.path().join(ATTACHMENTS)).map_err(|e| err("attachments", e))?;
    let mut files = 0usize;
    let mut file_bytes = 0u64;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| err("reading the archive", e))?;
        let name = entry.name().to_owned();
        let target = match name.as_str() {
            DATABASE | MESSENGER_KEY_FILE => work.path().join(&name),
            MANIFEST => continue,
            other => match other.strip_prefix("attachments/") {
                // Only names the server itself generates; nothing can climb out of the directory.
                Some(stored) if crate::storage::generated_name(stored) => {
                    files += 1;
                    file_bytes += entry.size();
                    work.path().join(ATTACHMENTS).join(stored)
                }
                _ => return Err(format!("unexpected entry {other:?} in the backup")),
            },
        };
        let mut out = super::archive::create_private(&target).map_err(|e| err(target.display(), e))?;
        io::copy(&mut declared_only(entry), &mut out).map_err(|e| err(target.display(), e))?;
        out.sync_all().map_err(|e| err(target.display(), e))?;
    }
    let db_path = work.path().join(DATABASE);
    let (conversations, messages) = {
        let db = Offline::open(&db_path, Durability::Full).map_err(|e| err("the restored database", e))?;
        let check = db.integrity_check().map_err(|e| err("integrity_check", e))?;
        if check != "ok" {
            return Err(format!("the backup's database is damaged: {check}"));
        }
        let version = db.schema_version().map_err(|e| err("version", e))?;
        if version > migrate::VERSION {
            return Err(format!(
                "the backup has schema version {version}, newer than this binary's {}",
                migrate::VERSION
            ));
        }
        db.snapshot(|conn| {
            for (name, _) in offline::stored_names(conn).map_err(|e| err("listing attachments", e))? {
                if !work.path().join(ATTACHMENTS).join(&name).is_file() {
                    return Err(format!("the backup lacks attachment {name}"));
                }
            }
            offline::totals(conn).map_err(|e| err("counting", e))
        })?
    };
    // Into place: attachments first, the database last (a database is what makes a directory an instance).
    let attachments = data_dir.join(ATTACHMENTS);
    if attachments.exists() {
        std::fs::remove_dir(&attachments).map_err(|e| err(attachments.display(), e))?;
    }
    std::fs::rename(work.path().join(ATTACHMENTS), &attachments).map_err(|e| err(attachments.display(), e))?;
    let key = work.path().join(MESSENGER_KEY_FILE);
    if key.is_file() {
        std::fs::rename(&key, data_dir.join(MESSENGER_KEY_FILE)).map_err(|e| err("messenger key", e))?;
        set_owner_only(&data_dir.join(MESSENGER_KEY_FILE))?;
    }
    std::fs::rename(&db_path, data_dir.join(DATABASE)).map_err(|e| err("the database", e))?;
    File::open(data_dir).and_then(|d| d.sync_all()).map_err(|e| err(data_dir.display(), e))?;
    Ok(Summary { conversations, messages, files, file_bytes })
}

fn set_owner_only(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(|e| err(path.display(), e))
}
