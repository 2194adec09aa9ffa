//! The one typed configuration of a Plaza process: read once at start from a TOML file (if
//! given) and `PLAZA_*` environment variables (`PLAZA_WEB__LISTEN` sets `web.listen`). Every key
//! has a default that runs the all-in-one embedded mode; a bad value fails at start naming its key.

use anyhow::bail;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Where one service listens and where the others reach it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// The address to bind, such as `127.0.0.1:8081` (port 0 picks a free port).
    pub listen: SocketAddr,
    /// The base URL other services call; empty means `http://<listen>`.
    #[serde(default)]
    pub url: String,
}

impl Endpoint {
    fn at(listen: &str) -> Self {
        Endpoint {
            listen: listen
                .parse()
                .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 0))),
            url: String::new(),
        }
    }

    /// The base URL other services use.
    pub fn base_url(&self) -> String {
        if self.url.is_empty() {
            format!("http://{}", self.listen)
        } else {
            self.url.clone()
        }
    }
}

/// How many of each action one account or address may do per minute (0 turns a limit off).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimits {
    /// Sign-ups per address.
    pub sign_up_per_minute: u32,
    /// Sign-in attempts per account from one address (an address may make `per_address_factor`
    /// times as many, an account takes 20 times as many from all addresses).
    pub sign_in_per_minute: u32,
    pub post_per_minute: u32,
    pub comment_per_minute: u32,
    pub yeah_per_minute: u32,
    pub follow_per_minute: u32,
    /// Posts and comments carrying a drawing or screenshot, per account.
    pub upload_per_minute: u32,
    /// Game API requests per app key, all of a game's players together.
    #[serde(default = "default_app_key_per_minute")]
    pub app_key_per_minute: u32,
    /// How many times an account's limit one client address may use (posts, comments, Yeahs,
    /// follows, uploads), since many people can share an address.
    pub per_address_factor: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        let r = plaza_web::limits::Rates::default();
        RateLimits {
            sign_up_per_minute: r.sign_up,
            sign_in_per_minute: r.sign_in,
            post_per_minute: r.post,
            comment_per_minute: r.comment,
            yeah_per_minute: r.yeah,
            follow_per_minute: r.follow,
            upload_per_minute: r.upload,
            app_key_per_minute: r.app_key,
            per_address_factor: r.per_address_factor,
        }
    }
}

fn default_app_key_per_minute() -> u32 {
    plaza_web::limits::Rates::default().app_key
}

impl RateLimits {
    /// The same limits as the web service takes them.
    pub fn rates(&self) -> plaza_web::limits::Rates {
        plaza_web::limits::Rates {
            sign_up: self.sign_up_per_minute,
            sign_in: self.sign_in_per_minute,
            post: self.post_per_minute,
            comment: self.comment_per_minute,
            yeah: self.yeah_per_minute,
            follow: self.follow_per_minute,
            upload: self.upload_per_minute,
            app_key: self.app_key_per_minute,
            per_address_factor: self.per_address_factor,
        }
    }

    /// No limits at all (tests that sign many people up from one address).
    pub fn off() -> Self {
        RateLimits {
            sign_up_per_minute: 0,
            sign_in_per_minute: 0,
            post_per_minute: 0,
            comment_per_minute: 0,
            yeah_per_minute: 0,
            follow_per_minute: 0,
            upload_per_minute: 0,
            app_key_per_minute: 0,
            per_address_factor: 5,
        }
    }
}

/// The worker's settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkerConfig {
    pub listen: SocketAddr,
    /// Milliseconds to wait before polling an empty queue again.
    pub poll_interval_ms: u64,
    /// Seconds a claimed job is leased before another worker may take it over.
    pub lease_secs: u64,
    /// Jobs claimed at once.
    pub batch: i64,
    /// On shutdown, seconds the jobs running get to finish; a job still running then is stopped
    /// and handed back to the queue (as are claimed jobs not started), for another worker.
    pub shutdown_grace_secs: u64,
    /// Seconds between clean-ups of media no post refers to (0 turns them off).
    pub media_gc_interval_secs: u64,
    /// How old an unreferenced object must be before the clean-up deletes it.
    pub media_gc_grace_secs: u64,
    /// Seconds an outbox row is kept after its target region applied it; the worker then
    /// deletes it (0: never).
    pub outbox_retention_secs: u64,
}

