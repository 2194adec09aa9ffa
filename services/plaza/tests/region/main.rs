//! Tests of a provisioned region (`chef-like-provision/bin/converge`): every request goes
//! through the nginx edge (TLS) and HAProxy to several processes per service, on MariaDB,
//! memcached, Redis and Garage. They check what only a region has: caches and live streams
//! shared between processes, shared rate limits, media in the bucket and in the edge cache,
//! job retries and dead letters, processes or memcached failing mid-test, and Prometheus
//! scraping every process and alerting when a service has none left.
//!
//! `scripts/region.sh test` converges the region and runs them; they need
//! `PLAZA_REGION_ROOT` (the region's folder) and fail at once without it.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on anything unexpected"
)]

mod alerts;
mod edge;
#[path = "../edge_common/mod.rs"]
mod edge_common;
mod faults;
mod helpers;
mod jobs;
mod live_outage;
mod load;
mod release;
mod reloads;
mod restarts;
mod shared;
