//! What every Plaza test suite shares, so that the suites of the services and the cross-service
//! suite in `services/plaza/tests` do not each write it again: a fresh database per test
//! ([`TestDb`]), requests sent to a router in this process ([`ServiceApp`], [`json_request`],
//! [`form_request`], [`oneshot`]) or to a base URL ([`Api`]), middleware put in front of a
//! service ([`middleware_on`]), rows written behind the services' back ([`text_post`]), and the
//! assertions on Plaza's error body ([`assert_error`]).
//!
//! A dev-dependency only: nothing here is built into a server.

#![expect(
    clippy::expect_used,
    reason = "test support fails loudly on anything unexpected"
)]

mod api;
mod assert;
mod db;
mod images;
mod middleware;
mod request;
mod rows;
mod service;

pub use api::Api;
pub use assert::{Answer, assert_error, assert_status, header, retry_after};
pub use db::TestDb;
pub use images::{has_gps, jpeg, phone_photo};
pub use middleware::middleware_on;
pub use request::{Reply, field_of_each, form_request, json_request, oneshot, parse_body};
pub use rows::text_post;
pub use service::ServiceApp;

/// The status codes, so that a suite needs no other import for them.
pub use axum::http::StatusCode;

/// An id generator for node 1 of `region`, as a service's state holds it.
pub fn ids(region: u8) -> std::sync::Arc<plaza_types::IdGenerator> {
    std::sync::Arc::new(plaza_types::IdGenerator::new(region, 1).expect("a valid region"))
}

/// An in-process cache, as a service's state holds it when no memcached is configured.
pub fn memory_cache() -> std::sync::Arc<dyn plaza_cache::Cache> {
    std::sync::Arc::new(plaza_cache::MemoryCache::new(8 << 20))
}
