use crate::{create_post, item_ids, start};
use plaza_test_support::{ServiceApp, assert_error, assert_status};
use serde_json::{Value, json};

/// Comments `body` on `post` as `author`; returns the answer.
async fn comment(
    app: &ServiceApp,
    post: &Value,
    author: &str,
    body: &str,
) -> plaza_test_support::Reply {
    let path = format!("/v1/posts/{}/comments", post["id"].as_str().unwrap());
    let new = json!({"author_id": author, "body": body, "feeling": 0, "spoiler": false, "platform": "web"});
    app.post(&path, new).await
}

/// Comments and expects it stored; returns the comment's id.
async fn comment_id(app: &ServiceApp, post: &Value, author: &str) -> String {
    let reply = comment(app, post, author, "a comment").await;
    assert_status(&reply, 201);
    reply.body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn comments_are_listed_oldest_first_and_counted_on_their_post() {
    let app = start().await;
    let post = create_post(&app, json!({})).await;
    let first = comment_id(&app, &post, "8").await;
    let second = comment_id(&app, &post, "9").await;
    let post_id = post["id"].as_str().unwrap();

    let list = app
        .post(&format!("/v1/posts/{post_id}/comments/query"), json!({}))
        .await;
    assert_status(&list, 200);
    assert_eq!(item_ids(&list.body), vec![first.clone(), second]);
    let read = app.get(&format!("/v1/posts/{post_id}")).await;
    assert_eq!(read.body["comment_count"], 2);
    let one = app.get(&format!("/v1/comments/{first}")).await;
    assert_status(&one, 200);
    assert_eq!(one.body["body"], "a comment");
}

#[tokio::test]
async fn a_comment_needs_text_and_a_living_post() {
    let app = start().await;
    let post = create_post(&app, json!({})).await;
    assert_error(comment(&app, &post, "8", " ").await, 422, "body_empty");

    let missing = json!({"id": "42"});
    assert_error(comment(&app, &missing, "8", "hi").await, 404, "not_found");

    let path = format!("/v1/posts/{}/delete", post["id"].as_str().unwrap());
    assert_status(app.post(&path, json!({"actor_id": "7"})).await, 200);
    assert_error(comment(&app, &post, "8", "late").await, 409, "post_deleted");
}

#[tokio::test]
async fn only_the_author_or_a_moderator_deletes_a_comment() {
    let app = start().await;
    let post = create_post(&app, json!({})).await;
    let id = comment_id(&app, &post, "8").await;
    let path = format!("/v1/comments/{id}/delete");
    assert_error(
        app.post(&path, json!({"actor_id": "9"})).await,
        403,
        "not_author",
    );
    let deleted = app.post(&path, json!({"actor_id": "8"})).await;
    assert_status(&deleted, 200);
    assert_eq!(deleted.body["deleted"], true);
    assert_error(app.get("/v1/comments/42").await, 404, "not_found");
}

#[tokio::test]
async fn commenters_are_the_distinct_people_who_commented_before_a_comment() {
    let app = start().await;
    let post = create_post(&app, json!({})).await;
    comment_id(&app, &post, "8").await;
    comment_id(&app, &post, "9").await;
    comment_id(&app, &post, "8").await;
    let last = comment_id(&app, &post, "10").await;
    let post_id = post["id"].as_str().unwrap();
    let reply = app
        .get(&format!("/v1/posts/{post_id}/commenters?before={last}"))
        .await;
    assert_status(&reply, 200);
    let mut people: Vec<&str> = reply.body["user_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    people.sort_unstable();
    assert_eq!(people, vec!["8", "9"]);

    let bad = app.get(&format!("/v1/posts/{post_id}/commenters")).await;
    assert_error(&bad, 400, "invalid_query");
}
