//! Request handlers, one module per resource.

pub mod authors;
pub mod comments;
pub mod health;
pub mod moderation;
pub mod posts;
mod written;
