//! Request handlers: the JSON API under `/api/v1` and the HTML pages.

pub mod api;
pub mod health;
pub mod pages;
