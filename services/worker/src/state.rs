//! Shared handles for the worker.

use crate::Config;
use plaza_clients::{NotificationClient, TimelineClient};
use plaza_storage::Db;
use std::sync::Arc;

/// Cheap to clone: pools, clients and `Arc`s.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Db,
    pub timeline: TimelineClient,
    pub notification: NotificationClient,
    pub config: Arc<Config>,
    /// The media store, for the clean-up of unreferenced objects (none: no clean-up).
    pub media: Option<Arc<dyn plaza_media::ObjectStore>>,
}
