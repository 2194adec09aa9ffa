//! Live notification fan-out: when someone has news, every process holding a live stream
//! (SSE) for them hears of it. In one process a broadcast channel does it; a region's
//! processes share a Redis pub/sub channel. While that channel cannot be heard (Redis down),
//! [`Live::connected`] says so, and the streams tell their pages to poll instead.

use crate::BoxFuture;
use crate::redis::Redis;
use futures_util::StreamExt;
use std::time::Duration;
use tokio::sync::{broadcast, watch};

/// How many announcements a slow listener may fall behind before it skips ahead.
const BACKLOG: usize = 1024;

/// Announces "this user has news" to every listener in the region.
pub trait Live: Send + Sync + std::fmt::Debug {
    /// Tells every listener that `user_id` has news.
    fn publish(&self, user_id: i64) -> BoxFuture<'_, ()>;
    /// Every user id announced from now on, from any process.
    fn subscribe(&self) -> broadcast::Receiver<i64>;
    /// Whether announcements from every process of the region reach [`Live::subscribe`] now,
    /// and every change of that. Always true where there is only this process.
    fn connected(&self) -> watch::Receiver<bool> {
        // The sender goes at once: the value stays true, and a listener sees no change.
        watch::channel(true).1
    }
}

/// Announcements within this process (the embedded mode).
#[derive(Debug, Clone)]
pub struct MemoryLive {
    tx: broadcast::Sender<i64>,
}

impl Default for MemoryLive {
    fn default() -> Self {
        MemoryLive {
            tx: broadcast::channel(BACKLOG).0,
        }
    }
}

impl Live for MemoryLive {
    fn publish(&self, user_id: i64) -> BoxFuture<'_, ()> {
        // No listener is not an error.
        let _ = self.tx.send(user_id);
        Box::pin(std::future::ready(()))
    }

    fn subscribe(&self) -> broadcast::Receiver<i64> {
        self.tx.subscribe()
    }
}

/// Announcements through a Redis channel, heard by every process of the region.
#[derive(Debug, Clone)]
pub struct RedisLive {
    redis: Redis,
    channel: String,
    tx: broadcast::Sender<i64>,
    /// Whether the listener is subscribed to the channel now.
    subscribed: std::sync::Arc<watch::Sender<bool>>,
}

impl RedisLive {
    /// Publishes on, and listens to, `<prefix>:live`; the listener runs until the process ends
    /// and resubscribes whenever Redis comes back.
    pub fn start(redis: Redis) -> Self {
        let channel = redis.key("live");
        let (tx, _) = broadcast::channel(BACKLOG);
        // Not heard until the first subscription succeeds.
        let subscribed = std::sync::Arc::new(watch::channel(false).0);
        let live = RedisLive {
            redis,
            channel,
            tx,
            subscribed,
        };
        tokio::spawn(live.clone().listen());
        live
    }

    async fn listen(self) {
        loop {
            match self.redis.client().get_async_pubsub().await {
                Ok(mut pubsub) => match pubsub.subscribe(&self.channel).await {
                    Ok(()) => {
                        self.redis.ok();
                        self.subscribed.send_replace(true);
                        let mut messages = pubsub.on_message();
                        while let Some(msg) = messages.next().await {
                            if let Ok(user_id) = msg.get_payload::<i64>() {
                                let _ = self.tx.send(user_id);
                            }
                        }
                        self.subscribed.send_replace(false);
                        self.redis.failed("the live channel closed");
                    }
                    Err(e) => self.redis.failed(&e.to_string()),
                },
                Err(e) => self.redis.failed(&e.to_string()),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

impl Live for RedisLive {
    fn publish(&self, user_id: i64) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let sent = self
                .redis
                .run::<i64>(redis::cmd("PUBLISH").arg(&self.channel).arg(user_id))
                .await;
            if sent.is_none() {
                // Redis is down: at least this process's listeners hear it; others see the
                // news at their next page load or poll.
                let _ = self.tx.send(user_id);
            }
        })
    }

    fn subscribe(&self) -> broadcast::Receiver<i64> {
        self.tx.subscribe()
    }

    fn connected(&self) -> watch::Receiver<bool> {
        self.subscribed.subscribe()
    }
}
