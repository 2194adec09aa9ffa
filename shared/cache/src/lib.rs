//! The object cache. Services read through it and delete keys when they write, so a reader sees a
//! write at once; entries also expire after their TTL, which bounds staleness for data another
//! process or region changes. The cache is an optimisation: a failure to read or write it is a
//! miss, never an error.

pub mod live;
mod memcached;
pub mod redis;
pub mod versions;

pub use live::{Live, MemoryLive, RedisLive};
pub use memcached::MemcachedCache;

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, LazyLock, PoisonError};
use std::time::{Duration, Instant};

/// A boxed future, so the trait can be used as `Arc<dyn Cache>`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A byte cache with per-entry lifetimes.
pub trait Cache: Send + Sync + std::fmt::Debug {
    /// The value under `key`, if present and not expired.
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<Vec<u8>>>;
    /// Stores `value` under `key` for `ttl`.
    fn set<'a>(&'a self, key: &'a str, value: Vec<u8>, ttl: Duration) -> BoxFuture<'a, ()>;
    /// Forgets `key`.
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, ()>;
    /// Whether every server behind the cache answers now (shown in `/readyz`; a cache that is
    /// down slows Plaza but does not stop it).
    fn healthy(&self) -> BoxFuture<'_, bool> {
        Box::pin(std::future::ready(true))
    }
    /// Whether the cache lives in this process alone (the embedded default), so that this
    /// process is the only one that reads and writes what the cache describes.
    fn private_to_process(&self) -> bool {
        false
    }
}

/// Reads a JSON value; an unreadable entry is a miss.
pub async fn get_json<T: DeserializeOwned>(cache: &dyn Cache, key: &str) -> Option<T> {
    let bytes = cache.get(key).await?;
    serde_json::from_slice(&bytes).ok()
}

/// Stores a JSON value.
pub async fn set_json<T: Serialize>(cache: &dyn Cache, key: &str, value: &T, ttl: Duration) {
    match serde_json::to_vec(value) {
        Ok(bytes) => cache.set(key, bytes, ttl).await,
        Err(err) => tracing::warn!(error = %err, "a value could not be cached"),
    }
}

/// Reads `key` through the cache: the cached value when there is one, else what `load` reads
/// (from the database), which is then cached for `ttl`. A failure to load is returned and
/// nothing is cached.
pub async fn read_through<T, E, Fut>(
    cache: &dyn Cache,
    key: &str,
    ttl: Duration,
    load: impl FnOnce() -> Fut,
) -> Result<T, E>
where
    T: Serialize + DeserializeOwned,
    Fut: Future<Output = Result<T, E>>,
{
    read_through_if(cache, key, ttl, load, |_| true).await
}

/// [`read_through`] for something that may not exist: only what was found is cached, so a
/// row made just after a miss is seen at once.
pub async fn read_through_found<T, E, Fut>(
    cache: &dyn Cache,
    key: &str,
    ttl: Duration,
    load: impl FnOnce() -> Fut,
) -> Result<Option<T>, E>
where
    T: Serialize + DeserializeOwned,
    Fut: Future<Output = Result<Option<T>, E>>,
{
    read_through_if(cache, key, ttl, load, Option::is_some).await
}

/// The unread count of each person's notifications, by their id: notification reads it through
/// the cache under the person's version ([`versions::UNREAD`]) and renews that version on every
/// change to their groups (delivered, withdrawn, read, erased), and web looks here first, so a
/// page header costs no call to notification while the count is unchanged. A reader that raced
/// a delivery may store the count it read before it, but under the old version, which nobody
/// reads again (a plain delete let such a reader put back a stale 0 for the whole TTL). The TTL
/// bounds what another region's change leaves stale.
pub struct UnreadCounts;

impl UnreadCounts {
    /// How long a count is kept.
    pub const TTL: Duration = Duration::from_secs(30);

