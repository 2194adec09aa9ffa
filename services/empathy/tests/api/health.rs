use axum::http::Method;

#[tokio::test]
async fn health_answers_anyone_but_the_api_wants_the_internal_secret() {
    let app = crate::start().await;
    app.assert_health_open_and_api_guarded(Method::POST, "/v1/yeahs")
        .await;
}
