//! Reaching the region: its edge URL, its processes' own ports, supervisorctl and its config.

pub use crate::edge_common::unique;
use crate::edge_common::{open_region, region_db, sign_up_unique};
use plaza::Config;
use plaza_test_support::Api;
use reqwest::StatusCode;
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
    /// Plaza's API through the edge (`region.client`, `region.get(..)`, `region.call_at(..)`).
    pub api: Api,
}

impl std::ops::Deref for Region {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

impl Region {
    pub fn open() -> Region {
        let root = PathBuf::from(std::env::var("PLAZA_REGION_ROOT").expect(
            "PLAZA_REGION_ROOT must name a converged region's folder (scripts/region.sh test)",
        ));
        let (config, client) = open_region(&root);
        Region {
            root,
            config,
            api: Api::new(EDGE, client),
        }
    }

    /// A client of the region's memcached, under the region's key prefix.
    pub fn memcached(&self) -> plaza_cache::MemcachedCache {
        plaza_cache::MemcachedCache::new(&self.config.memcached.servers, 1, &self.config.key_prefix)
    }

    /// A connection to the region's MariaDB.
    pub async fn db(&self) -> plaza_storage::Db {
        region_db(&self.config).await
    }

    /// Runs `supervisorctl` on the region's supervisord.
    pub fn ctl(&self, args: &[&str]) -> String {
        crate::edge_common::supervisorctl(&self.root, args)
    }

    /// Signs up a new person with a unique name made from `prefix`; returns (name, token).
    pub async fn sign_up(&self, prefix: &str) -> (String, String) {
        sign_up_unique(&self.api, prefix).await
    }

    /// Signs up a new person (a unique name made from `prefix`) who posts `text` in the first
    /// community: (token, community, post).
    pub async fn author_with_post(&self, prefix: &str, text: &str) -> (String, String, String) {
        let (_, token) = self.sign_up(prefix).await;
        let community = self.community().await;
        let post = self.post_text(&token, &community, text).await;
        (token, community, post)
    }

    /// Comments `text` on `post` as `token`'s owner through the process at `base`.
    pub async fn comment_via(
        &self,
        base: &str,
        token: &str,
        post: &str,
        text: &str,
    ) -> (StatusCode, serde_json::Value) {
        let path = format!("/api/v1/posts/{post}/comments");
        let body = serde_json::json!({ "body": text });
        self.call_at(base, reqwest::Method::POST, &path, Some(token), Some(body))
            .await
    }

    /// Waits (bounded) until `token`'s owner has `n` unread notifications.
    pub async fn wait_unread(&self, token: &str, n: i64, within: Duration) -> i64 {
        let every = Duration::from_millis(200);
        self.api.wait_unread_within(token, n, within, every).await
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

/// Checks that `response` is the console protocol's XML error document with `status` and the
/// stable `code` (what a console reads), never nginx's or HAProxy's own HTML or Plaza's JSON.
pub async fn assert_console_error(response: reqwest::Response, status: StatusCode, code: &str) {
    assert_eq!(response.status(), status);
    let content_type = plaza_test_support::header(&response, "content-type").to_owned();
    assert!(
        content_type.starts_with("application/xml"),
        "{status}: {content_type}"
    );
    let xml = response.text().await.unwrap();
    for part in [
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><result><has_error>1</has_error>".to_owned(),
        format!("<code>{}</code>", status.as_u16()),
        format!("<error_code>{code}</error_code>"),
        "<message>".to_owned(),
    ] {
        assert!(xml.contains(&part), "{part} not in {xml}");
    }
}

/// Runs a supervisorctl command when dropped, so a test that stopped or paused a process puts
/// it back even when an assertion fails.
pub struct Restore<'a>(pub &'a Region, pub &'a [&'a str]);

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        self.0.ctl(self.1);
    }
}

/// Runs `chef-like-provision/bin/<tool>` with `args` from the repository (the region's node
/// file by default); panics with its output if it fails, else returns it.
pub fn provision(tool: &str, args: &[&str]) -> String {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = std::process::Command::new(repo.join("chef-like-provision/bin").join(tool))
        .args(args)
        .current_dir(&repo)
        .output()
        .unwrap_or_else(|e| panic!("bin/{tool} runs: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "bin/{tool} {args:?} failed:\n{text}");
    text
}

/// Sends one command to HAProxy's admin socket (its runtime API) in the region under `root`;
/// returns the answer, or the error while no HAProxy answers on it.
pub fn haproxy(root: &std::path::Path, command: &str) -> std::io::Result<String> {
    use std::io::{Read, Write};
    let mut conn = std::os::unix::net::UnixStream::connect(root.join("run/haproxy.sock"))?;
    conn.set_read_timeout(Some(Duration::from_secs(5)))?;
    conn.write_all(format!("{command}\n").as_bytes())?;
    let mut out = String::new();
    conn.read_to_string(&mut out)?;
    Ok(out)
}

/// The status HAProxy's admin socket shows for `server` ("backend/server"): `UP`, `DOWN`,
/// `MAINT`, `DRAIN`..., or None when it has no such server or does not answer.
pub fn haproxy_status(root: &std::path::Path, server: &str) -> Option<String> {
    let (backend, name) = server.split_once('/')?;
    let stat = haproxy(root, "show stat").ok()?;
    // Columns 1, 2 and 18 of `show stat` are the backend, the server and its status.
    stat.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(',').collect();
        (fields.len() > 17 && fields[0] == backend && fields[1] == name)
            .then(|| fields[17].to_owned())
    })
}

/// Waits (up to a minute) until HAProxy counts `server` ("backend/server") UP: in rotation
/// again after a restart. Blocking: call it from a blocking thread or between requests.
pub fn wait_until_up_in_haproxy(root: &std::path::Path, server: &str) {
    let mut last = None;
    for _ in 0..600 {
        last = haproxy_status(root, server);
        if last.as_deref() == Some("UP") {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{server} did not come back UP in HAProxy within a minute (last: {last:?})");
}
