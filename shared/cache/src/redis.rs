//! A shared Redis connection for a region's processes: rate limits, live notification fan-out
//! and popularity rankings. It connects on first use and reconnects by itself; while Redis is
//! unreachable callers get `None` and fall back (see docs/DECISIONS.md), and the outage is
//! logged once. A call on a connection that Redis dropped (a restart) is tried once more on the
//! reconnected one, so the first call after a restart is not lost; after a failure a short
//! circuit breaker sends callers to their fallbacks at once instead of waiting on Redis again.

use crate::BoxFuture;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// How long one Redis call may take.
const CALL_TIMEOUT: Duration = Duration::from_millis(500);
/// After a failure, how long callers go straight to their fallbacks before Redis is tried again.
pub const BREAKER_OPEN: Duration = Duration::from_secs(3);

/// A lazily connected, self-healing Redis connection, with every key under a prefix.
#[derive(Clone)]
pub struct Redis {
    client: redis::Client,
    manager: Arc<Mutex<Option<ConnectionManager>>>,
    prefix: Arc<str>,
    down: Arc<AtomicBool>,
    /// Until when (milliseconds after `epoch`) Redis is not tried; 0 when the breaker is closed.
    open_until: Arc<AtomicU64>,
    epoch: Instant,
}

impl std::fmt::Debug for Redis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redis")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl Redis {
    /// A handle on `url` (`redis://host:port/db`); checks only the URL's shape.
    pub fn new(url: &str, prefix: &str) -> redis::RedisResult<Self> {
        Ok(Redis {
            client: redis::Client::open(url)?,
            manager: Arc::default(),
            prefix: prefix.into(),
            down: Arc::default(),
            open_until: Arc::default(),
            epoch: Instant::now(),
        })
    }

    /// `key` under this handle's prefix.
    pub fn key(&self, key: &str) -> String {
        format!("{}:{key}", self.prefix)
    }

    /// The client, for connections of its own (pub/sub).
    pub fn client(&self) -> &redis::Client {
        &self.client
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Whether the breaker is open: Redis failed a moment ago and is not tried yet.
    pub fn is_open(&self) -> bool {
        self.now_ms() < self.open_until.load(Ordering::Relaxed)
    }

    /// A connection, or `None` while Redis is unreachable (or failed a moment ago).
    pub async fn conn(&self) -> Option<ConnectionManager> {
        if self.is_open() {
            return None;
        }
        let mut manager = self.manager.lock().await;
        if let Some(m) = manager.as_ref() {
            return Some(m.clone());
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CALL_TIMEOUT))
            .set_response_timeout(Some(CALL_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_secs(1));
        match tokio::time::timeout(
            CALL_TIMEOUT * 2,
            self.client.get_connection_manager_with_config(config),
        )
        .await
        {
            Ok(Ok(m)) => {
                *manager = Some(m.clone());
                Some(m)
            }
            Ok(Err(e)) => {
                self.failed(&e.to_string());
                None
            }
            Err(_) => {
                self.failed("timed out");
                None
            }
        }
    }

    /// Deletes every key under this handle's prefix (rate-limit windows, rankings); how many.
    /// `None` when Redis fails. For an operator's reset and the region's test run.
    pub async fn clear(&self) -> Option<usize> {
        let pattern = format!("{}*", self.key(""));
        let keys: Vec<String> = self.run(redis::cmd("KEYS").arg(&pattern)).await?;
        if keys.is_empty() {
            return Some(0);
        }
        self.run(redis::cmd("DEL").arg(&keys)).await
    }

    /// Runs a command; `None` (logged once per outage, counted in `plaza_redis_fallbacks_total`)
    /// when Redis fails.
    pub async fn run<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Option<T> {
        let answer = self.run_once(cmd).await;
        if answer.is_none() {
            count_fallback();
        }
        answer
    }

    async fn run_once<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Option<T> {
        for attempt in 0..2 {
            let mut conn = self.conn().await?;
            match self.settle(cmd.query_async::<T>(&mut conn), attempt).await {
                Settled::Answer(v) => return Some(v),
                Settled::Dropped => {}
                Settled::Failed => return None,
            }
        }
        None
    }

    /// Runs a Lua script; `None` (logged once per outage, counted in
    /// `plaza_redis_fallbacks_total`) when Redis fails.
    pub async fn script<T: redis::FromRedisValue>(
        &self,
        invocation: &redis::ScriptInvocation<'_>,
    ) -> Option<T> {
        let answer = self.script_once(invocation).await;
        if answer.is_none() {
            count_fallback();
        }
        answer
    }

    async fn script_once<T: redis::FromRedisValue>(
        &self,
        invocation: &redis::ScriptInvocation<'_>,
    ) -> Option<T> {
        for attempt in 0..2 {
            let mut conn = self.conn().await?;
            match self
                .settle(invocation.invoke_async::<T>(&mut conn), attempt)
                .await
            {
                Settled::Answer(v) => return Some(v),
                Settled::Dropped => {}
                Settled::Failed => return None,
            }
        }
        None
    }

    /// Awaits a call with the time limit, noting whether Redis answered. A connection Redis
    /// dropped (it restarted) on the first attempt is worth one more try: the connection
    /// manager has reconnected by then.
    async fn settle<T>(
        &self,
        call: impl Future<Output = redis::RedisResult<T>>,
        attempt: u32,
    ) -> Settled<T> {
        match tokio::time::timeout(CALL_TIMEOUT, call).await {
            Ok(Ok(v)) => {
                self.ok();
                Settled::Answer(v)
            }
            Ok(Err(e)) if attempt == 0 && (e.is_connection_dropped() || e.is_io_error()) => {
                Settled::Dropped
            }
            Ok(Err(e)) => {
                self.failed(&e.to_string());
                Settled::Failed
            }
            Err(_) => {
                self.failed("timed out");
                Settled::Failed
            }
        }
    }

    /// Whether Redis answers a PING now.
    pub fn healthy(&self) -> BoxFuture<'_, bool> {
        Box::pin(async move {
            self.run::<String>(&redis::cmd("PING"))
                .await
                .is_some_and(|pong| pong == "PONG")
        })
    }

    /// Notes that Redis answered: the breaker closes.
    pub fn ok(&self) {
        self.open_until.store(0, Ordering::Relaxed);
        if self.down.swap(false, Ordering::Relaxed) {
            tracing::info!("redis is back");
        }
    }

    /// Notes a failure (counted in `plaza_redis_errors_total`), logging only the first of an
    /// outage, and opens the breaker.
    pub fn failed(&self, why: &str) {
        metrics::counter!("plaza_redis_errors_total").increment(1);
        let until = self
            .now_ms()
            .saturating_add(u64::try_from(BREAKER_OPEN.as_millis()).unwrap_or(u64::MAX));
        self.open_until.store(until, Ordering::Relaxed);
        if !self.down.swap(true, Ordering::Relaxed) {
            tracing::warn!(error = %why, "redis is unreachable; using this process's own fallbacks");
        }
    }
}

/// A caller goes to its own fallback: Redis failed or its breaker is open.
fn count_fallback() {
    metrics::counter!("plaza_redis_fallbacks_total").increment(1);
}

/// How one attempt at a call ended.
enum Settled<T> {
    Answer(T),
    /// The connection was dropped: try once more.
    Dropped,
    Failed,
}

#[cfg(test)]
mod tests {
    use super::Redis;

    #[tokio::test]
    async fn after_a_failure_callers_go_to_their_fallbacks_at_once() {
        // Nothing listens on port 1.
        let redis = Redis::new("redis://127.0.0.1:1/0", "t").unwrap_or_else(|e| panic!("{e}"));
        assert!(!redis.is_open());
        assert_eq!(redis.run::<String>(&redis::cmd("PING")).await, None);
        assert!(redis.is_open(), "the breaker opens on a failure");
        // While it is open no connection is even tried.
        assert!(redis.conn().await.is_none());
        redis.ok();
        assert!(!redis.is_open(), "an answer closes it");
    }
}
