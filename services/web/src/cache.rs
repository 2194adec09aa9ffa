//! Read-through caching of what nearly every page looks up: communities by id. An entry is
//! deleted when its community is edited.

use crate::AppState;
use crate::db::communities::{self, Community};
use plaza_storage::sqlx;
use plaza_types::Id;
use std::time::Duration;

const TTL: Duration = Duration::from_secs(300);

fn key(id: Id) -> String {
    format!("web:community:{id}")
}

/// A community by id, from the cache or the database.
pub async fn community(state: &AppState, id: Id) -> Result<Option<Community>, sqlx::Error> {
    if let Some(c) = plaza_cache::get_json(state.cache.as_ref(), &key(id)).await {
        return Ok(Some(c));
    }
    let found = communities::get(&state.db, id).await?;
    if let Some(c) = &found {
        plaza_cache::set_json(state.cache.as_ref(), &key(id), c, TTL).await;
    }
    Ok(found)
}

/// Forgets a community after it changed.
pub async fn forget_community(state: &AppState, id: Id) {
    state.cache.delete(&key(id)).await;
}
