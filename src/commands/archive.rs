//! What the archive commands share: opening an archive and reading its
//! manifest, the error text, and progress on a terminal.

use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::path::Path;

use serde_json::Value;

/// The manifest every archive starts with.
pub const MANIFEST: &str = "manifest.json";

/// Creates `path` readable and writable by its owner only (0600), whatever
/// the umask: archives and restored files hold the messenger key and
/// password hashes.
pub fn create_private(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    // An existing file keeps its mode through open: set it.
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    Ok(file)
}

/// `context: e`, the commands' error text.
pub fn err(context: impl std::fmt::Display, e: impl std::fmt::Display) -> String {
    format!("{context}: {e}")
}

/// The most a manifest may hold.
const MAX_MANIFEST: u64 = 1 << 20;
/// An entry that declares more than 1 MiB may expand at most this many
/// times its packed size: Parley's own archives stay far below it (deflated
/// JSON lines are a tenth or so of their text), a deflate bomb is a thousand.
const MAX_EXPANSION: u64 = 256;
/// What an archive may not take of the free space: room for the database's
/// own growth, its journal and the system.
const RESERVE: u64 = 64 << 20;

/// An opened archive, its manifest, and the bytes its entries declare.
pub struct Opened {
    /// The archive.
    pub zip: zip::ZipArchive<File>,
    /// Its manifest.
    pub manifest: Value,
    /// The uncompressed bytes of all its entries, as declared.
    pub declared: u64,
}

/// Opens the archive `file`, checks what it declares (unique entry names,
/// sizes that expand within [`MAX_EXPANSION`]) and reads its manifest;
/// `kind` (a backup, an export) names what it should be in errors. Nothing
/// is written before this has passed.
pub fn open_archive(file: &Path, kind: &str) -> Result<Opened, String> {
    let not = |e: &dyn std::fmt::Display| format!("{} is not a Parley {kind}: {e}", file.display());
    let open = || File::open(file).map_err(|e| err(file.display(), e));
    let mut zip = zip::ZipArchive::new(open()?).map_err(|e| not(&e))?;
    let entries = central_entries(&mut open()?, zip.central_directory_start()).map_err(|e| not(&e))?;
    if entries != zip.len() as u64 {
        return Err(not(&"two entries have the same name"));
    }
    let mut declared = 0u64;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| not(&e))?;
        let expansion = entry.size() / entry.compressed_size().max(1);
        if entry.size() > 1 << 20 && expansion > MAX_EXPANSION {
            return Err(not(&format!(
                "{} expands {expansion} times (from {} to {} bytes)",
                entry.name(),
                entry.compressed_size(),
                entry.size()
            )));
        }
        declared = declared.saturating_add(entry.size());
    }
    let mut text = String::new();
    let manifest =
        zip.by_name(MANIFEST).map_err(|_| format!("{} is not a Parley {kind} (no {MANIFEST})", file.display()))?;
    if manifest.size() > MAX_MANIFEST {
        return Err(not(&format!("its {MANIFEST} has {} bytes", manifest.size())));
    }
    declared_only(manifest).read_to_string(&mut text).map_err(|e| err(MANIFEST, e))?;
    let manifest = serde_json::from_str(&text).map_err(|e| err(MANIFEST, e))?;
    Ok(Opened { zip, manifest, declared })
}

/// The number of entries in the central directory that begins at `start`,
/// duplicates counted (the zip reader keeps one entry per name, the last).
fn central_entries(file: &mut File, start: u64) -> io::Result<u64> {
    use std::io::{Seek, SeekFrom};
    file.seek(SeekFrom::Start(start))?;
    let mut reader = io::BufReader::new(file);
    let mut count = 0u64;
    let mut header = [0u8; 46];
    loop {
        match reader.read_exact(&mut header) {
            Ok(()) if header[..4] == *b"PK\x01\x02" => {}
            // The end of central directory record, or its zip64 form, follows the last entry.
            Ok(()) | Err(_) => return Ok(count),
        }
        let field = |at: usize| u64::from(u16::from_le_bytes([header[at], header[at + 1]]));
        let skip = field(28) + field(30) + field(32);
        io::copy(&mut (&mut reader).take(skip), &mut io::sink())?;
        count += 1;
    }
}

/// Reads an entry refusing, with an error, any byte beyond its declared
/// size: a lying header cannot expand past what was checked.
pub fn declared_only<R: Read>(entry: zip::read::ZipFile<'_, R>) -> Declared<zip::read::ZipFile<'_, R>> {
    let left = entry.size();
    Declared { inner: entry, left }
}

/// An entry read no further than its declared size ([`declared_only`]).
pub struct Declared<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Declared<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            // One byte more than declared is a lie.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::new(io::ErrorKind::InvalidData, "an entry holds more than its declared size")),
            };
        }
        let len = buf.len().min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..len])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// Refuses an archive whose `declared` bytes would not fit in the free
/// space where `dir` is (or will be made), keeping [`RESERVE`].
pub fn check_room(dir: &Path, declared: u64) -> Result<(), String> {
    let dir = dir.ancestors().find(|p| p.is_dir()).unwrap_or(Path::new("."));
    let stat = rustix::fs::statvfs(dir).map_err(|e| err(dir.display(), e))?;
    fits(declared, stat.f_bavail.saturating_mul(stat.f_frsize)).map_err(|e| format!("{}: {e}", dir.display()))
}

/// Whether `declared` bytes fit in `available` with the reserve kept.
fn fits(declared: u64, available: u64) -> Result<(), String> {
    if declared.saturating_add(RESERVE) > available {
        return Err(format!(
            "the archive expands to {} MiB and only {} MiB are free (keeping {} MiB)",
            declared.div_ceil(1 << 20),
            available >> 20,
            RESERVE >> 20
        ));
    }
    Ok(())
}

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
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    /// A bar for `total` rows and files, or a line saying so.
    pub fn new(verb: &str, total: u64) -> Progress {
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

    /// Moving on to `name`.
    pub fn table(&self, name: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(name.to_owned());
        }
    }

    /// One more row or file.
    pub fn step(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// `name` is done, with `count` rows or files.
    pub fn done(&self, verb: &str, name: &str, count: u64) {
        if self.bar.is_none() {
            eprintln!("{verb} {name}: {count}");
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fits;

    #[test]
    fn an_archive_fits_only_with_the_reserve_kept() {
        assert!(fits(0, 64 << 20).is_ok());
        assert!(fits(1, 64 << 20).is_err());
        assert!(fits(1 << 30, (1 << 30) + (64 << 20)).is_ok());
        let refused = fits(u64::MAX, 10 << 30).expect_err("refused");
        assert!(refused.contains("only 10240 MiB are free"), "{refused}");
    }
}
