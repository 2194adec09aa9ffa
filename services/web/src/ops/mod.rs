//! What people can do, checked once for both the JSON API and the pages: validation,
//! authorisation (own content, blocks, admin rights, limits) and the calls that carry it out.

pub mod accounts;
pub mod communities;
pub mod feeds;
pub mod posts;
pub mod social;
