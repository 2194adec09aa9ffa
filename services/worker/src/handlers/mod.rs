//! Request handlers.

pub mod health;
