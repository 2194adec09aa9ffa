//! Yeahs: give, take back, counts, lists and the popularity ranking.

use crate::db::yeahs as db;
use crate::{AppState, Error, Result};
use axum::extract::State;
use plaza_http::{Json, Path, Query};
use plaza_types::empathy::{
    GiveYeah, Ranked, Summary, SummaryRequest, TakeYeah, TargetKind, YeahEntry, YeahOutcome,
    YeahQuery,
};
use plaza_types::{Cursor, ErrorBody, Id, Items, MAX_PAGE_SIZE, Page, page_limit};

/// Gives a Yeah. Giving one that exists changes nothing.
#[utoipa::path(
    post,
    path = "/v1/yeahs",
    tag = "yeahs",
    operation_id = "give_yeah",
    request_body = GiveYeah,
    responses(
        (status = 200, description = "Whether the Yeah was new, and the target's count now.", body = YeahOutcome),
        (status = 403, description = "`own_content`: a Yeah on the giver's own post or comment.", body = ErrorBody),
    )
)]
pub async fn give(
    State(state): State<AppState>,
    Json(yeah): Json<GiveYeah>,
) -> Result<Json<YeahOutcome>> {
    if yeah.user_id == yeah.target_author_id {
        return Err(Error::OwnTarget);
    }
    Ok(Json(db::give(&state, &yeah).await?))
}

/// Takes a Yeah back. Taking one that does not exist changes nothing.
#[utoipa::path(
    post,
    path = "/v1/yeahs/take",
    tag = "yeahs",
    operation_id = "take_yeah",
    request_body = TakeYeah,
    responses(
        (status = 200, description = "Whether a Yeah was taken back, and the target's count now.", body = YeahOutcome),
    )
)]
pub async fn take(
    State(state): State<AppState>,
    Json(yeah): Json<TakeYeah>,
) -> Result<Json<YeahOutcome>> {
    Ok(Json(db::take(&state, &yeah).await?))
}

/// Counts and "yeahed by the viewer" for up to a page of targets.
#[utoipa::path(
    post,
    path = "/v1/yeahs/summary",
    tag = "yeahs",
    operation_id = "yeah_summaries",
    request_body = SummaryRequest,
    responses(
        (status = 200, description = "One summary per target.", body = Items<Summary>),
        (status = 422, description = "`too_many_ids` (more than 100).", body = ErrorBody),
    )
)]
pub async fn summary(
    State(state): State<AppState>,
    Json(req): Json<SummaryRequest>,
) -> Result<Json<Items<Summary>>> {
    if req.target_ids.len() > MAX_PAGE_SIZE as usize {
        return Err(Error::TooMany);
    }
    Ok(Json(Items {
        items: db::summaries(&state.db, req.kind, &req.target_ids, req.viewer_id).await?,
    }))
}

/// A page of a list.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Where the page starts (from the previous page's `next_cursor`).
    cursor: Option<String>,
    /// At most this many (1–100, default 20).
    limit: Option<u32>,
}

/// A page of what a user yeahed.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserYeahsQuery {
    /// Where the page starts (from the previous page's `next_cursor`).
    cursor: Option<String>,
    /// At most this many (1–100, default 20).
    limit: Option<u32>,
    /// Yeahs on posts (the default) or on comments.
    kind: Option<TargetKind>,
}

/// A page of a community's ranking.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PopularQuery {
    /// Where the page starts (from the previous page's `next_cursor`).
    cursor: Option<String>,
    /// At most this many (1–100, default 20).
    limit: Option<u32>,
    /// Count the Yeahs of this many last days (1–30, default 7).
    days: Option<u32>,
}

/// Who yeahed a target, newest first.
#[utoipa::path(
    get,
    path = "/v1/targets/{kind}/{id}/yeahs",
    tag = "yeahs",
    operation_id = "yeahs_of_target",
    params(("kind" = TargetKind, Path, description = "What the Yeahs are given to."), ("id" = Id, Path, description = "The post's or comment's id."), PageQuery),
    responses(
        (status = 200, description = "A page of Yeahs, newest first.", body = Page<YeahEntry>),
        (status = 400, description = "`invalid_cursor`, or `invalid_query`.", body = ErrorBody),
    )
)]
pub async fn by_target(
    State(state): State<AppState>,
    Path((kind, id)): Path<(TargetKind, Id)>,
    Query(q): Query<PageQuery>,
) -> Result<Json<Page<YeahEntry>>> {
    let before = Cursor::key_from(q.cursor.as_deref())?;
    Ok(Json(
        db::by_target(&state.db, kind, id, &[], before, page_limit(q.limit)).await?,
    ))
}

