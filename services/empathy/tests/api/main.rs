//! The empathy service's own REST API: its router called directly (no socket) with an
//! `AppState` over a fresh database per test. The Yeah buttons seen through the web API are
//! tested in `services/plaza/tests`.

mod health;
mod lists;
mod yeahs;

use plaza_empathy::{AppState, Config, Parts};
use plaza_test_support::{Reply, ServiceApp, assert_status, field_of_each};
use serde_json::{Value, json};

/// The empathy service on a fresh database, built as the `plaza` command builds it without
/// Redis.
async fn start() -> ServiceApp {
    ServiceApp::start(|db, secret| {
        let parts = Parts {
            db: db.db.clone(),
            ids: plaza_test_support::ids(1),
            cache: plaza_test_support::memory_cache(),
            redis: None,
        };
        let config = Config {
            region: 1,
            internal_secret: secret.clone(),
        };
        plaza_empathy::app(AppState::build(config, parts))
    })
    .await
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
    field_of_each(body, "items", name)
}
