//! Request handlers, one module per resource.

pub mod comments;
pub mod health;
pub mod posts;
