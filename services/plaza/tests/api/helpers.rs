//! Starting a fresh Plaza for a test, and small helpers to call it.
//!
//! Three ways to run the suite:
//! - by default each test starts the five services in this process, on a fresh database;
//! - with `PLAZA_TEST_REGION_ROOT` (a provisioned region's folder) those in-process services use
//!   the region's memcached, Redis and S3 store (with a key prefix and a bucket of their own);
//! - with `PLAZA_TEST_EDGE` as well (the region's edge URL), a test that needs nothing but HTTP
//!   goes to the region itself, through nginx and HAProxy to its processes, after the region's
//!   database, memcached keys, Redis keys and bucket are emptied (so each test still starts from an
//!   empty site; tests then take turns). Tests that inject faults or change the configuration
//!   still start their own services, on the region's parts.

use plaza::stack::{RouterHook, Service};
use plaza::{Config, Running};
use plaza_media::ObjectStore;
use plaza_storage::{Db, sqlx};
use plaza_test_support::Api;
use reqwest::StatusCode;
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, MutexGuard};

/// A running Plaza with its own database: services started here, or a provisioned region
/// reached through its edge.
pub struct TestApp {
    /// Plaza's API at this app's URL (`app.url`, `app.client`, `app.get(..)` and the rest).
    pub api: Api,
    /// The services started here (stopped when the test ends), if any.
    _running: Option<Running>,
    db: Db,
    media: Arc<dyn ObjectStore>,
    /// The edge's certificate, when the app is a region reached through its edge.
    edge_cert: Option<reqwest::Certificate>,
    _dir: Option<tempfile::TempDir>,
    /// Held while a test uses the region: tests through the edge share it and take turns.
    _turn: Option<MutexGuard<'static, ()>>,
}

/// Taken by each test that runs on the region through its edge.
static REGION_TURN: Mutex<()> = Mutex::const_new(());

/// A client builder that trusts `cert` (a region's edge certificate) when given.
fn builder_trusting(cert: Option<&reqwest::Certificate>) -> reqwest::ClientBuilder {
    let builder = reqwest::Client::builder();
    match cert {
        Some(cert) => builder.tls_certs_only([cert.clone()]),
        None => builder,
    }
}

/// A provisioned region's configuration, from its folder (scripts/region.sh).
fn region_config(root: &str) -> Config {
    Config::load(Some(&Path::new(root).join("etc/plaza.toml"))).expect("the region's configuration")
}

/// Points a test's configuration at a provisioned region's memcached, Redis and S3 store
/// (scripts/region.sh): the suite then runs on the region's real parts. Each test gets its own
/// key prefix and its own bucket, as it gets its own database.
async fn use_region_parts(config: &mut Config, root: &str) {
    let region = region_config(root);
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
    plaza_media::S3Store::new(&s3)
        .create_bucket()
        .await
        .expect("a test bucket");
    config.s3 = Some(s3);
}

