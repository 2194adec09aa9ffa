//! The media clean-up: objects that no post refers to any more (its post was deleted, or the
//! upload never became a post) are deleted once they are older than a grace period, so that an
//! upload whose post is still being written is never taken.

use crate::{AppState, MediaGc};
use plaza_media::store::original_key;
use std::collections::HashSet;
use std::time::Duration;
use tokio::sync::watch;

/// The folders the clean-up looks in.
const PREFIXES: [&str; 2] = ["drawings/", "screenshots/"];
/// Keys asked about per call to timeline.
const BATCH: usize = 100;

/// One pass: returns how many objects were deleted.
pub async fn run_once(state: &AppState, grace: Duration) -> anyhow::Result<usize> {
    let Some(store) = &state.media else {
        return Ok(0);
    };
    let mut deleted = 0;
    for prefix in PREFIXES {
        let keys = store.list_older_than(prefix, grace).await?;
        for chunk in keys.chunks(BATCH) {
            let originals: Vec<String> = chunk
                .iter()
                .map(|k| original_key(k))
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            let referenced: HashSet<String> = state
                .timeline
                .referenced_media(&originals)
                .await?
                .into_iter()
                .collect();
            for key in chunk {
                if !referenced.contains(&original_key(key)) {
                    store.delete(key).await?;
                    deleted += 1;
                }
            }
        }
    }
    Ok(deleted)
}

/// Runs a pass every `schedule.every` until `shutdown` turns true.
pub async fn run_loop(state: AppState, schedule: MediaGc, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = shutdown.wait_for(|s| *s) => break,
            () = tokio::time::sleep(schedule.every) => {}
        }
        match run_once(&state, schedule.grace).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "removed media no post refers to"),
            Err(err) => tracing::warn!(error = %err, "media clean-up failed; will try again"),
        }
    }
}
