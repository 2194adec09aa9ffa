//! Staff's preview cookie (blue/green, docs/OPERATIONS.md "Releases"): `preview.<expiry>.<mac>`
//! where `<expiry>` is Unix seconds and `<mac>` is the lower-case hex HMAC-SHA256 of
//! `preview.<expiry>` under the region's `release.cookie_secret`. The web service only issues it;
//! HAProxy verifies it at the edge (its `hmac` converter, the same secret) and only then sets
//! `x-plaza-track: preview`, so nobody can opt in by sending the header or a made-up cookie.

use sha2::{Digest, Sha256};
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
        let mac = hex::encode(hmac_sha256(&self.secret, payload.as_bytes()));
        (format!("{payload}.{mac}"), expires)
    }

    /// How long a cookie lasts.
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }
}

/// HMAC-SHA256 (RFC 2104) with the workspace's `sha2`, rather than the `hmac` crate whose
/// current release needs a second, newer `sha2`.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2 and test case 6 (a key longer than a block).
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex::encode(hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

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
            hex::encode(hmac_sha256(
                b"a-secret-of-at-least-thirty-two-chars",
                b"preview.1060"
            ))
        );
        assert!(PreviewKey::new("", Duration::from_secs(60)).is_none());
    }
}
