//! How the database is kept: durability, who checkpoints the WAL, and a
//! standby's primary.

/// A primary's URL: `http(s)://…`, without a trailing slash.
pub(super) fn primary_url(value: &str) -> Result<String, String> {
    let url = value.trim().trim_end_matches('/');
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !url.chars().any(char::is_whitespace) => Ok(url.to_owned()),
        _ => Err(format!("{value:?} is not an http:// or https:// URL")),
    }
}

/// Who checkpoints the WAL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum WalCheckpoints {
    /// Parley: PASSIVE checkpoints after commits, the WAL started over past
    /// 16 MiB, and emptied (`TRUNCATE`) after migrations and at a clean stop.
    #[default]
    Parley,
    /// Another process that holds the WAL (Litestream): Parley's checkpoints
    /// are PASSIVE only; it never truncates the WAL nor starts it over, and
    /// keeping the WAL bounded is that process's work.
    External,
}

/// How hard a commit insists that its bytes reached the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Durability {
    /// `synchronous=FULL`: every commit is flushed to the disk before anyone
    /// is answered; an acknowledged write survives a power loss.
    Full,
    /// `synchronous=NORMAL`: commits reach the operating system, which flushes
    /// them later; an acknowledged write survives a crash of Parley but may
    /// be lost with the machine's power.
    Normal,
}
