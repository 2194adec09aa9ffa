//! What the storage layer shows on `/metrics`: the pool's connections, the job queue and
//! replication from other regions, sampled when Prometheus scrapes (each is a gauge of "now").

use crate::{Db, ReplicationChannel, queue};

impl Db {
    /// Sets `plaza_db_connections{state="in_use"|"idle"}` from the pool as it is now, SQLite's
    /// writer connection included.
    pub fn record_pool_metrics(&self) {
        let pools = std::iter::once(&self.pool).chain(self.writer.as_ref());
        let (open, idle) = pools.fold((0u32, 0u32), |(open, idle), pool| {
            let size = pool.size();
            let free = u32::try_from(pool.num_idle()).unwrap_or(size);
            (open + size, idle + free)
        });
        metrics::gauge!("plaza_db_connections", "state" => "in_use")
            .set(f64::from(open.saturating_sub(idle)));
        metrics::gauge!("plaza_db_connections", "state" => "idle").set(f64::from(idle));
    }
}

/// Sets `plaza_jobs{state}` and `plaza_jobs_oldest_queued_age_seconds` from the queue.
pub async fn record_queue(db: &Db) -> Result<(), sqlx::Error> {
    let stats = queue::stats(db).await?;
    for (state, n) in [
        ("queued", stats.queued),
        ("running", stats.running),
        ("dead", stats.dead),
    ] {
        metrics::gauge!("plaza_jobs", "state" => state).set(n as f64);
    }
    metrics::gauge!("plaza_jobs_oldest_queued_age_seconds")
        .set(stats.oldest_due_ms as f64 / 1000.0);
    Ok(())
}

/// Sets `plaza_replication_running{peer}` and, while a channel knows it,
/// `plaza_replication_lag_seconds{peer}`. A stopped channel knows no lag: its last reading stays,
/// and `plaza_replication_running` (0) is what tells.
pub fn record_replication(channels: &[ReplicationChannel]) {
    for c in channels {
        let peer = c.peer.clone();
        metrics::gauge!("plaza_replication_running", "peer" => peer.clone()).set(if c.running {
            1.0
        } else {
            0.0
        });
        if let Some(lag) = c.seconds_behind {
            metrics::gauge!("plaza_replication_lag_seconds", "peer" => peer).set(lag as f64);
        }
    }
}
