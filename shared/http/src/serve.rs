//! Serving a router until SIGTERM or Ctrl-C: bounded against slow and idle clients, finishing the
//! requests in flight on shutdown, and telling long-lived answers (live streams) to end.

use crate::layers::RequestLimits;
use anyhow::Context;
use axum::Router;
use axum::extract::{ConnectInfo, Request};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

/// Limits on connections, set per process (the `[http]` configuration section).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeOptions {
    /// A client must send a request's whole header within this time (and an idle keep-alive
    /// connection is closed after it), so half-sent requests cannot hold connections open.
    pub header_read_timeout: Duration,
    /// At most this many connections are open at once; further clients wait in the listen
    /// backlog until one closes.
    pub max_connections: usize,
    /// On shutdown, requests in flight get this long to finish before their connections close.
    pub shutdown_grace: Duration,
    /// Time limits on each request, applied by the common layers.
    pub request: RequestLimits,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 1024,
            shutdown_grace: Duration::from_secs(10),
            request: RequestLimits::default(),
        }
    }
}

/// Tells long-lived answers (live streams) that the process is shutting down, so they end with
/// a reconnect hint instead of holding the process up. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Draining(watch::Receiver<bool>);

impl Draining {
    /// Draining starts when `rx` turns true.
    pub fn new(rx: watch::Receiver<bool>) -> Self {
        Draining(rx)
    }

    /// Whether shutdown has started.
    pub fn is_draining(&self) -> bool {
        *self.0.borrow()
    }

    /// Completes when shutdown starts (at once if it has), or never if nobody can start it.
    pub async fn started(&self) {
        let mut rx = self.0.clone();
        if rx.wait_for(|draining| *draining).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Serves `router` on `listener` with the default [`ServeOptions`] until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    serve_with(listener, router, shutdown, ServeOptions::default()).await
}

/// Serves `router` on `listener` until `shutdown` completes, then stops accepting, lets the
/// requests in flight finish within [`ServeOptions::shutdown_grace`], closes what is left and
/// returns. Each request
/// carries the peer's address as axum's `ConnectInfo<SocketAddr>`.
pub async fn serve_with(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    options: ServeOptions,
) -> anyhow::Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout)
        .keep_alive(true);
    let slots = Arc::new(Semaphore::new(options.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    let mut connections = tokio::task::JoinSet::new();
    loop {
        // Wait for a free slot before accepting: over the cap, clients queue in the backlog.
        let slot = tokio::select! {
            () = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => slot.context("the connection slots closed")?,
        };
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(error = %err, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let limits = options.request;
        let service = router
            .clone()
            .map_request(move |mut req: Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                req.extensions_mut().insert(limits);
                req
            });
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        while connections.try_join_next().is_some() {}
        connections.spawn(async move {
            // A client that hangs up or times out ends its connection; nothing to report.
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(options.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            grace_secs = options.shutdown_grace.as_secs(),
            "requests still in flight at the end of the shutdown grace period were cut"
        );
    }
    connections.shutdown().await;
    Ok(())
}

/// Completes on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
