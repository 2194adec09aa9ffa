//! The empathy service's client: Yeahs and their counts.

use crate::{ClientError, Items, ServiceClient};
use plaza_types::empathy::{
    GiveYeah, Ranked, Summary, SummaryRequest, TakeYeah, TargetKind, YeahEntry, YeahOutcome,
    YeahQuery,
};
use plaza_types::{Id, Page};

/// Talks to the empathy service.
#[derive(Debug, Clone)]
pub struct EmpathyClient(pub ServiceClient);

fn kind_str(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::Post => "post",
        TargetKind::Comment => "comment",
    }
}

impl EmpathyClient {
    /// A client for the empathy service at `base_url`.
    pub fn new(base_url: &str, secret: &plaza_http::InternalSecret) -> Result<Self, ClientError> {
        ServiceClient::new("empathy", base_url, secret).map(Self)
    }

    pub async fn give(&self, yeah: &GiveYeah) -> Result<YeahOutcome, ClientError> {
        self.0.post("/v1/yeahs", yeah).await
    }

    pub async fn take(&self, yeah: &TakeYeah) -> Result<YeahOutcome, ClientError> {
        self.0.post("/v1/yeahs/take", yeah).await
    }

    /// Counts and "yeahed by the viewer" for a batch of targets (one call per page).
    pub async fn summaries(
        &self,
        kind: TargetKind,
        target_ids: &[Id],
        viewer_id: Option<Id>,
    ) -> Result<Vec<Summary>, ClientError> {
        if target_ids.is_empty() {
            return Ok(Vec::new());
        }
        let request = SummaryRequest {
            kind,
            target_ids: target_ids.to_vec(),
            viewer_id,
        };
        let items: Items<Summary> = self.0.post("/v1/yeahs/summary", &request).await?;
        Ok(items.items)
    }

    /// Who yeahed a target, newest first.
    pub async fn by_target(
        &self,
        kind: TargetKind,
        target_id: Id,
        cursor: Option<String>,
        limit: u32,
    ) -> Result<Page<YeahEntry>, ClientError> {
        self.0
            .get_query(
                &format!("/v1/targets/{}/{target_id}/yeahs", kind_str(kind)),
                &[("cursor", cursor), ("limit", Some(limit.to_string()))],
            )
            .await
    }

    /// Who yeahed a target, newest first, leaving out `query.exclude_user_ids`.
    pub async fn query_target(
        &self,
        kind: TargetKind,
        target_id: Id,
        query: &YeahQuery,
    ) -> Result<Page<YeahEntry>, ClientError> {
        self.0
            .post(
                &format!("/v1/targets/{}/{target_id}/yeahs/query", kind_str(kind)),
                query,
            )
            .await
    }

    /// What a user yeahed, newest first.
    pub async fn by_user(
        &self,
        user_id: Id,
        kind: TargetKind,
        cursor: Option<String>,
        limit: u32,
    ) -> Result<Page<YeahEntry>, ClientError> {
        self.0
            .get_query(
                &format!("/v1/users/{user_id}/yeahs"),
                &[
                    ("kind", Some(kind_str(kind).to_owned())),
                    ("cursor", cursor),
                    ("limit", Some(limit.to_string())),
                ],
            )
            .await
    }

    /// A community's posts ranked by Yeahs given in the last `days` days.
    pub async fn popular(
        &self,
        community_id: Id,
        days: u32,
        cursor: Option<String>,
        limit: u32,
    ) -> Result<Page<Ranked>, ClientError> {
        self.0
            .get_query(
                &format!("/v1/communities/{community_id}/popular"),
                &[
                    ("days", Some(days.to_string())),
                    ("cursor", cursor),
                    ("limit", Some(limit.to_string())),
                ],
            )
            .await
    }

    /// Erases a deleted account's Yeahs written in this region.
    pub async fn erase_user(
        &self,
        user: Id,
        erase: &plaza_types::empathy::EraseYeahs,
    ) -> Result<plaza_types::empathy::YeahsErased, ClientError> {
        self.0.post(&format!("/v1/users/{user}/erase"), erase).await
    }
}
