//! The timeline service's tables: `posts` and `comments`.

pub mod comments;
pub mod posts;
