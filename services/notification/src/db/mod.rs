//! The notification service's tables: `notification_groups`, `notification_actors` and
//! `notification_dedupe`.

pub mod notifications;
