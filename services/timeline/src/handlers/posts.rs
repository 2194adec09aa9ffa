//! Posts: create, show, batch, delete and feeds.

use super::written::{Content, settle};
use crate::db::posts as db;
use crate::{AppState, Error, Result};
use axum::extract::State;
use axum::http::StatusCode;
use plaza_http::{Json, Path};
use plaza_types::timeline::{
    CommentCount, CommentCountRequest, DeleteRequest, MAX_EXCLUDED_AUTHORS, MAX_FEED_AUTHORS,
    MediaKeys, NewPost, Post, PostQuery,
};
use plaza_types::{ErrorBody, Id, IdsRequest, Items, MAX_PAGE_SIZE, Page, validate};

/// Stores a new post.
#[utoipa::path(
    post,
    path = "/v1/posts",
    operation_id = "create_post",
    tag = "posts",
    request_body = NewPost,
    responses(
        (status = 201, description = "The stored post (or the one an earlier try with the same idempotency key stored).", body = Post),
        (status = 422, description = "`body_empty`, `body_invisible`, `body_too_long`, `body_invalid_characters`, `invalid_feeling`, `invalid_topic_tag`, `invalid_media_key`, `drawing_alt_too_long`, or for a game's post `malformed_title_id`, `app_data_too_large`, `too_many_search_keys` or `invalid_search_key`.", body = ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Json(new): Json<NewPost>,
) -> Result<(StatusCode, Json<Post>)> {
    // A retry of a write that already committed gets that post, not a second one.
    let key = new.idempotency_key.as_deref();
    if let Some(key) = key
        && let Some(existing) = db::by_idem_key(&state.db, new.author_id, key).await?
    {
        return Ok((StatusCode::CREATED, Json(existing)));
    }
    if let Some(s) = &new.screenshot {
        validate::media_key(&s.key)?;
    }
    let content = Content::check(
        &new.body,
        new.feeling,
        new.drawing.as_deref(),
        new.drawing_alt.as_deref(),
        new.screenshot.is_some(),
    )?;
    let topic_tag = validate::topic_tag(new.topic_tag.as_deref())?;
    let game = new
        .game
        .as_ref()
        .map(plaza_types::game::fields)
        .transpose()?;
    let post = Post {
        id: state.ids.next_id(),
        region: state.config.region,
        community_id: new.community_id,
        author_id: new.author_id,
        body: content.body,
        feeling: content.feeling,
        spoiler: new.spoiler,
        topic_tag,
        platform: new.platform.chars().take(32).collect(),
        comment_count: 0,
        deleted: false,
        created_at: plaza_types::now_millis(),
        drawing: content.drawing,
        drawing_alt: content.drawing_alt,
        screenshot: new.screenshot,
        game,
        moderation: Default::default(),
        moderation_reason: None,
    };
    let inserted = db::add(&state.new_posts, &post, key).await;
    let author = post.author_id;
    if let Some(earlier) = settle(inserted, key, async |k| {
        db::by_idem_key(&state.db, author, k).await
    })
    .await?
    {
        return Ok((StatusCode::CREATED, Json(earlier)));
    }
    crate::cache::new_version(&state, post.community_id).await;
    Ok((StatusCode::CREATED, Json(post)))
}

/// One post, deleted or not.
#[utoipa::path(
    get,
    path = "/v1/posts/{id}",
    operation_id = "get_post",
    tag = "posts",
    params(("id" = Id, Path, description = "The post's id.")),
    responses(
        (status = 200, description = "The post.", body = Post),
        (status = 404, description = "`not_found`.", body = ErrorBody),
    )
)]
pub async fn show(State(state): State<AppState>, Path(id): Path<Id>) -> Result<Json<Post>> {
    crate::cache::post(&state, id)
        .await?
        .map(Json)
        .ok_or(Error::NotFound("post"))
}

/// Several posts at once (a page's worth), for the callers that already know the ids.
#[utoipa::path(
    post,
    path = "/v1/posts/batch",
    operation_id = "get_posts",
    tag = "posts",
    request_body = IdsRequest,
    responses(
        (status = 200, description = "The posts found, in no particular order.", body = Items<Post>),
        (status = 422, description = "`too_many_ids` (more than 100).", body = ErrorBody),
    )
)]
pub async fn batch(
    State(state): State<AppState>,
    Json(req): Json<IdsRequest>,
) -> Result<Json<Items<Post>>> {
    if req.ids.len() > MAX_PAGE_SIZE as usize {
        return Err(Error::TooMany);
    }
    Ok(Json(Items {
        items: db::by_ids(&state.db, &req.ids).await?,
    }))
}

