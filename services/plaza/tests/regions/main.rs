//! Tests of three provisioned regions replicating each other
//! (`chef-like-provision/bin/converge-regions`): MariaDB multi-source GTID replication in a full
//! mesh and one Garage cluster with a node per region. People write in the region they signed up
//! in; the tests check that every region ends up with the same data, that each region reports
//! its replication channels, that media posted in one region is served by every edge, and that a
//! region stopped (its database included) leaves the others serving and catches up when back.
//!
//! `scripts/regions.sh test` converges the regions and runs them; they need
//! `PLAZA_REGIONS_ROOT` (the folder holding r1, r2 and r3) and fail at once without it.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on anything unexpected"
)]

#[path = "../edge_common/mod.rs"]
mod edge_common;
mod forwarding;
mod helpers;
mod home_regions;
mod media;
mod moderation;
mod outage;
mod outbox;
mod replication;
