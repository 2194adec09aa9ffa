//! The empathy service: owns Yeahs on posts and comments, their counts (one counter row per
//! target and region, summed on read), "who yeahed this", "did I yeah these" for a page at once,
//! and the popularity ranking of a community's posts.

pub mod config;
pub mod db;
pub mod error;
pub mod handlers;
pub mod openapi;
pub mod routes;
pub mod state;

pub use config::Config;
pub use error::{Error, Result};
pub use routes::app;
pub use state::{AppState, Parts};

impl plaza_http::PlazaService for AppState {
    fn router(&self) -> axum::Router {
        app(self.clone())
    }
}
