//! The `plaza` command's library: configuration, and starting the services (all five in one
//! process, or one alone) so that `main.rs` and the integration tests start them the same way.

pub mod bench;
pub mod config;
pub mod memory;
pub mod seed;
pub mod stack;

pub use config::Config;
pub use stack::{Running, Service, start};
