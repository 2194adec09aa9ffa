//! The job queue across an upgrade: a job row written by the release before jobs were a typed,
//! versioned enum still runs, and a row no worker can read is dead-lettered with its reason.

use crate::helpers::{JobRow, TestApp};
use plaza_storage::sqlx::{self, Row};
use std::sync::LazyLock;
use std::time::Duration;

/// One generator for every row these tests write, so that two rows never share an id.
static IDS: LazyLock<plaza_types::IdGenerator> =
    LazyLock::new(|| plaza_types::IdGenerator::new(1, 30).unwrap());

/// Writes a job row exactly as the release before the enum did (`queue::enqueue` with a kind
/// string and the payload struct's JSON), allowed `max_attempts` tries.
async fn insert_old_row(app: &TestApp, kind: &str, payload: &str, max_attempts: i64) -> i64 {
    let id = IDS.next_id().0;
    app.insert_job_row(JobRow {
        id,
        kind,
        payload,
        state: plaza_storage::queue::QUEUED,
        max_attempts,
        run_at: plaza_types::now_millis(),
    })
    .await;
    id
}

/// Waits until job `id` is dead-lettered; returns its `last_error`.
async fn dead_letter_reason(app: &TestApp, id: i64) -> String {
    for _ in 0..400 {
        let row = sqlx::query("SELECT state, last_error FROM jobs WHERE id = ?")
            .bind(id)
            .fetch_one(&app.db().pool)
            .await
            .unwrap();
        if row.get::<i64, _>("state") == plaza_storage::queue::DEAD {
            return row
                .get::<Option<String>, _>("last_error")
                .unwrap_or_default();
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("job {id} was not dead-lettered");
}

#[tokio::test]
async fn a_notification_job_queued_by_the_previous_release_runs_after_the_upgrade() {
    let app = TestApp::start().await;
    let star = app.sign_up("oldjob_star").await;
    app.sign_up("oldjob_fan").await;
    let (_, body) = app.get("/api/v1/users/oldjob_star", None).await;
    let star_id = body["user"]["id"].as_str().unwrap().to_owned();
    let (_, body) = app.get("/api/v1/users/oldjob_fan", None).await;
    let fan_id = body["user"]["id"].as_str().unwrap().to_owned();

    // A follow notification as the previous release queued it: kind "notify", the event's
    // fields, no format version.
    let payload = format!(
        r#"{{"recipient_id":"{star_id}","kind":"follow","target_id":"{star_id}","actor_id":"{fan_id}","dedupe_key":"follow:{fan_id}:{star_id}","at":{}}}"#,
        plaza_types::now_millis()
    );
    insert_old_row(&app, "notify", &payload, 8).await;

    assert_eq!(app.wait_unread(&star, 1).await, 1);
    app.drain_jobs().await;
    let (_, body) = app.get("/api/v1/notifications", Some(&star)).await;
    let notification = &body["notifications"][0];
    assert_eq!(notification["kind"], "follow", "{body}");
    assert!(notification.to_string().contains("oldjob_fan"), "{body}");
}

#[tokio::test]
async fn a_job_no_worker_can_read_is_dead_lettered_with_its_reason() {
    let app = TestApp::start().await;
    let unreadable = insert_old_row(&app, "notify", r#"{"nonsense": true}"#, 1).await;
    let unknown = insert_old_row(&app, "launch_rockets", "{}", 1).await;

    let reason = dead_letter_reason(&app, unreadable).await;
    assert!(reason.contains("bad notify payload"), "{reason}");
    assert!(reason.contains("missing field"), "{reason}");
    let reason = dead_letter_reason(&app, unknown).await;
    assert!(
        reason.contains("unknown job kind \"launch_rockets\""),
        "{reason}"
    );
}