/// A secret from the configuration: read like a string, never printed.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() {
            "(empty)"
        } else {
            "(hidden)"
        })
    }
}

/// Limits on each process's HTTP connections.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Http {
    /// Seconds a client has to send a request's whole header (idle keep-alive connections are
    /// closed after the same time).
    pub header_read_timeout_secs: u64,
    /// Connections each service keeps open at most; more wait in the listen backlog.
    pub max_connections: usize,
    /// Seconds requests in flight get to finish on shutdown.
    pub shutdown_grace_secs: u64,
    /// On shutdown, seconds `/readyz` answers 503 (`draining`) while everything else is still
    /// served, before the process stops accepting connections: at least the load balancer's
    /// check interval times its fall count, so it has taken the process out of rotation first.
    /// 0 (the default, for a process that no load balancer checks) stops accepting at once.
    pub drain_secs: u64,
    /// Seconds a request may take once its body has arrived (from the body's last bytes).
    pub request_timeout_secs: u64,
    /// Seconds a request body may send nothing before it is cut off.
    pub body_idle_timeout_secs: u64,
    /// When a service another one calls runs in the same process (the embedded mode), hand the
    /// call to its router instead of sending it over loopback TCP (default true). Every layer
    /// of the called service still runs; only the socket is skipped.
    pub local_calls: bool,
}

impl Default for Http {
    fn default() -> Self {
        let o = plaza_http::ServeOptions::default();
        Http {
            header_read_timeout_secs: o.header_read_timeout.as_secs(),
            max_connections: o.max_connections,
            shutdown_grace_secs: o.shutdown_grace.as_secs(),
            drain_secs: 0,
            request_timeout_secs: o.request.timeout.as_secs(),
            body_idle_timeout_secs: o.request.body_idle_timeout.as_secs(),
            local_calls: true,
        }
    }
}

impl Http {
    /// The same limits as the HTTP server takes them.
    pub fn options(&self) -> plaza_http::ServeOptions {
        plaza_http::ServeOptions {
            header_read_timeout: std::time::Duration::from_secs(self.header_read_timeout_secs),
            max_connections: self.max_connections,
            shutdown_grace: std::time::Duration::from_secs(self.shutdown_grace_secs),
            request: plaza_http::RequestLimits {
                timeout: std::time::Duration::from_secs(self.request_timeout_secs),
                body_idle_timeout: std::time::Duration::from_secs(self.body_idle_timeout_secs),
            },
        }
    }
}

/// memcached servers for a region (none: the in-process cache of the embedded mode).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Memcached {
    /// `host:port` of each server; keys are spread over them by hash.
    pub servers: Vec<String>,
    /// Connections per server in each process.
    pub connections: usize,
}

/// The S3 bucket media is stored in (absent: the local disk of the embedded mode): the object
/// store's own settings, each key documented there.
pub use plaza_media::S3Settings as S3;

/// How image uploads are processed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Images {
    /// How many images the web service decodes at once (each may hold a 64 MiB frame); 0 means
    /// one per CPU, at most 4.
    pub decoders: usize,
    /// How long an upload waits for a free decoder before it is answered 503 `media_busy`.
    pub queue_wait_ms: u64,
}

impl Default for Images {
    fn default() -> Self {
        Images {
            decoders: 0,
            queue_wait_ms: 10_000,
        }
    }
}

/// The release this process runs, blue/green (docs/OPERATIONS.md, "Releases").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReleaseConfig {
    /// `stable` or `preview`: the track this process serves, named on every answer
    /// (`x-plaza-track`).
    pub track: String,
    /// The build this process runs, named on every answer (`x-plaza-build`); the provisioner
    /// sets it to a digest of the installed binary. Empty: not named.
    pub build: String,
    /// The region's secret (at least 32 characters) signing staff's preview cookies; the edge
    /// verifies them with the same secret. Empty: nobody can opt into preview.
    pub cookie_secret: Secret,
    /// How long a preview cookie lasts, in hours (1 to 168).
    pub cookie_hours: u32,
}

