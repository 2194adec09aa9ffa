//! Admins' word filters and banned sign-up ranges.

use crate::auth::ApiUser;
use crate::ops::filters as ops;
use crate::{AppState, Result};
use axum::extract::State;
use axum::http::StatusCode;
use plaza_http::{Json, Path, Query};
use plaza_types::Id;
use plaza_types::api::filters::{
    BannedRangeBody, BannedRangeInput, BannedRangeList, WordFilterBody, WordFilterInput,
    WordFilterList, WordFilterQuery,
};

/// List a word filter list (admins)
///
/// The global list, or with `community_id` that community's own list.
#[utoipa::path(get, operation_id = "list_word_filters", path = "/admin/word_filters", tag = "admin",
    security(("bearer" = [])), params(WordFilterQuery),
    responses((status = 200, description = "OK", body = WordFilterList)))]
pub async fn list_words(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<WordFilterQuery>,
) -> Result<Json<WordFilterList>> {
    Ok(Json(WordFilterList {
        word_filters: ops::word_list(&state, &user, q.community_id).await?,
    }))
}

/// Add a restricted word (admins)
#[utoipa::path(post, operation_id = "create_word_filter", path = "/admin/word_filters", tag = "admin",
    security(("bearer" = [])), request_body = WordFilterInput,
    responses((status = 201, description = "Created", body = WordFilterBody)))]
pub async fn add_word(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<WordFilterInput>,
) -> Result<(StatusCode, Json<WordFilterBody>)> {
    let word_filter = ops::add_word(&state, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(WordFilterBody { word_filter })))
}

/// Remove a restricted word (admins)
#[utoipa::path(delete, operation_id = "delete_word_filter", path = "/admin/word_filters/{id}", tag = "admin",
    security(("bearer" = [])), params(("id" = Id, Path)),
    responses((status = 204, description = "Removed")))]
pub async fn remove_word(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
) -> Result<StatusCode> {
    ops::remove(&state, &user, ops::AdminList::Words, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// List banned sign-up ranges (admins)
#[utoipa::path(get, operation_id = "list_banned_ranges", path = "/admin/banned_ranges", tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = BannedRangeList)))]
pub async fn list_ranges(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<BannedRangeList>> {
    Ok(Json(BannedRangeList {
        banned_ranges: ops::range_list(&state, &user).await?,
    }))
}

/// Ban sign-ups from an address range (admins)
///
/// Sign-ups from the range are refused with `signup_banned` (403).
#[utoipa::path(post, operation_id = "create_banned_range", path = "/admin/banned_ranges", tag = "admin",
    security(("bearer" = [])), request_body = BannedRangeInput,
    responses((status = 201, description = "Created", body = BannedRangeBody)))]
pub async fn add_range(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<BannedRangeInput>,
) -> Result<(StatusCode, Json<BannedRangeBody>)> {
    let banned_range = ops::add_range(&state, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(BannedRangeBody { banned_range })))
}

/// Lift a banned range (admins)
#[utoipa::path(delete, operation_id = "delete_banned_range", path = "/admin/banned_ranges/{id}", tag = "admin",
    security(("bearer" = [])), params(("id" = Id, Path)),
    responses((status = 204, description = "Removed")))]
pub async fn remove_range(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
) -> Result<StatusCode> {
    ops::remove(&state, &user, ops::AdminList::Ranges, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
