//! Reaching the three regions: each one's edge, database, supervisord and configuration.

use crate::edge_common::{open_region, region_db, sign_up_unique};
use plaza::Config;
use plaza_test_support::Api;
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The regions' names, which are also their folders and their replication connections' names.
pub const NAMES: [&str; 3] = ["r1", "r2", "r3"];

/// Tables each region keeps for itself, left out when the regions' data is compared:
/// `_sqlx_migrations` records when this region ran each migration (each region runs its own,
/// unreplicated), and `jobs` is the region's own work queue (not replicated: a region's workers
/// run only the jobs its own writes made).
pub const PER_REGION_TABLES: [&str; 2] = ["_sqlx_migrations", "jobs"];

pub struct Region {
    pub name: &'static str,
    pub root: PathBuf,
    pub config: Config,
    /// Plaza's API through this region's edge.
    pub api: Api,
}

/// Starts the region at `root` again as it was: its supervisord starts every program.
fn start_region(root: &std::path::Path, name: &str) {
    let conf = root.join("supervisord.conf");
    let running = std::process::Command::new("supervisorctl")
        .arg("-c")
        .arg(&conf)
        .arg("pid")
        .output()
        .is_ok_and(|o| o.status.success());
    if !running {
        let status = std::process::Command::new("supervisord")
            .arg("-c")
            .arg(&conf)
            .status()
            .expect("supervisord runs");
        assert!(status.success(), "starting region {name}");
    }
}

/// A stopped region, started again when this is dropped, so that a failing assertion does not
/// leave it stopped; [`Restart::now`] starts it without blocking the test's runtime.
pub struct Restart<'a>(pub &'a Region);

impl Restart<'_> {
    /// Starts the region now.
    pub async fn now(self) {
        let (root, name) = (self.0.root.clone(), self.0.name);
        std::mem::forget(self);
        tokio::task::spawn_blocking(move || start_region(&root, name))
            .await
            .unwrap();
    }
}

impl Drop for Restart<'_> {
    fn drop(&mut self) {
        self.0.start();
    }
}

impl std::ops::Deref for Region {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

/// The folder holding the three regions.
pub fn regions_root() -> PathBuf {
    PathBuf::from(std::env::var("PLAZA_REGIONS_ROOT").expect(
        "PLAZA_REGIONS_ROOT must name the converged regions' folder (scripts/regions.sh test)",
    ))
}

/// The repository (for chef-like-provision's commands).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The three regions, r1 first, once every one is ready and replicates both others (a test
/// before may have stopped one).
pub async fn regions() -> [Region; 3] {
    let regions = NAMES.map(Region::open);
    for region in &regions {
        region.start();
        region.wait_replicating(Duration::from_secs(90)).await;
    }
    regions
}

impl Region {
    pub fn open(name: &'static str) -> Region {
        let root = regions_root().join(name);
        let (config, client) = open_region(&root);
        let edge = config.public_url.clone();
        Region {
            name,
            root,
            config,
            api: Api::new(edge, client),
        }
    }

    /// A connection to the region's MariaDB.
    pub async fn db(&self) -> plaza_storage::Db {
        region_db(&self.config).await
    }

    /// `/readyz` of the region's web service, through its edge: `None` when the edge does not
    /// answer at all (the region is stopped).
    pub async fn readyz(&self) -> Option<(StatusCode, Value)> {
        let response = self
            .api
            .client
            .get(format!("{}/readyz", self.api.url))
            .send()
            .await
            .ok()?;
        let status = response.status();
        let body = response.json().await.unwrap_or(Value::Null);
        Some((status, body))
    }

    /// Signs up a new person with a unique name made from `prefix` in this region; returns
    /// (name, token).
    pub async fn sign_up(&self, prefix: &str) -> (String, String) {
        sign_up_unique(&self.api, prefix).await
    }