    /// The key of `recipient`'s count at its current version; `None` (read without the cache)
    /// when there is no version yet or the cache is away.
    pub async fn key(
        cache: &dyn Cache,
        recipient: impl std::fmt::Display + Copy,
        ids: &plaza_types::IdGenerator,
    ) -> Option<String> {
        let version = versions::UNREAD
            .current_or_start(cache, recipient, ids)
            .await?;
        Some(format!("notification:unread:{recipient}:{version}"))
    }

    /// Makes every cached count of `recipient` stale, after a committed change to their groups.
    pub async fn renew(
        cache: &dyn Cache,
        recipient: impl std::fmt::Display,
        ids: &plaza_types::IdGenerator,
    ) {
        versions::UNREAD.renew(cache, recipient, ids).await;
    }
}

/// One kind of record cached by id (a post, a community, an account): where its entries live
/// and how long they are kept. Record `id` is cached under `<prefix>:<id>`.
#[derive(Debug, Clone, Copy)]
pub struct Records {
    prefix: &'static str,
    ttl: Duration,
}

impl Records {
    pub const fn new(prefix: &'static str, ttl: Duration) -> Self {
        Records { prefix, ttl }
    }

    /// How long an entry is kept.
    pub const fn ttl(&self) -> Duration {
        self.ttl
    }

    /// The cache key of record `id`.
    pub fn key(&self, id: impl std::fmt::Display) -> String {
        format!("{}:{id}", self.prefix)
    }

    /// Record `id` from the cache, else what `load` finds ([`read_through_found`]).
    pub async fn read_through<T, E, Fut>(
        &self,
        cache: &dyn Cache,
        id: impl std::fmt::Display,
        load: impl FnOnce() -> Fut,
    ) -> Result<Option<T>, E>
    where
        T: Serialize + DeserializeOwned,
        Fut: Future<Output = Result<Option<T>, E>>,
    {
        read_through_found(cache, &self.key(id), self.ttl, load).await
    }

    /// Forgets record `id` after it changed.
    pub async fn forget(&self, cache: &dyn Cache, id: impl std::fmt::Display) {
        cache.delete(&self.key(id)).await;
    }
}

async fn read_through_if<T, E, Fut>(
    cache: &dyn Cache,
    key: &str,
    ttl: Duration,
    load: impl FnOnce() -> Fut,
    worth_caching: impl FnOnce(&T) -> bool,
) -> Result<T, E>
where
    T: Serialize + DeserializeOwned,
    Fut: Future<Output = Result<T, E>>,
{
    if let Some(hit) = get_json(cache, key).await {
        return Ok(hit);
    }
    let flight = Flight::join(key);
    let _turn = match flight.turn.try_lock() {
        Ok(turn) => turn,
        Err(_) => {
            // Another request of this process is loading this key: wait for it, then read
            // what it cached rather than asking the database again.
            let turn = flight.turn.lock().await;
            if let Some(hit) = get_json(cache, key).await {
                return Ok(hit);
            }
            turn
        }
    };
    let value = load().await?;
    if worth_caching(&value) {
        set_json(cache, key, &value, ttl).await;
    }
    Ok(value)
}

/// The loads in flight in this process, by key.
type Flights = std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>;
static FLIGHTS: LazyLock<Flights> = LazyLock::new(Flights::default);

/// One process's load of a missed key (single flight): when a popular entry expires or its
/// version changes, the requests that miss it at once wait for the first one's load instead of
/// each asking the database and other services (a stampede that once made a busy page fail).
/// The key leaves [`FLIGHTS`] when its last request is done, cancelled ones included.
struct Flight<'k> {
    key: &'k str,
    turn: Arc<tokio::sync::Mutex<()>>,
}

impl<'k> Flight<'k> {
    fn join(key: &'k str) -> Self {
        let mut flights = FLIGHTS.lock().unwrap_or_else(PoisonError::into_inner);
        let turn = flights.entry(key.to_owned()).or_default().clone();
        Flight { key, turn }
    }
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        let mut flights = FLIGHTS.lock().unwrap_or_else(PoisonError::into_inner);
        // Handles are only cloned under this lock: two means the map's and this one.
        if Arc::strong_count(&self.turn) == 2 {
            flights.remove(self.key);
        }
    }
}

