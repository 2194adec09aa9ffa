//! Plaza's public JSON API reached over HTTP at a base URL: the calls every cross-service test
//! makes (sign up, find a community, post, comment, wait for a notification).

use crate::request::parse_body;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

/// A client of Plaza's API at `url` (a web service started by the test, or a region's edge).
#[derive(Debug, Clone)]
pub struct Api {
    pub url: String,
    pub client: reqwest::Client,
}

impl Api {
    pub fn new(url: impl Into<String>, client: reqwest::Client) -> Self {
        Api {
            url: url.into(),
            client,
        }
    }

    /// Calls `base` + `path` (a base other than this API's: one process of a region); returns
    /// the status and the JSON body (`Null` when empty).
    pub async fn call_at(
        &self,
        base: &str,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.client.request(method, format!("{base}{path}"));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let response = req.send().await.expect("request sent");
        let status = response.status();
        let text = response.text().await.expect("body");
        (status, parse_body(&text))
    }

    /// `GET base + path` without a token (one process of a region).
    pub async fn get_at(&self, base: &str, path: &str) -> (StatusCode, Value) {
        self.call_at(base, Method::GET, path, None, None).await
    }

    /// The whole answer to `GET base + path` with `token` (headers, a streamed body), for a test
    /// that looks past the JSON: retry hints, live notifications.
    pub async fn get_raw_at(&self, base: &str, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(format!("{base}{path}"))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    /// `token`'s owner's live notification stream at `base` (one web process), which must open;
    /// the whole answer, its events still to come.
    pub async fn notification_stream_at(&self, base: &str, token: &str) -> reqwest::Response {
        let response = self
            .get_raw_at(base, "/api/v1/notifications/stream", token)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        response
    }

    /// The whole answer to `GET path` without a token (headers, bytes), for a test that looks
    /// past the JSON: media, static files, pages.
    pub async fn get_raw(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .expect("request sent")
    }

    /// Calls the API; returns the status and the JSON body (`Null` when empty).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.call_at(&self.url, method, path, token, body).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn put(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::PUT, path, Some(token), None).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// `GET /api/v1/me` with `token`: the account it signs in as, or why it does not.
    pub async fn me(&self, token: &str) -> (StatusCode, Value) {
        self.get("/api/v1/me", Some(token)).await
    }

    /// `PATCH /api/v1/me` with `token`: changes the caller's profile; the status and body,
    /// whatever they are.
    pub async fn update_me(&self, token: &str, changes: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, "/api/v1/me", Some(token), Some(changes))
            .await
    }

    /// `POST /api/v1/accounts`: asks for an account; the status and body, whatever they are.
    pub async fn create_account(&self, username: &str, password: &str) -> (StatusCode, Value) {
        let credentials = json!({"username": username, "password": password});
        self.post("/api/v1/accounts", None, credentials).await
    }

    /// `POST /api/v1/sessions`: asks for a token; the status and body, whatever they are.
    pub async fn create_session(&self, username: &str, password: &str) -> (StatusCode, Value) {
        let credentials = json!({"username": username, "password": password});
        self.post("/api/v1/sessions", None, credentials).await
    }

    /// Signs up `name` (password "password1") and returns its API token.
    pub async fn sign_up(&self, name: &str) -> String {
        let (status, body) = self.create_account(name, "password1").await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        as_string(&body["token"], "token")
    }

    /// Signs up each of `names` in turn (password "password1"); returns their API tokens.
    pub async fn sign_ups<const N: usize>(&self, names: [&str; N]) -> [String; N] {
        let mut tokens = Vec::with_capacity(N);
        for name in names {
            tokens.push(self.sign_up(name).await);
        }
        tokens.try_into().expect("one token a name")
    }

    /// The JSON body of `GET path` without a token.
    async fn read(&self, path: &str) -> Value {
        self.get(path, None).await.1
    }

    /// The first default community's id.
    pub async fn community(&self) -> String {
        let body = self.read("/api/v1/communities").await;
        as_string(&body["communities"][0]["id"], "a community")
    }

    /// The page URL of `community` (such as `/communities/...`).
    pub async fn community_url(&self, community: &str) -> String {
        let body = self.read(&format!("/api/v1/communities/{community}")).await;
        as_string(&body["community"]["url"], "a community URL")
    }

    /// The first page of `community`'s posts as someone signed out reads it (the JSON body).
    pub async fn community_posts(&self, community: &str) -> Value {
        self.read(&format!("/api/v1/communities/{community}/posts"))
            .await
    }

    /// How many posts the first page of `community` shows to someone signed out.
    pub async fn community_post_count(&self, community: &str) -> usize {
        let body = self.community_posts(community).await;
        body["posts"].as_array().expect("a list of posts").len()
    }

