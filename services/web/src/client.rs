//! Who is calling: the client's address, for per-address rate limits. Behind the edge and the
//! load balancer the direct peer is a proxy, so when the peer is one of `trusted_proxies` the
//! address comes from `X-Forwarded-For`: the rightmost entry that is not itself a trusted proxy
//! (entries left of it could be made up by the client). From any other peer the header is
//! ignored.

use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

tokio::task_local! {
    /// The current request's client address, for rate limits deep in `ops`.
    static CLIENT: IpAddr;
}

/// The client's address (see the module's docs).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

/// The client of a request from `peer` carrying `forwarded_for` headers.
pub fn resolve(peer: IpAddr, forwarded_for: &[&str], trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = forwarded_for
        .iter()
        .flat_map(|h| h.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    hops.iter()
        .rev()
        .find(|a| !trusted.contains(a))
        .or(hops.first())
        .copied()
        .unwrap_or(peer)
}

/// Middleware: works out the client's address once per request.
pub async fn client_address(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let Some(peer) = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
    else {
        return next.run(req).await;
    };
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let client = resolve(peer, &forwarded, &state.config.trusted_proxies);
    req.extensions_mut().insert(ClientIp(client));
    CLIENT.scope(client, next.run(req)).await
}

/// The current request's client address, when the middleware knows it.
pub fn current() -> Option<IpAddr> {
    CLIENT.try_with(|ip| *ip).ok()
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<ClientIp>()
            .copied()
            .unwrap_or(ClientIp(IpAddr::V4(Ipv4Addr::UNSPECIFIED))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        assert_eq!(
            resolve(ip("203.0.113.9"), &["10.0.0.1"], &[ip("127.0.0.1")]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client() {
        let trusted = [ip("127.0.0.1"), ip("10.0.0.2")];
        // The client forged the first entry; nginx appended the real one, HAProxy its own.
        let got = resolve(
            ip("127.0.0.1"),
            &["6.6.6.6, 198.51.100.7", "10.0.0.2"],
            &trusted,
        );
        assert_eq!(got, ip("198.51.100.7"));
    }

    #[test]
    fn when_every_hop_is_trusted_the_first_is_the_client() {
        let trusted = [ip("127.0.0.1")];
        assert_eq!(
            resolve(ip("127.0.0.1"), &["127.0.0.1, 127.0.0.1"], &trusted),
            ip("127.0.0.1")
        );
        assert_eq!(resolve(ip("127.0.0.1"), &[], &trusted), ip("127.0.0.1"));
        assert_eq!(
            resolve(ip("127.0.0.1"), &["garbage"], &trusted),
            ip("127.0.0.1")
        );
    }
}
