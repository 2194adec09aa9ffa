//! Read-through caching of what nearly every page looks up: communities by id and accounts by
//! username (profiles, follows, blocks), each reader's followed and hidden people and favourite
//! communities, the community of each post, and first pages (a community's tabs, a post's page,
//! an activity feed) kept under the versions that the writes changing them renew.
//! An entry is deleted when its community, account, follows or favourites change; the TTLs bound
//! what another region's edit (or a reader racing a follow) can leave stale.

use crate::AppState;
use crate::db::communities::{self, Community};
use crate::db::users::{self, User};
use crate::db::{blocks, favourites, follows};
use crate::holes::Holed;
use plaza_cache::Records;
use plaza_cache::versions::{ANY_COMMUNITY, COMMUNITY_POSTS, COMMUNITY_YEAHS};
use plaza_storage::sqlx;
use plaza_types::Id;
use plaza_types::timeline::PostQuery;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;
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
    ids_of(
        state,
        FOLLOWEES,
        user,
        follows::all_followees(&state.db, user),
    )
    .await
}

/// The communities each account favourites, by the account's id.
const FAVOURITES: Records = Records::new("web:favourites", Duration::from_secs(30));

/// The communities `user` favourites (at most 1000), from the cache or the database: every
/// community page a signed-in reader opens shows whether it is one of them.
pub async fn favourites(state: &AppState, user: Id) -> Result<Vec<Id>, sqlx::Error> {
    ids_of(state, FAVOURITES, user, favourites::all(&state.db, user)).await
}

/// Forgets the communities `user` favourites after one was added or removed.
pub async fn forget_favourites(state: &AppState, user: Id) {
    FAVOURITES.forget(state.cache.as_ref(), user).await;
}

/// The ids `records` keeps for `user`, from the cache or `load` (the database). An empty list
/// is cached too: most readers follow, hide or favourite nothing.
async fn ids_of(
    state: &AppState,
    records: Records,
    user: Id,
    load: impl Future<Output = Result<Vec<Id>, sqlx::Error>>,
) -> Result<Vec<Id>, sqlx::Error> {
    let load = || async { load.await.map(Some) };
    let found = records
        .read_through(state.cache.as_ref(), user, load)
        .await?;
    Ok(found.unwrap_or_default())
}

/// The community of each post, which never changes.
const POST_COMMUNITIES: Records = Records::new("web:post-community", Duration::from_secs(3600));

/// The community of post `id` (`None` when there is no such post), from the cache or timeline.
pub async fn post_community(state: &AppState, id: Id) -> crate::Result<Option<Id>> {
    let load = || async {
        match state.timeline.post(id).await {
            Ok(post) => Ok(Some(post.community_id)),
            Err(e) if e.code() == Some("not_found") => Ok(None),
            Err(e) => Err(crate::Error::from(e)),
        }
    };
    POST_COMMUNITIES
        .read_through(state.cache.as_ref(), id, load)
        .await
}

/// The people hidden from each reader (whom they block and who blocks them), by the reader's id.
const HIDDEN: Records = Records::new("web:hidden", Duration::from_secs(30));

/// The people hidden from `user`, from the cache or the database: every page a signed-in
/// reader opens leaves them out, and they change only on a block or an unblock.
pub async fn hidden(state: &AppState, user: Id) -> Result<Vec<Id>, sqlx::Error> {
    ids_of(state, HIDDEN, user, blocks::hidden_from(&state.db, user)).await
}

/// Forgets whom these accounts follow and whom they do not see after a follow or a block
/// between them changed.
pub async fn forget_relations(state: &AppState, users: &[Id]) {
    let cache = state.cache.as_ref();
    for user in users {
        tokio::join!(FOLLOWEES.forget(cache, user), HIDDEN.forget(cache, user));
    }
}

/// How long an anonymous first page is kept: it bounds how long an author's new name or
/// picture takes to show there (posts, comments, moderation and Yeahs renew it at once).
const PAGE_TTL: Duration = Duration::from_secs(30);

/// Which first page is cached, and so which versions it is kept under.
pub enum PageOf<'a> {
    /// A community's tab (or one of its posts' pages): kept under the community's versions of
    /// posts (timeline renews it on every post, comment, deletion and moderation in the
    /// community) and of Yeahs (empathy renews it on every Yeah given or taken back).
    Community(Id, &'a str),
    /// An activity feed, which mixes communities: kept under the versions that every
    /// community's renew as well ([`ANY_COMMUNITY`]), so any post, comment, moderation or Yeah
    /// anywhere makes it stale. A reader who comes back finds it at once while nothing was
    /// written; under constant writes it is read afresh, which the windowed query keeps to a
    /// few milliseconds.
    Activity,
}

