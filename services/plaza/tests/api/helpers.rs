//! Starting a fresh Plaza for a test, and small helpers to call it.

use plaza::stack::{RouterHook, Service};
use plaza::{Config, Running};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

pub const ALL: [Service; 5] = [
    Service::Timeline,
    Service::Empathy,
    Service::Notification,
    Service::Worker,
    Service::Web,
];

/// A running Plaza with its own database.
pub struct TestApp {
    pub url: String,
    pub client: reqwest::Client,
    pub running: Option<Running>,
    _dir: tempfile::TempDir,
}

/// Points a test's configuration at a provisioned region's memcached, Redis and S3 store
/// (scripts/region.sh): the suite then runs on the region's real parts. Each test gets its own
/// key prefix and its own bucket, as it gets its own database.
async fn use_region_parts(config: &mut Config, root: &str) {
    let region = Config::load(Some(&std::path::Path::new(root).join("etc/plaza.toml")))
        .expect("the region's configuration");
    let tag = {
        let mut bytes = [0u8; 6];
        getrandom::fill(&mut bytes).expect("random bytes");
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    config.key_prefix = format!("test-{tag}");
    config.memcached = region.memcached.clone();
    config.redis_url = region.redis_url.clone();
    let mut s3 = region.s3.clone().expect("the region has an S3 store");
    s3.bucket = format!("plaza-test-{tag}");
    plaza_media::S3Store::new(&s3.settings())
        .create_bucket()
        .await
        .expect("a test bucket");
    config.s3 = Some(s3);
}

impl TestApp {
    pub async fn start() -> Self {
        Self::start_with(None).await
    }

    pub async fn start_with(hook: Option<RouterHook>) -> Self {
        Self::start_configured(hook, |_| {}).await
    }

    /// Starts with a test configuration changed by `adjust`.
    pub async fn start_configured(
        hook: Option<RouterHook>,
        adjust: impl FnOnce(&mut Config),
    ) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = plaza_storage::testing::fresh_database_url(dir.path()).await;
        let mut config = Config::for_tests(dir.path(), Some(url));
        if let Ok(root) = std::env::var("PLAZA_TEST_REGION_ROOT") {
            use_region_parts(&mut config, &root).await;
        }
        adjust(&mut config);
        let running = plaza::start(&config, &ALL, hook)
            .await
            .expect("plaza starts");
        let web = running.web.expect("web runs");
        TestApp {
            url: format!("http://{web}"),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            running: Some(running),
            _dir: dir,
        }
    }

    /// Keys of the stored media objects under `prefix` (such as `drawings/`).
    pub async fn media_keys(&self, prefix: &str) -> Vec<String> {
        let running = self.running.as_ref().expect("running");
        running
            .media
            .list_older_than(prefix, Duration::ZERO)
            .await
            .expect("the object store lists")
    }

    pub fn db(&self) -> &plaza_storage::Db {
        &self.running.as_ref().expect("running").db
    }

    /// Calls the API; returns the status and the JSON body (Null when empty).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.client.request(method, format!("{}{}", self.url, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let response = req.send().await.expect("request sent");
        let status = response.status();
        let text = response.text().await.expect("body");
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, value)
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

    /// The HTML of a page, as a visitor who is not signed in sees it.
    pub async fn page(&self, path: &str) -> String {
        let response = self
            .client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .expect("request sent");
        response.text().await.expect("body")
    }

    /// The bytes at a site path (a media URL), and the answer's status.
    pub async fn fetch(&self, path: &str) -> (StatusCode, Vec<u8>) {
        let response = self
            .client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .expect("request sent");
        let status = response.status();
        (status, response.bytes().await.expect("body").to_vec())
    }

    /// Signs up `name` (password "password1") and returns its API token.
    pub async fn sign_up(&self, name: &str) -> String {
        let (status, body) = self
            .post(
                "/api/v1/accounts",
                None,
                json!({"username": name, "password": "password1"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["token"].as_str().expect("token").to_owned()
    }

    /// The first default community's id.
    pub async fn community(&self) -> String {
        let (_, body) = self.get("/api/v1/communities", None).await;
        body["communities"][0]["id"]
            .as_str()
            .expect("a community")
            .to_owned()
    }

    /// Posts `text` in `community` and returns the post's id.
    pub async fn post_text(&self, token: &str, community: &str, text: &str) -> String {
        let (status, body) = self
            .post(
                &format!("/api/v1/communities/{community}/posts"),
                Some(token),
                json!({"body": text, "feeling": 1}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["post"]["id"].as_str().expect("post id").to_owned()
    }

    /// Comments `text` on `post` and returns the comment's id.
    pub async fn comment(&self, token: &str, post: &str, text: &str) -> String {
        let (status, body) = self
            .post(
                &format!("/api/v1/posts/{post}/comments"),
                Some(token),
                json!({"body": text}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["comment"]["id"]
            .as_str()
            .expect("comment id")
            .to_owned()
    }

    /// Makes `name` an admin directly in the database (as `plaza admin create` does).
    pub async fn make_admin(&self, name: &str) {
        let user = plaza_web::db::users::by_username(self.db(), name)
            .await
            .expect("db")
            .expect("user");
        plaza_web::db::users::make_admin(self.db(), user.id, None)
            .await
            .expect("admin");
    }

    /// Waits (bounded) until the notification count of `token`'s owner is `n`; the worker
    /// delivers notifications asynchronously.
    pub async fn wait_unread(&self, token: &str, n: i64) -> i64 {
        let mut last = -1;
        for _ in 0..200 {
            let (_, body) = self
                .get("/api/v1/notifications/unread_count", Some(token))
                .await;
            last = body["unread"].as_i64().unwrap_or(-1);
            if last == n {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        last
    }

    /// Waits (bounded) until the job queue is empty, so that every notification is delivered.
    pub async fn drain_jobs(&self) {
        for _ in 0..400 {
            let (waiting, _) = plaza_storage::queue::depth(self.db()).await.expect("depth");
            if waiting == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the job queue did not drain");
    }
}

/// The ids of the posts in a list answer.
pub fn ids(body: &Value, key: &str) -> Vec<String> {
    body[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// A cookie-keeping client that does not follow redirects.
pub struct Browser {
    pub client: reqwest::Client,
    pub url: String,
}

impl Browser {
    pub fn new(app: &TestApp) -> Self {
        Browser {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            url: app.url.clone(),
        }
    }

    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let r = self
            .client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }

    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.url))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// The CSRF token of the page at `path`.
    pub async fn csrf(&self, path: &str) -> String {
        let (_, html) = self.get(path).await;
        token_in(&html)
    }

    /// Signs in `name` (password "password1") and returns the page's CSRF token.
    pub async fn sign_in(&self, name: &str) -> String {
        self.send_credentials("/signin", name).await
    }

    /// Signs up `name` (password "password1"), which also signs in.
    pub async fn sign_up(&self, name: &str) {
        self.send_credentials("/signup", name).await;
    }

    /// Submits the sign-in or sign-up form at `path` and expects the redirect of a success.
    async fn send_credentials(&self, path: &str, name: &str) -> String {
        let csrf = self.csrf(path).await;
        let r = self
            .submit(
                path,
                &[
                    ("csrf", &csrf),
                    ("username", name),
                    ("password", "password1"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        csrf
    }
}

pub fn token_in(html: &str) -> String {
    let marker = "name=\"csrf-token\" content=\"";
    let start = html.find(marker).expect("a csrf token") + marker.len();
    html[start..start + 43].to_owned()
}
