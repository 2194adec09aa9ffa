//! Plaza's SDK for games: a client of the game API (docs/GAMES.md) with typed requests and
//! answers (the server's own types from `plaza_types`), a timeout per attempt, retries with
//! back-off on 429/502/503/504 and connection failures that honour `Retry-After`, and an
//! `Idempotency-Key` made once per write and sent again on each of its retries, so a retried
//! write is never made twice.
//!
//! The same crate is built as `libplaza_sdk.so` / `libplaza_sdk.a` with the C ABI of [`ffi`]
//! and the header `sdk/include/plaza.h`, for C and C++ engines.

mod client;
mod config;
mod error;
pub mod ffi;
pub mod game;
mod painting;
mod retry;
mod transport;

pub use client::Client;
pub use config::{APP_KEY_HEADER, ClientConfig};
pub use error::{Error, Result};
pub use game::{app_data, encode_bytes};
pub use painting::{PAINTING_HEIGHT, PAINTING_RGBA_LEN, PAINTING_WIDTH, painting_from_rgba};
/// The game API's shapes, shared with the server.
pub use plaza_types::Id;
pub use plaza_types::api::game as types;
/// The HTTP method of a raw call ([`Client::write_json`]).
pub use reqwest::Method;
pub use retry::RetryPolicy;
pub use transport::{IDEMPOTENCY_KEY_HEADER, new_idempotency_key};
