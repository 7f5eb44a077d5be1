//! Uploaded files, their thumbnails, and which message they are attached to.

use std::collections::HashSet;

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension, Row};

use super::IdsIn;
use crate::db::{Conn, Error};
use crate::storage::StoredFile;

/// A row of `files` with its thumbnails.
#[derive(Debug, Clone)]
pub struct FileRow {
    /// Id.
    pub id: i64,
    /// Name in the attachments directory.
    pub storage_name: String,
    /// Client's file name (metadata).
    pub name: String,
    /// Bytes.
    pub size: i64,
    /// Sniffed MIME type.
    pub mime: String,
    /// Pixels.
    pub width: i64,
    /// Pixels.
    pub height: i64,
    /// Inline content id.
    pub content_id: Option<String>,
    /// Alternative text.
    pub alt: Option<String>,
    /// Uploading user.
    pub uploader_id: Option<i64>,
    /// Uploading device.
    pub uploader_fingerprint: Option<String>,
    /// The message it is attached to.
    pub message_id: Option<i64>,
    /// The note it is attached to.
    pub note_id: Option<i64>,
    /// Unix seconds.
    pub created_at: i64,
    /// Its thumbnails.
    pub thumbnails: Vec<Thumbnail>,
}

/// A row of `thumbnails`.
#[derive(Debug, Clone)]
pub struct Thumbnail {
    /// Id.
    pub id: i64,
    /// Name in the attachments directory.
    pub storage_name: String,
    /// Bytes.
    pub size: i64,
    /// Pixels.
    pub width: i64,
    /// Pixels.
    pub height: i64,
    /// MIME type.
    pub mime: String,
    /// Unix seconds.
    pub created_at: i64,
}

const COLUMNS: &str = "id, storage_name, name, size, type, width, height, content_id, alt, uploader_id, \
    uploader_fingerprint, message_id, created_at, note_id";

fn from_row(r: &Row) -> rusqlite::Result<FileRow> {
    Ok(FileRow {
        id: r.get(0)?,
        storage_name: r.get(1)?,
        name: r.get(2)?,
        size: r.get(3)?,
        mime: r.get(4)?,
        width: r.get(5)?,
        height: r.get(6)?,
        content_id: r.get(7)?,
        alt: r.get(8)?,
        uploader_id: r.get(9)?,
        uploader_fingerprint: r.get(10)?,
        message_id: r.get(11)?,
        created_at: r.get(12)?,
        note_id: r.get(13)?,
        thumbnails: Vec::new(),
    })
}

fn with_thumbnails(conn: &Conn, mut f: FileRow) -> Result<FileRow, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, storage_name, size, width, height, type, created_at FROM thumbnails WHERE file_id = ?1 ORDER BY id",
    )?;
    f.thumbnails = stmt
        .query_map([f.id], |r| {
            Ok(Thumbnail {
                id: r.get(0)?,
                storage_name: r.get(1)?,
                size: r.get(2)?,
                width: r.get(3)?,
                height: r.get(4)?,
                mime: r.get(5)?,
                created_at: r.get(6)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(f)
}

/// Who uploads or attaches: a user, a device, or both.
#[derive(Debug, Clone, Default)]
pub struct Uploader {
    /// The acting user.
    pub user_id: Option<i64>,
    /// The device, for fingerprint callers.
    pub fingerprint: Option<String>,
    /// The client's address as limits count it, for uploads not yet attached.
    pub address: Option<String>,
}

/// Inserts a stored file (and its thumbnails), optionally attached to a message.
pub fn insert(
    conn: &Conn,
    stored: &StoredFile,
    uploader: &Uploader,
    message_id: Option<i64>,
    now: i64,
) -> Result<i64, Error> {
    conn.prepare_cached(
        "INSERT INTO files (uuid, storage_name, name, size, type, width, height, uploader_id, uploader_fingerprint,
             message_id, created_at, uploader_address)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        uuid::Uuid::new_v4().to_string(),
        stored.storage_name,
        stored.name,
        stored.size,
        stored.mime,
        stored.width,
        stored.height,
        uploader.user_id,
        uploader.fingerprint,
        message_id,
        now,
        uploader.address
    ])?;
    let id = conn.last_insert_rowid();
    for t in &stored.thumbnails {
        conn.prepare_cached(
            "INSERT INTO thumbnails (file_id, storage_name, size, width, height, type, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![id, t.storage_name, t.size, t.width, t.height, t.mime, now])?;
    }
    Ok(id)
}

/// One file by id.
pub fn get(conn: &Conn, id: i64) -> Result<Option<FileRow>, Error> {
    let f = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM files WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?;
    f.map(|f| with_thumbnails(conn, f)).transpose()
}

/// The files attached to a message, in upload order.
pub fn of_message(conn: &Conn, message_id: i64) -> Result<Vec<FileRow>, Error> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM files WHERE message_id = ?1 ORDER BY id"))?;
    let rows: Vec<FileRow> = stmt.query_map([message_id], from_row)?.collect::<Result<_, _>>()?;
    rows.into_iter().map(|f| with_thumbnails(conn, f)).collect()
}

/// The files attached to each of the messages in `ids` (see
/// [`IdsIn`]) that have any, with their thumbnails: two queries,
/// whatever the number of messages.
pub fn of_messages(conn: &Conn, ids: &IdsIn) -> Result<HashMap<i64, Vec<FileRow>>, Error> {
    of_holders(conn, Holder::Message(0), ids)
}

/// The files attached to each of the notes in `ids`, like [`of_messages`].
pub fn of_notes(conn: &Conn, ids: &IdsIn) -> Result<HashMap<i64, Vec<FileRow>>, Error> {
    of_holders(conn, Holder::Note(0), ids)
}

fn of_holders(conn: &Conn, kind: Holder, ids: &IdsIn) -> Result<HashMap<i64, Vec<FileRow>>, Error> {
    let column = kind.column();
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM files WHERE {column} {} ORDER BY id", ids.sql(1)))?;
    let files: Vec<FileRow> = stmt.query_map([ids.value()], from_row)?.collect::<Result<_, _>>()?;
    if files.is_empty() {
        return Ok(HashMap::new());
    }
    let file_ids = IdsIn::of(files.iter().map(|f| f.id));
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT file_id, id, storage_name, size, width, height, type, created_at FROM thumbnails
         WHERE file_id {} ORDER BY id",
        file_ids.sql(1)
    ))?;
    let mut thumbnails: HashMap<i64, Vec<Thumbnail>> = HashMap::new();
    let mut rows = stmt.query([file_ids.value()])?;
    while let Some(r) = rows.next()? {
        thumbnails.entry(r.get(0)?).or_default().push(Thumbnail {
            id: r.get(1)?,
            storage_name: r.get(2)?,
            size: r.get(3)?,
            width: r.get(4)?,
            height: r.get(5)?,
            mime: r.get(6)?,
            created_at: r.get(7)?,
        });
    }
    let mut out: HashMap<i64, Vec<FileRow>> = HashMap::new();
    for mut f in files {
        f.thumbnails = thumbnails.remove(&f.id).unwrap_or_default();
        let holder = match kind {
            Holder::Message(_) => f.message_id,
            Holder::Note(_) => f.note_id,
        };
        if let Some(holder) = holder {
            out.entry(holder).or_default().push(f);
        }
    }
    Ok(out)
}

