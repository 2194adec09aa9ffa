//! The region's object cache: memcached, shared by every process of a region. Keys are placed on
//! the servers by consistent hashing (a ring of [`POINTS_PER_SERVER`] points per server, the
//! `hashring` crate), so adding a server moves only the keys it takes over and none between the
//! servers that were there; each server has a small pool of connections. memcached is an
//! optimisation, so a server that fails is skipped for a moment (every read is then a miss and
//! goes to the database) and the failure is logged once per outage and shown in `/readyz`.

use crate::{BoxFuture, Cache};
use hashring::HashRing;
use memcache_async::ascii::Protocol;
use std::io::ErrorKind;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::Mutex;
use tokio_util::compat::{Compat, TokioAsyncReadCompatExt};

/// One connection speaking memcached's text protocol.
type Client = Protocol<Compat<TcpStream>>;

/// How long one memcached call may take before it counts as a failure.
const CALL_TIMEOUT: Duration = Duration::from_millis(250);
/// memcached's default item size limit (with room for the key and header); larger values are
/// not cached rather than refused by the server.
const MAX_VALUE: usize = 1_000_000;
/// How long a failed server is left alone before it is tried again.
const RETRY_AFTER: Duration = Duration::from_secs(1);
/// Points each server has on the ring: enough that servers get near-equal shares of the keys
/// (as ketama, the usual memcached client ring, does).
const POINTS_PER_SERVER: u32 = 160;

/// One server's point on the ring. It is placed by the server's address (not its position in
/// the list), so every process with the same servers places keys alike.
#[derive(Debug, Clone)]
struct Point {
    server: usize,
    addr: Arc<str>,
    replica: u32,
}

impl std::hash::Hash for Point {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.addr.hash(state);
        self.replica.hash(state);
    }
}

/// The ring of `addrs`: which server (by index) holds a key.
fn ring(addrs: &[String]) -> HashRing<Point> {
    let mut ring = HashRing::new();
    ring.batch_add(
        addrs
            .iter()
            .enumerate()
            .flat_map(|(server, addr)| {
                let addr: Arc<str> = addr.as_str().into();
                (0..POINTS_PER_SERVER).map(move |replica| Point {
                    server,
                    addr: addr.clone(),
                    replica,
                })
            })
            .collect(),
    );
    ring
}

struct Server {
    addr: String,
    pool: Vec<Mutex<Option<Client>>>,
    next: AtomicUsize,
    down: AtomicBool,
    /// When a down server may be tried again, in milliseconds since the cache was made.
    retry_at: AtomicU64,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.addr)
            .field("connections", &self.pool.len())
            .finish_non_exhaustive()
    }
}

/// memcached servers behind the [`Cache`] trait.
#[derive(Debug, Clone)]
pub struct MemcachedCache {
    servers: Arc<Vec<Server>>,
    ring: Arc<HashRing<Point>>,
    prefix: Arc<str>,
    started: std::time::Instant,
}

impl MemcachedCache {
    /// A cache over `servers` (`host:port`), `connections` per server, with every key under
    /// `prefix` (so regions or test runs can share servers). Connections open on first use.
    pub fn new(addrs: &[String], connections: usize, prefix: &str) -> Self {
        let servers = addrs
            .iter()
            .map(|addr| Server {
                addr: addr.clone(),
                pool: (0..connections.max(1)).map(|_| Mutex::new(None)).collect(),
                next: AtomicUsize::new(0),
                down: AtomicBool::new(false),
                retry_at: AtomicU64::new(0),
            })
            .collect();
        MemcachedCache {
            ring: Arc::new(ring(addrs)),
            servers: Arc::new(servers),
            prefix: prefix.into(),
            started: std::time::Instant::now(),
        }
    }

    fn full_key(&self, key: &str) -> String {
        // memcached keys are at most 250 bytes without spaces or control characters.
        let full = format!("{}:{key}", self.prefix);
        if full.len() <= 250 && full.bytes().all(|b| b.is_ascii_graphic()) {
            full
        } else {
            format!("{}:h:{}", self.prefix, fnv1a(key.as_bytes()))
        }
    }

