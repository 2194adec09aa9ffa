//! The worker: runs the durable jobs that the services queue beside their writes (notification
//! delivery today; image processing, counters and cross-region commands later). Jobs are retried
//! with exponential back-off and dead-lettered after too many failures; each job is idempotent, so
//! a job that runs again after its worker died changes nothing twice.

pub mod config;
pub mod error;
pub mod handlers;
pub mod jobs;
pub mod media_gc;
pub mod openapi;
pub mod routes;
pub mod state;

pub use config::Config;
pub use error::{Error, Result};
pub use routes::app;
pub use state::AppState;

use tokio::sync::watch;

/// Runs jobs and serves the worker's health endpoints until `shutdown` turns true.
pub async fn run(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let jobs = tokio::spawn(jobs::run_loop(state.clone(), shutdown.clone()));
    let mut stop = shutdown;
    plaza_http::serve(listener, app(state), async move {
        let _ = stop.wait_for(|s| *s).await;
    })
    .await?;
    jobs.await?;
    Ok(())
}