/// Who yeahed a target, newest first, without the people the reader blocks or is blocked by.
#[utoipa::path(
    post,
    path = "/v1/targets/{kind}/{id}/yeahs/query",
    tag = "yeahs",
    operation_id = "query_yeahs_of_target",
    params(("kind" = TargetKind, Path, description = "What the Yeahs are given to."), ("id" = Id, Path, description = "The post's or comment's id.")),
    request_body = YeahQuery,
    responses(
        (status = 200, description = "A page of Yeahs, newest first.", body = Page<YeahEntry>),
        (status = 400, description = "`invalid_cursor`, or `malformed_json`.", body = ErrorBody),
        (status = 422, description = "`too_many_ids` (too many people left out).", body = ErrorBody),
    )
)]
pub async fn query_target(
    State(state): State<AppState>,
    Path((kind, id)): Path<(TargetKind, Id)>,
    Json(q): Json<YeahQuery>,
) -> Result<Json<Page<YeahEntry>>> {
    if q.exclude_user_ids.len() > MAX_EXCLUDED_USERS {
        return Err(Error::TooMany);
    }
    let before = Cursor::key_from(q.cursor.as_deref())?;
    Ok(Json(
        db::by_target(
            &state.db,
            kind,
            id,
            &q.exclude_user_ids,
            before,
            page_limit(q.limit),
        )
        .await?,
    ))
}

/// The most givers one list may leave out (blocked plus blocked-by, each capped at 1000).
const MAX_EXCLUDED_USERS: usize = plaza_types::timeline::MAX_EXCLUDED_AUTHORS;

/// What a user yeahed, newest first.
#[utoipa::path(
    get,
    path = "/v1/users/{id}/yeahs",
    tag = "yeahs",
    operation_id = "yeahs_of_user",
    params(("id" = Id, Path, description = "The giver's id."), UserYeahsQuery),
    responses(
        (status = 200, description = "A page of the user's Yeahs, newest first.", body = Page<YeahEntry>),
        (status = 400, description = "`invalid_cursor`, or `invalid_query`.", body = ErrorBody),
    )
)]
pub async fn by_user(
    State(state): State<AppState>,
    Path(user_id): Path<Id>,
    Query(q): Query<UserYeahsQuery>,
) -> Result<Json<Page<YeahEntry>>> {
    let before = Cursor::key_from(q.cursor.as_deref())?;
    let kind = q.kind.unwrap_or(TargetKind::Post);
    Ok(Json(
        db::by_user(&state.db, user_id, kind, before, page_limit(q.limit)).await?,
    ))
}

/// How deep a popularity ranking may be read.
const MAX_RANK_DEPTH: u32 = 1000;

/// A community's posts with the most Yeahs in the last `days` days (default 7).
#[utoipa::path(
    get,
    path = "/v1/communities/{id}/popular",
    tag = "yeahs",
    operation_id = "popular_posts",
    params(("id" = Id, Path, description = "The community's id."), PopularQuery),
    responses(
        (status = 200, description = "A page of the ranking, most Yeahs first.", body = Page<Ranked>),
        (status = 400, description = "`invalid_cursor`, or `invalid_query`.", body = ErrorBody),
    )
)]
pub async fn popular(
    State(state): State<AppState>,
    Path(community_id): Path<Id>,
    Query(q): Query<PopularQuery>,
) -> Result<Json<Page<Ranked>>> {
    let offset = Cursor::offset_from(q.cursor.as_deref())?;
    let limit = page_limit(q.limit);
    let days = q.days.unwrap_or(7).clamp(1, 30);
    if offset >= MAX_RANK_DEPTH {
        return Ok(Json(Page {
            items: Vec::new(),
            next_cursor: None,
        }));
    }
    let ranking = ranking(&state, community_id, days).await?;
    let start = (offset as usize).min(ranking.len());
    let end = (start + limit as usize).min(ranking.len());
    let next_cursor = (end < ranking.len()).then(|| Cursor::Offset(offset + limit).encode());
    Ok(Json(Page {
        items: ranking[start..end].to_vec(),
        next_cursor,
    }))
}

