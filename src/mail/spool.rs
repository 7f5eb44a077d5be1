//! The spool: where `parley mail ingest` leaves mail for the server (an
//! MTA's pipe delivery works whether the server runs or not), and the drain
//! that takes it from there. A mail is written `.part` → fsync → rename, so
//! the drain never reads half of one; it is removed once its import
//! committed (a crash in between imports it again, which its Message-ID
//! makes a duplicate). Mail the pipeline refuses moves to `refused/`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::ingest::{Door, Pipeline, Refused};

/// The spool directory of a data directory.
pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("mail").join("spool")
}

/// Leaves a mail in the spool; returns its path.
pub fn put(data_dir: &Path, raw: &[u8]) -> std::io::Result<PathBuf> {
    let dir = dir(data_dir);
    std::fs::create_dir_all(&dir)?;
    let name = format!("{}-{}", chrono::Utc::now().format("%Y%m%dT%H%M%S%.6f"), crate::secret::random_hex(6));
    let part = dir.join(format!("{name}.part"));
    let path = dir.join(format!("{name}.eml"));
    std::fs::write(&part, raw)?;
    std::fs::File::open(&part)?.sync_all()?;
    std::fs::rename(&part, &path)?;
    std::fs::File::open(&dir)?.sync_all()?;
    Ok(path)
}

/// The mail waiting in a spool, oldest first.
fn waiting(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect(),
        Err(_) => Vec::new(),
    };
    paths.sort();
    paths
}

/// Drains the spool until the task is dropped, looking every second.
pub async fn drain(pipeline: Pipeline) {
    let dir = pipeline.mail.spool_dir();
    loop {
        for path in waiting(&dir) {
            take(&pipeline, &dir, &path).await;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn take(pipeline: &Pipeline, dir: &Path, path: &Path) {
    let raw = match tokio::fs::read(path).await {
        Ok(raw) => raw,
        Err(e) => return tracing::warn!(path = %path.display(), error = %e, "reading spooled mail failed"),
    };
    match pipeline.ingest(raw, Door::Pipe, Vec::new()).await {
        Ok(outcome) => {
            tracing::info!(?outcome, "spooled mail taken");
            let _ = tokio::fs::remove_file(path).await;
        }
        Err(Refused::Invalid(why)) => {
            tracing::warn!(path = %path.display(), %why, "spooled mail refused; kept in mail/spool/refused/");
            let refused = dir.join("refused");
            let _ = tokio::fs::create_dir_all(&refused).await;
            if let Some(name) = path.file_name() {
                let _ = tokio::fs::rename(path, refused.join(name)).await;
            }
        }
        Err(Refused::Failed(why)) => {
            tracing::warn!(path = %path.display(), %why, "spooled mail not taken yet; retrying")
        }
    }
}