impl Default for ReleaseConfig {
    fn default() -> Self {
        ReleaseConfig {
            track: "stable".into(),
            build: String::new(),
            cookie_secret: Secret::default(),
            cookie_hours: 12,
        }
    }
}

impl ReleaseConfig {
    /// The release as the HTTP layers take it.
    pub fn release(&self) -> plaza_http::Release {
        plaza_http::Release {
            track: plaza_http::Track::parse(&self.track).unwrap_or(plaza_http::Track::Stable),
            build: self.build.clone(),
        }
    }
}

/// The other regions of a multi-region deployment (absent: one region, nothing forwarded).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Peers {
    /// The secret all regions share (at least 32 characters) to sign the writes they forward
    /// to each other's web services.
    pub forward_secret: Secret,
    /// Region number → the base URL of that region's web service (its load balancer), e.g.
    /// `{ "2" = "http://127.0.0.1:9300" }`.
    pub web: std::collections::BTreeMap<String, String>,
    /// Milliseconds to connect to a home region before its writes answer 503
    /// `home_region_unavailable` (0: 1000).
    pub connect_timeout_ms: u64,
    /// Milliseconds a forwarded write may take in all (0: 10000).
    pub timeout_ms: u64,
}

impl Peers {
    /// The web service's forwarding settings, when other regions are configured.
    pub fn forwarding(&self) -> anyhow::Result<Option<plaza_web::forward::Forwarding>> {
        if self.web.is_empty() {
            return Ok(None);
        }
        let mut peers = std::collections::BTreeMap::new();
        for (region, url) in &self.web {
            let Ok(region) = region.parse::<u8>() else {
                bail!("invalid configuration: `peers.web` keys are region numbers, not {region:?}");
            };
            peers.insert(region, url.clone());
        }
        let ms = |v: u64, default: u64| {
            std::time::Duration::from_millis(if v == 0 { default } else { v })
        };
        plaza_web::forward::Forwarding::new(
            &self.forward_secret.0,
            peers,
            ms(self.connect_timeout_ms, 1000),
            ms(self.timeout_ms, 10_000),
        )
        .map(Some)
        .map_err(|e| anyhow::anyhow!("invalid configuration: `peers.forward_secret`: {e}"))
    }
}

/// The configuration's top-level keys, the ones `PLAZA_*` variables may set.
const TOP_LEVEL_KEYS: [&str; 29] = [
    "region",
    "node",
    "data_dir",
    "database_url",
    "database_max_connections",
    "public_url",
    "log_format",
    "admins",
    "body_limit_bytes",
    "web",
    "timeline",
    "empathy",
    "notification",
    "worker",
    "rate_limits",
    "cache_max_bytes",
    "media_dir",
    "key_prefix",
    "memcached",
    "redis_url",
    "s3",
    "trusted_proxies",
    "media_url",
    "http",
    "internal_secret",
    "images",
    "moderation",
    "release",
    "peers",
];

