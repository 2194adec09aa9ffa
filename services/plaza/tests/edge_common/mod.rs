//! What the single-region (`tests/region`) and three-region (`tests/regions`) suites share:
//! opening a converged region's folder (its config and an HTTPS client trusting its edge),
//! reaching its MariaDB, names no earlier run used and screenshots no earlier run posted.
//! Each suite includes this file as a module of its own.

use plaza::Config;
use plaza_test_support::Api;
use std::path::Path;
use std::time::Duration;

/// The region's configuration and a client that trusts the region's own edge certificate
/// (and follows no redirects, so a test sees the edge's answer itself).
pub fn open_region(root: &Path) -> (Config, reqwest::Client) {
    let config = Config::load(Some(&root.join("etc/plaza.toml"))).expect("region config");
    let cert = std::fs::read(root.join("etc/edge.crt")).expect("the edge's certificate");
    let client = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(&cert).expect("a PEM certificate")])
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        // Idle connections are dropped well before nginx's keepalive_timeout (30 s): a
        // request sent on one nginx is closing at that moment fails on this side.
        .pool_idle_timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    (config, client)
}

/// A connection to the region's MariaDB.
pub async fn region_db(config: &Config) -> plaza_storage::Db {
    plaza_storage::Db::connect(&config.database_url(), 2)
        .await
        .expect("the region's MariaDB")
}

/// Signs up a new person with a unique name made from `prefix`; returns (name, token).
pub async fn sign_up_unique(api: &Api, prefix: &str) -> (String, String) {
    let name = unique(prefix);
    let token = api.sign_up(&name).await;
    (name, token)
}

/// A name no earlier run used: usernames are unique in a region's database for good.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}{:x}", (nanos / 1000) % 0xff_ffff_ffff + n)
}

/// A `width`×`height` PNG screenshot whose pixels no other run made, so its key (a content
/// address) is new.
pub fn fresh_png(width: u32, height: u32) -> Vec<u8> {
    let seed = unique("");
    let seed = u32::from_str_radix(&seed[seed.len().saturating_sub(6)..], 16).unwrap_or(7);
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x.wrapping_mul(seed) >> 3) as u8,
            (y ^ seed) as u8,
            ((x + y + seed) & 0xff) as u8,
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("a PNG encodes");
    out.into_inner()
}

/// Runs `supervisorctl` on the supervisord of the region under `root`; returns what it printed.
pub fn supervisorctl(root: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("supervisorctl")
        .arg("-c")
        .arg(root.join("supervisord.conf"))
        .args(args)
        .output()
        .expect("supervisorctl runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
