//! What every service answers on `/healthz` and `/readyz`, and the worker on `/v1/queue`: the
//! same shapes on every service, so load balancers and monitors read them all alike.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// `/healthz`: the process answers. Always `{"status": "ok"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Liveness {
    pub status: Live,
}

/// The one state a live process reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Live {
    Ok,
}

impl Liveness {
    /// `{"status": "ok"}`.
    pub const OK: Liveness = Liveness { status: Live::Ok };
}

/// `/readyz`: `status` and, beside it, one entry per dependency by name (`database`, `cache`,
/// `redis`, or the services the web service calls), such as
/// `{"status": "ok", "database": "ok", "cache": "degraded"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Readiness {
    pub status: Ready,
    /// Each dependency's state, by its name.
    #[serde(flatten)]
    pub dependencies: BTreeMap<String, Dependency>,
    /// The web service of a region that replicates other regions: one entry per peer region's
    /// replication channel (absent elsewhere). A stopped or lagging channel does not make the
    /// region unready: it still serves its own users, only other regions' writes arrive late.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replication_channels: Option<Vec<ReplicationChannel>>,
}

/// One replication channel: this region applying another region's writes (a named MariaDB
/// multi-source connection carrying the peer's GTID domain).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReplicationChannel {
    /// The peer region's connection name, such as `r2`.
    pub peer: String,
    /// The peer's GTID domain (its region id), when the channel is limited to one.
    pub domain: Option<u32>,
    /// Both threads run: the peer's binlog is being received (IO) and applied (SQL).
    pub running: bool,
    /// The IO thread's state: `Yes`, `No` or `Connecting` (the peer does not answer).
    pub io_running: String,
    /// The SQL thread's state: `Yes` or `No`.
    pub sql_running: String,
    /// How far the applier is behind what it has received, in seconds; absent while the channel
    /// does not run.
    pub seconds_behind: Option<u64>,
    /// The peer's GTID position received so far, for the peer's domain (such as `2-2-140`).
    pub gtid_received: String,
    /// The peer's GTID position applied here (`gtid_slave_pos` for its domain).
    pub gtid_applied: String,
    /// The last IO or SQL error, when there is one.
    pub last_error: Option<String>,
}

/// Whether a service can take traffic (answered with 200) or not (503).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Ready {
    Ok,
    Unavailable,
    /// The process is shutting down: it still finishes what it was sent, but its load balancer
    /// should send it nothing new (the first phase of a graceful shutdown).
    Draining,
}

/// How one dependency answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Dependency {
    /// It answered.
    Ok,
    /// A required dependency did not answer: the service is not ready.
    Down,
    /// An optional one (a cache) did not answer: the service works, only slower.
    Degraded,
    /// An optional one this deployment does not use.
    NotConfigured,
}

/// `/v1/queue` on the worker: jobs waiting (or running) and dead-lettered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct QueueDepth {
    pub waiting: i64,
    pub dead: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readiness_puts_each_dependency_beside_the_status() {
        let ready = Readiness {
            status: Ready::Unavailable,
            dependencies: BTreeMap::from([
                ("database".to_owned(), Dependency::Down),
                ("redis".to_owned(), Dependency::NotConfigured),
            ]),
            replication_channels: None,
        };
        assert_eq!(
            serde_json::to_value(&ready).unwrap(),
            serde_json::json!({"status": "unavailable", "database": "down", "redis": "not_configured"})
        );
        assert_eq!(
            serde_json::to_value(Liveness::OK).unwrap(),
            serde_json::json!({"status": "ok"})
        );
    }
}
