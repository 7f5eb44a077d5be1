//! What feeds a joined topic: the hub's events for it, and after an overflow
//! the log from where it stopped.

use std::sync::Arc;

use actix_web::web;
use tokio::sync::mpsc;

use super::REPLAY_BATCH;
use crate::db::events;
use crate::realtime::Outgoing;
use crate::state::AppState;

/// Feeds one topic's events to its socket while it is joined. A subscriber
/// the hub dropped as too slow subscribes again and first catches up from the
/// log, so nothing logged while the topic is joined is lost.
pub(super) async fn forward(state: web::Data<AppState>, topic: String, to: mpsc::Sender<(String, Arc<Outgoing>)>) {
    let mut last: Option<i64> = None;
    loop {
        let mut sub = state.hub.subscribe(std::slice::from_ref(&topic));
        if last.is_none() {
            // Joined now: what was logged before is not replayed (clients fetch it).
            match state.db.read(events::last_id).await {
                Ok(id) => last = Some(id),
                Err(_) => return,
            }
        } else if let Some(after) = last {
            let channels = vec![topic.clone()];
            let Ok(page) =
                state.db.read(move |c| events::on_channels_after(c, &channels, false, after, REPLAY_BATCH)).await
            else {
                return;
            };
            for e in &page {
                if to.send((topic.clone(), Arc::new(Outgoing::from_logged(e)))).await.is_err() {
                    return;
                }
                last = Some(e.id);
            }
        }
        while let Some(event) = sub.rx.recv().await {
            if let Some(id) = event.id {
                if last.is_some_and(|l| id <= l) {
                    continue;
                }
                last = Some(id);
            }
            if to.send((topic.clone(), event)).await.is_err() {
                return;
            }
        }
    }
}
