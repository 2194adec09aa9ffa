//! The notification service: owns notifications, grouped by kind and target within a time window
//! ("alice, bob and 3 others gave your post a Yeah"), their unread count and read marks.
//! Notifications are written in the recipient's home region.

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
