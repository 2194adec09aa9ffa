//! Starting services: all five in one process (the embedded default), or one alone. Every
//! service gets its own listener and talks to the others over HTTP exactly as it would across
//! processes.

use crate::Config;
use anyhow::Context;
use axum::Router;
use plaza_clients::{EmpathyClient, NotificationClient, TimelineClient};
use plaza_storage::Db;
use plaza_types::IdGenerator;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// One of Plaza's services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Service {
    Web,
    Timeline,
    Empathy,
    Notification,
    Worker,
}

/// A hook that may wrap a service's router before it is served (tests use it to inject faults).
pub type RouterHook = Arc<dyn Fn(Service, Router) -> Router + Send + Sync>;

/// Started services and how to stop them.
pub struct Running {
    /// The web service's address (when it runs here).
    pub web: Option<SocketAddr>,
    pub timeline: Option<SocketAddr>,
    pub empathy: Option<SocketAddr>,
    pub notification: Option<SocketAddr>,
    pub worker: Option<SocketAddr>,
    /// The database every service here uses.
    pub db: Db,
    /// Where media objects are stored.
    pub media: Arc<dyn plaza_media::ObjectStore>,
    /// The web service's image workers (tests occupy them to see uploads refused).
    pub images: plaza_media::ImageWorkers,
    stop: watch::Sender<bool>,
    tasks: JoinSet<anyhow::Result<()>>,
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running")
            .field("web", &self.web)
            .finish_non_exhaustive()
    }
}

impl Running {
    /// Asks every service to finish its requests in flight and stop, and waits for them.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        while let Some(result) = self.tasks.join_next().await {
            result.context("a service task panicked")??;
        }
        Ok(())
    }

    /// Waits until a service stops by itself (an error) or `signal` completes, then shuts down.
    pub async fn run_until(mut self, signal: impl Future<Output = ()>) -> anyhow::Result<()> {
        tokio::select! {
            () = signal => {}
            Some(result) = self.tasks.join_next() => {
                let _ = self.stop.send(true);
                result.context("a service task panicked")??;
                anyhow::bail!("a service stopped unexpectedly");
            }
        }
        self.shutdown().await
    }
}

async fn bind(addr: SocketAddr, what: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {what} to {addr} (is something else listening there?)"))
}

fn stopper(rx: &watch::Receiver<bool>) -> impl Future<Output = ()> + Send + 'static {
    let mut rx = rx.clone();
    async move {
        let _ = rx.wait_for(|stop| *stop).await;
    }
}

fn serve(
    tasks: &mut JoinSet<anyhow::Result<()>>,
    listener: TcpListener,
    router: Router,
    rx: &watch::Receiver<bool>,
    options: plaza_http::ServeOptions,
) {
    let shutdown = stopper(rx);
    tasks.spawn(async move { plaza_http::serve_with(listener, router, shutdown, options).await });
}

/// The shared parts a process's services use: the embedded mode's in-process ones, or a
/// region's servers, as the configuration says.
struct Parts {
    media: Arc<dyn plaza_media::ObjectStore>,
    cache: Arc<dyn plaza_cache::Cache>,
    redis: Option<plaza_cache::redis::Redis>,
    live: Arc<dyn plaza_cache::Live>,
}

impl Parts {
    fn of(config: &Config) -> anyhow::Result<Self> {
        let media: Arc<dyn plaza_media::ObjectStore> = match &config.s3 {
            Some(s3) => Arc::new(plaza_media::S3Store::new(&s3.settings())),
            None => Arc::new(
                plaza_media::DiskStore::new(config.media_dir()).with_context(|| {
                    format!("creating the media folder {}", config.media_dir().display())
                })?,
            ),
        };
        // One cache for every service in this process, as one memcached is shared in a region.
        let cache: Arc<dyn plaza_cache::Cache> = if config.memcached.servers.is_empty() {
            Arc::new(plaza_cache::MemoryCache::new(config.cache_max_bytes))
        } else {
            Arc::new(plaza_cache::MemcachedCache::new(
                &config.memcached.servers,
                config.memcached.connections,
                &config.key_prefix,
            ))
        };
        let redis = if config.redis_url.is_empty() {
            None
        } else {
            Some(
                plaza_cache::redis::Redis::new(&config.redis_url, &config.key_prefix)
                    .context("`redis_url`")?,
            )
        };
        let live: Arc<dyn plaza_cache::Live> = match &redis {
            Some(r) => Arc::new(plaza_cache::RedisLive::start(r.clone())),
            None => Arc::new(plaza_cache::MemoryLive::default()),
        };
        Ok(Parts {
            media,
            cache,
            redis,
            live,
        })
    }
}

