//! The timeline service: owns posts and comments and serves the feeds built from them (a
//! community's posts, a user's posts, the activity feed of followed authors, a post's comments).
//! Feeds are pulled from indexed tables, never fanned out on write.

pub mod cache;
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