/// How long a community's ranking is reused before it is counted again.
const RANKING_TTL: std::time::Duration = std::time::Duration::from_secs(30);

/// A community's whole ranking (its top [`MAX_RANK_DEPTH`] posts), counted at most once per
/// [`RANKING_TTL`]: counting scans every Yeah of the last days, and pages of one ranking then
/// agree with each other.
async fn ranking(state: &AppState, community_id: Id, days: u32) -> Result<Vec<Ranked>> {
    let key = format!("empathy:popular:{community_id}:{days}");
    if let Some(redis) = &state.redis {
        return shared_ranking(state, redis, &key, community_id, days).await;
    }
    if let Some(ranking) = plaza_cache::get_json(state.cache.as_ref(), &key).await {
        return Ok(ranking);
    }
    // One count at a time: when an entry expires, every reader of a busy community would
    // otherwise count the same ranking at once. Those that waited find it cached.
    let _counting = state.ranking_lock.lock().await;
    let count = || count_ranking(state, community_id, days);
    plaza_cache::read_through(state.cache.as_ref(), &key, RANKING_TTL, count).await
}

async fn count_ranking(state: &AppState, community_id: Id, days: u32) -> Result<Vec<Ranked>> {
    let since = plaza_types::now_millis() - i64::from(days) * 86_400_000;
    Ok(db::popular(&state.db, community_id, since, MAX_RANK_DEPTH).await?)
}

/// A region's rankings live in Redis, so every empathy process serves the same one and only
/// one process in the region counts it when it expires (the others wait briefly for it). While
/// Redis is down each process counts for itself, through its cache.
async fn shared_ranking(
    state: &AppState,
    redis: &plaza_cache::redis::Redis,
    key: &str,
    community_id: Id,
    days: u32,
) -> Result<Vec<Ranked>> {
    let key = redis.key(key);
    let lock = format!("{key}:counting");
    let read = || async {
        redis
            .run::<Option<String>>(redis::cmd("GET").arg(&key))
            .await
            .map(|v| v.and_then(|json| serde_json::from_str::<Vec<Ranked>>(&json).ok()))
    };
    for _ in 0..20 {
        match read().await {
            None => break, // Redis is down
            Some(Some(ranking)) => return Ok(ranking),
            Some(None) => {}
        }
        let won = redis
            .run::<Option<String>>(
                redis::cmd("SET")
                    .arg(&lock)
                    .arg(1)
                    .arg("NX")
                    .arg("PX")
                    .arg(10_000),
            )
            .await;
        match won {
            Some(Some(_)) => {
                let ranking = count_ranking(state, community_id, days).await;
                if let Ok(r) = &ranking
                    && let Ok(json) = serde_json::to_string(r)
                {
                    redis
                        .run::<()>(
                            redis::cmd("SET")
                                .arg(&key)
                                .arg(json)
                                .arg("PX")
                                .arg(RANKING_TTL.as_millis() as u64),
                        )
                        .await;
                }
                redis.run::<i64>(redis::cmd("DEL").arg(&lock)).await;
                return ranking;
            }
            Some(None) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            None => break,
        }
    }
    let _counting = state.ranking_lock.lock().await;
    count_ranking(state, community_id, days).await
}

/// Erases a deleted account's Yeahs (those it gave, and those on its erased posts and comments)
/// written in this region; idempotent.
#[utoipa::path(
    post,
    path = "/v1/users/{id}/erase",
    tag = "yeahs",
    operation_id = "erase_user_yeahs",
    params(("id" = Id, Path, description = "The deleted account's id.")),
    request_body = plaza_types::empathy::EraseYeahs,
    responses((status = 200, description = "How many Yeahs were erased.", body = plaza_types::empathy::YeahsErased))
)]
pub async fn erase_user(
    State(state): State<AppState>,
    Path(id): Path<Id>,
    Json(erase): Json<plaza_types::empathy::EraseYeahs>,
) -> Result<Json<plaza_types::empathy::YeahsErased>> {
    let erased = db::erase_user(&state, id, &erase).await?;
    Ok(Json(plaza_types::empathy::YeahsErased { erased }))
}
