//! Shared handles for the web service's handlers.

use crate::Config;
use crate::limits::RateLimiter;
use plaza_cache::Cache;
use plaza_clients::{EmpathyClient, NotificationClient, TimelineClient};
use plaza_storage::Db;
use plaza_types::IdGenerator;
use std::sync::Arc;

/// Cheap to clone: pools, clients and `Arc`s.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Db,
    pub ids: Arc<IdGenerator>,
    pub config: Arc<Config>,
    pub timeline: TimelineClient,
    pub empathy: EmpathyClient,
    pub notification: NotificationClient,
    pub limits: Arc<dyn RateLimiter>,
    pub cache: Arc<dyn Cache>,
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
}
