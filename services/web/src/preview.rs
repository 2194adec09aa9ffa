//! Staff's preview cookie (blue/green, docs/OPERATIONS.md "Releases"): `preview.<expiry>.<mac>`
//! where `<expiry>` is Unix seconds and `<mac>` is the lower-case hex HMAC-SHA256 of
//! `preview.<expiry>` under the region's `release.cookie_secret`. The web service only issues it;
//! HAProxy verifies it at the edge (its `hmac` converter, the same secret) and only then sets
//! `x-plaza-track: preview`, so nobody can opt in by sending the header or a made-up cookie.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The cookie's name (HAProxy reads it by this name).
pub const PREVIEW_COOKIE: &str = "plaza_preview";

/// The secret that signs preview cookies and how long one lasts.
#[derive(Clone)]
pub struct PreviewKey {
    secret: Vec<u8>,
    lifetime: Duration,
}

impl std::fmt::Debug for PreviewKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreviewKey")
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

impl PreviewKey {
    /// A key from the configured secret; `None` when it is empty (preview is off).
    pub fn new(secret: &str, lifetime: Duration) -> Option<PreviewKey> {
        (!secret.is_empty()).then(|| PreviewKey {
            secret: secret.as_bytes().to_vec(),
            lifetime,
        })
    }

    /// A cookie value valid from `now` for the key's lifetime, and its expiry (Unix seconds).
    pub fn sign(&self, now: SystemTime) -> (String, u64) {
        let now = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let expires = now + self.lifetime.as_secs();
        let payload = format!("preview.{expires}");
        let mac = hex::encode(crate::signing::hmac_sha256(
            &self.secret,
            payload.as_bytes(),
        ));
        (format!("{payload}.{mac}"), expires)
    }

    /// How long a cookie lasts.
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_carries_its_expiry_and_a_mac_of_both() {
        let key = PreviewKey::new(
            "a-secret-of-at-least-thirty-two-chars",
            Duration::from_secs(60),
        )
        .unwrap();
        let (value, expires) = key.sign(UNIX_EPOCH + Duration::from_secs(1000));
        assert_eq!(expires, 1060);
        let (payload, mac) = value.rsplit_once('.').unwrap();
        assert_eq!(payload, "preview.1060");
        assert_eq!(
            mac,
            hex::encode(crate::signing::hmac_sha256(
                b"a-secret-of-at-least-thirty-two-chars",
                b"preview.1060"
            ))
        );
        assert!(PreviewKey::new("", Duration::from_secs(60)).is_none());
    }
}