/// Waits (bounded) until `db`'s job queue has nothing waiting.
async fn drain(db: &Db) {
    for _ in 0..400 {
        let (waiting, _) = plaza_storage::queue::depth(db).await.expect("depth");
        if waiting == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the job queue did not drain");
}

impl TestApp {
    /// A fresh Plaza: through the region's edge when `PLAZA_TEST_EDGE` is set, else started
    /// in this process.
    pub async fn start() -> Self {
        match std::env::var("PLAZA_TEST_EDGE") {
            Ok(edge) => Self::through_edge(&edge).await,
            Err(_) => Self::start_in_process().await,
        }
    }

    /// Services started in this process (for a test that measures or inspects the process).
    pub async fn start_in_process() -> Self {
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
        let running = plaza::start(&config, &Service::ALL, hook)
            .await
            .expect("plaza starts");
        let web = running.web.expect("web runs");
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        TestApp {
            api: Api::new(format!("http://{web}"), client),
            db: running.db.clone(),
            media: running.media.clone(),
            _running: Some(running),
            edge_cert: None,
            _dir: Some(dir),
            _turn: None,
        }
    }

    /// The provisioned region at `PLAZA_TEST_REGION_ROOT`, reached through its edge at `edge`,
    /// emptied first: its database (the default communities are made again, as on a first
    /// start), its memcached keys, its Redis keys and its media bucket.
    async fn through_edge(edge: &str) -> Self {
        let turn = REGION_TURN.lock().await;
        let root = std::env::var("PLAZA_TEST_REGION_ROOT")
            .expect("PLAZA_TEST_EDGE needs PLAZA_TEST_REGION_ROOT, the region's folder");
        let region = region_config(&root);
        let db = Db::connect(&region.database_url(), 2)
            .await
            .expect("the region's MariaDB");
        // The previous test's jobs finish first, so that none lands in the emptied database.
        drain(&db).await;
        plaza_storage::testing::empty_mariadb(&db)
            .await
            .expect("the region's database is emptied");
        let ids = plaza_types::IdGenerator::new(region.region, 31).expect("an id generator");
        plaza_web::ops::communities::seed_default_communities(&db, &ids, region.region)
            .await
            .expect("the default communities");
        // Only the region's keys: tests that start their services here use the same memcached
        // under prefixes of their own, and may be running now.
        plaza_cache::MemcachedCache::new(&region.memcached.servers, 1, &region.key_prefix)
            .clear()
            .await
            .expect("the region's memcached keys are deleted");
        assert!(!region.redis_url.is_empty(), "the region has Redis");
        plaza_cache::redis::Redis::new(&region.redis_url, &region.key_prefix)
            .expect("a Redis URL")
            .clear()
            .await
            .expect("the region's Redis keys are deleted");
        let s3 = region.s3.as_ref().expect("the region has an S3 store");
        let media: Arc<dyn ObjectStore> = Arc::new(plaza_media::S3Store::new(s3));
        for key in media
            .list_older_than("", Duration::ZERO)
            .await
            .expect("the bucket lists")
        {
            media.delete(&key).await.expect("an object is deleted");
        }
        let cert =
            std::fs::read(Path::new(&root).join("etc/edge.crt")).expect("the edge's certificate");
        let cert = reqwest::Certificate::from_pem(&cert).expect("a PEM certificate");
        let client = builder_trusting(Some(&cert))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        TestApp {
            api: Api::new(edge.trim_end_matches('/'), client),
            _running: None,
            db,
            media,
            edge_cert: Some(cert),
            _dir: None,
            _turn: Some(turn),
        }
    }

    /// A client builder that trusts this app (the region's edge certificate, if any).
    pub fn client_builder(&self) -> reqwest::ClientBuilder {
        builder_trusting(self.edge_cert.as_ref())
    }

    /// Keys of the stored media objects under `prefix` (such as `drawings/`).
    pub async fn media_keys(&self, prefix: &str) -> Vec<String> {
        self.media
            .list_older_than(prefix, Duration::ZERO)
            .await
            .expect("the object store lists")
    }

    /// The image workers of services started in this process (none through the edge).
    pub fn images(&self) -> Option<&plaza_media::ImageWorkers> {
        self._running.as_ref().map(|r| &r.images)
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// A raw TCP connection to the web service started here (for requests an HTTP client would
    /// not send as written: half-sent, slow, or with `.` parts in the path).
    pub async fn raw_connection(&self) -> tokio::net::TcpStream {
        let host = self
            .url
            .strip_prefix("http://")
            .expect("services started in this process, reached over plain HTTP");
        tokio::net::TcpStream::connect(host)
            .await
            .expect("connects")
    }

    /// The address of one of the services started here.
    pub fn service_addr(&self, service: Service) -> std::net::SocketAddr {
        let running = self
            ._running
            .as_ref()
            .expect("services started in this process");
        match service {
            Service::Web => running.web,
            Service::Timeline => running.timeline,
            Service::Empathy => running.empathy,
            Service::Notification => running.notification,
            Service::Worker => running.worker,
        }
        .expect("the service runs here")
    }

    /// Starts shutting the services started here down as on SIGTERM; the task ends when they
    /// have stopped.
    pub fn shut_down_in_background(&mut self) -> tokio::task::JoinHandle<()> {
        let running = self
            ._running
            .take()
            .expect("services started in this process");
        tokio::spawn(async move { running.shutdown().await.expect("a clean shutdown") })
    }

    /// Shuts the services started here down as on SIGTERM, and waits until they have stopped.
    pub async fn shut_down(&mut self) {
        let running = self
            ._running
            .take()
            .expect("services started in this process");
        running.shutdown().await.expect("a clean shutdown");
    }

    /// The HTML of a page, as a visitor who is not signed in sees it.
    pub async fn page(&self, path: &str) -> String {
        self.get_raw(path).await.text().await.expect("body")
    }

    /// The bytes at a site path (a media URL), and the answer's status.
    pub async fn fetch(&self, path: &str) -> (StatusCode, Vec<u8>) {
        let response = self.get_raw(path).await;
        let status = response.status();
        (status, response.bytes().await.expect("body").to_vec())
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

    /// A token of the admin `name`: a new session when they have an account already, else they
    /// sign up (password "password1") and are made an admin.
    pub async fn admin_token(&self, name: &str) -> String {
        match self.create_session(name, "password1").await {
            (StatusCode::CREATED, body) => body["token"].as_str().unwrap().to_owned(),
            _ => {
                let token = self.sign_up(name).await;
                self.make_admin(name).await;
                token
            }
        }
    }

    /// Waits (bounded) until the notification count of `token`'s owner is `n`; the worker
    /// delivers notifications asynchronously.
    pub async fn wait_unread(&self, token: &str, n: i64) -> i64 {
        let (within, every) = (Duration::from_secs(10), Duration::from_millis(25));
        self.api.wait_unread_within(token, n, within, every).await
    }

    /// Waits (bounded) until the job queue is empty, so that every notification is delivered.
    pub async fn drain_jobs(&self) {
        drain(&self.db).await;
    }

    /// Waits (bounded) until every job but those waiting for a later time (a deleted account's
    /// media purge, queued for after its grace period) has run.
    pub async fn drain_until_only_purges(&self) {
        for _ in 0..400 {
            let (n,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM jobs WHERE state IN (0, 1) AND kind <> 'purge_media'",
            )
            .fetch_one(&self.db.pool)
            .await
            .expect("jobs");
            if n == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the job queue did not drain");
    }
}

/// A job row written straight into the queue, as the release before the typed jobs wrote it or
/// as a test arranges the queue: in region 1, never tried, not leased.
pub struct JobRow<'a> {
    pub id: i64,
    pub kind: &'a str,
    pub payload: &'a str,
    /// `plaza_storage::queue::QUEUED`, `DEAD`, ...
    pub state: i64,
    pub max_attempts: i64,
    pub run_at: i64,
}

impl TestApp {
    /// Writes `row` into the job queue as it is, read by no worker first.
    pub async fn insert_job_row(&self, row: JobRow<'_>) {
        let now = plaza_types::now_millis();
        sqlx::query(
            "INSERT INTO jobs (id, region, kind, payload, state, attempts, max_attempts, run_at, \
             lease_until, last_error, created_at, updated_at) \
             VALUES (?, 1, ?, ?, ?, 0, ?, ?, NULL, NULL, ?, ?)",
        )
        .bind(row.id)
        .bind(row.kind)
        .bind(row.payload)
        .bind(row.state)
        .bind(row.max_attempts)
        .bind(row.run_at)
        .bind(now)
        .bind(now)
        .execute(&self.db.pool)
        .await
        .unwrap();
    }
}

impl std::ops::Deref for TestApp {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
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

/// The string `field` of every item of the list `key` in an answer; fails on an item without it.
pub fn strings<'a>(body: &'a Value, key: &str, field: &str) -> Vec<&'a str> {
    let items = body[key].as_array().expect("a list");
    items.iter().map(|n| n[field].as_str().unwrap()).collect()
}

/// A cookie-keeping client that does not follow redirects.
pub struct Browser {
    pub client: reqwest::Client,
    pub url: String,
}

impl Browser {
    pub fn new(app: &TestApp) -> Self {
        Browser {
            client: app
                .client_builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            url: app.url.clone(),
        }
    }

    /// A new browser on `app`, signed in as `name` (password "password1"), and the CSRF token
    /// of its signed-in pages.
    pub async fn signed_in(app: &TestApp, name: &str) -> (Self, String) {
        let browser = Browser::new(app);
        let csrf = browser.sign_in(name).await;
        (browser, csrf)
    }

    /// A new browser on `app` that has signed up as `name` (password "password1"), which also
    /// signs in.
    pub async fn signed_up(app: &TestApp, name: &str) -> Self {
        let browser = Browser::new(app);
        browser.sign_up(name).await;
        browser
    }

    /// The whole answer to `GET path` (a redirect is not followed).
    pub async fn get_raw(&self, path: &str) -> reqwest::Response {
        let request = self.client.get(format!("{}{path}", self.url));
        request.send().await.unwrap()
    }

    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let r = self.get_raw(path).await;
        (r.status(), r.text().await.unwrap())
    }

    /// `GET path` as a browser that prefers `languages` (an `Accept-Language` value).
    pub async fn get_in(&self, path: &str, languages: &str) -> (StatusCode, String) {
        let r = self
            .client
            .get(format!("{}{path}", self.url))
            .header(reqwest::header::ACCEPT_LANGUAGE, languages)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }

    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.submit_with_headers(path, &[], fields).await
    }

    /// Submits a form with request `headers` besides the browser's own, as the pages' script
    /// does (asking for JSON, for the redirect target in a header, under an idempotency key) or
    /// a browser set to another language.
    pub async fn submit_with_headers(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut request = self.client.post(format!("{}{path}", self.url));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.form(fields).send().await.unwrap()
    }

    /// Submits a form that carries nothing but its CSRF token `csrf` (a button: revoke,
    /// unlink, delete, mark as read).
    pub async fn press(&self, path: &str, csrf: &str) -> reqwest::Response {
        self.submit(path, &[("csrf", csrf)]).await
    }

    /// Submits a form with files (`multipart/form-data`) to `path`.
    pub async fn submit_multipart(
        &self,
        path: &str,
        form: reqwest::multipart::Form,
    ) -> reqwest::Response {
        let request = self.client.post(format!("{}{path}", self.url));
        request.multipart(form).send().await.unwrap()
    }

    /// Submits the settings form (with the CSRF token `csrf`).
    pub async fn save_settings(
        &self,
        csrf: &str,
        display_name: &str,
        bio: &str,
        language: &str,
    ) -> reqwest::Response {
        let fields = [
            ("csrf", csrf),
            ("display_name", display_name),
            ("bio", bio),
            ("language", language),
        ];
        self.submit("/settings", &fields).await
    }

    /// Submits the password form (with the CSRF token `csrf`).
    pub async fn change_password(&self, csrf: &str, current: &str, new: &str) -> reqwest::Response {
        let fields = [
            ("csrf", csrf),
            ("current_password", current),
            ("new_password", new),
        ];
        self.submit("/settings/password", &fields).await
    }

    /// Submits the form that deletes the account, with the CSRF token `csrf` and `password`.
    pub async fn delete_account(&self, csrf: &str, password: &str) -> reqwest::Response {
        let fields = [("csrf", csrf), ("password", password)];
        self.submit("/settings/delete", &fields).await
    }

    /// The CSRF token of the page at `path`.
    pub async fn csrf(&self, path: &str) -> String {
        let (_, html) = self.get(path).await;
        token_in(&html)
    }

    /// Signs in `name` (password "password1") and returns the CSRF token of the signed-in
    /// pages (the session's own: the one from before signing in no longer works).
    pub async fn sign_in(&self, name: &str) -> String {
        self.send_credentials("/signin", name).await;
        self.csrf("/").await
    }

    /// Signs up `name` (password "password1"), which also signs in.
    pub async fn sign_up(&self, name: &str) {
        self.send_credentials("/signup", name).await;
    }

    /// Submits the sign-in or sign-up form at `path` and expects the redirect of a success;
    /// returns the CSRF token the form carried.
    async fn send_credentials(&self, path: &str, name: &str) -> String {
        let csrf = self.csrf(path).await;
        let r = self.submit_credentials(path, &csrf, name).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        csrf
    }

    /// Submits the sign-in or sign-up form at `path` as `name` (password "password1") with the
    /// CSRF token `csrf`; the answer, whatever it is.
    pub async fn submit_credentials(
        &self,
        path: &str,
        csrf: &str,
        name: &str,
    ) -> reqwest::Response {
        let fields = [
            ("csrf", csrf),
            ("username", name),
            ("password", "password1"),
        ];
        self.submit(path, &fields).await
    }
}

