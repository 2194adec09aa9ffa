//! Reaching the region: its edge URL, its processes' own ports, supervisorctl and its config.

use plaza::Config;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::Duration;

/// The edge's URL.
pub const EDGE: &str = "https://127.0.0.1:8443";
/// The two web processes, reached directly (bypassing HAProxy) to pick a process.
pub const WEB1: &str = "http://127.0.0.1:9101";
pub const WEB2: &str = "http://127.0.0.1:9102";

pub struct Region {
    pub root: PathBuf,
    pub config: Config,
    pub client: reqwest::Client,
}

impl Region {
    pub fn open() -> Region {
        let root = PathBuf::from(std::env::var("PLAZA_REGION_ROOT").expect(
            "PLAZA_REGION_ROOT must name a converged region's folder (scripts/region.sh test)",
        ));
        let config = Config::load(Some(&root.join("etc/plaza.toml"))).expect("region config");
        let cert = std::fs::read(root.join("etc/edge.crt")).expect("the edge's certificate");
        let client = reqwest::Client::builder()
            .tls_certs_only([reqwest::Certificate::from_pem(&cert).expect("a PEM certificate")])
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client");
        Region {
            root,
            config,
            client,
        }
    }

    /// A client of the region's memcached, under the region's key prefix.
    pub fn memcached(&self) -> plaza_cache::MemcachedCache {
        plaza_cache::MemcachedCache::new(&self.config.memcached.servers, 1, &self.config.key_prefix)
    }

    /// A connection to the region's MariaDB.
    pub async fn db(&self) -> plaza_storage::Db {
        plaza_storage::Db::connect(&self.config.database_url(), 2)
            .await
            .expect("the region's MariaDB")
    }

    /// Runs `supervisorctl` on the region's supervisord.
    pub fn ctl(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("supervisorctl")
            .arg("-c")
            .arg(self.root.join("supervisord.conf"))
            .args(args)
            .output()
            .expect("supervisorctl runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Calls `base` + `path`; returns the status and JSON body (Null when empty).
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
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, value)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.call_at(EDGE, Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call_at(EDGE, Method::POST, path, token, Some(body))
            .await
    }

    /// Signs up a new person with a unique name made from `prefix`; returns (name, token).
    pub async fn sign_up(&self, prefix: &str) -> (String, String) {
        let name = unique(prefix);
        let (status, body) = self
            .post(
                "/api/v1/accounts",
                None,
                json!({"username": name, "password": "password1"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        (name, body["token"].as_str().expect("token").to_owned())
    }

    /// The first community's id.
    pub async fn community(&self) -> String {
        let (_, body) = self.get("/api/v1/communities", None).await;
        body["communities"][0]["id"]
            .as_str()
            .expect("a community")
            .to_owned()
    }

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

    /// Waits (bounded) until `token`'s owner has `n` unread notifications.
    pub async fn wait_unread(&self, token: &str, n: i64, within: Duration) -> i64 {
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
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        last
    }

    /// Waits until every process of the region answers /readyz through HAProxy again.
    pub async fn wait_ready(&self) {
        for _ in 0..150 {
            let (status, _) = self.get("/readyz", None).await;
            if status == StatusCode::OK && !self.ctl(&["status"]).contains("STARTING") {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("the region did not become ready again");
    }
}

/// A name no earlier run used: usernames are unique in the region's database for good.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}{:x}", (nanos / 1000) % 0xff_ffff_ffff + n)
}

/// Runs a supervisorctl command when dropped, so a test that stopped or paused a process puts
/// it back even when an assertion fails.
pub struct Restore<'a>(pub &'a Region, pub &'a [&'a str]);

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        self.0.ctl(self.1);
    }
}
