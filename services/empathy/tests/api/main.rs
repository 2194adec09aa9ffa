//! The empathy service's own REST API: its router called directly (no socket) with an
//! `AppState` over a fresh database per test. The Yeah buttons seen through the web API are
//! tested in `services/plaza/tests`.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on anything unexpected"
)]

mod health;
mod lists;
mod yeahs;

use plaza_empathy::{AppState, Config};
use plaza_http::InternalSecret;
use plaza_test_support::{Reply, ServiceApp, TestDb, assert_status};
use serde_json::{Value, json};
use std::sync::Arc;

/// The service's state over `db`, as the `plaza` command builds it without Redis (the one place
/// to adapt when the wiring changes).
fn state(db: &TestDb, secret: &InternalSecret) -> AppState {
    AppState {
        db: db.db.clone(),
        ids: plaza_test_support::ids(1),
        config: Arc::new(Config {
            region: 1,
            internal_secret: secret.clone(),
        }),
        cache: plaza_test_support::memory_cache(),
        ranking_lock: Arc::default(),
        redis: None,
    }
}

/// The empathy service on a fresh database.
async fn start() -> ServiceApp {
    ServiceApp::start(|db, secret| plaza_empathy::app(state(db, secret))).await
}

/// A Yeah by `user` on post `post` (by author 7, in community 100).
fn yeah(user: &str, post: &str) -> Value {
    json!({
        "kind": "post", "target_id": post, "user_id": user,
        "target_author_id": "7", "post_id": post, "community_id": "100",
    })
}

/// Gives `user`'s Yeah to `post` and expects it counted.
async fn give(app: &ServiceApp, user: &str, post: &str) -> Reply {
    let reply = app.post("/v1/yeahs", yeah(user, post)).await;
    assert_status(&reply, 200);
    reply
}

/// A field of every item of a list answer.
fn field(body: &Value, name: &str) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i[name].as_str().unwrap().to_owned())
        .collect()
}
