//! Composing services: all five in one process (the embedded default), or one alone. Every
//! service gets its own listener and talks to the others over HTTP exactly as it would across
//! processes. Each service builds itself from its configuration and parts (`AppState::build`)
//! and starts its own background loops ([`PlazaService::spawn_background`]); this module makes
//! the process's shared parts, binds the listeners and hands each service its share.

use crate::Config;
use anyhow::Context;
use axum::Router;
use plaza_clients::{EmpathyClient, NotificationClient, ServiceClient, TimelineClient};
use plaza_http::{LocalService, PlazaService};
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

impl Service {
    /// Every service: what one `plaza serve` runs when no single service is named.
    pub const ALL: [Service; 5] = [
        Service::Timeline,
        Service::Empathy,
        Service::Notification,
        Service::Worker,
        Service::Web,
    ];
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
    /// Turns `/readyz` unready: the first phase of a shutdown.
    drain: watch::Sender<bool>,
    /// How long `/readyz` answers unready before the listeners close (`http.drain_secs`).
    drain_period: Duration,
    /// The services that call others (web, worker): they stop first.
    callers: Stage,
    /// The services they call (timeline, empathy, notification): they stop once the callers
    /// have finished, so a request or job in flight in this process can still reach them.
    called: Stage,
}

/// Services that stop together: a stop signal and their tasks.
struct Stage {
    stop: watch::Sender<bool>,
    rx: watch::Receiver<bool>,
    tasks: JoinSet<anyhow::Result<()>>,
}

impl Stage {
    fn new() -> Self {
        let (stop, rx) = watch::channel(false);
        Stage {
            stop,
            rx,
            tasks: JoinSet::new(),
        }
    }

    /// Signals stop and waits for every task.
    async fn stop(&mut self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        while let Some(result) = self.tasks.join_next().await {
            result.context("a service task panicked")??;
        }
        Ok(())
    }

    /// Completes when a task ends (which, before a stop, is an error).
    async fn ended(&mut self) -> anyhow::Result<()> {
        match self.tasks.join_next().await {
            Some(result) => result.context("a service task panicked")?,
            None => std::future::pending().await,
        }
    }
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running")
            .field("web", &self.web)
            .finish_non_exhaustive()
    }
}

