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

/// Opens the archive `file` and reads its manifest; `kind` (a backup, an
/// export) names what it should be in errors.
pub fn open_archive(file: &Path, kind: &str) -> Result<(zip::ZipArchive<File>, Value), String> {
    let archive = File::open(file).map_err(|e| err(file.display(), e))?;
    let mut zip =
        zip::ZipArchive::new(archive).map_err(|e| err(format!("{} is not a Parley {kind}", file.display()), e))?;
    let mut text = String::new();
    zip.by_name(MANIFEST)
        .map_err(|_| format!("{} is not a Parley {kind} (no {MANIFEST})", file.display()))?
        .read_to_string(&mut text)
        .map_err(|e| err(MANIFEST, e))?;
    let manifest = serde_json::from_str(&text).map_err(|e| err(MANIFEST, e))?;
    Ok((zip, manifest))
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
