//! Communities and favourites through the API.

use crate::helpers::TestApp;
use plaza_test_support::{assert_error, assert_status};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn a_new_site_has_default_communities() {
    let app = TestApp::start().await;
    let body = assert_status(app.get("/api/v1/communities", None).await, 200);
    assert!(body["communities"].as_array().unwrap().len() >= 3);
    let id = app.community().await;
    let (status, body) = app.get(&format!("/api/v1/communities/{id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["community"]["id"], id.as_str());
}

#[tokio::test]
async fn only_admins_create_and_edit_communities() {
    let app = TestApp::start().await;
    let token = app.sign_up("gina").await;
    let input =
        json!({"title_id": "0005000010ABCD00", "name": "Pikmin", "description": "Tiny helpers."});
    assert_error(
        app.post("/api/v1/communities", Some(&token), input.clone())
            .await,
        403,
        "admin_only",
    );

    app.make_admin("gina").await;
    let (status, body) = app.post("/api/v1/communities", Some(&token), input).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["community"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        body["community"]["url"],
        format!("/titles/0005000010ABCD00/{id}")
    );

    let (status, body) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/communities/{id}"),
            Some(&token),
            Some(json!({"title_id": "0005000010ABCD00", "name": "Pikmin 3"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = app.get(&format!("/api/v1/communities/{id}"), None).await;
    assert_eq!(body["community"]["name"], "Pikmin 3");

    for bad in [
        json!({"title_id": "not valid!", "name": "x"}),
        json!({"title_id": "ABC", "name": ""}),
        json!({"title_id": "ABC", "name": "x", "icon_url": "javascript:alert(1)"}),
    ] {
        let (status, _) = app.post("/api/v1/communities", Some(&token), bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn favourites_show_on_the_profile() {
    let app = TestApp::start().await;
    let (token, id) = app.sign_up_with_community("hank").await;
    let (status, body) = app
        .put(&format!("/api/v1/communities/{id}/favourite"), &token)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["favourited"], true);
    let (_, body) = app.get("/api/v1/users/hank/favourites", None).await;
    assert_eq!(body["communities"][0]["id"], id.as_str());
    let (_, body) = app
        .get(&format!("/api/v1/communities/{id}"), Some(&token))
        .await;
    assert_eq!(body["community"]["favourited"], true);

    app.delete(&format!("/api/v1/communities/{id}/favourite"), &token)
        .await;
    let (_, body) = app.get("/api/v1/users/hank/favourites", None).await;
    assert!(body["communities"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn unknown_communities_are_not_found() {
    let app = TestApp::start().await;
    let token = app.sign_up("ivy").await;
    let (status, body) = app.get("/api/v1/communities/123456789", None).await;
    assert_error((status, &body), 404, "not_found");
    let (status, _) = app
        .post_in(&token, "123456789", json!({"body": "hi"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .put("/api/v1/communities/123456789/favourite", &token)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
