//! A shared Redis connection for a region's processes: rate limits, live notification fan-out
//! and popularity rankings. It connects on first use and reconnects by itself; while Redis is
//! unreachable callers get `None` and fall back (see docs/DECISIONS.md), and the outage is
//! logged once.

use crate::BoxFuture;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::Mutex;

/// How long one Redis call may take.
const CALL_TIMEOUT: Duration = Duration::from_millis(500);

/// A lazily connected, self-healing Redis connection, with every key under a prefix.
#[derive(Clone)]
pub struct Redis {
    client: redis::Client,
    manager: Arc<Mutex<Option<ConnectionManager>>>,
    prefix: Arc<str>,
    down: Arc<AtomicBool>,
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

    /// A connection, or `None` while Redis is unreachable.
    pub async fn conn(&self) -> Option<ConnectionManager> {
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

    /// Runs a command; `None` (logged once per outage) when Redis fails.
    pub async fn run<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Option<T> {
        let mut conn = self.conn().await?;
        self.settle(cmd.query_async::<T>(&mut conn)).await
    }

    /// Runs a Lua script; `None` (logged once per outage) when Redis fails.
    pub async fn script<T: redis::FromRedisValue>(
        &self,
        invocation: &redis::ScriptInvocation<'_>,
    ) -> Option<T> {
        let mut conn = self.conn().await?;
        self.settle(invocation.invoke_async::<T>(&mut conn)).await
    }

    /// Awaits a call with the time limit, noting whether Redis answered.
    async fn settle<T>(&self, call: impl Future<Output = redis::RedisResult<T>>) -> Option<T> {
        match tokio::time::timeout(CALL_TIMEOUT, call).await {
            Ok(Ok(v)) => {
                self.ok();
                Some(v)
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

    /// Whether Redis answers a PING now.
    pub fn healthy(&self) -> BoxFuture<'_, bool> {
        Box::pin(async move {
            self.run::<String>(&redis::cmd("PING"))
                .await
                .is_some_and(|pong| pong == "PONG")
        })
    }

    /// Notes that Redis answered.
    pub fn ok(&self) {
        if self.down.swap(false, Ordering::Relaxed) {
            tracing::info!("redis is back");
        }
    }

    /// Notes a failure, logging only the first of an outage.
    pub fn failed(&self, why: &str) {
        if !self.down.swap(true, Ordering::Relaxed) {
            tracing::warn!(error = %why, "redis is unreachable; using this process's own fallbacks");
        }
    }
}
