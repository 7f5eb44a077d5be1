//! Periodic clean-up: unattached uploads older than
//! `--unattached-file-seconds` (an hour by default) lose their rows and
//! files; files no row names (left by a crash between rename and commit) and
//! `.part` leftovers are removed; realtime events older than two days are
//! pruned, and so are the file transport's mails and refused spooled mail
//! past `--mail-files-keep-days`. Runs at start-up and then every [`interval`].

use std::time::Duration;

use actix_web::web;

use crate::db::{self, events, files};
use crate::error::ApiError;
use crate::state::AppState;

/// Time between sweeps: a quarter of an upload's lifetime, from a minute to an hour.
pub fn interval(unattached_file_seconds: i64) -> Duration {
    Duration::from_secs((unattached_file_seconds / 4).clamp(60, 3600) as u64)
}
/// Realtime events are kept this long (at least a day, so resuming clients miss nothing).
pub const EVENT_RETENTION_SECONDS: i64 = 2 * 86_400;

/// Sweeps now and then every `interval`, forever.
pub async fn every(state: web::Data<AppState>, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    loop {
        ticks.tick().await;
        match once(&state).await {
            Ok((stale, orphaned)) if stale + orphaned > 0 => {
                tracing::info!(stale_files = stale, orphaned_files = orphaned, "swept attachments")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "attachment sweep failed"),
        }
    }
}

/// One sweep; returns `(files of stale unattached uploads removed, thumbnails
/// included; orphaned files removed)`.
pub async fn once(state: &AppState) -> Result<(usize, usize), ApiError> {
    let now = db::now();
    let cutoff = now - state.config.unattached_file_seconds;
    let stale = state
        .db
        .write(move |tx| {
            events::prune(tx, now - EVENT_RETENTION_SECONDS)?;
            files::delete_unattached_before(tx, cutoff)
        })
        .await?;
    let mail = state.mail.clone();
    let pruned = web::block(move || mail.prune_files()).await?;
    if pruned > 0 {
        tracing::info!(mail_files = pruned, "removed mail files past --mail-files-keep-days");
    }
    let storage = state.storage.clone();
    let stale_files = stale.len();
    let referenced = state.db.read(files::referenced_names).await?;
    let orphans = web::block(move || {
        storage.remove(&stale);
        storage.sweep(&referenced)
    })
    .await?
    .map_err(|e| ApiError::internal(&e))?;
    Ok((stale_files, orphans))
}
