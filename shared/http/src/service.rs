//! What a service offers the process that runs it: its router, and the loops it runs in the
//! background. Each service builds its own state from its configuration and parts (its
//! `AppState::build`) and implements this; the `plaza` command only composes them.

use axum::Router;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// The tasks a process runs: each service's server and background loops.
pub type Tasks = JoinSet<anyhow::Result<()>>;

/// A built service, ready to serve.
pub trait PlazaService {
    /// The service's router (its `app(state)`).
    fn router(&self) -> Router;

    /// Starts the loops the service runs beside its requests on `tasks`; each finishes its
    /// current step and ends when `shutdown` turns true. Most services have none.
    fn spawn_background(&self, tasks: &mut Tasks, shutdown: &watch::Receiver<bool>) {
        let _ = (tasks, shutdown);
    }
}