impl Running {
    /// Shuts down gracefully, as on SIGTERM: `/readyz` turns unready (503, `draining`) while
    /// every request is still served, for the drain period, so that load balancers take the
    /// process out of rotation; then the listeners close, requests in flight finish (within
    /// `http.shutdown_grace_secs`), live streams end with a reconnect hint, the worker finishes
    /// or hands back its jobs, and this returns once every service has stopped.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        let _ = self.drain.send(true);
        if !self.drain_period.is_zero() {
            tracing::info!(
                drain_secs = self.drain_period.as_secs(),
                "draining: /readyz answers 503 before the listeners close"
            );
            tokio::select! {
                () = tokio::time::sleep(self.drain_period) => {}
                // A service that fails while draining ends the wait; the error is reported.
                result = self.callers.ended() => return self.fail(result).await,
                result = self.called.ended() => return self.fail(result).await,
            }
        }
        self.callers.stop().await?;
        self.called.stop().await
    }

    /// Stops everything after a service ended by itself, and reports why.
    async fn fail(&mut self, ended: anyhow::Result<()>) -> anyhow::Result<()> {
        let _ = self.callers.stop.send(true);
        let _ = self.called.stop.send(true);
        ended?;
        anyhow::bail!("a service stopped unexpectedly")
    }

    /// Waits until a service stops by itself (an error) or `signal` completes, then shuts down.
    pub async fn run_until(mut self, signal: impl Future<Output = ()>) -> anyhow::Result<()> {
        tokio::select! {
            () = signal => {}
            result = self.callers.ended() => return self.fail(result).await,
            result = self.called.ended() => return self.fail(result).await,
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
            Some(s3) => Arc::new(plaza_media::S3Store::new(s3)),
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
    let all_here = Service::ALL.iter().all(|s| services.contains(s));
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
    let (drain, drain_rx) = watch::channel(false);
    let (mut callers, mut called) = (Stage::new(), Stage::new());
    // The web service's live streams end (with a reconnect hint) when its listener closes.
    let web_draining = plaza_http::Draining::new(callers.rx.clone());
    let release = config.release.release();
    let wrap = |service: Service, router: Router| {
        let router = plaza_http::release_headers(router, &release);
        match &hook {
            Some(h) => h(service, router),
            None => router,
        }
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

    let options = config.http.options();
    // Launches a service; returns how to call it in this process, when calls are made so.
    let mut launch = |kind: Service, listener: TcpListener, service: &dyn PlazaService| {
        let stage = match kind {
            Service::Web | Service::Worker => &mut callers,
            Service::Timeline | Service::Empathy | Service::Notification => &mut called,
        };
        service.spawn_background(&mut stage.tasks, &stage.rx);
        let router = plaza_http::unready_while_draining(
            wrap(kind, service.router()),
            plaza_http::Draining::new(drain_rx.clone()),
        );
        let local = config
            .http
            .local_calls
            .then(|| LocalService::new(router.clone(), options.request));
        serve(&mut stage.tasks, listener, router, &stage.rx, options);
        local
    };
    let mut timeline_local = None;
    if let Some(l) = timeline_l {
        let config = plaza_timeline::Config {
            region: config.region,
            internal_secret: secret.clone(),
        };
        let parts = plaza_timeline::Parts {
            db: db.clone(),
            ids: ids.clone(),
            cache: cache.clone(),
        };
        timeline_local = launch(
            Service::Timeline,
            l,
            &plaza_timeline::AppState::build(config, parts),
        );
    }
    let mut empathy_local = None;
    if let Some(l) = empathy_l {
        let config = plaza_empathy::Config {
            region: config.region,
            internal_secret: secret.clone(),
        };
        let parts = plaza_empathy::Parts {
            db: db.clone(),
            ids: ids.clone(),
            cache: cache.clone(),
            redis: redis.clone(),
        };
        empathy_local = launch(
            Service::Empathy,
            l,
            &plaza_empathy::AppState::build(config, parts),
        );
    }
    let mut notification_local = None;
    if let Some(l) = notification_l {
        let config = plaza_notification::Config {
            region: config.region,
            internal_secret: secret.clone(),
        };
        let parts = plaza_notification::Parts {
            db: db.clone(),
            ids: ids.clone(),
            cache: cache.clone(),
            live: live.clone(),
        };
        notification_local = launch(
            Service::Notification,
            l,
            &plaza_notification::AppState::build(config, parts),
        );
    }
    // A client of a called service: through its router when it runs here and calls are local.
    let client = |name: &'static str, url: &str, local: &Option<LocalService>| {
        let client = ServiceClient::new(name, url, &secret)?;
        anyhow::Ok(match local {
            Some(local) => client.in_process(local.clone()),
            None => client,
        })
    };
    // The clients of the three services that web and the worker both call.
    let clients = || {
        anyhow::Ok((
            TimelineClient(client("timeline", &timeline_url, &timeline_local)?),
            EmpathyClient(client("empathy", &empathy_url, &empathy_local)?),
            NotificationClient(client(
                "notification",
                &notification_url,
                &notification_local,
            )?),
        ))
    };
    if let Some(l) = worker_l {
        let gc = &config.worker;
        let worker_config = plaza_worker::Config {
            region: config.region,
            poll_interval: Duration::from_millis(gc.poll_interval_ms),
            lease: Duration::from_secs(gc.lease_secs),
            batch: gc.batch,
            shutdown_grace: Duration::from_secs(gc.shutdown_grace_secs),
            internal_secret: secret.clone(),
            media_gc: (gc.media_gc_interval_secs > 0).then(|| plaza_worker::MediaGc {
                every: Duration::from_secs(gc.media_gc_interval_secs),
                grace: Duration::from_secs(gc.media_gc_grace_secs),
            }),
            outbox_retention: (gc.outbox_retention_secs > 0)
                .then(|| Duration::from_secs(gc.outbox_retention_secs)),
        };
        let (timeline, empathy, notification) = clients()?;
        let parts = plaza_worker::Parts {
            db: db.clone(),
            timeline,
            empathy,
            notification,
            ids: ids.clone(),
            media: Some(media.clone()),
        };
        launch(
            Service::Worker,
            l,
            &plaza_worker::AppState::build(worker_config, parts),
        );
    }
    if let Some(l) = web_l {
        let web_config = plaza_web::Config {
            region: config.region,
            secure_cookies: config.public_url(l.local_addr()?).starts_with("https://"),
            public_url: config.public_url(l.local_addr()?),
            body_limit: config.body_limit_bytes,
            trusted_proxies: config.trusted_proxies.clone(),
            media_url: config.media_url.clone(),
            rates: config.rate_limits.rates(),
            admins: config.admins.clone(),
            moderation: config.moderation,
            release: config.release.release(),
            preview: plaza_web::preview::PreviewKey::new(
                &config.release.cookie_secret.0,
                Duration::from_secs(u64::from(config.release.cookie_hours) * 3600),
            ),
            forwarding: config.peers.forwarding()?,
        };
        let (timeline, empathy, notification) = clients()?;
        let parts = plaza_web::Parts {
            db: db.clone(),
            ids: ids.clone(),
            cache: cache.clone(),
            media: media.clone(),
            images: images.clone(),
            live: live.clone(),
            redis: redis.clone(),
            timeline,
            empathy,
            notification,
            draining: web_draining,
        };
        launch(
            Service::Web,
            l,
            &plaza_web::AppState::build(web_config, parts).await?,
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
        drain,
        drain_period: Duration::from_secs(config.http.drain_secs),
        callers,
        called,
    })
}