    fn server_for(&self, key: &str) -> Option<&Server> {
        self.servers.get(self.ring.get(&key)?.server)
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Runs `op` on a pooled connection to the key's server; `None` when the server is down or
    /// the call failed (the connection is then dropped and the server rested).
    async fn with_conn<T, F>(&self, key: &str, op: F) -> Option<T>
    where
        F: for<'c> FnOnce(&'c mut Client) -> BoxFuture<'c, std::io::Result<T>>,
    {
        self.call(self.server_for(key)?, false, op).await
    }

    /// Runs `op` on `server`; a rested server is skipped unless `probe` is set.
    async fn call<T, F>(&self, server: &Server, probe: bool, op: F) -> Option<T>
    where
        F: for<'c> FnOnce(&'c mut Client) -> BoxFuture<'c, std::io::Result<T>>,
    {
        if !probe
            && server.down.load(Ordering::Relaxed)
            && self.now_ms() < server.retry_at.load(Ordering::Relaxed)
        {
            return None;
        }
        let slot = server.next.fetch_add(1, Ordering::Relaxed) % server.pool.len();
        let mut conn = server.pool.get(slot)?.lock().await;
        let result = tokio::time::timeout(CALL_TIMEOUT, async {
            if conn.is_none() {
                let stream = TcpStream::connect(&server.addr).await?;
                stream.set_nodelay(true)?;
                *conn = Some(Protocol::new(stream.compat()));
            }
            match conn.as_mut() {
                Some(client) => op(client).await,
                None => Err(std::io::Error::other("no connection")),
            }
        })
        .await;
        match result {
            Ok(Ok(value)) => {
                if server.down.swap(false, Ordering::Relaxed) {
                    tracing::info!(server = %server.addr, "memcached is back");
                }
                Some(value)
            }
            Ok(Err(err)) => {
                *conn = None;
                self.rest(server, &err.to_string());
                None
            }
            Err(_) => {
                *conn = None;
                self.rest(server, "timed out");
                None
            }
        }
    }

    /// Deletes this cache's keys (those under its prefix) from every server and leaves every
    /// other prefix's keys alone: how one region or test run that shares servers with others
    /// starts clean (an operator's reset after restoring a database; the region's test run
    /// before each test). memcached lists its keys with `lru_crawler metadump all`. How many
    /// keys were deleted.
    pub async fn clear(&self) -> std::io::Result<usize> {
        let prefix = format!("{}:", self.prefix);
        let mut deleted = 0;
        for server in self.servers.iter() {
            deleted += tokio::time::timeout(CLEAR_TIMEOUT, clear_server(&server.addr, &prefix))
                .await
                .map_err(|_| std::io::Error::new(ErrorKind::TimedOut, "memcached: clearing"))??;
        }
        Ok(deleted)
    }

    /// Runs `op` on every server, resting or not; whether it worked on all of them.
    async fn on_every_server<F>(&self, op: F) -> bool
    where
        F: for<'c> Fn(&'c mut Client) -> BoxFuture<'c, std::io::Result<()>> + Copy,
    {
        let mut all = true;
        for server in self.servers.iter() {
            all &= self.call(server, true, op).await.is_some();
        }
        all
    }

    fn rest(&self, server: &Server, why: &str) {
        server.retry_at.store(
            self.now_ms() + RETRY_AFTER.as_millis() as u64,
            Ordering::Relaxed,
        );
        if !server.down.swap(true, Ordering::Relaxed) {
            tracing::warn!(server = %server.addr, error = %why,
                "memcached is unreachable; serving from the database until it is back");
        }
    }
}

/// How long clearing one server's keys may take.
const CLEAR_TIMEOUT: Duration = Duration::from_secs(30);
/// Deletes sent to a server before their answers are read.
const DELETES_AT_ONCE: usize = 100;

