//! Attachment files on disk under `<data-dir>/attachments`: no HTTP, no SQL.
//!
//! The write order that keeps disk and database consistent through a crash:
//! chunks go to a `<id>.part` file, which is fsynced and renamed to `<id>`, then
//! the directory is fsynced; only then may the caller commit a row naming the
//! file (and answer 2xx). An [`Upload`] deletes everything it wrote when it is
//! dropped without [`Upload::keep`], so a failed or abandoned request leaves
//! nothing behind; [`Storage::sweep`] removes `.part` files and files no row
//! names, left by a crash. Stored names are generated here, never taken from
//! the client.

use std::collections::HashSet;
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use image::{ImageFormat, ImageReader};
use tokio::io::AsyncWriteExt;

/// Longest side of a generated thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 200;
/// How many leading bytes are kept for sniffing the type.
const SNIFF_BYTES: usize = 1024;
/// Largest decoded image (in bytes of pixels) a thumbnail is made from.
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;
/// Files younger than this are never swept: their row may be about to commit.
const SWEEP_GRACE: Duration = Duration::from_secs(3600);

/// The attachments directory.
#[derive(Debug)]
pub struct Storage {
    dir: PathBuf,
    /// Thumbnails decode whole images; one at a time keeps memory bounded.
    decoding: Mutex<()>,
}

/// A thumbnail written beside its original.
#[derive(Debug, Clone)]
pub struct StoredThumbnail {
    /// File name in the attachments directory.
    pub storage_name: String,
    /// Bytes.
    pub size: i64,
    /// Pixels.
    pub width: i64,
    /// Pixels.
    pub height: i64,
    /// MIME type (always PNG).
    pub mime: String,
}

/// What is known about a durable file.
#[derive(Debug, Clone)]
pub struct StoredFile {
    /// File name in the attachments directory.
    pub storage_name: String,
    /// The client's name, made harmless; metadata only.
    pub name: String,
    /// Bytes.
    pub size: i64,
    /// Sniffed MIME type.
    pub mime: String,
    /// Pixels (0 unless an image).
    pub width: i64,
    /// Pixels (0 unless an image).
    pub height: i64,
    /// Generated thumbnails.
    pub thumbnails: Vec<StoredThumbnail>,
}

/// A file being received or received but not yet committed to the database.
#[derive(Debug)]
pub struct Upload {
    /// The multipart field it came in.
    pub field: String,
    /// The client's file name, made harmless.
    pub name: String,
    /// Bytes received.
    pub size: u64,
    head: Vec<u8>,
    id: String,
    dir: PathBuf,
    file: Option<tokio::fs::File>,
    owned: Vec<PathBuf>,
    kept: bool,
}

impl Storage {
    /// Uses (and creates) `dir`.
    pub fn open(dir: PathBuf) -> io::Result<Storage> {
        std::fs::create_dir_all(&dir)?;
        Ok(Storage { dir, decoding: Mutex::new(()) })
    }

    /// The path of a stored file, if `name` is one this module could have generated.
    pub fn path_of(&self, name: &str) -> Option<PathBuf> {
        generated_name(name).then(|| self.dir.join(name))
    }

