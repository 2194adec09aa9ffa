//! Moderation of posts and comments: the web service has checked the moderator's role and
//! scope; this service applies the change to rows of its own region (ARCHITECTURE §3).

use crate::db::{comments, posts};
use crate::{AppState, Error, Result};
use axum::extract::State;
use plaza_http::{Json, Path};
use plaza_types::moderation::{AuthorModeration, ModerationChange, ModerationChanged};
use plaza_types::timeline::{Comment, Post};
use plaza_types::{ErrorBody, Id};

/// Changes a post's moderation state, reason or spoiler mark.
#[utoipa::path(
    post,
    path = "/v1/posts/{id}/moderation",
    operation_id = "moderate_post",
    tag = "moderation",
    params(("id" = Id, Path, description = "The post's id.")),
    request_body = ModerationChange,
    responses(
        (status = 200, description = "The post as it is now.", body = Post),
        (status = 404, description = "`not_found`.", body = ErrorBody),
        (status = 409, description = "`other_region`: the post is another region's to change.", body = ErrorBody),
    )
)]
pub async fn post(
    State(state): State<AppState>,
    Path(id): Path<Id>,
    Json(change): Json<ModerationChange>,
) -> Result<Json<Post>> {
    let post = posts::get(&state.db, id)
        .await?
        .ok_or(Error::NotFound("post"))?;
    if post.region != state.config.region {
        return Err(Error::OtherRegion);
    }
    posts::moderate(&state.db, id, &change).await?;
    crate::cache::forget_post(&state, id, post.community_id).await;
    posts::get(&state.db, id)
        .await?
        .map(Json)
        .ok_or(Error::NotFound("post"))
}

/// Changes a comment's moderation state, reason or spoiler mark.
#[utoipa::path(
    post,
    path = "/v1/comments/{id}/moderation",
    operation_id = "moderate_comment",
    tag = "moderation",
    params(("id" = Id, Path, description = "The comment's id.")),
    request_body = ModerationChange,
    responses(
        (status = 200, description = "The comment as it is now.", body = Comment),
        (status = 404, description = "`not_found`.", body = ErrorBody),
        (status = 409, description = "`other_region`: the comment is another region's to change.", body = ErrorBody),
    )
)]
pub async fn comment(
    State(state): State<AppState>,
    Path(id): Path<Id>,
    Json(change): Json<ModerationChange>,
) -> Result<Json<Comment>> {
    let comment = comments::get(&state.db, id)
        .await?
        .ok_or(Error::NotFound("comment"))?;
    if comment.region != state.config.region {
        return Err(Error::OtherRegion);
    }
    comments::moderate(&state.db, id, &change).await?;
    // The post's comment count changes with the comment's visibility.
    if let Some(post) = crate::cache::post(&state, comment.post_id).await? {
        crate::cache::forget_post(&state, post.id, post.community_id).await;
    }
    comments::get(&state.db, id)
        .await?
        .map(Json)
        .ok_or(Error::NotFound("comment"))
}

/// Hides (or shows again) everything an author wrote in this region.
#[utoipa::path(
    post,
    path = "/v1/moderation/authors",
    operation_id = "moderate_author",
    tag = "moderation",
    request_body = AuthorModeration,
    responses(
        (status = 200, description = "How many posts and comments changed.", body = ModerationChanged),
    )
)]
pub async fn author(
    State(state): State<AppState>,
    Json(req): Json<AuthorModeration>,
) -> Result<Json<ModerationChanged>> {
    let (changed, posts) = posts::moderate_author(
        &state.db,
        req.author_id,
        state.config.region,
        req.state,
        req.reason.as_deref(),
    )
    .await?;
    // Cached copies go now: a lifted ban shows the posts again at once.
    let mut communities = std::collections::BTreeSet::new();
    for (post, community) in posts {
        crate::cache::forget_post_only(&state, post).await;
        communities.insert(community);
    }
    for community in communities {
        crate::cache::new_version(&state, community).await;
    }
    Ok(Json(ModerationChanged { changed }))
}