/// Deletes the keys starting with `prefix` from the server at `addr` (see
/// [`MemcachedCache::clear`]); how many it deleted.
async fn clear_server(addr: &str, prefix: &str) -> std::io::Result<usize> {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let unexpected = |what: &str| std::io::Error::other(format!("memcached: {what}"));
    let (read, mut write) = TcpStream::connect(addr).await?.into_split();
    let mut lines = BufReader::new(read).lines();
    let mut keys = Vec::new();
    let mut listed = false;
    // The crawler answers BUSY while it is already walking the items; ask again then.
    'listing: for _ in 0..100 {
        write.write_all(b"lru_crawler metadump all\r\n").await?;
        keys.clear();
        loop {
            let line = lines
                .next_line()
                .await?
                .ok_or_else(|| unexpected("closed while listing keys"))?;
            let line = line.trim_end_matches('\r');
            if line == "END" {
                listed = true;
                break 'listing;
            }
            if line.starts_with("BUSY") {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue 'listing;
            }
            let Some(field) = line.strip_prefix("key=") else {
                return Err(unexpected(line));
            };
            let encoded = field.split(' ').next().unwrap_or_default();
            let key = percent_encoding::percent_decode_str(encoded).decode_utf8_lossy();
            if key.starts_with(prefix) {
                keys.push(key.into_owned());
            }
        }
    }
    if !listed {
        return Err(unexpected("the key crawler stayed busy"));
    }
    let mut deleted = 0;
    for batch in keys.chunks(DELETES_AT_ONCE) {
        let mut commands = String::new();
        for key in batch {
            commands.push_str("delete ");
            commands.push_str(key);
            commands.push_str("\r\n");
        }
        write.write_all(commands.as_bytes()).await?;
        for _ in batch {
            let line = lines
                .next_line()
                .await?
                .ok_or_else(|| unexpected("closed while deleting"))?;
            match line.trim_end_matches('\r') {
                "DELETED" => deleted += 1,
                "NOT_FOUND" => {}
                other => return Err(unexpected(other)),
            }
        }
    }
    Ok(deleted)
}

/// FNV-1a: a short stable name for a key too long or odd for memcached.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl Cache for MemcachedCache {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            let full = self.full_key(key);
            let found = self
                .with_conn(key, move |c| {
                    Box::pin(async move {
                        match c.get(&full).await {
                            Ok(value) => Ok(Some(value)),
                            // A miss, not a failure.
                            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
                            Err(e) => Err(e),
                        }
                    })
                })
                .await;
            let result = match &found {
                Some(Some(_)) => "hit",
                Some(None) => "miss",
                None => "error",
            };
            crate::count_lookup("memcached", result);
            found.flatten()
        })
    }

    fn set<'a>(&'a self, key: &'a str, value: Vec<u8>, ttl: Duration) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if value.len() > MAX_VALUE {
                // Too large to cache; a stale smaller entry must not outlive this write.
                self.delete(key).await;
                return;
            }
            let full = self.full_key(key);
            // memcached reads more than 30 days as a point in time; nothing here lives that long.
            let ttl = u32::try_from(ttl.as_secs().clamp(1, 30 * 86_400)).unwrap_or(86_400);
            self.with_conn(key, move |c| {
                Box::pin(async move { c.set(&full, value.as_slice(), ttl).await })
            })
            .await;
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let full = self.full_key(key);
            self.with_conn(key, move |c| Box::pin(async move { c.delete(&full).await }))
                .await;
        })
    }

    fn healthy<'a>(&'a self) -> BoxFuture<'a, bool> {
        Box::pin(self.on_every_server(|c| Box::pin(async move { c.version().await.map(|_| ()) })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn servers(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("10.0.0.{i}:11211")).collect()
    }

    #[test]
    fn adding_a_fourth_server_moves_about_a_quarter_of_keys_and_only_to_it() {
        let three = ring(&servers(3));
        let four = ring(&servers(4));
        let keys: Vec<String> = (0..20_000).map(|i| format!("timeline:post:{i}")).collect();
        let mut moved = 0;
        for key in &keys {
            let before = three.get(&key.as_str()).map(|p| p.server);
            let after = four.get(&key.as_str()).map(|p| p.server);
            if before != after {
                assert_eq!(
                    after,
                    Some(3),
                    "{key} moved between servers that were there"
                );
                moved += 1;
            }
        }
        let share = f64::from(moved) / keys.len() as f64;
        assert!((0.18..0.32).contains(&share), "{share} of the keys moved");
    }

    #[test]
    fn servers_get_similar_shares() {
        let ring = ring(&servers(4));
        let mut counts = [0u32; 4];
        for i in 0..20_000 {
            let key = format!("web:user:{i}");
            if let Some(point) = ring.get(&key.as_str()) {
                counts[point.server] += 1;
            }
        }
        for n in counts {
            assert!((3_500..6_500).contains(&n), "{counts:?}");
        }
    }

    #[test]
    fn no_servers_place_no_keys() {
        let cache = MemcachedCache::new(&[], 1, "t");
        assert!(cache.server_for("k").is_none());
    }
}
