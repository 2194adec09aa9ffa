//! How a client is set up: where Plaza is, the game's app key, the player's token, timeouts and
//! retries.

use crate::error::{Error, Result};
use crate::retry::RetryPolicy;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use std::time::Duration;

/// The header that carries the game's app key.
pub use plaza_types::api::game::APP_KEY_HEADER;

/// Everything a [`crate::Client`] needs.
#[derive(Clone)]
pub struct ClientConfig {
    /// Plaza's address, e.g. `https://plaza.example` (no path).
    pub base_url: String,
    /// The title, 16 hex digits (`0005000010101E00`).
    pub title_id: String,
    /// The title's app key, `<key_id>.<secret>`, as shown once when an admin issued it.
    pub app_key: String,
    /// The player's token (from linking the game or signing in); `None` for reads that need no
    /// player.
    pub player_token: Option<String>,
    /// The longest one attempt may take, from connecting to the last byte of the answer.
    pub timeout: Duration,
    /// The longest connecting may take.
    pub connect_timeout: Duration,
    pub retry: RetryPolicy,
}

impl std::fmt::Debug for ClientConfig {
    // The key and token are secrets: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("title_id", &self.title_id)
            .field("app_key", &"<hidden>")
            .field(
                "player_token",
                &self.player_token.as_ref().map(|_| "<hidden>"),
            )
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .finish()
    }
}

impl ClientConfig {
    /// A configuration with the default timeouts (10 s per attempt, 3 s to connect) and retries.
    pub fn new(
        base_url: impl Into<String>,
        title_id: impl Into<String>,
        app_key: impl Into<String>,
    ) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            title_id: title_id.into(),
            app_key: app_key.into(),
            player_token: None,
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(3),
            retry: RetryPolicy::default(),
        }
    }

    /// The same, acting for the player with `token`.
    pub fn with_player_token(mut self, token: impl Into<String>) -> Self {
        self.player_token = Some(token.into());
        self
    }
}

/// The headers every request carries: the app key and, when set, the player's token.
pub(crate) fn auth_headers(config: &ClientConfig) -> Result<HeaderMap> {
    let mut headers = HeaderMap::new();
    let mut key = HeaderValue::from_str(&config.app_key)
        .map_err(|_| Error::InvalidArgument("the app key is not a valid header value".into()))?;
    key.set_sensitive(true);
    headers.insert(HeaderName::from_static(APP_KEY_HEADER), key);
    if let Some(token) = &config.player_token {
        let mut bearer = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
            Error::InvalidArgument("the player token is not a valid header value".into())
        })?;
        bearer.set_sensitive(true);
        headers.insert(AUTHORIZATION, bearer);
    }
    Ok(headers)
}