/// Everything a Plaza process reads at start.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// This region's number (1–31), stamped into every id and row it writes.
    pub region: u8,
    /// This process's node number within the region (0–31), stamped into ids.
    pub node: u8,
    /// Where the embedded mode keeps its files.
    pub data_dir: PathBuf,
    /// `sqlite://path` or `mysql://user:password@host:port/database`; empty means
    /// `sqlite://<data_dir>/plaza.db`.
    pub database_url: String,
    /// Connections in each service's database pool.
    pub database_max_connections: u32,
    /// The URL people open; `https://` also marks cookies Secure. Empty means the web address.
    pub public_url: String,
    /// `text` or `json`.
    pub log_format: String,
    /// Usernames made admins at start (they must exist).
    pub admins: Vec<String>,
    /// The largest request body the web service accepts, in bytes.
    pub body_limit_bytes: usize,
    pub rate_limits: RateLimits,
    /// The in-process cache's size in bytes (the embedded mode).
    pub cache_max_bytes: u64,
    /// Where media (drawings) are stored on disk; empty means `<data_dir>/media`.
    pub media_dir: String,
    /// The public base URL of media: `/media` (served by web, or by the edge in a region), or
    /// a CDN's `https://…` address in front of the bucket.
    pub media_url: String,
    /// The namespace of this deployment's keys in memcached and Redis.
    pub key_prefix: String,
    /// memcached servers (a region); none means the in-process cache.
    pub memcached: Memcached,
    /// `redis://host:port/db` (a region): shared rate limits, live notifications and rankings.
    /// Empty means this process keeps them itself.
    pub redis_url: String,
    /// The S3 bucket for media (a region); absent means `media_dir` on the local disk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3: Option<S3>,
    /// Addresses of proxies (the edge, the load balancer) whose `X-Forwarded-For` names the
    /// client; from anyone else the header is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Limits on HTTP connections (slow clients, connection count, shutdown).
    pub http: Http,
    /// The region's shared secret (at least 32 characters) that services show each other on
    /// every internal call. Required when services run as separate processes; when one process
    /// runs all five and this is empty, it makes a random one at start.
    pub internal_secret: Secret,
    pub images: Images,
    /// How many distinct people's reports mark a post a spoiler (`spoiler_reports`, default 2)
    /// or hide it until a moderator reviews it (`hide_reports`, default 3), both at least 1; and
    /// how long a deleted account's media stays in the store (`deleted_media_grace_secs`,
    /// default 3600, at most 30 days).
    pub moderation: plaza_web::config::Thresholds,
    /// The release this process runs and the preview cookie's secret.
    pub release: ReleaseConfig,
    /// The other regions, for forwarded writes (absent in a single region).
    pub peers: Peers,
    pub web: Endpoint,
    pub timeline: Endpoint,
    pub empathy: Endpoint,
    pub notification: Endpoint,
    pub worker: WorkerConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            region: 1,
            node: 0,
            data_dir: PathBuf::from("data"),
            database_url: String::new(),
            database_max_connections: 8,
            public_url: String::new(),
            log_format: "text".into(),
            admins: Vec::new(),
            body_limit_bytes: 128 * 1024,
            rate_limits: RateLimits::default(),
            cache_max_bytes: 64 * 1024 * 1024,
            media_dir: String::new(),
            media_url: "/media".into(),
            key_prefix: "plaza".into(),
            memcached: Memcached {
                servers: Vec::new(),
                connections: 4,
            },
            redis_url: String::new(),
            s3: None,
            trusted_proxies: Vec::new(),
            http: Http::default(),
            internal_secret: Secret::default(),
            images: Images::default(),
            moderation: plaza_web::config::Thresholds::default(),
            release: ReleaseConfig::default(),
            peers: Peers::default(),
            web: Endpoint::at("127.0.0.1:8080"),
            timeline: Endpoint::at("127.0.0.1:8081"),
            empathy: Endpoint::at("127.0.0.1:8082"),
            notification: Endpoint::at("127.0.0.1:8083"),
            worker: WorkerConfig {
                listen: SocketAddr::from(([127, 0, 0, 1], 8084)),
                poll_interval_ms: 200,
                lease_secs: 60,
                batch: 16,
                shutdown_grace_secs: 10,
                media_gc_interval_secs: 3600,
                media_gc_grace_secs: 3600,
                outbox_retention_secs: 604_800,
            },
        }
    }
}

