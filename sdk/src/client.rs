//! The client a game holds: cheap to clone, safe to share between threads and tasks.

use crate::config::ClientConfig;
use crate::error::Result;
use crate::transport::{Call, Transport, new_idempotency_key};
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A client of Plaza's game API for one title (its app key) and, optionally, one player.
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) transport: Transport,
}

impl Client {
    /// A client; fails only on a malformed configuration (nothing is sent yet).
    pub fn new(config: &ClientConfig) -> Result<Self> {
        Ok(Client {
            transport: Transport::new(config)?,
        })
    }

    /// `GET path` (with its query string), read as `T`. For endpoints this version does not
    /// wrap; retried like every call.
    pub async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.transport.send(&Call::get(path.to_owned())).await
    }

    /// A write (`POST`, `PUT`, `DELETE`, …) of `body` as JSON under a new idempotency key, sent
    /// again with the same key if the answer is lost. For endpoints this version does not wrap.
    pub async fn write_json<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T> {
        self.write_json_with_key(method, path, body, new_idempotency_key()?)
            .await
    }

    /// The same under the caller's `key`: a game that must survive its own restart keeps the key
    /// of a write it has not seen answered, and sends the write again with it later.
    pub async fn write_json_with_key<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        key: String,
    ) -> Result<T> {
        let call = Call::write(method, path.to_owned(), body, key)?;
        self.transport.send(&call).await
    }
}
