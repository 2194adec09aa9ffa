//! The timeline service's client: posts, comments and feeds.

use crate::{ClientError, Items, ServiceClient, with_query};
use plaza_types::timeline::{
    Comment, CommentQuery, Commenters, DeleteRequest, MediaKeys, NewComment, NewPost, Post,
    PostQuery,
};
use plaza_types::{Id, IdsRequest, Page};

/// Talks to the timeline service.
#[derive(Debug, Clone)]
pub struct TimelineClient(pub ServiceClient);

impl TimelineClient {
    /// A client for the timeline service at `base_url`.
    pub fn new(base_url: &str, secret: &plaza_http::InternalSecret) -> Result<Self, ClientError> {
        ServiceClient::new("timeline", base_url, secret).map(Self)
    }

    pub async fn create_post(&self, post: &NewPost) -> Result<Post, ClientError> {
        self.0.post("/v1/posts", post).await
    }

    pub async fn post(&self, id: Id) -> Result<Post, ClientError> {
        self.0.get(&format!("/v1/posts/{id}")).await
    }

    /// Posts by id, in no particular order; missing ids are left out.
    pub async fn posts(&self, ids: &[Id]) -> Result<Vec<Post>, ClientError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let items: Items<Post> = self
            .0
            .post("/v1/posts/batch", &IdsRequest { ids: ids.to_vec() })
            .await?;
        Ok(items.items)
    }

    pub async fn delete_post(&self, id: Id, actor_id: Id) -> Result<Post, ClientError> {
        self.0
            .post(
                &format!("/v1/posts/{id}/delete"),
                &DeleteRequest { actor_id },
            )
            .await
    }

    pub async fn query_posts(&self, query: &PostQuery) -> Result<Page<Post>, ClientError> {
        self.0.post("/v1/posts/query", query).await
    }

    pub async fn create_comment(
        &self,
        post_id: Id,
        comment: &NewComment,
    ) -> Result<Comment, ClientError> {
        self.0
            .post(&format!("/v1/posts/{post_id}/comments"), comment)
            .await
    }

    pub async fn comments(
        &self,
        post_id: Id,
        query: &CommentQuery,
    ) -> Result<Page<Comment>, ClientError> {
        self.0
            .post(&format!("/v1/posts/{post_id}/comments/query"), query)
            .await
    }

    pub async fn comment(&self, id: Id) -> Result<Comment, ClientError> {
        self.0.get(&format!("/v1/comments/{id}")).await
    }

    /// Which of `keys` a post still refers to.
    pub async fn referenced_media(&self, keys: &[String]) -> Result<Vec<String>, ClientError> {
        let answer: MediaKeys = self
            .0
            .post(
                "/v1/media/referenced",
                &MediaKeys {
                    keys: keys.to_vec(),
                },
            )
            .await?;
        Ok(answer.keys)
    }

    /// The distinct authors of a post's comments made before comment `before` (at most `limit`).
    pub async fn commenters(
        &self,
        post_id: Id,
        before: Id,
        limit: u32,
    ) -> Result<Vec<Id>, ClientError> {
        let path = with_query(
            &format!("/v1/posts/{post_id}/commenters"),
            &[
                ("before", Some(before.to_string())),
                ("limit", Some(limit.to_string())),
            ],
        );
        let c: Commenters = self.0.get(&path).await?;
        Ok(c.user_ids)
    }
}