impl Config {
    /// Reads the defaults, then `file` (if any), then `PLAZA_*` variables, and checks the result.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            if !file.exists() {
                bail!("config file {} does not exist", file.display());
            }
            figment = figment.merge(Toml::file(file));
        }
        // Only variables that name a configuration key: PLAZA_CONFIG, PLAZA_ADMIN_PASSWORD and
        // the test suite's PLAZA_TEST_* are for other readers.
        figment = figment.merge(
            Env::prefixed("PLAZA_")
                .filter(|key| {
                    let top = key
                        .as_str()
                        .split("__")
                        .next()
                        .unwrap_or_default()
                        .to_ascii_lowercase();
                    TOP_LEVEL_KEYS.contains(&top.as_str())
                })
                .split("__"),
        );
        let config: Config = figment
            .extract()
            .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
        config.check()?;
        Ok(config)
    }

    /// Checks values that parse but make no sense, naming the key.
    pub fn check(&self) -> anyhow::Result<()> {
        if self.region == 0 || self.region > plaza_types::id::MAX_REGION {
            bail!(
                "invalid configuration: `region` must be 1 to 31, not {}",
                self.region
            );
        }
        if self.node > plaza_types::id::MAX_NODE {
            bail!(
                "invalid configuration: `node` must be 0 to 31, not {}",
                self.node
            );
        }
        let url = self.database_url();
        if !(url.starts_with("sqlite:") || url.starts_with("mysql:") || url.starts_with("mariadb:"))
        {
            bail!("invalid configuration: `database_url` must start with sqlite:// or mysql://");
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            bail!("invalid configuration: `log_format` must be text or json");
        }
        self.peers.forwarding()?;
        if self.database_max_connections == 0 {
            bail!("invalid configuration: `database_max_connections` must be at least 1");
        }
        if !self.internal_secret.0.is_empty()
            && plaza_http::InternalSecret::new(&self.internal_secret.0).is_none()
        {
            bail!(
                "invalid configuration: `internal_secret` must be at least {} visible characters",
                plaza_http::InternalSecret::MIN_LEN
            );
        }
        if self.http.header_read_timeout_secs == 0 {
            bail!("invalid configuration: `http.header_read_timeout_secs` must be at least 1");
        }
        if self.http.request_timeout_secs == 0 || self.http.body_idle_timeout_secs == 0 {
            bail!(
                "invalid configuration: `http.request_timeout_secs` and `http.body_idle_timeout_secs` must be at least 1"
            );
        }
        if self.http.max_connections == 0 {
            bail!("invalid configuration: `http.max_connections` must be at least 1");
        }
        if self.moderation.spoiler_reports == 0 || self.moderation.hide_reports == 0 {
            bail!(
                "invalid configuration: `moderation.spoiler_reports` and `moderation.hide_reports` must be at least 1"
            );
        }
        if self.moderation.deleted_media_grace_secs
            > plaza_web::config::Thresholds::MEDIA_GRACE_MAX_SECS
        {
            bail!(
                "invalid configuration: `moderation.deleted_media_grace_secs` must be at most {} (30 days)",
                plaza_web::config::Thresholds::MEDIA_GRACE_MAX_SECS
            );
        }
        if plaza_http::Track::parse(&self.release.track).is_none() {
            bail!("invalid configuration: `release.track` must be stable or preview");
        }
        if !self.release.build.is_empty()
            && (self.release.build.len() > 64
                || !self
                    .release
                    .build
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'))
        {
            bail!(
                "invalid configuration: `release.build` must be up to 64 letters, digits, dots and dashes"
            );
        }
        let secret = &self.release.cookie_secret.0;
        if !secret.is_empty()
            && (secret.len() < 32 || !secret.bytes().all(|b| b.is_ascii_graphic()))
        {
            bail!(
                "invalid configuration: `release.cookie_secret` must be at least 32 visible characters"
            );
        }
        if !(1..=168).contains(&self.release.cookie_hours) {
            bail!("invalid configuration: `release.cookie_hours` must be 1 to 168");
        }
        if self.body_limit_bytes < 1024 {
            bail!("invalid configuration: `body_limit_bytes` must be at least 1024");
        }
        if self.key_prefix.is_empty()
            || self.key_prefix.len() > 64
            || !self.key_prefix.bytes().all(|b| b.is_ascii_graphic())
        {
            bail!("invalid configuration: `key_prefix` must be 1 to 64 visible ASCII characters");
        }
        for server in &self.memcached.servers {
            if server.parse::<SocketAddr>().is_err() && !server.contains(':') {
                bail!(
                    "invalid configuration: `memcached.servers` entry {server:?} is not host:port"
                );
            }
        }
        if self.memcached.connections == 0 || self.memcached.connections > 64 {
            bail!("invalid configuration: `memcached.connections` must be 1 to 64");
        }
        if !self.redis_url.is_empty()
            && plaza_cache::redis::Redis::new(&self.redis_url, &self.key_prefix).is_err()
        {
            bail!("invalid configuration: `redis_url` is not a redis:// URL");
        }
        if let Some(s3) = &self.s3 {
            for (key, value) in [
                ("s3.region", &s3.region),
                ("s3.bucket", &s3.bucket),
                ("s3.access_key_id", &s3.access_key_id),
                ("s3.secret_access_key", &s3.secret_access_key),
            ] {
                if value.is_empty() {
                    bail!("invalid configuration: `{key}` must not be empty");
                }
            }
            if !(s3.endpoint.is_empty()
                || s3.endpoint.starts_with("http://")
                || s3.endpoint.starts_with("https://"))
            {
                bail!("invalid configuration: `s3.endpoint` must be an http:// or https:// URL");
            }
        }
        if !(self.media_url.starts_with('/')
            || self.media_url.starts_with("https://")
            || self.media_url.starts_with("http://"))
            || self.media_url.contains(['"', '<', '>', ' '])
        {
            bail!(
                "invalid configuration: `media_url` must be a path like /media or an http(s) URL"
            );
        }
        if self.rate_limits.per_address_factor == 0 {
            bail!("invalid configuration: `rate_limits.per_address_factor` must be at least 1");
        }
        if self.worker.batch < 1 || self.worker.lease_secs == 0 {
            bail!("invalid configuration: `worker.batch` and `worker.lease_secs` must be positive");
        }
        Ok(())
    }

    /// The database URL, defaulting to a SQLite file in the data folder.
    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite://{}", self.data_dir.join("plaza.db").display())
        } else {
            self.database_url.clone()
        }
    }

    /// The folder media is stored in.
    pub fn media_dir(&self) -> std::path::PathBuf {
        if self.media_dir.is_empty() {
            self.data_dir.join("media")
        } else {
            std::path::PathBuf::from(&self.media_dir)
        }
    }

    /// The URL people open.
    pub fn public_url(&self, web_addr: SocketAddr) -> String {
        if self.public_url.is_empty() {
            format!("http://{web_addr}")
        } else {
            self.public_url.clone()
        }
    }

    /// A configuration for tests: every port picked by the system, data in `data_dir`.
    pub fn for_tests(data_dir: &Path, database_url: Option<String>) -> Self {
        let any = |_: ()| Endpoint::at("127.0.0.1:0");
        Config {
            data_dir: data_dir.to_owned(),
            database_url: database_url.unwrap_or_default(),
            rate_limits: RateLimits::off(),
            web: any(()),
            timeline: any(()),
            empathy: any(()),
            notification: any(()),
            worker: WorkerConfig {
                listen: SocketAddr::from(([127, 0, 0, 1], 0)),
                poll_interval_ms: 20,
                lease_secs: 30,
                batch: 16,
                shutdown_grace_secs: 5,
                media_gc_interval_secs: 0,
                media_gc_grace_secs: 3600,
                outbox_retention_secs: 604_800,
            },
            ..Config::default()
        }
    }
}

