//! The notification service's settings (read by the `plaza` command from the one config file).

/// What the notification service needs to know about where it runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The region this process writes rows for.
    pub region: u8,
    /// The region's shared secret: callers without it are refused.
    pub internal_secret: plaza_http::InternalSecret,
}