/// A first page as `viewer` sees it (every anonymous reader alike) for `query`, with what it
/// shows beside each post, from the cache or `load`. Every write that changes it renews a
/// version it is kept under, so the write shows at once, in a region too (the versions live in
/// memcached). A signed-in reader's page is their own entry: the people they follow and hide
/// and whether they moderate are part of its key, so a follow, a block or a new role shows at
/// once too.
pub async fn first_page<T, Fut>(
    state: &AppState,
    of: PageOf<'_>,
    viewer: Option<Id>,
    query: &PostQuery,
    load: impl FnOnce() -> Fut,
) -> crate::Result<Arc<T>>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = crate::Result<T>>,
{
    let Some(key) = first_page_key(state, of, viewer, query).await else {
        return Ok(Arc::new(load().await?));
    };
    if let Some(page) = state.decoded.get(&key).and_then(|p| p.downcast::<T>().ok()) {
        return Ok(page);
    }
    let page =
        Arc::new(plaza_cache::read_through(state.cache.as_ref(), &key, PAGE_TTL, load).await?);
    state.decoded.insert(key, page.clone());
    Ok(page)
}

/// How long a first page is kept decoded in the process ([`Decoded`]): short, since it adds to
/// [`PAGE_TTL`] for what no version covers (an author's new name).
const DECODED_TTL: Duration = Duration::from_secs(10);
/// How many decoded first pages a process keeps (the most recently used).
const DECODED_PAGES: u64 = 256;

/// First pages as [`first_page`] returns them, decoded, by the same keys as their JSON in the
/// object cache: a reader who comes back skips decoding the page again. Kept in the process
/// whatever the object cache is (a key names one version of a page, so every process that holds
/// it holds the same page).
pub type Decoded = moka::sync::Cache<String, Arc<dyn std::any::Any + Send + Sync>>;

/// An empty [`Decoded`].
pub fn decoded() -> Decoded {
    moka::sync::Cache::builder()
        .max_capacity(DECODED_PAGES)
        .time_to_live(DECODED_TTL)
        .build()
}

/// The key [`first_page`] keeps a page under: it changes whenever what the page shows does.
/// `None` when the cache is away (the page is then read afresh).
pub async fn first_page_key(
    state: &AppState,
    of: PageOf<'_>,
    viewer: Option<Id>,
    query: &PostQuery,
) -> Option<String> {
    let (versions_of, name) = match of {
        PageOf::Community(community, tab) => (
            community.to_string(),
            format!("web:community-page:{community}:{tab}"),
        ),
        PageOf::Activity => (ANY_COMMUNITY.to_owned(), "web:activity".to_owned()),
    };
    let cache = state.cache.as_ref();
    let (posts, yeahs) = tokio::join!(
        COMMUNITY_POSTS.current_or_start(cache, &versions_of, &state.ids),
        COMMUNITY_YEAHS.current_or_start(cache, &versions_of, &state.ids)
    );
    let reader = reader(viewer, query);
    Some(format!("{name}:{reader}:{}:{}", posts?, yeahs?))
}

/// How long a page rendered for signed-out readers is kept ([`rendered`]): a few seconds, since
/// it says how long ago each post was written; what it shows is part of its key.
const RENDERED_TTL: Duration = Duration::from_secs(5);

/// Pages rendered for signed-out readers, with their CSRF holes, by key: kept in the process
/// for [`RENDERED_TTL`], at most `max_bytes` of them.
pub type RenderedPages = moka::sync::Cache<String, Arc<Holed>>;

/// An empty [`RenderedPages`].
pub fn rendered_pages(max_bytes: u64) -> RenderedPages {
    moka::sync::Cache::builder()
        .max_capacity(max_bytes)
        .weigher(|key: &String, page: &Arc<Holed>| {
            u32::try_from(key.len() + page.bytes()).unwrap_or(u32::MAX)
        })
        .time_to_live(RENDERED_TTL)
        .build()
}

/// A page rendered for signed-out readers under `key`, if this process has it.
pub fn rendered(state: &AppState, key: &str) -> Option<Arc<Holed>> {
    state.rendered.get(key)
}

/// Keeps `page`, rendered for signed-out readers, under `key` in this process.
pub fn keep_rendered(state: &AppState, key: String, page: Arc<Holed>) {
    state.rendered.insert(key, page);
}

/// Who a cached page is for: `anyone`, or the reader and a hash of what in `query` depends on
/// them (the people named and hidden, whether moderated posts show).
fn reader(viewer: Option<Id>, query: &PostQuery) -> String {
    let Some(viewer) = viewer else {
        return "anyone".to_owned();
    };
    let mut own = DefaultHasher::new();
    (
        &query.author_ids,
        &query.exclude_author_ids,
        query.include_moderated,
        query.include_moderated_of,
    )
        .hash(&mut own);
    format!("{viewer}:{:016x}", own.finish())
}