    /// Waits (bounded) until `path` answers 200 here: what another region wrote has arrived.
    pub async fn wait_for(&self, path: &str) -> Value {
        for _ in 0..150 {
            let (status, body) = self.get(path, None).await;
            if status == StatusCode::OK {
                return body;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{path} did not reach region {} within 15 s", self.name);
    }

    /// Every table's checksum (`CHECKSUM TABLE`) but the per-region ones, by table name.
    pub async fn checksums(&self) -> BTreeMap<String, i64> {
        use plaza_storage::sqlx::{self, Row};
        let db = self.db().await;
        let tables: Vec<(String,)> = sqlx::query_as(
            "SELECT CAST(table_name AS CHAR) FROM information_schema.tables \
             WHERE table_schema = DATABASE() ORDER BY table_name",
        )
        .fetch_all(&db.pool)
        .await
        .unwrap();
        let mut sums = BTreeMap::new();
        for (table,) in tables {
            if PER_REGION_TABLES.contains(&table.as_str()) {
                continue;
            }
            // The name comes from information_schema, not from input.
            let rows = sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CHECKSUM TABLE `{table}`")))
                .fetch_all(&db.pool)
                .await
                .unwrap();
            let sum: Option<i64> = rows[0].try_get(1).unwrap();
            sums.insert(table, sum.expect("a checksum"));
        }
        db.pool.close().await;
        sums
    }

    /// How many rows `table` holds here.
    pub async fn count(&self, table: &str) -> i64 {
        let db = self.db().await;
        // `table` is one of the tests' own names.
        let sql = plaza_storage::sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM `{table}`"));
        let (n,): (i64,) = plaza_storage::sqlx::query_as(sql)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        db.pool.close().await;
        n
    }

    /// Runs `supervisorctl` on the region's supervisord; returns what it printed.
    pub fn ctl(&self, args: &[&str]) -> String {
        crate::edge_common::supervisorctl(&self.root, args)
    }

    /// Stops every process of the region, its database included (its supervisord too). The
    /// graceful stop takes seconds; it runs off the test's runtime so that requests in flight
    /// meanwhile are timed as a client sees them, not frozen with the runtime.
    pub async fn stop(&self) {
        let (root, name) = (self.root.clone(), self.name);
        tokio::task::spawn_blocking(move || {
            let status = std::process::Command::new(repo().join("chef-like-provision/bin/stop"))
                .env("REGION_ROOT", &root)
                .status()
                .expect("bin/stop runs");
            assert!(status.success(), "stopping region {name}");
        })
        .await
        .unwrap();
    }

    /// Starts the region again as it was: its supervisord starts every program.
    pub fn start(&self) {
        start_region(&self.root, self.name);
    }

    /// Waits until the region's web service is ready through its edge and both replication
    /// channels run.
    pub async fn wait_replicating(&self, within: Duration) {
        let deadline = tokio::time::Instant::now() + within;
        let mut last = Value::Null;
        while tokio::time::Instant::now() < deadline {
            if let Some((status, body)) = self.readyz().await {
                if status == StatusCode::OK && running_channels(&body) == 2 {
                    return;
                }
                last = body;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        panic!("region {} does not replicate both peers: {last}", self.name);
    }
}

/// How many replication channels a `/readyz` answer reports running.
pub fn running_channels(readyz: &Value) -> usize {
    readyz["replication_channels"]
        .as_array()
        .map_or(0, |channels| {
            channels.iter().filter(|c| c["running"] == true).count()
        })
}

/// Waits (bounded) until every region's tables hold the same data; panics naming the tables
/// that still differ.
pub async fn wait_identical(regions: &[Region], within: Duration) -> BTreeMap<String, i64> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let mut sums = Vec::new();
        for region in regions {
            sums.push(region.checksums().await);
        }
        if sums.iter().all(|s| *s == sums[0]) {
            return sums.swap_remove(0);
        }
        if tokio::time::Instant::now() >= deadline {
            let differing: Vec<&String> = sums[0]
                .keys()
                .filter(|t| sums.iter().any(|s| s.get(*t) != sums[0].get(*t)))
                .collect();
            panic!("the regions' data still differs after {within:?} in {differing:?}");
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}
