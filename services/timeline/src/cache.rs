//! Read-through caching of single posts (post pages, Yeahs and comments all look a post up).
//! A post's entry is deleted when the post is deleted or gets a comment (its comment count).

use crate::AppState;
use crate::db::posts;
use plaza_storage::sqlx;
use plaza_types::Id;
use plaza_types::timeline::Post;
use std::time::Duration;

const TTL: Duration = Duration::from_secs(60);

fn key(id: Id) -> String {
    format!("timeline:post:{id}")
}

/// A post by id, from the cache or the database.
pub async fn post(state: &AppState, id: Id) -> Result<Option<Post>, sqlx::Error> {
    if let Some(post) = plaza_cache::get_json(state.cache.as_ref(), &key(id)).await {
        return Ok(Some(post));
    }
    let post = posts::get(&state.db, id).await?;
    if let Some(p) = &post {
        plaza_cache::set_json(state.cache.as_ref(), &key(id), p, TTL).await;
    }
    Ok(post)
}

/// Forgets a post after it changed.
pub async fn forget_post(state: &AppState, id: Id) {
    state.cache.delete(&key(id)).await;
}
