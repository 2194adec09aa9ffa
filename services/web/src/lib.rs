//! The web service: everything a person or a game touches. It serves the pages and the JSON API
//! (`/api/v1`), owns accounts, sessions, profiles, communities, favourites and the social graph
//! (follows and blocks), and calls the timeline, empathy and notification services over REST for
//! the rest, one batch call per service for a page of posts.

pub mod auth;
pub mod cache;
pub mod causal;
pub mod client;
pub mod config;
pub mod console;
pub mod db;
pub mod error;
pub mod filters;
pub mod forward;
pub mod handlers;
pub mod headers;
pub mod holes;
pub mod i18n;
pub mod idempotency;
pub mod limits;
pub mod live;
pub mod media;
pub mod openapi;
pub mod ops;
pub mod preview;
pub mod routes;
pub mod session;
pub mod signing;
pub mod state;
pub mod views;

pub use config::Config;
pub use error::{Error, Result};
pub use routes::app;
pub use state::{AppState, Parts};

impl plaza_http::PlazaService for AppState {
    fn router(&self) -> axum::Router {
        app(self.clone())
    }
}
