//! Everything one author wrote: read whole for their data export, and erased when their
//! account is deleted.

use crate::db::{comments, posts};
use crate::{AppState, Result};
use axum::extract::State;
use plaza_http::{Json, Path};
use plaza_types::Id;
use plaza_types::timeline::{AuthorContent, AuthorErased, MAX_AUTHOR_ITEMS};

/// The author's posts and comments that are not deleted, newest first.
#[utoipa::path(
    get,
    path = "/v1/authors/{id}/content",
    operation_id = "author_content",
    tag = "authors",
    params(("id" = Id, Path, description = "The author's account id.")),
    responses((status = 200, description = "Their posts and comments (at most 100000 of each).", body = AuthorContent))
)]
pub async fn content(
    State(state): State<AppState>,
    Path(id): Path<Id>,
) -> Result<Json<AuthorContent>> {
    let (posts, comments) = tokio::try_join!(
        posts::by_author(&state.db, id, MAX_AUTHOR_ITEMS),
        comments::by_author(&state.db, id, MAX_AUTHOR_ITEMS),
    )?;
    Ok(Json(AuthorContent { posts, comments }))
}

/// Deletes every post and comment the author wrote in this region, and this region's comments on
/// their posts; idempotent.
#[utoipa::path(
    post,
    path = "/v1/authors/{id}/erase",
    operation_id = "erase_author",
    tag = "authors",
    params(("id" = Id, Path, description = "The author's account id.")),
    responses((status = 200, description = "What was deleted.", body = AuthorErased))
)]
pub async fn erase(
    State(state): State<AppState>,
    Path(id): Path<Id>,
) -> Result<Json<AuthorErased>> {
    let erased = posts::erase_author(&state.db, id, state.config.region).await?;
    for (post, community) in &erased.posts {
        crate::cache::forget_post(&state, *post, *community).await;
    }
    for post in erased.commented_posts {
        if let Some(p) = crate::cache::post(&state, post).await? {
            crate::cache::forget_post(&state, p.id, p.community_id).await;
        }
    }
    Ok(Json(AuthorErased {
        post_ids: erased.posts.into_iter().map(|(p, _)| p).collect(),
    }))
}
