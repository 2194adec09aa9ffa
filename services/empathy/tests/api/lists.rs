use crate::{field, give, start};
use plaza_test_support::{assert_error, assert_status};
use serde_json::json;

#[tokio::test]
async fn the_givers_of_a_target_are_listed_newest_first_and_can_leave_people_out() {
    let app = start().await;
    for user in ["8", "9", "10"] {
        give(&app, user, "500").await;
    }
    let list = app.get("/v1/targets/post/500/yeahs?limit=2").await;
    assert_status(&list, 200);
    assert_eq!(field(&list.body, "user_id"), vec!["10", "9"]);
    let cursor = list.body["next_cursor"].as_str().unwrap();
    let rest = app
        .get(&format!(
            "/v1/targets/post/500/yeahs?limit=2&cursor={cursor}"
        ))
        .await;
    assert_eq!(field(&rest.body, "user_id"), vec!["8"]);

    let query = app
        .post(
            "/v1/targets/post/500/yeahs/query",
            json!({"exclude_user_ids": ["9"]}),
        )
        .await;
    assert_status(&query, 200);
    assert_eq!(field(&query.body, "user_id"), vec!["10", "8"]);
}

#[tokio::test]
async fn a_list_refuses_a_cursor_it_did_not_make_and_an_unknown_kind() {
    let app = start().await;
    let bad = app.get("/v1/targets/post/500/yeahs?cursor=nonsense").await;
    assert_error(&bad, 400, "invalid_cursor");
    let kind = app.get("/v1/targets/song/500/yeahs").await;
    assert_error(&kind, 404, "not_found");
}

#[tokio::test]
async fn what_a_user_yeahed_is_listed_newest_first() {
    let app = start().await;
    for (user, post) in [("8", "500"), ("8", "501"), ("9", "502")] {
        give(&app, user, post).await;
    }
    let list = app.get("/v1/users/8/yeahs").await;
    assert_status(&list, 200);
    assert_eq!(field(&list.body, "target_id"), vec!["501", "500"]);
}

#[tokio::test]
async fn the_popular_posts_of_a_community_are_ranked_by_their_yeahs() {
    let app = start().await;
    give(&app, "8", "500").await;
    for user in ["8", "9"] {
        give(&app, user, "501").await;
    }
    let ranking = app.get("/v1/communities/100/popular").await;
    assert_status(&ranking, 200);
    assert_eq!(field(&ranking.body, "post_id"), vec!["501", "500"]);
    let elsewhere = app.get("/v1/communities/200/popular").await;
    assert_eq!(elsewhere.body["items"], json!([]));
}