/// What a file is attached to.
#[derive(Debug, Clone, Copy)]
pub enum Holder {
    /// A message, by id.
    Message(i64),
    /// A note, by id.
    Note(i64),
}

impl Holder {
    fn column(self) -> &'static str {
        match self {
            Holder::Message(_) => "message_id",
            Holder::Note(_) => "note_id",
        }
    }

    fn id(self) -> i64 {
        match self {
            Holder::Message(id) | Holder::Note(id) => id,
        }
    }
}

/// Attaches a not yet attached file that `uploader` uploaded; `false` when
/// there is no such file (absent, attached already, or someone else's).
pub fn attach(conn: &Conn, file_id: i64, holder: Holder, uploader: &Uploader) -> Result<bool, Error> {
    let n = conn
        .prepare_cached(&format!(
            "UPDATE files SET {} = ?2
             WHERE id = ?1 AND message_id IS NULL AND note_id IS NULL
               AND (CASE WHEN ?4 IS NOT NULL THEN uploader_fingerprint = ?4
                         ELSE uploader_fingerprint IS NULL AND uploader_id = ?3 END)",
            holder.column()
        ))?
        .execute(params![file_id, holder.id(), uploader.user_id, uploader.fingerprint])?;
    Ok(n == 1)
}

/// Bytes of uploads waiting to be attached: from `address`, and in all.
pub fn unattached_bytes(conn: &Conn, address: &str) -> Result<(u64, u64), Error> {
    let (mine, all): (i64, i64) = conn
        .prepare_cached(
            "SELECT COALESCE(SUM(CASE WHEN uploader_address = ?1 THEN size END), 0), COALESCE(SUM(size), 0)
             FROM files WHERE message_id IS NULL AND note_id IS NULL",
        )?
        .query_row([address], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok((mine.max(0) as u64, all.max(0) as u64))
}

/// Deletes unattached uploads created before `cutoff`; returns the storage
/// names (files and thumbnails) that no longer have a row.
pub fn delete_unattached_before(conn: &Conn, cutoff: i64) -> Result<Vec<String>, Error> {
    let mut names: Vec<String> = conn
        .prepare_cached(
            "SELECT t.storage_name FROM thumbnails t JOIN files f ON f.id = t.file_id
             WHERE f.message_id IS NULL AND f.note_id IS NULL AND f.created_at < ?1",
        )?
        .query_map([cutoff], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let files: Vec<String> = conn
        .prepare_cached(
            "SELECT storage_name FROM files WHERE message_id IS NULL AND note_id IS NULL AND created_at < ?1",
        )?
        .query_map([cutoff], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    names.extend(files);
    conn.prepare_cached("DELETE FROM files WHERE message_id IS NULL AND note_id IS NULL AND created_at < ?1")?
        .execute([cutoff])?;
    Ok(names)
}

/// Every storage name a row refers to.
pub fn referenced_names(conn: &Conn) -> Result<HashSet<String>, Error> {
    let mut names = HashSet::new();
    for sql in ["SELECT storage_name FROM files", "SELECT storage_name FROM thumbnails"] {
        let mut stmt = conn.prepare(sql)?;
        for name in stmt.query_map([], |r| r.get::<_, String>(0))? {
            names.insert(name?);
        }
    }
    Ok(names)
}

/// Bytes of every stored file and thumbnail.
pub fn total_bytes(conn: &Conn) -> Result<i64, Error> {
    Ok(conn.query_row(
        "SELECT (SELECT COALESCE(SUM(size), 0) FROM files) + (SELECT COALESCE(SUM(size), 0) FROM thumbnails)",
        [],
        |r| r.get(0),
    )?)
}

/// Sets the `Content-ID` a mail's HTML refers to a file by.
pub fn set_content_id(conn: &Conn, file_id: i64, content_id: &str) -> Result<(), Error> {
    conn.prepare_cached("UPDATE files SET content_id = ?2 WHERE id = ?1")?.execute(params![file_id, content_id])?;
    Ok(())
}
