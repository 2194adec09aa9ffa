//! The `plaza` command's library: configuration, and composing the services (all five in one
//! process, or one alone) so that `main.rs` and the integration tests start them the same way.
//! Each service builds itself and starts its own background loops; this crate only hands them
//! their configuration and the process's shared parts. `seed` and `bench` live in `plaza-tools`.

pub mod config;
pub mod logs;
pub mod memory;
pub mod stack;

pub use config::Config;
pub use stack::{Running, Service, start};
