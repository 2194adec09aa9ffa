//! Shared handles for the notification service's handlers.

use crate::Config;
use plaza_cache::Cache;
use plaza_storage::Db;
use plaza_types::IdGenerator;
use std::sync::Arc;

/// Cheap to clone: pools and `Arc`s.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Db,
    pub ids: Arc<IdGenerator>,
    pub config: Arc<Config>,
    pub cache: Arc<dyn Cache>,
    /// Announces new notifications to live streams in every process.
    pub live: Arc<dyn plaza_cache::Live>,
}
