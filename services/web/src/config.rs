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
    /// When reports act on their own (spoiler marking, hiding pending review), and how long a
    /// deleted account's media stays.
    pub moderation: Thresholds,
    /// The release this process runs (reported to staff beside the services' releases).
    pub release: plaza_http::Release,
    /// Signs staff's preview cookies (the edge verifies them); `None`: preview is off.
    pub preview: Option<crate::preview::PreviewKey>,
    /// How writes of accounts homed in other regions reach their home region; `None` in the
    /// embedded mode (one region).
    pub forwarding: Option<crate::forward::Forwarding>,
}

/// The `[moderation]` settings: how many distinct people's open reports make the system act on
/// a post or comment, and how long a deleted account's images stay in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// Spoiler reports that mark it a spoiler (as the original service did).
    pub spoiler_reports: u32,
    /// Reports of any reason that hide it until a moderator reviews it.
    pub hide_reports: u32,
    /// Seconds a deleted account's drawings and screenshots stay in the object store before
    /// they are purged: pages and caches (a CDN's too) still holding their URLs keep working
    /// meanwhile. At most [`Thresholds::MEDIA_GRACE_MAX_SECS`].
    pub deleted_media_grace_secs: u64,
}

impl Thresholds {
    /// The longest grace period (30 days): a deleted account's images go within a month.
    pub const MEDIA_GRACE_MAX_SECS: u64 = 30 * 86_400;

    /// [`Thresholds::deleted_media_grace_secs`] as a duration.
    pub fn media_grace(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.deleted_media_grace_secs)
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            spoiler_reports: 2,
            hide_reports: 3,
            deleted_media_grace_secs: 3600,
        }
    }
}
