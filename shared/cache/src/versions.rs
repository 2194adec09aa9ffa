//! Versioned families of cache entries: a family's entries are cached under its current
//! *version*, a key that each committed write replaces with a new unique value. A reader that
//! raced a write may store what it read before the write, but under the version it saw, which no
//! reader asks for again, so no stale entry outlives a write (a plain delete would let such a
//! racing reader put the old value back). In a region the version lives in memcached, so every
//! process of every service sees it change at once.

use crate::Cache;
use plaza_types::IdGenerator;
use std::time::Duration;

/// Versions outlive the entries cached under them.
const VERSION_TTL: Duration = Duration::from_secs(86_400);

/// The version of each community's posts and comments (timeline renews it on every write to
/// them, moderation and erasure included).
pub const COMMUNITY_POSTS: Versions = Versions::new("timeline:community");
/// The version of the Yeahs on each community's posts and comments (empathy renews it when a
/// Yeah is given or taken back).
pub const COMMUNITY_YEAHS: Versions = Versions::new("empathy:community");

/// The version of each person's unread notification count (notification renews it on every
/// change to their groups; see [`crate::UnreadCounts`]).
pub const UNREAD: Versions = Versions::new("notification:unread");

/// The id, in [`COMMUNITY_POSTS`] and [`COMMUNITY_YEAHS`], whose version is renewed with every
/// community's: what a page mixing communities (an activity feed) is cached under.
pub const ANY_COMMUNITY: &str = "any";

/// One family of versions, one per id: `<prefix>:<id>:version`.
#[derive(Debug, Clone, Copy)]
pub struct Versions {
    prefix: &'static str,
}

impl Versions {
    pub const fn new(prefix: &'static str) -> Self {
        Versions { prefix }
    }

    fn key(&self, id: impl std::fmt::Display) -> String {
        format!("{}:{id}:version", self.prefix)
    }

    /// The current version of `id`; `None` when there is none yet or the cache is away, after
    /// starting one: the caller then reads without caching, and the next reader caches.
    pub async fn current_or_start(
        &self,
        cache: &dyn Cache,
        id: impl std::fmt::Display,
        ids: &IdGenerator,
    ) -> Option<String> {
        let key = self.key(id);
        let current = cache
            .get(&key)
            .await
            .and_then(|bytes| String::from_utf8(bytes).ok());
        if current.is_none() {
            Self::set(cache, &key, ids).await;
        }
        current
    }

    /// Gives `id` a new version (a fresh unique id) after a committed write.
    pub async fn renew(&self, cache: &dyn Cache, id: impl std::fmt::Display, ids: &IdGenerator) {
        Self::set(cache, &self.key(id), ids).await;
    }

    /// Gives `community` a new version, and [`ANY_COMMUNITY`] with it, after a committed write
    /// to what the community shows: its own pages and the pages that mix communities go stale.
    pub async fn renew_community(
        &self,
        cache: &dyn Cache,
        community: impl std::fmt::Display,
        ids: &IdGenerator,
    ) {
        tokio::join!(
            self.renew(cache, community, ids),
            self.renew(cache, ANY_COMMUNITY, ids)
        );
    }

    async fn set(cache: &dyn Cache, key: &str, ids: &IdGenerator) {
        let unique = ids.next_id().to_string();
        cache.set(key, unique.into_bytes(), VERSION_TTL).await;
    }
}
