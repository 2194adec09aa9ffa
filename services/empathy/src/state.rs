//! Shared handles for the empathy service's handlers, and how they are built.

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

/// What the empathy service is built from besides its configuration: the process's shared
/// handles.
#[derive(Debug, Clone)]
pub struct Parts {
    pub db: Db,
    pub ids: Arc<IdGenerator>,
    pub cache: Arc<dyn Cache>,
    /// The region's Redis, when there is one.
    pub redis: Option<plaza_cache::redis::Redis>,
}

impl AppState {
    /// The empathy service, built from its configuration and parts.
    pub fn build(config: Config, parts: Parts) -> Self {
        let Parts {
            db,
            ids,
            cache,
            redis,
        } = parts;
        AppState {
            db,
            ids,
            config: Arc::new(config),
            cache,
            ranking_lock: Arc::default(),
            redis,
        }
    }
}
