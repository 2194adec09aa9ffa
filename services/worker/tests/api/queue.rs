use crate::start;
use plaza_storage::queue;
use plaza_test_support::{ServiceApp, assert_status};
use plaza_types::Id;
use serde_json::json;

/// Queues a job with id `id` (as a service does beside its write).
async fn queue_job(app: &ServiceApp, id: i64) {
    let mut tx = app.db.db.begin_write().await.unwrap();
    queue::enqueue_stored(&mut tx, Id(id), 1, "notify", "{}")
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// The queue's depth as the worker reports it.
async fn depth(app: &ServiceApp) -> serde_json::Value {
    let reply = app.get("/v1/queue").await;
    assert_status(&reply, 200);
    reply.body
}

#[tokio::test]
async fn the_queue_reports_nothing_waiting_on_a_fresh_database() {
    let app = start().await;
    assert_eq!(depth(&app).await, json!({"waiting": 0, "dead": 0}));
}

#[tokio::test]
async fn the_queue_counts_waiting_and_dead_letter_jobs_apart() {
    let app = start().await;
    for id in [1, 2, 3] {
        queue_job(&app, id).await;
    }
    assert_eq!(depth(&app).await, json!({"waiting": 3, "dead": 0}));

    let mut job = queue::claim(&app.db.db, 1, 30_000).await.unwrap().remove(0);
    job.attempts = job.max_attempts;
    assert!(queue::fail(&app.db.db, &job, "gave up").await.unwrap());
    assert_eq!(depth(&app).await, json!({"waiting": 2, "dead": 1}));
}
