//! Comments on posts.

use super::written::{Content, settle};
use crate::db::comments as db;
use crate::{AppState, Error, Result};
use axum::extract::State;
use axum::http::StatusCode;
use plaza_http::{Json, Path, Query};
use plaza_types::timeline::{
    Comment, CommentQuery, Commenters, DeleteRequest, MAX_EXCLUDED_AUTHORS, NewComment,
};
use plaza_types::{ErrorBody, Id, Page};

/// Stores a comment and, in the same transaction, the job that notifies the post's author and
/// the other commenters.
#[utoipa::path(
    post,
    path = "/v1/posts/{id}/comments",
    operation_id = "create_comment",
    tag = "comments",
    params(("id" = Id, Path, description = "The post's id.")),
    request_body = NewComment,
    responses(
        (status = 201, description = "The stored comment (or the one an earlier try with the same idempotency key stored).", body = Comment),
        (status = 404, description = "`not_found`: no such post.", body = ErrorBody),
        (status = 409, description = "`post_deleted`.", body = ErrorBody),
        (status = 422, description = "`body_empty`, `body_invisible`, `body_too_long`, `body_invalid_characters`, `invalid_feeling`, `invalid_media_key`, `drawing_alt_too_long` or `too_many_ids`.", body = ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Path(post_id): Path<Id>,
    Json(new): Json<NewComment>,
) -> Result<(StatusCode, Json<Comment>)> {
    // A retry of a write that already committed gets that comment, not a second one.
    let key = new.idempotency_key.as_deref();
    if let Some(key) = key
        && let Some(existing) = db::by_idem_key(&state.db, new.author_id, key).await?
    {
        return Ok((StatusCode::CREATED, Json(existing)));
    }
    let content = Content::check(
        &new.body,
        new.feeling,
        new.drawing.as_deref(),
        new.drawing_alt.as_deref(),
        false,
    )?;
    let post = crate::cache::post(&state, post_id)
        .await?
        .ok_or(Error::NotFound("post"))?;
    if post.deleted {
        return Err(Error::PostDeleted);
    }
    let comment = Comment {
        id: state.ids.next_id(),
        region: state.config.region,
        post_id,
        author_id: new.author_id,
        body: content.body,
        feeling: content.feeling,
        spoiler: new.spoiler,
        deleted: false,
        created_at: plaza_types::now_millis(),
        drawing: content.drawing,
        drawing_alt: content.drawing_alt,
        moderation: Default::default(),
        moderation_reason: None,
    };
    if new.exclude_recipient_ids.len() > MAX_EXCLUDED_AUTHORS {
        return Err(Error::TooMany);
    }
    let platform: String = new.platform.chars().take(32).collect();
    let inserted = db::insert_with_job(
        &state,
        &comment,
        &platform,
        post.author_id,
        new.exclude_recipient_ids,
        key,
    )
    .await;
    let author = comment.author_id;
    if let Some(earlier) = settle(inserted, key, async |k| {
        db::by_idem_key(&state.db, author, k).await
    })
    .await?
    {
        return Ok((StatusCode::CREATED, Json(earlier)));
    }
    crate::cache::forget_post(&state, post_id, post.community_id).await;
    Ok((StatusCode::CREATED, Json(comment)))
}

/// A post's comments, oldest first.
#[utoipa::path(
    post,
    path = "/v1/posts/{id}/comments/query",
    operation_id = "query_comments",
    tag = "comments",
    params(("id" = Id, Path, description = "The post's id.")),
    request_body = CommentQuery,
    responses(
        (status = 200, description = "A page of comments, oldest first.", body = Page<Comment>),
        (status = 400, description = "`invalid_cursor`, or `malformed_json`.", body = ErrorBody),
        (status = 422, description = "`too_many_ids`.", body = ErrorBody),
    )
)]
pub async fn query(
    State(state): State<AppState>,
    Path(post_id): Path<Id>,
    Json(query): Json<CommentQuery>,
) -> Result<Json<Page<Comment>>> {
    if query.exclude_author_ids.len() > MAX_EXCLUDED_AUTHORS {
        return Err(Error::TooMany);
    }
    Ok(Json(db::list(&state.db, post_id, &query).await?))
}

/// One comment.
#[utoipa::path(
    get,
    path = "/v1/comments/{id}",
    operation_id = "get_comment",
    tag = "comments",
    params(("id" = Id, Path, description = "The comment's id.")),
    responses(
        (status = 200, description = "The comment.", body = Comment),
        (status = 404, description = "`not_found`.", body = ErrorBody),
    )
)]
pub async fn show(State(state): State<AppState>, Path(id): Path<Id>) -> Result<Json<Comment>> {
    db::get(&state.db, id)
        .await?
        .map(Json)
        .ok_or(Error::NotFound("comment"))
}

/// Deletes a comment; only its author or a moderator may. Deleting twice is not an error.
#[utoipa::path(
    post,
    path = "/v1/comments/{id}/delete",
    operation_id = "delete_comment",
    tag = "comments",
    params(("id" = Id, Path, description = "The comment's id.")),
    request_body = DeleteRequest,
    responses(
        (status = 200, description = "The comment as it is now (deleted).", body = Comment),
        (status = 403, description = "`not_author`.", body = ErrorBody),
        (status = 404, description = "`not_found`.", body = ErrorBody),
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<Id>,
    Json(req): Json<DeleteRequest>,
) -> Result<Json<Comment>> {
    let comment = db::get(&state.db, id)
        .await?
        .ok_or(Error::NotFound("comment"))?;
    if comment.author_id != req.actor_id && !req.moderator {
        return Err(Error::NotAuthor);
    }
    if !comment.deleted {
        let post = crate::cache::post(&state, comment.post_id)
            .await?
            .ok_or(Error::NotFound("post"))?;
        db::mark_deleted(&state, &comment, post.author_id).await?;
        crate::cache::forget_post(&state, post.id, post.community_id).await;
    }
    db::get(&state.db, id)
        .await?
        .map(Json)
        .ok_or(Error::NotFound("comment"))
}

/// Which commenters to list.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommentersQuery {
    /// Only people who commented before this comment.
    before: Id,
    /// At most this many (1–500, default 100).
    limit: Option<u32>,
}

/// The distinct people who commented on a post before a given comment (for "a comment on a post
/// you commented on": those who came later are not told of earlier comments).
#[utoipa::path(
    get,
    path = "/v1/posts/{id}/commenters",
    operation_id = "commenters",
    tag = "comments",
    params(("id" = Id, Path, description = "The post's id."), CommentersQuery),
    responses(
        (status = 200, description = "The distinct commenters before the given comment.", body = Commenters),
    )
)]
pub async fn commenters(
    State(state): State<AppState>,
    Path(post_id): Path<Id>,
    Query(q): Query<CommentersQuery>,
) -> Result<Json<Commenters>> {
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    Ok(Json(Commenters {
        user_ids: db::commenters(&state.db, post_id, q.before, limit).await?,
    }))
}
