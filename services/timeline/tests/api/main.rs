//! The timeline service's own REST API: its router called directly (no socket) with an
//! `AppState` over a fresh database per test. What crosses services (the web API in front, the
//! worker's notifications) is tested in `services/plaza/tests`.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on anything unexpected"
)]

mod comments;
mod health;
mod posts;

use plaza_test_support::{ServiceApp, StatusCode, field_of_each};
use plaza_timeline::{AppState, Config, Parts};
use serde_json::{Value, json};

/// The region the service writes for in these tests.
const REGION: u8 = 1;

/// The timeline service on a fresh database, built as the `plaza` command builds it.
async fn start() -> ServiceApp {
    ServiceApp::start(|db, secret| {
        let internal_secret = secret.clone();
        let config = Config {
            region: REGION,
            internal_secret,
        };
        let (ids, cache) = (
            plaza_test_support::ids(REGION),
            plaza_test_support::memory_cache(),
        );
        let db = db.db.clone();
        plaza_timeline::app(AppState::build(config, Parts { db, ids, cache }))
    })
    .await
}

/// Stores a post with `fields` over a valid text post by author 7 in community 100; returns
/// the answer's body.
async fn create_post(app: &ServiceApp, fields: Value) -> Value {
    let reply = app.post("/v1/posts", new_post(fields)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.body
}

/// A new post's JSON: a valid text post by author 7 in community 100, with `fields` over it.
fn new_post(fields: Value) -> Value {
    let mut post = json!({
        "author_id": "7", "community_id": "100", "body": "hello", "feeling": 1,
        "spoiler": false, "topic_tag": null, "platform": "web",
    });
    merge(&mut post, fields);
    post
}

/// `fields` written over the object `into`.
fn merge(into: &mut Value, fields: Value) {
    if let (Some(into), Value::Object(fields)) = (into.as_object_mut(), fields) {
        into.extend(fields);
    }
}

/// The ids in a list answer's `items`.
fn item_ids(body: &Value) -> Vec<String> {
    field_of_each(body, "items", "id")
}
