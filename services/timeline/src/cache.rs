//! Read-through caching of single posts (post pages, Yeahs and comments all look a post up) and
//! of the first page of each community (what most visitors read). A post's entry is deleted, and
//! its community's pages made stale, when the post is deleted or gets a comment (its comment
//! count); a new post makes its community's pages stale.
//!
//! A community's first page is cached under the community's current *version*, a cache entry that
//! every write to the community's posts replaces with a new unique value after the write is
//! committed. A reader that raced a write may store a page from before the write, but it stores it
//! under the version it saw, which no reader asks for again: no stale page outlives a write (a
//! plain delete of the page would let such a racing reader put the old page back).

use crate::AppState;
use crate::db::posts;
use plaza_cache::Records;
use plaza_cache::versions::COMMUNITY_POSTS;
use plaza_storage::sqlx;
use plaza_types::timeline::{Post, PostQuery};
use plaza_types::{Id, Page};
use std::time::Duration;

/// Single posts by id.
const POSTS: Records = Records::new("timeline:post", Duration::from_secs(60));
/// How long a community's first page is kept (a bound on staleness should memcached miss a
/// version change while it was unreachable).
const PAGE_TTL: Duration = Duration::from_secs(30);

/// A post by id, from the cache or the database.
pub async fn post(state: &AppState, id: Id) -> Result<Option<Post>, sqlx::Error> {
    let load = || posts::get(&state.db, id);
    POSTS.read_through(state.cache.as_ref(), id, load).await
}

/// Forgets a post after it changed, and the pages of its community that show it.
pub async fn forget_post(state: &AppState, id: Id, community: Id) {
    forget_post_only(state, id).await;
    new_version(state, community).await;
}

/// Forgets a post's cached copy (the caller renews its community's pages once for many posts).
pub async fn forget_post_only(state: &AppState, id: Id) {
    POSTS.forget(state.cache.as_ref(), id).await;
}

/// The query's community when it asks for that community's first page as everyone sees it (no
/// authors chosen or excluded): the one shape of feed worth sharing between readers.
fn shared_first_page(query: &PostQuery) -> Option<Id> {
    match query {
        PostQuery {
            community_id: Some(community),
            author_ids: None,
            exclude_author_ids,
            cursor: None,
            include_moderated: false,
            include_moderated_of: None,
            ..
        } if exclude_author_ids.is_empty() && !query.has_game_filters() => Some(*community),
        _ => None,
    }
}

/// A feed, with a community's first page from the cache when it is there.
pub async fn feed(state: &AppState, query: &PostQuery) -> crate::Result<Page<Post>> {
    let Some(community) = shared_first_page(query) else {
        return posts::query(&state.db, query).await;
    };
    let cache = state.cache.as_ref();
    let Some(version) = COMMUNITY_POSTS
        .current_or_start(cache, community, &state.ids)
        .await
    else {
        return posts::query(&state.db, query).await;
    };
    let key = format!(
        "timeline:community:{community}:{version}:{}:{}",
        query.limit.unwrap_or(0),
        u8::from(query.only_drawings)
    );
    plaza_cache::read_through(cache, &key, PAGE_TTL, || posts::query(&state.db, query)).await
}

/// Gives `community` a new version after a committed write to its posts, so its cached pages
/// are read from the database again.
pub async fn new_version(state: &AppState, community: Id) {
    COMMUNITY_POSTS
        .renew_community(state.cache.as_ref(), community, &state.ids)
        .await;
}
