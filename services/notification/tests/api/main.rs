//! The notification service's own REST API: its router called directly (no socket) with an
//! `AppState` over a fresh database per test. Notifications seen through the web API, delivered
//! by the worker, are tested in `services/plaza/tests`.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on anything unexpected"
)]

mod deliveries;
mod health;
mod reading;

use plaza_notification::{AppState, Config, Parts};
use plaza_test_support::{ServiceApp, assert_status};
use serde_json::{Value, json};
use std::sync::Arc;

/// The notification service on a fresh database, built as the `plaza` command builds it
/// without Redis (live streams announced in this process only).
async fn start() -> ServiceApp {
    ServiceApp::start(|db, secret| {
        let config = Config {
            region: 1,
            internal_secret: secret.clone(),
        };
        let live = Arc::new(plaza_cache::MemoryLive::default());
        let (ids, cache) = (
            plaza_test_support::ids(1),
            plaza_test_support::memory_cache(),
        );
        let db = db.db.clone();
        plaza_notification::app(AppState::build(
            config,
            Parts {
                db,
                ids,
                cache,
                live,
            },
        ))
    })
    .await
}

/// An event: `actor` gave a Yeah to post 500 of user 7.
fn yeah_event(actor: &str) -> Value {
    json!({
        "recipient_id": "7", "kind": "post_yeah", "target_id": "500", "actor_id": actor,
        "dedupe_key": format!("yeah:500:{actor}"), "at": 1_700_000_000_000_i64,
    })
}

/// Delivers `event`; returns whether it notified.
async fn deliver(app: &ServiceApp, event: Value) -> bool {
    let reply = app.post("/v1/events", event).await;
    assert_status(&reply, 200);
    reply.body["notified"].as_bool().unwrap()
}

/// User 7's unread count.
async fn unread(app: &ServiceApp) -> i64 {
    let reply = app.get("/v1/users/7/unread").await;
    assert_status(&reply, 200);
    reply.body["unread"].as_i64().unwrap()
}

/// User 7's notification groups.
async fn groups(app: &ServiceApp) -> Vec<Value> {
    let reply = app.get("/v1/users/7/notifications").await;
    assert_status(&reply, 200);
    reply.body["items"].as_array().unwrap().clone()
}
