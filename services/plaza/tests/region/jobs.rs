//! The durable job queue on MariaDB, worked by two worker processes: a failing job is retried
//! with back-off and dead-lettered, and a job whose worker is killed mid-run runs again.

use crate::helpers::{Region, Restore};
use plaza_storage::queue;
use plaza_storage::sqlx::{self, Row};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

/// (state, attempts, last_error) of a job, or None once it completed (completed jobs are
/// removed).
async fn job(db: &plaza_storage::Db, id: i64) -> Option<(i64, i64, Option<String>)> {
    sqlx::query("SELECT state, attempts, last_error FROM jobs WHERE id = ?")
        .bind(id)
        .fetch_optional(&db.pool)
        .await
        .unwrap()
        .map(|r| {
            (
                r.get::<i64, _>("state"),
                r.get::<i64, _>("attempts"),
                r.get::<Option<String>, _>("last_error"),
            )
        })
}

#[tokio::test]
async fn a_job_that_keeps_failing_is_retried_with_back_off_then_dead_lettered() {
    let region = Region::open();
    let db = region.db().await;
    // A notification job whose payload no worker can read, allowed three attempts.
    let id = plaza_types::IdGenerator::new(region.config.region, 31)
        .unwrap()
        .next_id();
    let mut tx = db.begin_write().await.unwrap();
    queue::enqueue_stored(
        &mut tx,
        id,
        region.config.region,
        "notify",
        r#"{"nonsense": true}"#,
    )
    .await
    .unwrap();
    sqlx::query("UPDATE jobs SET max_attempts = 3 WHERE id = ?")
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let started = tokio::time::Instant::now();
    let mut seen_retry = false;
    let mut last = None;
    while started.elapsed() < Duration::from_secs(30) {
        last = job(&db, id.0).await;
        match &last {
            Some((state, attempts, error)) if *state == queue::QUEUED && *attempts >= 1 => {
                assert!(error.is_some(), "a failed try records its error");
                seen_retry = true;
            }
            Some((state, _, _)) if *state == queue::DEAD => break,
            _ => {}
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (state, attempts, error) = last.expect("a dead job is kept");
    assert_eq!(state, queue::DEAD, "dead-lettered");
    assert_eq!(attempts, 3);
    assert!(
        error.unwrap_or_default().contains("missing field"),
        "the cause is kept"
    );
    assert!(seen_retry, "it waited in the queue between tries");
    // Back-off: 1 s after the first failure, 2 s after the second.
    assert!(started.elapsed() >= Duration::from_secs(3));
}

#[tokio::test]
async fn a_job_whose_worker_is_killed_mid_run_runs_again_and_notifies_once() {
    let region = Region::open();
    let db = region.db().await;
    let (author, _, post) = region.author_with_post("jobk", "slow news").await;
    let (_, fan) = region.sign_up("jobf").await;

    // Freeze the notification process: a delivery sent to it now hangs mid-job.
    let out = region.ctl(&["signal", "STOP", "notification1"]);
    assert!(out.contains("signalled"), "{out}");
    let thawed = Restore(&region, &["signal", "CONT", "notification1"]);
    let (status, body) = region
        .comment_on(&fan, &post, json!({"body": "hello"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let comment = body["comment"]["id"].as_str().unwrap().to_owned();
    let find = format!("%{comment}%");
    let mut running = None;
    for _ in 0..50 {
        let row = sqlx::query("SELECT id, state, attempts FROM jobs WHERE payload LIKE ?")
            .bind(&find)
            .fetch_optional(&db.pool)
            .await
            .unwrap();
        if let Some(r) = row
            && r.get::<i64, _>("state") == queue::RUNNING
        {
            running = Some(r.get::<i64, _>("id"));
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let job_id = running.expect("a worker is running the comment's job");

    // Kill both workers mid-run (supervisord restarts them), then let notification go on.
    let out = region.ctl(&["signal", "KILL", "worker1", "worker2"]);
    assert!(out.matches("signalled").count() == 2, "{out}");
    drop(thawed);

    // The lease runs out and a new worker runs the job again; the dedupe key keeps the
    // author's notification single even though the first delivery may have landed too.
    let started = tokio::time::Instant::now();
    while job(&db, job_id).await.is_some() {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the job was not run again: {:?}",
            job(&db, job_id).await
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(
        region
            .wait_unread(&author, 1, Duration::from_secs(10))
            .await,
        1
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (_, body) = region.get("/api/v1/notifications", Some(&author)).await;
    assert_eq!(body["notifications"].as_array().unwrap().len(), 1);
    region.wait_ready().await;
}
