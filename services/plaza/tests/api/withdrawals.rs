//! A Yeah taken back leaves its notification group; a group left empty disappears, also from the
//! unread count.

use crate::blocking::notification_texts;
use crate::helpers::TestApp;

#[tokio::test]
async fn a_taken_back_yeah_leaves_its_group_and_the_next_names_step_up() {
    let app = TestApp::start().await;
    let (author, _, post) = app.sign_up_and_post("grouped", "yeah this").await;
    let mut fans = Vec::new();
    for name in ["dave", "carol", "erin"] {
        let token = app.sign_up(name).await;
        app.yeah(&token, &post).await;
        fans.push(token);
        // Apart in time, so the order of the names is the order of the Yeahs.
        app.drain_jobs().await;
    }
    assert_eq!(
        notification_texts(&app, &author).await,
        vec!["erin, carol and 1 other gave your post a Yeah."]
    );

    app.delete(&format!("/api/v1/posts/{post}/yeah"), &fans[0])
        .await;
    assert_eq!(
        notification_texts(&app, &author).await,
        vec!["erin and carol gave your post a Yeah."]
    );
    app.delete(&format!("/api/v1/posts/{post}/yeah"), &fans[2])
        .await;
    app.drain_jobs().await;
    let (_, body) = app.get("/api/v1/notifications", Some(&author)).await;
    assert_eq!(body["notifications"][0]["actor_count"], 1);
    assert_eq!(
        body["notifications"][0]["text"],
        "carol gave your post a Yeah."
    );
}

#[tokio::test]
async fn a_group_whose_yeahs_are_all_taken_back_disappears_and_is_no_longer_unread() {
    let app = TestApp::start().await;
    let (author, _, post) = app.sign_up_and_post("emptied", "a post").await;
    let fan = app.sign_up("fickle").await;
    let comment = app.comment(&author, &post, "a comment").await;
    app.yeah(&fan, &post).await;
    app.yeah_comment(&fan, &comment).await;
    assert_eq!(notification_texts(&app, &author).await.len(), 2);
    assert_eq!(app.wait_unread(&author, 2).await, 2);

    app.delete(&format!("/api/v1/posts/{post}/yeah"), &fan)
        .await;
    app.delete(&format!("/api/v1/comments/{comment}/yeah"), &fan)
        .await;
    assert!(notification_texts(&app, &author).await.is_empty());
    assert_eq!(app.wait_unread(&author, 0).await, 0);
}
