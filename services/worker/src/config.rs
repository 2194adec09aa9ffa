//! The worker's settings.

use std::time::Duration;

/// How the worker polls and leases jobs, and how often it cleans up media.
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
    /// On shutdown, how long the jobs running get to finish before they are stopped and handed
    /// back to the queue.
    pub shutdown_grace: Duration,
    /// The region's shared secret: callers without it are refused.
    pub internal_secret: plaza_http::InternalSecret,
    /// When the clean-up of media no post refers to runs (none: never).
    pub media_gc: Option<MediaGc>,
    /// How long outbox rows are kept after their target region applied them (none: forever);
    /// see [`crate::outbox_cleanup`].
    pub outbox_retention: Option<Duration>,
}

/// The schedule of the media clean-up ([`crate::media_gc`]).
#[derive(Debug, Clone, Copy)]
pub struct MediaGc {
    /// Time between passes.
    pub every: Duration,
    /// How old an unreferenced object must be before it is deleted.
    pub grace: Duration,
}