/// Deletes a post; only its author or a moderator may. Deleting twice is not an error.
#[utoipa::path(
    post,
    path = "/v1/posts/{id}/delete",
    operation_id = "delete_post",
    tag = "posts",
    params(("id" = Id, Path, description = "The post's id.")),
    request_body = DeleteRequest,
    responses(
        (status = 200, description = "The post as it is now (deleted).", body = Post),
        (status = 403, description = "`not_author`.", body = ErrorBody),
        (status = 404, description = "`not_found`.", body = ErrorBody),
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<Id>,
    Json(req): Json<DeleteRequest>,
) -> Result<Json<Post>> {
    let post = db::get(&state.db, id)
        .await?
        .ok_or(Error::NotFound("post"))?;
    if post.author_id != req.actor_id && !req.moderator {
        return Err(Error::NotAuthor);
    }
    if !post.deleted {
        db::mark_deleted(&state.db, id).await?;
        crate::cache::forget_post(&state, id, post.community_id).await;
    }
    db::get(&state.db, id)
        .await?
        .map(Json)
        .ok_or(Error::NotFound("post"))
}

/// The comment counts of a page of posts as one reader sees them.
#[utoipa::path(
    post,
    path = "/v1/posts/comment_counts",
    operation_id = "comment_counts",
    tag = "posts",
    request_body = CommentCountRequest,
    responses(
        (status = 200, description = "One count per post that has comments.", body = Items<CommentCount>),
        (status = 422, description = "`too_many_ids`.", body = ErrorBody),
    )
)]
pub async fn comment_counts(
    State(state): State<AppState>,
    Json(req): Json<CommentCountRequest>,
) -> Result<Json<Items<CommentCount>>> {
    if req.post_ids.len() > MAX_PAGE_SIZE as usize
        || req.exclude_author_ids.len() > MAX_EXCLUDED_AUTHORS
    {
        return Err(Error::TooMany);
    }
    Ok(Json(Items {
        items: db::comment_counts(&state.db, &req.post_ids, &req.exclude_author_ids).await?,
    }))
}

/// Which of the given media keys a post still refers to (for the clean-up of orphans).
#[utoipa::path(
    post,
    path = "/v1/media/referenced",
    operation_id = "referenced_media",
    tag = "media",
    request_body = MediaKeys,
    responses(
        (status = 200, description = "The given keys that a post or comment still refers to.", body = MediaKeys),
        (status = 422, description = "`too_many_ids` (more than 100 keys).", body = ErrorBody),
    )
)]
pub async fn referenced_media(
    State(state): State<AppState>,
    Json(req): Json<MediaKeys>,
) -> Result<Json<MediaKeys>> {
    if req.keys.len() > MAX_PAGE_SIZE as usize {
        return Err(Error::TooMany);
    }
    Ok(Json(MediaKeys {
        keys: db::referenced_media(&state.db, &req.keys).await?,
    }))
}

/// A feed: one community's posts, some authors' posts, or both; newest first.
#[utoipa::path(
    post,
    path = "/v1/posts/query",
    operation_id = "query_posts",
    tag = "posts",
    request_body = PostQuery,
    responses(
        (status = 200, description = "A page of posts, newest first.", body = Page<Post>),
        (status = 400, description = "`invalid_cursor`, or `malformed_json`.", body = ErrorBody),
        (status = 422, description = "`too_many_ids` (too many authors).", body = ErrorBody),
    )
)]
pub async fn query(
    State(state): State<AppState>,
    Json(query): Json<PostQuery>,
) -> Result<Json<Page<Post>>> {
    if query
        .author_ids
        .as_ref()
        .is_some_and(|a| a.len() > MAX_FEED_AUTHORS)
        || query.exclude_author_ids.len() > MAX_EXCLUDED_AUTHORS
    {
        return Err(Error::TooMany);
    }
    Ok(Json(crate::cache::feed(&state, &query).await?))
}
