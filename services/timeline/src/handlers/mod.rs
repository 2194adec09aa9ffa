//! Request handlers, one module per resource.

pub mod comments;
pub mod health;
pub mod moderation;
pub mod posts;
