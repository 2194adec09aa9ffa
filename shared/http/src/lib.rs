//! HTTP plumbing that every Plaza service shares, so that a reader who knows one service knows
//! them all: the error body, extractors that answer malformed input in that format, the request
//! context (request id and release track) passed from service to service, writes that survive a
//! dropped client, the common middleware stack, metrics and graceful serving.

pub mod context;
pub mod drain;
pub mod error;
pub mod extract;
pub mod health;
pub mod internal;
pub mod layers;
pub mod local;
pub mod metrics;
pub mod openapi;
pub mod release;
pub mod serve;
pub mod service;

pub use context::{
    IDEMPOTENCY_KEY_HEADER, REQUEST_ID_HEADER, RequestContext, TRACK_HEADER, Track,
    valid_idempotency_key,
};
pub use drain::{exit_on_second_signal, unready_while_draining};
pub use error::ErrorResponse;
pub use extract::{Json, Path, Query};
pub use internal::{INTERNAL_SECRET_HEADER, InternalSecret, internal_app, internal_only};
pub use layers::{RequestLimits, ServiceName, common_layers};
pub use local::LocalService;
pub use release::{BUILD_HEADER, Release, release_headers};
pub use serve::{Draining, ServeOptions, serve, serve_with, shutdown_signal};
pub use service::{PlazaService, Tasks};