/// The secret services show each other: the configured one, or, when this process runs all
/// five services and none is configured, a random one that only this process knows.
fn internal_secret(
    config: &Config,
    services: &[Service],
) -> anyhow::Result<plaza_http::InternalSecret> {
    if let Some(secret) = plaza_http::InternalSecret::new(&config.internal_secret.0) {
        return Ok(secret);
    }
    let all_here = [
        Service::Web,
        Service::Timeline,
        Service::Empathy,
        Service::Notification,
        Service::Worker,
    ]
    .iter()
    .all(|s| services.contains(s));
    anyhow::ensure!(
        all_here,
        "invalid configuration: `internal_secret` must be set when services run as separate processes"
    );
    Ok(plaza_http::InternalSecret::random())
}

/// Starts `services` (all five for the embedded mode) against one database. Migrations run
/// first; the default communities are created on first start of the web service.
pub async fn start(
    config: &Config,
    services: &[Service],
    hook: Option<RouterHook>,
) -> anyhow::Result<Running> {
    let db = Db::connect(&config.database_url(), config.database_max_connections).await?;
    db.migrate().await?;
    let ids =
        Arc::new(IdGenerator::new(config.region, config.node).context("region/node out of range")?);
    let parts = Parts::of(config)?;
    let secret = internal_secret(config, services)?;
    let Parts {
        media,
        cache,
        redis,
        live,
    } = parts;
    let images = plaza_media::ImageWorkers::new(
        config.images.decoders,
        Duration::from_millis(config.images.queue_wait_ms),
    );
    let (stop, rx) = watch::channel(false);
    let mut tasks = JoinSet::new();
    let wrap = |service: Service, router: Router| match &hook {
        Some(h) => h(service, router),
        None => router,
    };
    let running = |s| services.contains(&s);

    // Bind first, so that services started with port 0 know each other's real addresses.
    let timeline_l = if running(Service::Timeline) {
        Some(bind(config.timeline.listen, "timeline").await?)
    } else {
        None
    };
    let empathy_l = if running(Service::Empathy) {
        Some(bind(config.empathy.listen, "empathy").await?)
    } else {
        None
    };
    let notification_l = if running(Service::Notification) {
        Some(bind(config.notification.listen, "notification").await?)
    } else {
        None
    };
    let worker_l = if running(Service::Worker) {
        Some(bind(config.worker.listen, "worker").await?)
    } else {
        None
    };
    let web_l = if running(Service::Web) {
        Some(bind(config.web.listen, "web").await?)
    } else {
        None
    };
    let addr = |l: &Option<TcpListener>| l.as_ref().and_then(|l| l.local_addr().ok());
    let url = |l: &Option<TcpListener>, e: &crate::config::Endpoint| match addr(l) {
        Some(a) if e.url.is_empty() => format!("http://{a}"),
        _ => e.base_url(),
    };
    let timeline_url = url(&timeline_l, &config.timeline);
    let empathy_url = url(&empathy_l, &config.empathy);
    let notification_url = url(&notification_l, &config.notification);
    let addresses = (
        addr(&web_l),
        addr(&timeline_l),
        addr(&empathy_l),
        addr(&notification_l),
        addr(&worker_l),
    );

    if let Some(l) = timeline_l {
        let state = plaza_timeline::AppState {
            db: db.clone(),
            ids: ids.clone(),
            config: Arc::new(plaza_timeline::Config {
                region: config.region,
                internal_secret: secret.clone(),
            }),
            cache: cache.clone(),
        };
        serve(
            &mut tasks,
            l,
            wrap(Service::Timeline, plaza_timeline::app(state)),
            &rx,
            config.http.options(),
        );
    }
    if let Some(l) = empathy_l {
        let state = plaza_empathy::AppState {
            db: db.clone(),
            ids: ids.clone(),
            config: Arc::new(plaza_empathy::Config {
                region: config.region,
                internal_secret: secret.clone(),
            }),
            cache: cache.clone(),
            ranking_lock: Arc::default(),
            redis: redis.clone(),
        };
        serve(
            &mut tasks,
            l,
            wrap(Service::Empathy, plaza_empathy::app(state)),
            &rx,
            config.http.options(),
        );
    }
    if let Some(l) = notification_l {
        let state = plaza_notification::AppState {
            db: db.clone(),
            ids: ids.clone(),
            config: Arc::new(plaza_notification::Config {
                region: config.region,
                internal_secret: secret.clone(),
            }),
            cache: cache.clone(),
            live: live.clone(),
        };
        serve(
            &mut tasks,
            l,
            wrap(Service::Notification, plaza_notification::app(state)),
            &rx,
            config.http.options(),
        );
    }
    if let Some(l) = worker_l {
        let state = plaza_worker::AppState {
            db: db.clone(),
            timeline: TimelineClient::new(&timeline_url, &secret)?,
            notification: NotificationClient::new(&notification_url, &secret)?,
            config: Arc::new(plaza_worker::Config {
                region: config.region,
                poll_interval: Duration::from_millis(config.worker.poll_interval_ms),
                lease: Duration::from_secs(config.worker.lease_secs),
                batch: config.worker.batch,
                internal_secret: secret.clone(),
            }),
            media: Some(media.clone()),
        };
        if config.worker.media_gc_interval_secs > 0 {
            let gc = plaza_worker::media_gc::run_loop(
                state.clone(),
                Duration::from_secs(config.worker.media_gc_interval_secs),
                Duration::from_secs(config.worker.media_gc_grace_secs),
                rx.clone(),
            );
            tasks.spawn(async move {
                gc.await;
                Ok(())
            });
        }
        let jobs_state = state.clone();
        let jobs_rx = rx.clone();
        tasks.spawn(async move {
            plaza_worker::jobs::run_loop(jobs_state, jobs_rx).await;
            Ok(())
        });
        serve(
            &mut tasks,
            l,
            wrap(Service::Worker, plaza_worker::app(state)),
            &rx,
            config.http.options(),
        );
    }
    if let Some(l) = web_l {
        let web_addr = l.local_addr()?;
        let state = plaza_web::AppState {
            db: db.clone(),
            ids: ids.clone(),
            config: Arc::new(plaza_web::Config {
                region: config.region,
                secure_cookies: config.public_url(web_addr).starts_with("https://"),
                body_limit: config.body_limit_bytes,
                trusted_proxies: config.trusted_proxies.clone(),
                media_url: config.media_url.clone(),
            }),
            timeline: TimelineClient::new(&timeline_url, &secret)?,
            empathy: EmpathyClient::new(&empathy_url, &secret)?,
            notification: NotificationClient::new(&notification_url, &secret)?,
            limits: match &redis {
                Some(r) => Arc::new(plaza_web::limits::RedisLimiter::new(
                    r.clone(),
                    config.rate_limits.rates(),
                )),
                None => Arc::new(plaza_web::limits::MemoryLimiter::new(
                    config.rate_limits.rates(),
                )),
            },
            cache: cache.clone(),
            media: media.clone(),
            images: images.clone(),
            live: live.clone(),
            redis: redis.clone(),
            passwords: plaza_web::auth::Passwords::new(
                std::thread::available_parallelism().map_or(1, |n| n.get()),
            ),
            catalogs: Arc::new(
                plaza_web::i18n::Catalogs::load().context("loading the interface's languages")?,
            ),
            draining: plaza_http::Draining::new(rx.clone()),
        };
        if plaza_web::ops::communities::seed_defaults(&state).await? {
            tracing::info!("created the default communities");
        }
        for admin in &config.admins {
            match plaza_web::db::users::by_username(&state.db, admin).await? {
                Some(user) => plaza_web::db::users::make_admin(&state.db, user.id, None).await?,
                None => {
                    tracing::warn!(username = %admin, "an admin named in `admins` does not exist yet")
                }
            }
        }
        serve(
            &mut tasks,
            l,
            wrap(Service::Web, plaza_web::app(state)),
            &rx,
            config.http.options(),
        );
    }
    let (web, timeline, empathy, notification, worker) = addresses;
    Ok(Running {
        web,
        timeline,
        empathy,
        notification,
        worker,
        db,
        media,
        images,
        stop,
        tasks,
    })
}
