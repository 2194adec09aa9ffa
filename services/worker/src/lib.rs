//! The worker: runs the durable jobs that the services queue beside their writes (notification
//! delivery today; image processing, counters and cross-region commands later). Jobs are retried
//! with exponential back-off and dead-lettered after too many failures; each job is idempotent, so
//! a job that runs again after its worker died changes nothing twice.

pub mod config;
pub mod erasure;
pub mod error;
pub mod handlers;
pub mod jobs;
pub mod media_gc;
pub mod openapi;
pub mod outbox_cleanup;
pub mod routes;
pub mod state;

pub use config::{Config, MediaGc};
pub use error::{Error, Result};
pub use routes::app;
pub use state::{AppState, Parts};

use plaza_http::Tasks;
use tokio::sync::watch;

impl plaza_http::PlazaService for AppState {
    fn router(&self) -> axum::Router {
        app(self.clone())
    }

    /// The job loop (the one place it starts) and, when configured, the media and outbox
    /// clean-ups.
    fn spawn_background(&self, tasks: &mut Tasks, shutdown: &watch::Receiver<bool>) {
        let (state, stop) = (self.clone(), shutdown.clone());
        tasks.spawn(async move {
            jobs::run_loop(state, stop).await;
            Ok(())
        });
        if let Some(schedule) = self.config.media_gc {
            let (state, stop) = (self.clone(), shutdown.clone());
            tasks.spawn(async move {
                media_gc::run_loop(state, schedule, stop).await;
                Ok(())
            });
        }
        if let Some(retention) = self.config.outbox_retention {
            let (state, stop) = (self.clone(), shutdown.clone());
            tasks.spawn(async move {
                outbox_cleanup::run_loop(state, retention, stop).await;
                Ok(())
            });
        }
    }
}
