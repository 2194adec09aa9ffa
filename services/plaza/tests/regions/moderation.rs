//! Moderation across regions: a moderator homed in r2 removes a post homed in r1, reported by a
//! person homed in r3. r2 accepts the action and resolves the report at once; the removal
//! travels to r1 as one outbox row, waits there while r1's worker is stopped, is applied exactly
//! once by r1 when its worker runs again, and the post is then gone in all three regions.

use crate::helpers::{Region, regions, wait_identical};
use plaza_storage::sqlx;
use plaza_types::IdGenerator;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

/// Starts r1's worker again when dropped, so a failing assertion does not leave it stopped.
struct WorkerBack<'a>(&'a Region);

impl Drop for WorkerBack<'_> {
    fn drop(&mut self) {
        self.0.ctl(&["start", "worker1"]);
    }
}

/// Makes `name` (homed in r2) a global moderator: the row r2's admin would write, written in r2
/// as r2 (node 31, which no process of the region uses, so the id is r2's and unique).
async fn appoint_in_r2(r2: &Region, name: &str) {
    let body = r2.wait_for(&format!("/api/v1/users/{name}")).await;
    let user: i64 = body["user"]["id"].as_str().unwrap().parse().unwrap();
    let id = IdGenerator::new(2, 31).unwrap().next_id();
    let db = r2.db().await;
    sqlx::query(
        "INSERT INTO moderators (id, region, user_id, community_id, appointed_by, created_at) \
         VALUES (?, 2, ?, 0, 0, ?)",
    )
    .bind(id.0)
    .bind(user)
    .bind(plaza_types::now_millis())
    .execute(&db.pool)
    .await
    .unwrap();
    db.pool.close().await;
}

/// The outbox rows about `post` addressed to r1, and how many r1 applied (by r1), as `region`
/// holds them; and how many moderation jobs about it wait or were dead-lettered in `region`'s
/// own queue (`jobs` is not replicated; a job done is deleted).
async fn removal_rows(region: &Region, post: &str) -> (i64, i64, i64) {
    let db = region.db().await;
    let like = format!("%\"{post}\"%");
    let (rows, applied): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(a.outbox_id) FROM outbox o \
         LEFT JOIN outbox_applied a ON a.outbox_id = o.id AND a.region = 1 \
         WHERE o.target_region = 1 AND o.kind = 'moderate_content' AND o.payload LIKE ?",
    )
    .bind(&like)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let (jobs,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM jobs WHERE kind = 'moderate_content' AND payload LIKE ?",
    )
    .bind(&like)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    db.pool.close().await;
    (rows, applied, jobs)
}

/// Waits (bounded) until `check` holds for what `region` answers at `path` to `token`.
async fn wait_until(
    region: &Region,
    path: &str,
    token: Option<&str>,
    what: &str,
    check: impl Fn(StatusCode, &Value) -> bool,
) {
    let mut last = (StatusCode::OK, Value::Null);
    for _ in 0..300 {
        last = region.get(path, token).await;
        if check(last.0, &last.1) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!(
        "{what} in {} within 60 s: {} {}",
        region.name, last.0, last.1
    );
}

#[tokio::test]
async fn a_moderator_in_r2_removes_a_post_homed_in_r1_applied_once_by_r1_and_gone_everywhere() {
    let [r1, r2, r3] = regions().await;
    let (_ann, ann_token) = r1.sign_up("ann").await;
    let (moderator, mod_token) = r2.sign_up("mod").await;
    let (_cat, cat_token) = r3.sign_up("cat").await;
    appoint_in_r2(&r2, &moderator).await;
    let community = r1.community().await;
    let post = r1.post_text(&ann_token, &community, "buy cheap gold").await;
    let post_path = format!("/api/v1/posts/{post}");
    r3.wait_for(&post_path).await;
    let (status, body) = r3
        .post(
            "/api/v1/reports",
            Some(&cat_token),
            json!({"target_kind": "post", "target_id": post, "reason": "spam", "body": "bot"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // The report reaches r2's queue.
    wait_until(
        &r2,
        "/api/v1/moderation/queue",
        Some(&mod_token),
        "the report in the queue",
        |s, b| s == StatusCode::OK && b["queue"][0]["target"]["id"] == post.as_str(),
    )
    .await;

    // r1's worker is stopped: the removal waits for it.
    r1.ctl(&["stop", "worker1"]);
    let back = WorkerBack(&r1);
    let (status, body) = r2
        .post(
            &format!("/api/v1/moderation/posts/{post}/actions"),
            Some(&mod_token),
            json!({"action": "remove", "reason": "Spam"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "the action is accepted: {body}");
    assert_eq!(body["entry"]["report_count"], 1, "{body}");
    let (_, queue) = r2.get("/api/v1/moderation/queue", Some(&mod_token)).await;
    assert!(queue["queue"].as_array().unwrap().is_empty(), "{queue}");

    // The row reaches r1 and waits; the post is still shown there.
    let mut seen = (0, 0, 0);
    for _ in 0..150 {
        seen = removal_rows(&r1, &post).await;
        if seen.0 >= 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(seen, (1, 0, 0), "one row waiting in r1, not applied");
    let (status, _) = r1.get(&post_path, None).await;
    assert_eq!(status, StatusCode::OK, "r1 has not applied it yet");

    // r1's worker runs again and is killed once while it works; supervisord restarts it.
    r1.ctl(&["start", "worker1"]);
    tokio::time::sleep(Duration::from_millis(150)).await;
    r1.ctl(&["signal", "KILL", "worker1"]);
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop(back);

    // Gone for everyone, in every region.
    for region in [&r1, &r2, &r3] {
        wait_until(region, &post_path, None, "the post gone", |s, _| {
            s == StatusCode::NOT_FOUND
        })
        .await;
        let (_, body) = region
            .get(&format!("/api/v1/communities/{community}/posts"), None)
            .await;
        assert!(
            !body.to_string().contains(&post),
            "{}: still listed: {body}",
            region.name
        );
    }
    // Its author sees it removed, with the reason, through any region.
    let (status, body) = r3.get(&post_path, Some(&ann_token)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["post"]["moderation"], "removed", "{body}");
    assert_eq!(body["post"]["moderation_reason"], "Spam", "{body}");

    // Applied exactly once, by r1: one row, recorded applied once, its job done (none waiting
    // or dead-lettered); every region holds the same rows.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(removal_rows(&r1, &post).await, (1, 1, 0));
    let all = [r1, r2, r3];
    wait_identical(&all, Duration::from_secs(30)).await;
    for region in &all[1..] {
        assert_eq!(
            removal_rows(region, &post).await,
            (1, 1, 0),
            "{}",
            region.name
        );
    }
}