    /// Starts receiving a file: creates `<id>.part`.
    pub async fn begin(&self, field: &str, client_name: &str) -> io::Result<Upload> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let part = self.dir.join(format!("{id}.part"));
        let file = tokio::fs::OpenOptions::new().write(true).create_new(true).open(&part).await?;
        Ok(Upload {
            field: field.to_owned(),
            name: safe_name(client_name),
            size: 0,
            head: Vec::new(),
            id,
            dir: self.dir.clone(),
            file: Some(file),
            owned: vec![part],
            kept: false,
        })
    }

    /// Makes a received upload durable (sniff, thumbnail, fsync, rename, fsync
    /// the directory). Blocking: call it off the async executor. The files stay
    /// owned by `upload` until [`Upload::keep`].
    pub fn store(&self, upload: &mut Upload) -> io::Result<StoredFile> {
        let part = self.dir.join(format!("{}.part", upload.id));
        let final_path = self.dir.join(&upload.id);
        let (mime, dims) = sniff(&upload.head, &part);
        let mut thumbnails = Vec::new();
        if let Some((w, h)) = dims {
            match self.thumbnail(&part, &upload.id) {
                Ok(Some(t)) => {
                    upload.owned.push(self.dir.join(&t.storage_name));
                    thumbnails.push(t);
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, width = w, height = h, "no thumbnail for an image upload"),
            }
        }
        std::fs::rename(&part, &final_path)?;
        upload.owned.push(final_path);
        sync_dir(&self.dir)?;
        let (width, height) = dims.unwrap_or((0, 0));
        Ok(StoredFile {
            storage_name: upload.id.clone(),
            name: upload.name.clone(),
            size: upload.size as i64,
            mime: mime.to_owned(),
            width: i64::from(width),
            height: i64::from(height),
            thumbnails,
        })
    }

    /// Writes `<id>.thumb.png` (longest side [`THUMBNAIL_SIDE`]) durably.
    fn thumbnail(&self, source: &Path, id: &str) -> io::Result<Option<StoredThumbnail>> {
        let _one_at_a_time = self.decoding.lock().unwrap_or_else(|e| e.into_inner());
        let mut reader = ImageReader::new(BufReader::new(std::fs::File::open(source)?)).with_guessed_format()?;
        let mut limits = image::Limits::default();
        limits.max_alloc = Some(MAX_DECODE_BYTES);
        reader.limits(limits);
        let Ok(img) = reader.decode() else { return Ok(None) };
        let thumb = if img.width().max(img.height()) > THUMBNAIL_SIDE {
            img.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
        } else {
            img
        };
        let name = format!("{id}.thumb.png");
        let tmp = self.dir.join(format!("{name}.part"));
        let result = (|| {
            let mut out = io::BufWriter::new(std::fs::File::create(&tmp)?);
            thumb.write_to(&mut out, ImageFormat::Png).map_err(io::Error::other)?;
            let file = out.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            let size = file.metadata()?.len();
            std::fs::rename(&tmp, self.dir.join(&name))?;
            Ok(size)
        })();
        let size = match result {
            Ok(size) => size,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        };
        Ok(Some(StoredThumbnail {
            storage_name: name,
            size: size as i64,
            width: i64::from(thumb.width()),
            height: i64::from(thumb.height()),
            mime: "image/png".into(),
        }))
    }

    /// Stores bytes that are already in memory (demo data), as an upload would be.
    pub fn store_bytes(&self, client_name: &str, bytes: &[u8]) -> io::Result<(Upload, StoredFile)> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let part = self.dir.join(format!("{id}.part"));
        std::fs::write(&part, bytes)?;
        std::fs::File::open(&part)?.sync_all()?;
        let mut upload = Upload {
            field: "files".into(),
            name: safe_name(client_name),
            size: bytes.len() as u64,
            head: bytes[..bytes.len().min(SNIFF_BYTES)].to_vec(),
            id,
            dir: self.dir.clone(),
            file: None,
            owned: vec![part],
            kept: false,
        };
        let stored = self.store(&mut upload)?;
        Ok((upload, stored))
    }

    /// Removes `.part` leftovers and files no row names (`referenced`), both
    /// only once older than a grace period. Returns how many were removed.
    pub fn sweep(&self, referenced: &HashSet<String>) -> io::Result<usize> {
        let now = SystemTime::now();
        let mut removed = 0;
        for entry in std::fs::read_dir(&self.dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .map(|t| now.duration_since(t).unwrap_or_default() >= SWEEP_GRACE)
                .unwrap_or(false);
            let unreferenced = name.ends_with(".part") || !referenced.contains(&name);
            if old && unreferenced && entry.file_type().map(|t| t.is_file()).unwrap_or(false) {
                std::fs::remove_file(entry.path())?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Deletes stored files by name (rows already gone).
    pub fn remove(&self, names: &[String]) {
        for name in names {
            if let Some(path) = self.path_of(name) {
                if let Err(e) = std::fs::remove_file(&path) {
                    if e.kind() != io::ErrorKind::NotFound {
                        tracing::warn!(error = %e, file = %path.display(), "could not remove an attachment file");
                    }
                }
            }
        }
    }
}

impl Upload {
    /// Appends a chunk.
    pub async fn write(&mut self, chunk: &[u8]) -> io::Result<()> {
        if self.head.len() < SNIFF_BYTES {
            let take = (SNIFF_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        let file = self.file.as_mut().ok_or_else(|| io::Error::other("upload already finished"))?;
        file.write_all(chunk).await?;
        self.size += chunk.len() as u64;
        Ok(())
    }

    /// Flushes and fsyncs the `.part` file once every chunk is in.
    pub async fn finish(&mut self) -> io::Result<()> {
        if let Some(mut file) = self.file.take() {
            file.flush().await?;
            file.sync_all().await?;
        }
        Ok(())
    }

    /// The rows naming these files are committed: stop owning them.
    pub fn keep(&mut self) {
        self.kept = true;
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if self.kept {
            return;
        }
        drop(self.file.take());
        for path in &self.owned {
            let _ = std::fs::remove_file(path);
        }
        if self.owned.len() > 1 {
            let _ = sync_dir(&self.dir);
        }
    }
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// The MIME type from the content (never from the client), and the
/// dimensions when it is a decodable PNG, JPEG, GIF or WebP image.
fn sniff(head: &[u8], path: &Path) -> (&'static str, Option<(u32, u32)>) {
    if let Ok(format) = image::guess_format(head) {
        let mime = match format {
            ImageFormat::Png => Some("image/png"),
            ImageFormat::Jpeg => Some("image/jpeg"),
            ImageFormat::Gif => Some("image/gif"),
            ImageFormat::WebP => Some("image/webp"),
            _ => None,
        };
        if let Some(mime) = mime {
            let dims = std::fs::File::open(path)
                .ok()
                .and_then(|f| ImageReader::with_format(BufReader::new(f), format).into_dimensions().ok());
            if let Some(dims) = dims {
                return (mime, Some(dims));
            }
            // Claims to be an image but is not one: a plain file.
            return ("application/octet-stream", None);
        }
    }
    if head.starts_with(b"%PDF-") {
        return ("application/pdf", None);
    }
    if head.starts_with(b"PK\x03\x04") {
        return ("application/zip", None);
    }
    let text = match std::str::from_utf8(head) {
        Ok(t) => Some(t),
        // A multi-byte character cut at the end of the sniffed head is fine.
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).ok(),
        Err(_) => None,
    };
    let mime = match text {
        Some(t) if !t.contains('\0') => {
            let lower = t.trim_start_matches('\u{feff}').trim_start().to_ascii_lowercase();
            if lower.contains("<svg") {
                "image/svg+xml"
            } else if lower.starts_with("<!doctype html") || lower.contains("<html") || lower.contains("<script") {
                "text/html"
            } else if lower.starts_with("<?xml") {
                "application/xml"
            } else {
                "text/plain"
            }
        }
        _ => "application/octet-stream",
    };
    (mime, None)
}

/// Whether `name` is a storage name this module generates (32 hex digits,
/// perhaps with `.thumb.png`): never a path, never a client's name.
pub fn generated_name(name: &str) -> bool {
    let id = name.strip_suffix(".thumb.png").unwrap_or(name);
    id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit())
}

/// Types that may be shown inline in a browser; everything else is served as a download.
pub fn inline_safe(mime: &str) -> bool {
    matches!(mime, "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "application/pdf" | "text/plain")
}

/// The client's file name made harmless: only its last path component, no
/// control characters, quotes or backslashes, at most 255 characters.
pub fn safe_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String =
        last.chars().filter(|c| !c.is_control() && *c != '"' && *c != '\'' && *c != '\\').take(255).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_owned();
    if cleaned.is_empty() {
        "file".to_owned()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_names_lose_paths_controls_and_quotes() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\Users\\x\\report.pdf"), "report.pdf");
        assert_eq!(safe_name("a\r\nb\"c'.txt"), "abc.txt");
        assert_eq!(safe_name("nul\0byte.txt"), "nulbyte.txt");
        assert_eq!(safe_name(".."), "file");
        assert_eq!(safe_name(&"x".repeat(10_000)).len(), 255);
        assert_eq!(safe_name("café ☕.png"), "café ☕.png");
    }

    #[test]
    fn only_generated_names_map_to_paths() {
        let s = Storage { dir: PathBuf::from("/tmp/x"), decoding: Mutex::new(()) };
        let id = "0123456789abcdef0123456789abcdef";
        assert!(s.path_of(id).is_some());
        assert!(s.path_of(&format!("{id}.thumb.png")).is_some());
        assert!(s.path_of(&format!("{id}.part")).is_none());
        assert!(s.path_of("../etc").is_none());
        assert!(s.path_of("").is_none());
    }
}
