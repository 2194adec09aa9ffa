//! Shared handles for the notification service's handlers, and how they are built.

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

/// What the notification service is built from besides its configuration: the process's
/// shared handles.
#[derive(Debug, Clone)]
pub struct Parts {
    pub db: Db,
    pub ids: Arc<IdGenerator>,
    pub cache: Arc<dyn Cache>,
    /// Where new notifications are announced.
    pub live: Arc<dyn plaza_cache::Live>,
}

impl AppState {
    /// The notification service, built from its configuration and parts.
    pub fn build(config: Config, parts: Parts) -> Self {
        let Parts {
            db,
            ids,
            cache,
            live,
        } = parts;
        AppState {
            db,
            ids,
            config: Arc::new(config),
            cache,
            live,
        }
    }
}
