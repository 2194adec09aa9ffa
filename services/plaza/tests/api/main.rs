//! Plaza's integration suite: the five services started in-process on loopback ports, driven over
//! HTTP through the JSON API and the pages, as a person or a game would. Each test gets a fresh
//! database: SQLite by default, MariaDB when `PLAZA_TEST_DATABASE=mariadb` (scripts/test.sh runs
//! both).

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on anything unexpected"
)]

mod account_security;
mod accounts;
mod bench;
mod blocking;
mod comment_deletion;
mod communities;
mod console;
mod errors;
mod filters;
mod games;
mod helpers;
mod home_regions;
mod idempotency;
mod jobs;
mod languages;
mod live_streams;
mod media;
mod metrics;
mod moderation;
mod moderation_matrix;
mod moderation_notices;
mod moderation_regions;
mod moderation_review;
mod notifications;
mod own_data;
mod own_data_traces;
mod page_cache;
mod page_idempotency;
mod pages;
mod posts;
mod release_page;
mod request_ids;
mod resilience;
mod security;
mod security_suite;
mod shutdown;
mod social;
mod withdrawals;