#[cfg(test)]
#[expect(
    clippy::result_large_err,
    reason = "figment's Jail closures return figment::Error"
)]
mod tests {
    use super::*;

    #[test]
    fn defaults_run_the_embedded_mode() {
        let c = Config::default();
        c.check().unwrap();
        assert_eq!(c.web.listen.to_string(), "127.0.0.1:8080");
        assert!(c.database_url().starts_with("sqlite://data"));
        assert_eq!(c.timeline.base_url(), "http://127.0.0.1:8081");
    }

    /// Loads `text` as a config file in a jail: the process environment is set aside (other
    /// tests change it) and restored afterwards.
    fn load_jailed(text: &'static str) -> Result<Config, String> {
        let mut result = Err(String::new());
        figment::Jail::expect_with(|jail| {
            jail.create_file("plaza.toml", text)?;
            result = Config::load(Some(Path::new("plaza.toml"))).map_err(|e| e.to_string());
            Ok(())
        });
        result
    }

    #[test]
    fn a_bad_file_is_refused_naming_the_key() {
        for (text, key) in [
            ("[web]\nlisten = \"not an address\"\n", "web.listen"),
            // An unknown key (a typo) is not ignored.
            ("regoin = 2\n", "regoin"),
            // A missing key of a section that is there.
            (
                "[s3]\nregion = \"garage\"\nbucket = \"media\"\naccess_key_id = \"GK1\"\n",
                "secret_access_key",
            ),
            ("redis_url = \"http://nope\"\n", "redis_url"),
            ("[release]\ntrack = \"beta\"\n", "release.track"),
            (
                "[release]\ncookie_secret = \"short\"\n",
                "release.cookie_secret",
            ),
            ("[release]\nbuild = \"a b\"\n", "release.build"),
            ("[release]\ncookie_hours = 0\n", "release.cookie_hours"),
            ("trusted_proxies = [\"nginx\"]\n", "trusted_proxies"),
            (
                "[rate_limits]\nper_address_factor = 0\n",
                "per_address_factor",
            ),
            (
                "[moderation]\ndeleted_media_grace_secs = 2592001\n",
                "deleted_media_grace_secs",
            ),
        ] {
            let err = load_jailed(text).unwrap_err();
            assert!(err.contains(key), "{key}: {err}");
        }
    }

