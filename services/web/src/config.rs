//! The web service's settings (read by the `plaza` command from the one config file).

/// What the web service needs to know.
#[derive(Debug, Clone)]
pub struct Config {
    /// The region this process writes rows for and new accounts are homed in.
    pub region: u8,
    /// Whether cookies are marked `Secure` (set when the public URL is https).
    pub secure_cookies: bool,
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Proxies (the edge, the load balancer) whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The public base URL of media objects (`/media`, or a CDN's URL).
    pub media_url: String,
    /// How many of each action one account or address may do per minute.
    pub rates: crate::limits::Rates,
    /// The URL people and consoles open (`public_url`, or the listening address): the console
    /// API's discovery names its host as the API and portal host.
    pub public_url: String,
    /// Usernames made admins at start (they must exist).
    pub admins: Vec<String>,
    /// When reports act on their own (spoiler marking, hiding pending review).
    pub moderation: Thresholds,
    /// How writes of accounts homed in other regions reach their home region; `None` in the
    /// embedded mode (one region).
    pub forwarding: Option<crate::forward::Forwarding>,
}

/// How many distinct people's open reports make the system act on a post or comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Spoiler reports that mark it a spoiler (as the original service did).
    pub spoiler_reports: u32,
    /// Reports of any reason that hide it until a moderator reviews it.
    pub hide_reports: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            spoiler_reports: 2,
            hide_reports: 3,
        }
    }
}
