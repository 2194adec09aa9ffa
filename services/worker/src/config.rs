//! The worker's settings.

use std::time::Duration;

/// How the worker polls and leases jobs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The region this worker runs jobs for.
    pub region: u8,
    /// How long to wait before looking again when the queue was empty.
    pub poll_interval: Duration,
    /// How long a claimed job is held before another worker may take it over.
    pub lease: Duration,
    /// How many jobs one claim takes.
    pub batch: i64,
    /// The region's shared secret: callers without it are refused.
    pub internal_secret: plaza_http::InternalSecret,
}
