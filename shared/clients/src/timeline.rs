//! The timeline service's client: posts, comments and feeds.

use crate::{ClientError, Items, ServiceClient};
use plaza_types::moderation::{AuthorModeration, ModerationChange, ModerationChanged};
use plaza_types::timeline::{
    Comment, CommentCount, CommentCountRequest, CommentQuery, Commenters, DeleteRequest, MediaKeys,
    NewComment, NewPost, Post, PostQuery,
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

    /// Changes a post's moderation state, reason or spoiler mark (the post's own region only).
    pub async fn moderate_post(
        &self,
        id: Id,
        change: &ModerationChange,
    ) -> Result<Post, ClientError> {
        self.0
            .post(&format!("/v1/posts/{id}/moderation"), change)
            .await
    }

    /// Changes a comment's moderation state, reason or spoiler mark.
    pub async fn moderate_comment(
        &self,
        id: Id,
        change: &ModerationChange,
    ) -> Result<Comment, ClientError> {
        self.0
            .post(&format!("/v1/comments/{id}/moderation"), change)
            .await
    }

    /// Hides (or shows again) what an author wrote in this region.
    pub async fn moderate_author(
        &self,
        req: &AuthorModeration,
    ) -> Result<ModerationChanged, ClientError> {
        self.0.post("/v1/moderation/authors", req).await
    }

    /// Deletes a post as its author, or as a moderator when `moderator` is set.
    pub async fn delete_post(
        &self,
        id: Id,
        actor_id: Id,
        moderator: bool,
    ) -> Result<Post, ClientError> {
        self.0
            .post(
                &format!("/v1/posts/{id}/delete"),
                &DeleteRequest {
                    actor_id,
                    moderator,
                },
            )
            .await
    }

    /// Deletes a comment as its author, or as a moderator when `moderator` is set.
    pub async fn delete_comment(
        &self,
        id: Id,
        actor_id: Id,
        moderator: bool,
    ) -> Result<Comment, ClientError> {
        self.0
            .post(
                &format!("/v1/comments/{id}/delete"),
                &DeleteRequest {
                    actor_id,
                    moderator,
                },
            )
            .await
    }

    /// The comment counts of `post_ids` without the comments of `exclude_author_ids`.
    pub async fn comment_counts(
        &self,
        post_ids: &[Id],
        exclude_author_ids: &[Id],
    ) -> Result<Vec<CommentCount>, ClientError> {
        if post_ids.is_empty() {
            return Ok(Vec::new());
        }
        let request = CommentCountRequest {
            post_ids: post_ids.to_vec(),
            exclude_author_ids: exclude_author_ids.to_vec(),
        };
        let items: Items<CommentCount> = self.0.post("/v1/posts/comment_counts", &request).await?;
        Ok(items.items)
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
        let c: Commenters = self
            .0
            .get_query(
                &format!("/v1/posts/{post_id}/commenters"),
                &[
                    ("before", Some(before.to_string())),
                    ("limit", Some(limit.to_string())),
                ],
            )
            .await?;
        Ok(c.user_ids)
    }
}