/// Counts a cache lookup in `plaza_cache_requests_total{cache, result}` (`hit`, `miss`, or
/// `error` when the cache could not be asked).
pub(crate) fn count_lookup(cache: &'static str, result: &'static str) {
    metrics::counter!("plaza_cache_requests_total", "cache" => cache, "result" => result)
        .increment(1);
}

/// An in-process cache, bounded in bytes, with least-recently-used eviction (moka).
#[derive(Debug, Clone)]
pub struct MemoryCache {
    entries: moka::sync::Cache<String, (Instant, Arc<[u8]>)>,
}

impl MemoryCache {
    /// A cache holding at most `max_bytes` of values (keys and bookkeeping not counted).
    pub fn new(max_bytes: u64) -> Self {
        let entries = moka::sync::Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|key: &String, value: &(Instant, Arc<[u8]>)| {
                u32::try_from(key.len() + value.1.len()).unwrap_or(u32::MAX)
            })
            .time_to_live(Duration::from_secs(3600))
            .build();
        MemoryCache { entries }
    }
}

impl Cache for MemoryCache {
    fn private_to_process(&self) -> bool {
        true
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<Vec<u8>>> {
        let hit = match self.entries.get(key) {
            Some((expires, value)) if expires > Instant::now() => Some(value.to_vec()),
            Some(_) => {
                self.entries.invalidate(key);
                None
            }
            None => None,
        };
        count_lookup("memory", if hit.is_some() { "hit" } else { "miss" });
        Box::pin(std::future::ready(hit))
    }

    fn set<'a>(&'a self, key: &'a str, value: Vec<u8>, ttl: Duration) -> BoxFuture<'a, ()> {
        self.entries
            .insert(key.to_owned(), (Instant::now() + ttl, Arc::from(value)));
        Box::pin(std::future::ready(()))
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, ()> {
        self.entries.invalidate(key);
        Box::pin(std::future::ready(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh cache holding `value` under `key` for `ttl`.
    async fn holding(key: &str, value: &[u8], ttl: Duration) -> MemoryCache {
        let cache = MemoryCache::new(1 << 20);
        cache.set(key, value.to_vec(), ttl).await;
        cache
    }

    #[tokio::test]
    async fn values_are_read_back_until_deleted() {
        let cache = MemoryCache::new(1 << 20);
        set_json(&cache, "k", &vec![1, 2, 3], Duration::from_secs(60)).await;
        assert_eq!(get_json::<Vec<i32>>(&cache, "k").await, Some(vec![1, 2, 3]));
        cache.delete("k").await;
        assert_eq!(get_json::<Vec<i32>>(&cache, "k").await, None);
    }

    #[tokio::test]
    async fn an_unread_count_read_before_a_delivery_and_stored_after_it_is_never_served() {
        let cache = MemoryCache::new(1 << 20);
        let ids = plaza_types::IdGenerator::new(1, 1).unwrap();
        // The first reader starts the version and reads without the cache.
        assert!(UnreadCounts::key(&cache, 7, &ids).await.is_none());
        let before = UnreadCounts::key(&cache, 7, &ids).await.unwrap();
        // A reader loaded 0 from the database; meanwhile a notification was delivered and its
        // version renewed; then the reader stores its 0.
        UnreadCounts::renew(&cache, 7, &ids).await;
        set_json(&cache, &before, &0i64, UnreadCounts::TTL).await;
        let after = UnreadCounts::key(&cache, 7, &ids).await.unwrap();
        assert_ne!(before, after);
        assert_eq!(
            get_json::<i64>(&cache, &after).await,
            None,
            "the stale 0 is not read"
        );
        // Another person's count has a version of its own.
        assert!(UnreadCounts::key(&cache, 8, &ids).await.is_none());
        assert_eq!(UnreadCounts::key(&cache, 7, &ids).await, Some(after));
    }

    #[tokio::test]
    async fn entries_expire_after_their_ttl() {
        let cache = holding("short", b"x", Duration::from_millis(30)).await;
        assert!(cache.get("short").await.is_some());
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert!(cache.get("short").await.is_none());
    }

    #[tokio::test]
    async fn read_through_loads_a_miss_once_and_serves_the_hit() {
        let cache = MemoryCache::new(1 << 20);
        let loads = std::sync::atomic::AtomicU32::new(0);
        let load = || async {
            loads.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok::<_, ()>(7)
        };
        let ttl = Duration::from_secs(60);
        assert_eq!(read_through(&cache, "n", ttl, load).await, Ok(7));
        assert_eq!(read_through(&cache, "n", ttl, load).await, Ok(7));
        assert_eq!(loads.load(std::sync::atomic::Ordering::Relaxed), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_misses_of_one_key_load_it_once_and_leave_no_flight_behind() {
        let cache = Arc::new(MemoryCache::new(1 << 20));
        let loads = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let readers: Vec<_> = (0..20)
            .map(|_| {
                let (cache, loads) = (cache.clone(), loads.clone());
                tokio::spawn(async move {
                    let load = || async {
                        loads.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok::<_, ()>(42)
                    };
                    read_through(cache.as_ref(), "stampede", Duration::from_secs(60), load).await
                })
            })
            .collect();
        for reader in readers {
            assert_eq!(reader.await.ok(), Some(Ok(42)));
        }
        assert_eq!(loads.load(std::sync::atomic::Ordering::Relaxed), 1);
        let flights = FLIGHTS.lock().unwrap_or_else(PoisonError::into_inner);
        assert!(!flights.contains_key("stampede"));
    }

    #[tokio::test]
    async fn after_a_failed_load_the_next_waiter_loads_again() {
        let cache = MemoryCache::new(1 << 20);
        let ttl = Duration::from_secs(60);
        let failed = read_through(&cache, "retry", ttl, || async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            Err::<i32, _>("db down")
        });
        let second = read_through(&cache, "retry", ttl, || async { Ok::<_, &str>(5) });
        let (failed, second) = tokio::join!(failed, second);
        assert_eq!((failed, second), (Err("db down"), Ok(5)));
    }

    #[tokio::test]
    async fn read_through_found_does_not_cache_what_was_not_found() {
        let cache = MemoryCache::new(1 << 20);
        let ttl = Duration::from_secs(60);
        let none = read_through_found(&cache, "u", ttl, || async { Ok::<Option<i32>, ()>(None) });
        assert_eq!(none.await, Ok(None));
        let found = read_through_found(&cache, "u", ttl, || async { Ok::<_, ()>(Some(3)) });
        assert_eq!(found.await, Ok(Some(3)));
        let cached = read_through_found(&cache, "u", ttl, || async { Err::<Option<i32>, _>("db") });
        assert_eq!(cached.await, Ok(Some(3)));
    }

    #[tokio::test]
    async fn a_record_is_read_through_under_its_prefix_until_forgotten() {
        let cache = MemoryCache::new(1 << 20);
        let posts = Records::new("test:post", Duration::from_secs(60));
        let found = posts.read_through(&cache, 5, || async { Ok::<_, ()>(Some(1)) });
        assert_eq!(found.await, Ok(Some(1)));
        assert_eq!(get_json::<i32>(&cache, "test:post:5").await, Some(1));
        posts.forget(&cache, 5).await;
        assert!(cache.get("test:post:5").await.is_none());
    }

    #[tokio::test]
    async fn a_failed_load_is_returned_and_not_cached() {
        let cache = MemoryCache::new(1 << 20);
        let ttl = Duration::from_secs(60);
        let failed = read_through(&cache, "f", ttl, || async { Err::<i32, _>("db down") });
        assert_eq!(failed.await, Err("db down"));
        assert!(cache.get("f").await.is_none());
    }

    #[tokio::test]
    async fn an_unreadable_entry_is_a_miss() {
        let cache = holding("bad", b"not json", Duration::from_secs(60)).await;
        assert_eq!(get_json::<Vec<i32>>(&cache, "bad").await, None);
    }
}
