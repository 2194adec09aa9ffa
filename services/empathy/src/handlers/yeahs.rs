//! Yeahs: give, take back, counts, lists and the popularity ranking.

use crate::db::yeahs as db;
use crate::{AppState, Error, Result};
use axum::extract::State;
use plaza_http::{Json, Path, Query};
use plaza_types::empathy::{
    GiveYeah, Ranked, Summary, SummaryRequest, TakeYeah, TargetKind, YeahEntry, YeahOutcome,
    YeahQuery,
};
use plaza_types::{Cursor, Id, Items, MAX_PAGE_SIZE, Page, page_limit};

/// Gives a Yeah. Giving one that exists changes nothing.
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
pub async fn take(
    State(state): State<AppState>,
    Json(yeah): Json<TakeYeah>,
) -> Result<Json<YeahOutcome>> {
    Ok(Json(db::take(&state, &yeah).await?))
}

/// Counts and "yeahed by the viewer" for up to a page of targets.
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

#[derive(Debug, serde::Deserialize)]
pub struct ListQuery {
    cursor: Option<String>,
    limit: Option<u32>,
    kind: Option<TargetKind>,
    days: Option<u32>,
}

/// Who yeahed a target, newest first.
pub async fn by_target(
    State(state): State<AppState>,
    Path((kind, id)): Path<(TargetKind, Id)>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Page<YeahEntry>>> {
    let before = Cursor::key_from(q.cursor.as_deref())?;
    Ok(Json(
        db::by_target(&state.db, kind, id, &[], before, page_limit(q.limit)).await?,
    ))
}

/// Who yeahed a target, newest first, without the people the reader blocks or is blocked by.
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
pub async fn by_user(
    State(state): State<AppState>,
    Path(user_id): Path<Id>,
    Query(q): Query<ListQuery>,
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
pub async fn popular(
    State(state): State<AppState>,
    Path(community_id): Path<Id>,
    Query(q): Query<ListQuery>,
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
