//! The notification service's client.

use crate::{ClientError, ServiceClient};
use plaza_types::notification::{
    Delivered, ErasedTargets, Event, Group, UnreadCount, Withdrawal, Withdrawn,
};
use plaza_types::{Id, Page};

/// Talks to the notification service.
#[derive(Debug, Clone)]
pub struct NotificationClient(pub ServiceClient);

impl NotificationClient {
    /// A client for the notification service at `base_url`.
    pub fn new(base_url: &str, secret: &plaza_http::InternalSecret) -> Result<Self, ClientError> {
        ServiceClient::new("notification", base_url, secret).map(Self)
    }

    /// Delivers an event (idempotent by its dedupe key).
    pub async fn deliver(&self, event: &Event) -> Result<Delivered, ClientError> {
        self.0.post("/v1/events", event).await
    }

    /// Takes an actor (or whole groups) out of a recipient's notifications.
    pub async fn withdraw(&self, withdrawal: &Withdrawal) -> Result<Withdrawn, ClientError> {
        self.0.post("/v1/withdrawals", withdrawal).await
    }

    /// A recipient's grouped notifications, newest first.
    pub async fn list(
        &self,
        recipient_id: Id,
        cursor: Option<String>,
        limit: u32,
    ) -> Result<Page<Group>, ClientError> {
        self.0
            .get_query(
                &format!("/v1/users/{recipient_id}/notifications"),
                &[("cursor", cursor), ("limit", Some(limit.to_string()))],
            )
            .await
    }

    /// How many of a recipient's notification groups are unread.
    pub async fn unread(&self, recipient_id: Id) -> Result<UnreadCount, ClientError> {
        self.0
            .get(&format!("/v1/users/{recipient_id}/unread"))
            .await
    }

    /// Marks all of a recipient's notifications read.
    pub async fn mark_read(&self, recipient_id: Id) -> Result<UnreadCount, ClientError> {
        self.0
            .post_empty(&format!("/v1/users/{recipient_id}/read"))
            .await
    }

    /// Removes the notifications about a deleted account's posts and comments (in requests of
    /// at most [`ErasedTargets::MAX`]).
    pub async fn erase_targets(&self, targets: &[Id]) -> Result<bool, ClientError> {
        let mut changed = false;
        for chunk in targets.chunks(ErasedTargets::MAX) {
            let req = ErasedTargets {
                target_ids: chunk.to_vec(),
            };
            let answer: Withdrawn = self.0.post("/v1/targets/erase", &req).await?;
            changed |= answer.changed;
        }
        Ok(changed)
    }

    /// Erases a deleted account from this region's notifications.
    pub async fn erase_user(&self, user: Id) -> Result<Withdrawn, ClientError> {
        self.0.post_empty(&format!("/v1/users/{user}/erase")).await
    }
}