    #[test]
    fn environment_variables_override_the_file() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "plaza.toml",
                "region = 2\n[web]\nlisten = \"127.0.0.1:9000\"\n",
            )?;
            jail.set_env("PLAZA_WEB__LISTEN", "127.0.0.1:9100");
            jail.set_env("PLAZA_ADMIN_PASSWORD", "not a config key");
            let c = Config::load(Some(Path::new("plaza.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(c.region, 2);
            assert_eq!(c.web.listen.to_string(), "127.0.0.1:9100");
            Ok(())
        });
    }

    #[test]
    fn out_of_range_region_is_refused() {
        let c = Config {
            region: 40,
            ..Config::default()
        };
        assert!(c.check().unwrap_err().to_string().contains("`region`"));
    }

    #[test]
    fn a_region_file_selects_its_parts() {
        let c = load_jailed(
            "region = 2\nnode = 3\ndatabase_url = \"mysql://plaza:x@127.0.0.1:3306/plaza\"\n\
             redis_url = \"redis://127.0.0.1:6379/0\"\n\
             [memcached]\nservers = [\"127.0.0.1:11211\", \"127.0.0.1:11212\"]\n\
             [s3]\nendpoint = \"http://127.0.0.1:3900\"\nregion = \"garage\"\nbucket = \"media\"\n\
             access_key_id = \"GK1\"\nsecret_access_key = \"hush\"\n",
        )
        .unwrap();
        assert_eq!(c.memcached.servers.len(), 2);
        assert_eq!(c.s3.as_ref().unwrap().bucket, "media");
        assert!(c.s3.as_ref().unwrap().path_style);
        assert!(
            !format!("{c:?}").contains("hush"),
            "secrets stay out of debug output"
        );
    }

    #[test]
    fn the_media_grace_period_is_read_with_the_thresholds_defaulted() {
        let c = load_jailed("[moderation]\ndeleted_media_grace_secs = 5\n").unwrap();
        assert_eq!(c.moderation.deleted_media_grace_secs, 5);
        assert_eq!(c.moderation.hide_reports, 3);
        assert_eq!(Config::default().moderation.deleted_media_grace_secs, 3600);
    }

    #[test]
    fn trusted_proxies_are_addresses() {
        let c = load_jailed("trusted_proxies = [\"127.0.0.1\", \"::1\"]\n").unwrap();
        assert_eq!(c.trusted_proxies.len(), 2);
    }

    #[test]
    fn a_missing_file_is_an_error() {
        assert!(Config::load(Some(Path::new("/nonexistent/plaza.toml"))).is_err());
    }
}
