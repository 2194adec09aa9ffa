//! A moderator's decision on content or an account that another region owns (ARCHITECTURE §3):
//! it is accepted and resolves the reports here, and travels to the owning region as one command
//! in the replicated outbox; nothing of that region's rows is written here. One region runs
//! here, so "another region" is a post, comment or account whose rows say region 2 wrote them;
//! `tests/regions/moderation.rs` shows the command applied in a real second region.

use crate::helpers::TestApp;
use crate::moderation::{act_ok, admin, report_ok};
use plaza_storage::{outbox, sqlx};
use plaza_test_support::{assert_error, assert_status};
use plaza_types::jobs::Job;
use plaza_types::moderation::{ModerationState, TargetKind};

use serde_json::json;

/// The region the rows of these tests claim to come from.
const ELSEWHERE: u8 = 2;

/// Says region [`ELSEWHERE`] wrote row `id` of `table`, before anything read (and cached) it.
async fn written_elsewhere(app: &TestApp, table: &str, id: &str) {
    let sql = format!("UPDATE {table} SET region = ? WHERE id = ?");
    let changed = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(i64::from(ELSEWHERE))
        .bind(id.parse::<i64>().unwrap())
        .execute(&app.db().pool)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(changed, 1, "{table} {id}");
}

/// The jobs waiting in the outbox for region [`ELSEWHERE`].
async fn commands_for_elsewhere(app: &TestApp) -> Vec<Job> {
    outbox::pending(app.db(), ELSEWHERE, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|row| Job::decode(&row.kind, &row.payload).unwrap())
        .collect()
}

#[tokio::test]
async fn removing_a_post_another_region_wrote_is_accepted_and_sent_to_that_region_once() {
    let app = TestApp::start_in_process().await;
    let boss = admin(&app, "boss").await;
    let [reporter] = app.sign_ups(["rep1"]).await;
    let (_author, community, post) = app.sign_up_and_post("author", "from afar").await;
    written_elsewhere(&app, "posts", &post).await;
    report_ok(&app, &reporter, "post", &post, "spam").await;

    let body = act_ok(
        &app,
        &boss,
        "posts",
        &post,
        json!({"action": "remove", "reason": "Spam"}),
    )
    .await;
    assert_eq!(body["entry"]["action"], "remove");
    assert_eq!(body["entry"]["report_count"], 1);

    // The queue is resolved here at once.
    let (_, queue) = app.get("/api/v1/moderation/queue", Some(&boss)).await;
    assert!(queue["queue"].as_array().unwrap().is_empty(), "{queue}");
    // One command waits for the post's region, saying exactly what to do.
    let commands = commands_for_elsewhere(&app).await;
    assert_eq!(commands.len(), 1, "{commands:?}");
    let Job::ModerateContent(command) = &commands[0] else {
        panic!("not a moderation command: {:?}", commands[0]);
    };
    assert_eq!(command.region, ELSEWHERE);
    assert_eq!(command.target.kind, TargetKind::Post);
    assert_eq!(command.target.id.to_string(), post);
    assert_eq!(command.change.state, Some(ModerationState::Removed));
    assert_eq!(command.change.reason.as_deref(), Some("Spam"));
    // The row is the other region's: this region has not changed it.
    let body = assert_status(app.get(&format!("/api/v1/posts/{post}"), None).await, 200);
    assert_eq!(body["post"]["moderation"], "visible");
    let (_, body) = app
        .get(&format!("/api/v1/communities/{community}/posts"), None)
        .await;
    assert_eq!(body["posts"][0]["id"], post.as_str(), "{body}");
}

#[tokio::test]
async fn hiding_a_comment_and_the_report_thresholds_elsewhere_travel_the_same_way() {
    let app = TestApp::start_configured(None, |c| {
        (c.moderation.hide_reports, c.moderation.spoiler_reports) = (2, 2);
    })
    .await;
    let boss = admin(&app, "boss").await;
    let [r1, r2] = app.sign_ups(["rep1", "rep2"]).await;
    let (author, _community, post) = app.sign_up_and_post("author", "a thread").await;
    let comment = app.comment(&author, &post, "the ending is...").await;
    written_elsewhere(&app, "comments", &comment).await;

    // Two spoiler reports pass both thresholds: no error for the reporter, two commands.
    for reporter in [&r1, &r2] {
        report_ok(&app, reporter, "comment", &comment, "spoiler").await;
    }
    act_ok(
        &app,
        &boss,
        "comments",
        &comment,
        json!({"action": "hide", "reason": "Spoils the ending"}),
    )
    .await;

    let changes: Vec<_> = commands_for_elsewhere(&app)
        .await
        .into_iter()
        .map(|job| match job {
            Job::ModerateContent(c) => {
                assert_eq!(c.target.kind, TargetKind::Comment);
                assert_eq!(c.target.id.to_string(), comment);
                (c.change.spoiler, c.change.state, c.change.only_if_visible)
            }
            other => panic!("not a moderation command: {other:?}"),
        })
        .collect();
    assert_eq!(
        changes,
        vec![
            (Some(true), None, false),
            (None, Some(ModerationState::PendingReview), true),
            (None, Some(ModerationState::Hidden), false),
        ]
    );
}

#[tokio::test]
async fn banning_an_account_homed_elsewhere_ends_its_sessions_and_sends_the_hiding_home() {
    let app = TestApp::start_in_process().await;
    let boss = admin(&app, "boss").await;
    let (troll, _community, post) = app.sign_up_and_post("troll", "spam spam").await;
    // The account and its post are region 2's (it signed up there; its session was made there).
    let (_, me) = app.me(&troll).await;
    let troll_id = me["user"]["id"].as_str().unwrap().to_owned();
    sqlx::query("UPDATE users SET home_region = ? WHERE id = ?")
        .bind(i64::from(ELSEWHERE))
        .bind(troll_id.parse::<i64>().unwrap())
        .execute(&app.db().pool)
        .await
        .unwrap();
    written_elsewhere(&app, "posts", &post).await;

    act_ok(
        &app,
        &boss,
        "accounts",
        "troll",
        json!({"action": "ban", "reason": "Spam bot", "hide_content": true}),
    )
    .await;

    // The session is refused here at once, though its row is the home region's to delete.
    assert_error(app.me(&troll).await, 401, "unauthenticated");
    let (sessions,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions WHERE user_id = ?")
        .bind(troll_id.parse::<i64>().unwrap())
        .fetch_one(&app.db().pool)
        .await
        .unwrap();
    assert_eq!(
        sessions, 1,
        "this region deleted none of the home region's rows"
    );
    // Hiding what they wrote is the home region's to do.
    let commands = commands_for_elsewhere(&app).await;
    assert_eq!(commands.len(), 1, "{commands:?}");
    let Job::ModerateAuthor(command) = &commands[0] else {
        panic!("not an author command: {:?}", commands[0]);
    };
    assert_eq!(command.region, ELSEWHERE);
    assert_eq!(command.moderation.author_id.to_string(), troll_id);
    assert_eq!(command.moderation.state, ModerationState::HiddenWithAccount);
}
