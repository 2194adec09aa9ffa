//! Shared handles for the empathy service's handlers.

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
    /// Held while a popularity ranking is counted (see `handlers::yeahs::popular`).
    pub ranking_lock: Arc<tokio::sync::Mutex<()>>,
    /// The region's Redis, when there is one: rankings are shared there by every process.
    pub redis: Option<plaza_cache::redis::Redis>,
}
