//! Shared handles for the web service's handlers, and how they are built.

use crate::Config;
use crate::limits::{MemoryLimiter, RateLimiter, RedisLimiter};
use anyhow::Context;
use plaza_cache::Cache;
use plaza_clients::{EmpathyClient, NotificationClient, TimelineClient};
use plaza_storage::{Db, FreshRead};
use plaza_types::IdGenerator;
use std::sync::Arc;

/// The web service's state: one `Arc`, since axum clones it for every extractor and layer that
/// asks for it (cloning each pool, client and `Arc` inside instead was a fifth of a signed-in
/// page's CPU, in contended reference counts and the clients' copied strings).
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] holds: pools, clients and caches.
#[derive(Debug)]
pub struct Shared {
    pub db: Db,
    pub ids: Arc<IdGenerator>,
    pub config: Arc<Config>,
    pub timeline: TimelineClient,
    pub empathy: EmpathyClient,
    pub notification: NotificationClient,
    pub limits: Arc<dyn RateLimiter>,
    pub cache: Arc<dyn Cache>,
    /// Pages rendered for signed-out readers, kept in this process for a few seconds
    /// ([`crate::cache::rendered`]), whatever `cache` is.
    pub rendered: crate::cache::RenderedPages,
    /// First pages kept decoded in this process ([`crate::cache::Decoded`]).
    pub decoded: crate::cache::Decoded,
    /// Sessions found in the last second ([`crate::db::sessions::Sessions`]), in the embedded
    /// default only.
    pub sessions: crate::db::sessions::Sessions,
    pub passwords: crate::auth::Passwords,
    /// Where drawings and screenshots are stored.
    pub media: Arc<dyn plaza_media::ObjectStore>,
    /// The fixed number of image decodes this process runs at once.
    pub images: plaza_media::ImageWorkers,
    /// "This user has news", from every process (behind the live notification stream).
    pub live: Arc<dyn plaza_cache::Live>,
    /// The region's Redis, when there is one (for `/readyz`).
    pub redis: Option<plaza_cache::redis::Redis>,
    /// The interface's message catalogs, parsed once at start.
    pub catalogs: Arc<crate::i18n::Catalogs>,
    /// Says when the process starts shutting down, so live streams end instead of holding it up.
    pub draining: plaza_http::Draining,
    /// The word filters, compiled; rebuilt when any process or region has edited them.
    pub word_lists: Arc<crate::filters::Cached<crate::filters::Lists>>,
    /// The word filters' fingerprint, read fresh for each check.
    pub word_filters_now: Arc<FreshRead<crate::filters::Fingerprint>>,
    /// The banned sign-up ranges, cached as the word filters are.
    pub banned_ranges: Arc<crate::filters::Cached<Vec<ipnet::IpNet>>>,
    /// The banned ranges' fingerprint, read fresh for each check.
    pub banned_ranges_now: Arc<FreshRead<crate::filters::Fingerprint>>,
}

/// What the web service is built from besides its configuration: the process's shared handles
/// and clients of the services it calls.
#[derive(Debug, Clone)]
pub struct Parts {
    pub db: Db,
    pub ids: Arc<IdGenerator>,
    pub cache: Arc<dyn Cache>,
    pub media: Arc<dyn plaza_media::ObjectStore>,
    pub images: plaza_media::ImageWorkers,
    pub live: Arc<dyn plaza_cache::Live>,
    /// The region's Redis, when there is one: rate limits are shared there.
    pub redis: Option<plaza_cache::redis::Redis>,
    pub timeline: TimelineClient,
    pub empathy: EmpathyClient,
    pub notification: NotificationClient,
    /// Says when the process starts shutting down.
    pub draining: plaza_http::Draining,
}

/// The most the pages rendered for signed-out readers take (a community page is 20–40 KB).
const RENDERED_BYTES: u64 = 4 << 20;

impl AppState {
    /// The web service, built from its configuration and parts and ready to serve: the default
    /// communities exist (made on the first start) and the configured admins are admins.
    pub async fn build(config: Config, parts: Parts) -> anyhow::Result<Self> {
        let Parts {
            db,
            ids,
            cache,
            media,
            images,
            live,
            redis,
            timeline,
            empathy,
            notification,
            draining,
        } = parts;
        let limits: Arc<dyn RateLimiter> = match &redis {
            Some(r) => Arc::new(RedisLimiter::new(r.clone(), config.rates)),
            None => Arc::new(MemoryLimiter::new(config.rates)),
        };
        let word_filters_now = Arc::new(crate::db::word_filters::fingerprint(&db));
        let banned_ranges_now = Arc::new(crate::db::banned_ranges::fingerprint(&db));
        let state = AppState(Arc::new(Shared {
            db,
            ids,
            config: Arc::new(config),
            timeline,
            empathy,
            notification,
            limits,
            rendered: crate::cache::rendered_pages(RENDERED_BYTES),
            decoded: crate::cache::decoded(),
            // Only where this process is the one web process of its database: with several
            // (a region), a change made through one would reach the others a second late.
            sessions: crate::db::sessions::Sessions::new(cache.private_to_process()),
            cache,
            passwords: crate::auth::Passwords::new(
                std::thread::available_parallelism().map_or(1, |n| n.get()),
            ),
            media,
            images,
            live,
            redis,
            catalogs: Arc::new(
                crate::i18n::Catalogs::load().context("loading the interface's languages")?,
            ),
            draining,
            word_lists: Arc::new(crate::filters::Cached::new()),
            word_filters_now,
            banned_ranges: Arc::new(crate::filters::Cached::new()),
            banned_ranges_now,
        }));
        if crate::ops::communities::seed_defaults(&state).await? {
            tracing::info!("created the default communities");
        }
        for admin in &state.config.admins {
            match crate::db::users::by_username(&state.db, admin).await? {
                Some(user) => crate::db::users::make_admin(&state.db, user.id, None).await?,
                None => {
                    tracing::warn!(username = %admin, "an admin named in `admins` does not exist yet")
                }
            }
        }
        Ok(state)
    }
}
