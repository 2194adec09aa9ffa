//! Read-through caching of what nearly every page looks up: communities by id and accounts by
//! username (profiles, follows, blocks), each reader's followed people (the activity feed), and
//! each community's first pages as anonymous readers see them.
//! An entry is deleted when its community, account or follows change; the TTLs bound what another
//! region's edit (or a reader racing a follow) can leave stale.

use crate::AppState;
use crate::db::communities::{self, Community};
use crate::db::follows;
use crate::db::users::{self, User};
use plaza_cache::Records;
use plaza_cache::versions::{ANY_COMMUNITY, COMMUNITY_POSTS, COMMUNITY_YEAHS};
use plaza_storage::sqlx;
use plaza_types::Id;
use plaza_types::timeline::PostQuery;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Duration;

/// Communities by id.
const COMMUNITIES: Records = Records::new("web:community", Duration::from_secs(300));
/// Accounts by username, lower-cased.
const USERS: Records = Records::new("web:user", Duration::from_secs(60));
/// The people each reader follows, by the reader's id.
const FOLLOWEES: Records = Records::new("web:followees", Duration::from_secs(30));

/// A community by id, from the cache or the database.
pub async fn community(state: &AppState, id: Id) -> Result<Option<Community>, sqlx::Error> {
    let load = || communities::get(&state.db, id);
    COMMUNITIES
        .read_through(state.cache.as_ref(), id, load)
        .await
}

/// Forgets a community after it changed.
pub async fn forget_community(state: &AppState, id: Id) {
    COMMUNITIES.forget(state.cache.as_ref(), id).await;
}

/// An account by username, from the cache or the database.
pub async fn user_by_name(state: &AppState, username: &str) -> Result<Option<User>, sqlx::Error> {
    let load = || users::by_username(&state.db, username);
    let name = username.to_ascii_lowercase();
    USERS.read_through(state.cache.as_ref(), name, load).await
}

/// Forgets an account after it changed.
pub async fn forget_user(state: &AppState, username: &str) {
    let name = username.to_ascii_lowercase();
    USERS.forget(state.cache.as_ref(), name).await;
}

/// Everyone `user` follows (at most 1000), from the cache or the database: the activity feed
/// reads this on every request, and it changes only on a follow, unfollow or block.
pub async fn followees(state: &AppState, user: Id) -> Result<Vec<Id>, sqlx::Error> {
    let load = || async { follows::all_followees(&state.db, user).await.map(Some) };
    let found = FOLLOWEES
        .read_through(state.cache.as_ref(), user, load)
        .await?;
    Ok(found.unwrap_or_default())
}

/// Forgets whom these accounts follow after one of their follows changed.
pub async fn forget_followees(state: &AppState, users: &[Id]) {
    for user in users {
        FOLLOWEES.forget(state.cache.as_ref(), user).await;
    }
}

/// How long an anonymous first page is kept: it bounds how long an author's new name or
/// picture takes to show there (posts, comments, moderation and Yeahs renew it at once).
const PAGE_TTL: Duration = Duration::from_secs(30);

/// A community's first page of `tab` as every anonymous reader sees it, with what it shows
/// beside each post, from the cache or `load`. It is cached under the community's versions of
/// posts (timeline renews it on every post, comment, deletion and moderation in the community)
/// and of Yeahs (empathy renews it on every Yeah given or taken back), so any of those shows at
/// once, in a region too (the versions live in memcached).
pub async fn community_page<T, Fut>(
    state: &AppState,
    community: Id,
    tab: &str,
    load: impl FnOnce() -> Fut,
) -> crate::Result<T>
where
    T: Serialize + DeserializeOwned,
    Fut: Future<Output = crate::Result<T>>,
{
    let name = format!("web:community-page:{community}:{tab}");
    page_under_versions(state, community, &name, load).await
}

/// The first page of `viewer`'s activity feed for `query` (the people followed and hidden are
/// part of the key, so a follow, an unfollow or a block shows at once), from the cache or `load`.
/// It mixes communities, so it is cached under the versions every community's posts and Yeahs
/// renew ([`ANY_COMMUNITY`]): any post, comment, moderation or Yeah anywhere makes it stale. A
/// reader who comes back finds it at once while nothing was written; under constant writes the
/// feed is read afresh, which the windowed query keeps to a few milliseconds.
pub async fn activity_page<T, Fut>(
    state: &AppState,
    viewer: Id,
    query: &PostQuery,
    load: impl FnOnce() -> Fut,
) -> crate::Result<T>
where
    T: Serialize + DeserializeOwned,
    Fut: Future<Output = crate::Result<T>>,
{
    let mut people = DefaultHasher::new();
    (&query.author_ids, &query.exclude_author_ids).hash(&mut people);
    let name = format!("web:activity:{viewer}:{:016x}", people.finish());
    page_under_versions(state, ANY_COMMUNITY, &name, load).await
}

/// `load`'s value, cached as `name` under the current versions of `community`'s posts and
/// Yeahs (read without caching while a version has just been started or the cache is away).
async fn page_under_versions<T, Fut>(
    state: &AppState,
    community: impl std::fmt::Display,
    name: &str,
    load: impl FnOnce() -> Fut,
) -> crate::Result<T>
where
    T: Serialize + DeserializeOwned,
    Fut: Future<Output = crate::Result<T>>,
{
    let cache = state.cache.as_ref();
    let (posts, yeahs) = tokio::join!(
        COMMUNITY_POSTS.current_or_start(cache, &community, &state.ids),
        COMMUNITY_YEAHS.current_or_start(cache, &community, &state.ids)
    );
    let (Some(posts_version), Some(yeahs_version)) = (posts, yeahs) else {
        return load().await;
    };
    let key = format!("{name}:{posts_version}:{yeahs_version}");
    plaza_cache::read_through(cache, &key, PAGE_TTL, load).await
}