    /// The follower count on `username`'s profile, as someone signed out sees it.
    pub async fn follower_count(&self, username: &str) -> i64 {
        let body = self.read(&format!("/api/v1/users/{username}")).await;
        body["user"]["follower_count"].as_i64().expect("a count")
    }

    /// Posts `body` (the JSON of a new post) in `community` as `token`'s owner.
    pub async fn post_in(&self, token: &str, community: &str, body: Value) -> (StatusCode, Value) {
        let path = format!("/api/v1/communities/{community}/posts");
        self.post(&path, Some(token), body).await
    }

    /// Posts `text` in `community` and returns the post's id.
    pub async fn post_text(&self, token: &str, community: &str, text: &str) -> String {
        let (status, body) = self
            .post_in(token, community, json!({"body": text, "feeling": 1}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        as_string(&body["post"]["id"], "post id")
    }

    /// Registers the game title `title_id` (16 hex digits, in either case) as the admin whose
    /// token is `admin`, named "Game " and the id in upper case; the title's main community.
    pub async fn register_title(&self, admin: &str, title_id: &str) -> String {
        let shown_id = title_id.to_uppercase();
        let title = json!({
            "title_id": title_id,
            "name": format!("Game {shown_id}"),
            "platform": "wiiu",
            "description": "A game.",
        });
        let (status, body) = self.post("/api/v1/admin/titles", Some(admin), title).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["title"]["title_id"], shown_id.as_str(), "{body}");
        as_string(&body["title"]["main_community_id"], "a main community")
    }

    /// Signs up `name` and finds the first community: (token, community).
    pub async fn sign_up_with_community(&self, name: &str) -> (String, String) {
        let token = self.sign_up(name).await;
        (token, self.community().await)
    }

    /// Signs up `name` and has them post `text` in the first community: (token, community,
    /// post).
    pub async fn sign_up_and_post(&self, name: &str, text: &str) -> (String, String, String) {
        let (token, community) = self.sign_up_with_community(name).await;
        let post = self.post_text(&token, &community, text).await;
        (token, community, post)
    }

    /// Gives `token`'s owner's Yeah to `post`.
    pub async fn yeah(&self, token: &str, post: &str) -> (StatusCode, Value) {
        self.put(&format!("/api/v1/posts/{post}/yeah"), token).await
    }

    /// Gives `token`'s owner's Yeah to `comment`.
    pub async fn yeah_comment(&self, token: &str, comment: &str) -> (StatusCode, Value) {
        self.put(&format!("/api/v1/comments/{comment}/yeah"), token)
            .await
    }

    /// Deletes `comment` as `token`'s owner.
    pub async fn delete_comment(&self, token: &str, comment: &str) -> (StatusCode, Value) {
        self.delete(&format!("/api/v1/comments/{comment}"), token)
            .await
    }

    /// A post as a visitor who is not signed in reads it.
    pub async fn read_post(&self, post: &str) -> (StatusCode, Value) {
        self.get(&format!("/api/v1/posts/{post}"), None).await
    }

    /// A post as `token`'s owner reads it (with their Yeah, what moderation shows only to them).
    pub async fn read_post_as(&self, token: &str, post: &str) -> (StatusCode, Value) {
        self.get(&format!("/api/v1/posts/{post}"), Some(token))
            .await
    }

    /// A post's comments as a visitor who is not signed in reads them.
    pub async fn comments_of(&self, post: &str) -> (StatusCode, Value) {
        self.get(&format!("/api/v1/posts/{post}/comments"), None)
            .await
    }

    /// Comments `body` (the JSON of a new comment) on `post` as `token`'s owner.
    pub async fn comment_on(&self, token: &str, post: &str, body: Value) -> (StatusCode, Value) {
        let path = format!("/api/v1/posts/{post}/comments");
        self.post(&path, Some(token), body).await
    }

    /// Comments `text` on `post` and returns the comment's id.
    pub async fn comment(&self, token: &str, post: &str, text: &str) -> String {
        let (status, body) = self.comment_on(token, post, json!({"body": text})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        as_string(&body["comment"]["id"], "comment id")
    }

    /// Waits, at most `within` and looking every `every`, until the notification count of
    /// `token`'s owner is `n` (notifications are delivered asynchronously); returns the last
    /// count seen.
    pub async fn wait_unread_within(
        &self,
        token: &str,
        n: i64,
        within: Duration,
        every: Duration,
    ) -> i64 {
        let deadline = tokio::time::Instant::now() + within;
        let mut last = -1;
        while tokio::time::Instant::now() < deadline {
            let (_, body) = self
                .get("/api/v1/notifications/unread_count", Some(token))
                .await;
            last = body["unread"].as_i64().unwrap_or(-1);
            if last == n {
                break;
            }
            tokio::time::sleep(every).await;
        }
        last
    }
}

/// The string `value` holds (`what` names it when it is missing).
fn as_string(value: &Value, what: &str) -> String {
    value.as_str().expect(what).to_owned()
}
