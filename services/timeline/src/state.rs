//! Shared handles for the timeline service's handlers, and how they are built.

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
    /// New posts' rows, written together under load.
    pub new_posts: Arc<crate::db::posts::Rows>,
}

/// What the timeline service is built from besides its configuration: the process's shared
/// handles.
#[derive(Debug, Clone)]
pub struct Parts {
    pub db: Db,
    pub ids: Arc<IdGenerator>,
    pub cache: Arc<dyn Cache>,
}

impl AppState {
    /// The timeline service, built from its configuration and parts.
    pub fn build(config: Config, parts: Parts) -> Self {
        let Parts { db, ids, cache } = parts;
        AppState {
            new_posts: Arc::new(crate::db::posts::rows(db.clone())),
            db,
            ids,
            config: Arc::new(config),
            cache,
        }
    }
}
