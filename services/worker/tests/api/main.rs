//! The worker's own REST API (health and the queue's depth): its router called directly (no
//! socket) with an `AppState` over a fresh database per test. Jobs run end to end, from a write
//! to a delivered notification, are tested in `services/plaza/tests`.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on anything unexpected"
)]

mod health;
mod queue;

use plaza_clients::{EmpathyClient, NotificationClient, TimelineClient};
use plaza_test_support::ServiceApp;
use plaza_worker::{AppState, Config, Parts};
use std::time::Duration;

/// Where the worker's clients point: nothing listens there, and the API under test calls no
/// other service.
const NOWHERE: &str = "http://127.0.0.1:9";

/// The worker's router on a fresh database (its job loop is not started), built as the `plaza`
/// command builds it without a media store.
async fn start() -> ServiceApp {
    ServiceApp::start(|db, secret| {
        let parts = Parts {
            db: db.db.clone(),
            timeline: TimelineClient::new(NOWHERE, secret).unwrap(),
            empathy: EmpathyClient::new(NOWHERE, secret).unwrap(),
            notification: NotificationClient::new(NOWHERE, secret).unwrap(),
            ids: plaza_test_support::ids(1),
            media: None,
        };
        let config = Config {
            region: 1,
            poll_interval: Duration::from_millis(50),
            lease: Duration::from_secs(30),
            batch: 10,
            shutdown_grace: Duration::from_secs(5),
            internal_secret: secret.clone(),
            media_gc: None,
            outbox_retention: None,
        };
        plaza_worker::app(AppState::build(config, parts))
    })
    .await
}
