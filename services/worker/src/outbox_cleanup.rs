//! The outbox clean-up: outbox rows this region sent and their target applied long enough ago,
//! then this region's records of applying rows their origin has deleted
//! ([`plaza_storage::outbox::clean_up`]; the rule is in docs/DECISIONS.md, "Outbox clean-up").

use crate::AppState;
use plaza_storage::outbox;
use plaza_types::now_millis;
use std::time::Duration;
use tokio::sync::watch;

/// Rows of each kind deleted per statement; a pass repeats until fewer are left.
const BATCH: i64 = 500;
/// Statements per pass at most, so one pass stays short however far behind it is.
const MAX_BATCHES: usize = 20;

/// How often a pass runs for a retention: a tenth of it, between a second and an hour.
pub fn interval(retention: Duration) -> Duration {
    (retention / 10).clamp(Duration::from_secs(1), Duration::from_secs(3600))
}

/// One pass; returns how many rows it deleted.
pub async fn run_once(
    state: &AppState,
    retention: Duration,
) -> Result<u64, plaza_storage::sqlx::Error> {
    let keep_ms = i64::try_from(retention.as_millis()).unwrap_or(i64::MAX);
    let cutoff = now_millis().saturating_sub(keep_ms);
    let mut deleted = 0;
    for _ in 0..MAX_BATCHES {
        let cleaned = outbox::clean_up(&state.db, state.config.region, cutoff, BATCH).await?;
        deleted += cleaned.sent + cleaned.applied;
        if cleaned.sent < BATCH as u64 && cleaned.applied < BATCH as u64 {
            break;
        }
    }
    Ok(deleted)
}

/// Runs a pass every [`interval`] until `shutdown` turns true.
pub async fn run_loop(state: AppState, retention: Duration, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = shutdown.wait_for(|s| *s) => break,
            () = tokio::time::sleep(interval(retention)) => {}
        }
        match run_once(&state, retention).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "removed outbox rows every region is done with"),
            Err(err) => tracing::warn!(error = %err, "outbox clean-up failed; will try again"),
        }
    }
}
