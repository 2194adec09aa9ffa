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
}
