//! Shared handles for the worker, and how they are built.

use crate::Config;
use plaza_clients::{EmpathyClient, NotificationClient, TimelineClient};
use plaza_storage::Db;
use plaza_types::IdGenerator;
use std::sync::Arc;

/// Cheap to clone: pools, clients and `Arc`s.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Db,
    pub timeline: TimelineClient,
    pub empathy: EmpathyClient,
    pub notification: NotificationClient,
    /// Ids for the outbox rows that jobs write (a comment's notifications for people homed in
    /// other regions).
    pub ids: Arc<IdGenerator>,
    pub config: Arc<Config>,
    /// The media store, for the clean-up of unreferenced objects (none: no clean-up).
    pub media: Option<Arc<dyn plaza_media::ObjectStore>>,
}

/// What the worker is built from besides its configuration: the process's database and media
/// store, and clients of the services its jobs call.
#[derive(Debug, Clone)]
pub struct Parts {
    pub db: Db,
    pub timeline: TimelineClient,
    /// Erasing a deleted account's Yeahs.
    pub empathy: EmpathyClient,
    pub notification: NotificationClient,
    pub ids: Arc<IdGenerator>,
    /// The media store (none: no clean-up).
    pub media: Option<Arc<dyn plaza_media::ObjectStore>>,
}

impl AppState {
    /// The worker, built from its configuration and parts.
    pub fn build(config: Config, parts: Parts) -> Self {
        let Parts {
            db,
            timeline,
            empathy,
            notification,
            ids,
            media,
        } = parts;
        AppState {
            db,
            timeline,
            empathy,
            notification,
            ids,
            config: Arc::new(config),
            media,
        }
    }
}
