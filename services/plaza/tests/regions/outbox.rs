//! The replicated outbox: a Yeah, comment or follow by a person homed in r2 on a person homed in
//! r1 notifies them exactly once, in r1 (notifications belong to the recipient's home region),
//! even when r1's worker is killed while the rows wait, or r1 is down when they are written.

use crate::helpers::{Region, Restart, regions, wait_identical};
use plaza_storage::sqlx;
use std::time::Duration;

/// Puts the region's worker back (started) when dropped, so a failing assertion does not leave
/// it stopped.
struct WorkerBack<'a>(&'a Region);

impl Drop for WorkerBack<'_> {
    fn drop(&mut self) {
        self.0.ctl(&["start", "worker1"]);
    }
}

/// The id of the person named `name`, as `region` shows them.
async fn user_id(region: &Region, name: &str) -> i64 {
    let body = region.wait_for(&format!("/api/v1/users/{name}")).await;
    body["user"]["id"].as_str().unwrap().parse().unwrap()
}

/// `recipient`'s notifications in `region`'s database: (region that wrote it, actor count) per
/// notification group.
async fn notifications(region: &Region, recipient: i64) -> Vec<(i64, i64)> {
    let db = region.db().await;
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT region, actor_count FROM notification_groups WHERE recipient_id = ? ORDER BY id",
    )
    .bind(recipient)
    .fetch_all(&db.pool)
    .await
    .unwrap();
    db.pool.close().await;
    rows
}

/// How many outbox rows name `recipient` and are addressed to region 1, and how many of them r1
/// has applied, as `region`'s database holds them.
async fn outbox_rows(region: &Region, recipient: i64) -> (i64, i64) {
    let db = region.db().await;
    let row: (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(a.outbox_id) FROM outbox o \
         LEFT JOIN outbox_applied a ON a.outbox_id = o.id \
         WHERE o.target_region = 1 AND o.payload LIKE ?",
    )
    .bind(format!("%\"{recipient}\"%"))
    .fetch_one(&db.pool)
    .await
    .unwrap();
    db.pool.close().await;
    row
}

/// Waits (bounded) until `region` holds the 3 outbox rows that name `recipient`; returns
/// (rows, applied).
async fn wait_outbox(region: &Region, recipient: i64) -> (i64, i64) {
    for _ in 0..150 {
        let rows = outbox_rows(region, recipient).await;
        if rows.0 >= 3 {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    outbox_rows(region, recipient).await
}

/// Waits (bounded) until `recipient` has `n` notification groups in `region`.
async fn wait_notified(region: &Region, recipient: i64, n: usize) -> Vec<(i64, i64)> {
    let mut seen = Vec::new();
    for _ in 0..300 {
        seen = notifications(region, recipient).await;
        if seen.len() >= n {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!(
        "{} notifications in {} after 60 s: {seen:?}",
        seen.len(),
        region.name
    );
}

/// Three effects by a person homed in r2 on a person homed in r1: a Yeah and a comment on
/// their post and a follow. Returns the r1 person's id.
async fn yeah_comment_follow(r1: &Region, r2: &Region) -> i64 {
    let (ann, ann_token) = r1.sign_up("ann").await;
    let (_bob, bob_token) = r2.sign_up("bob").await;
    let community = r1.community().await;
    let post = r1.post_text(&ann_token, &community, "tell me").await;
    r2.wait_for(&format!("/api/v1/posts/{post}")).await;
    let ann_id = user_id(r2, &ann).await;
    let (status, body) = r2.yeah(&bob_token, &post).await;
    assert!(status.is_success(), "{status} {body}");
    r2.comment(&bob_token, &post, "told").await;
    let (status, body) = r2
        .put(&format!("/api/v1/users/{ann}/follow"), &bob_token)
        .await;
    assert!(status.is_success(), "{status} {body}");
    ann_id
}

/// Every notification of `recipient` was written once, by r1, naming one person, and every
/// region holds the same rows.
async fn assert_notified_once_in_r1(regions: [Region; 3], recipient: i64) {
    let [r1, r2, r3] = regions;
    let in_r1 = wait_notified(&r1, recipient, 3).await;
    // Give a duplicate time to appear: a row applied twice would add an actor or a group.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let in_r1 = if in_r1.len() == 3 {
        notifications(&r1, recipient).await
    } else {
        in_r1
    };
    assert_eq!(
        in_r1,
        vec![(1, 1); 3],
        "a Yeah, a comment and a follow, each once, by r1"
    );
    assert_eq!(outbox_rows(&r1, recipient).await, (3, 3));
    wait_identical(&[r1, r2, r3], Duration::from_secs(30)).await;
}

#[tokio::test]
async fn effects_on_a_person_homed_elsewhere_notify_them_once_in_their_home_region_though_its_worker_is_killed()
 {
    let [r1, r2, r3] = regions().await;
    // r1's worker is stopped, so the rows wait for it.
    r1.ctl(&["stop", "worker1"]);
    let back = WorkerBack(&r1);
    let ann_id = yeah_comment_follow(&r1, &r2).await;
    assert_eq!(
        wait_outbox(&r1, ann_id).await,
        (3, 0),
        "waiting in r1, none applied"
    );
    assert!(notifications(&r1, ann_id).await.is_empty());

    // The worker starts and is killed (SIGKILL) while it works through them; supervisord starts
    // it again.
    r1.ctl(&["start", "worker1"]);
    tokio::time::sleep(Duration::from_millis(150)).await;
    r1.ctl(&["signal", "KILL", "worker1"]);
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop(back);
    assert_notified_once_in_r1([r1, r2, r3], ann_id).await;
}

#[tokio::test]
async fn effects_written_while_the_recipients_home_region_is_down_are_applied_when_it_returns() {
    let [r1, r2, r3] = regions().await;
    let (ann, ann_token) = r1.sign_up("ann").await;
    let (_bob, bob_token) = r2.sign_up("bob").await;
    let community = r1.community().await;
    let post = r1.post_text(&ann_token, &community, "going away").await;
    r2.wait_for(&format!("/api/v1/posts/{post}")).await;
    let ann_id = user_id(&r2, &ann).await;

    r1.stop().await;
    let restart = Restart(&r1);
    let (status, body) = r2.yeah(&bob_token, &post).await;
    assert!(status.is_success(), "{status} {body}");
    r2.comment(&bob_token, &post, "while you were out").await;
    let (status, body) = r2
        .put(&format!("/api/v1/users/{ann}/follow"), &bob_token)
        .await;
    assert!(status.is_success(), "{status} {body}");
    // The rows wait in r2 (and r3), addressed to r1, and nobody else applies them.
    for region in [&r2, &r3] {
        assert_eq!(wait_outbox(region, ann_id).await, (3, 0), "{}", region.name);
        assert!(
            notifications(region, ann_id).await.is_empty(),
            "{}",
            region.name
        );
    }

    restart.now().await;
    r1.wait_replicating(Duration::from_secs(90)).await;
    assert_notified_once_in_r1([r1, r2, r3], ann_id).await;
}
