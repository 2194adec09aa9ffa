//! Read-through caching of what nearly every page looks up: communities by id and accounts by
//! username (profiles, follows, blocks). An entry is deleted when its community or account is
//! edited; the TTLs bound what another region's edit can leave stale.

use crate::AppState;
use crate::db::communities::{self, Community};
use crate::db::users::{self, User};
use plaza_storage::sqlx;
use plaza_types::Id;
use std::time::Duration;

const TTL: Duration = Duration::from_secs(300);

fn key(id: Id) -> String {
    format!("web:community:{id}")
}

/// A community by id, from the cache or the database.
pub async fn community(state: &AppState, id: Id) -> Result<Option<Community>, sqlx::Error> {
    plaza_cache::read_through_found(state.cache.as_ref(), &key(id), TTL, || {
        communities::get(&state.db, id)
    })
    .await
}

/// Forgets a community after it changed.
pub async fn forget_community(state: &AppState, id: Id) {
    state.cache.delete(&key(id)).await;
}

const USER_TTL: Duration = Duration::from_secs(60);

fn user_key(username: &str) -> String {
    format!("web:user:{}", username.to_ascii_lowercase())
}

/// An account by username, from the cache or the database.
pub async fn user_by_name(state: &AppState, username: &str) -> Result<Option<User>, sqlx::Error> {
    plaza_cache::read_through_found(state.cache.as_ref(), &user_key(username), USER_TTL, || {
        users::by_username(&state.db, username)
    })
    .await
}

/// Forgets an account after it changed.
pub async fn forget_user(state: &AppState, username: &str) {
    state.cache.delete(&user_key(username)).await;
}