/// A page a [`Browser`] read answered `status` (the page is shown when not); its HTML.
#[track_caller]
pub fn assert_page(answer: (StatusCode, String), status: u16) -> String {
    let (got, html) = answer;
    assert_eq!(got.as_u16(), status, "{html}");
    html
}

/// The answer to a form has `status` and shows `text`.
pub async fn assert_shows(answer: reqwest::Response, status: StatusCode, text: &str) {
    assert_eq!(answer.status(), status);
    let page = answer.text().await.unwrap();
    assert!(page.contains(text), "{text:?} is not in {page}");
}

pub fn token_in(html: &str) -> String {
    let marker = "name=\"csrf-token\" content=\"";
    let start = html.find(marker).expect("a csrf token") + marker.len();
    html[start..start + 43].to_owned()
}

/// Sends a JSON post to `path` in `pieces` pieces, `pause` apart, over the raw connection `s`
/// (see [`TestApp::raw_connection`]), and returns the whole answer (None if the connection
/// closed without one).
pub async fn post_slowly(
    mut s: tokio::net::TcpStream,
    path: &str,
    token: &str,
    body: &[u8],
    pieces: usize,
    pause: Duration,
    stall_after: Option<usize>,
) -> Option<String> {
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: plaza\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    use tokio::io::AsyncWriteExt;
    s.write_all(head.as_bytes()).await.unwrap();
    let size = body.len().div_ceil(pieces);
    for (i, piece) in body.chunks(size).enumerate() {
        if stall_after == Some(i) {
            break;
        }
        if s.write_all(piece).await.is_err() {
            break;
        }
        tokio::time::sleep(pause).await;
    }
    read_to_close(&mut s, Duration::from_secs(30)).await
}

/// Reads from `stream` until the server closes it, or `None` if `limit` passes first: what the
/// server said.
pub async fn read_to_close(stream: &mut tokio::net::TcpStream, limit: Duration) -> Option<String> {
    use tokio::io::AsyncReadExt;
    let mut answer = Vec::new();
    tokio::time::timeout(limit, stream.read_to_end(&mut answer))
        .await
        .ok()
        .map(|_| String::from_utf8_lossy(&answer).into_owned())
}
