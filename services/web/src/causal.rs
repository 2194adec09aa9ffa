//! Causal reads between regions (ARCHITECTURE §3). A write answers with the replication
//! position it reached (the last GTID of its home region's domain): the `x-plaza-position`
//! header, and on pages the `plaza_position` cookie. A request that presents a position of
//! another region's domain waits, at most [`WAIT`], until this region has applied it; past that
//! it is served anyway and says so (`x-plaza-stale: 1`, and a notice on pages).
//!
//! Only in a multi-region deployment (when forwarding is configured): the embedded mode has no
//! replication and answers as before.

use crate::AppState;
use crate::db::position;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use std::time::Duration;

/// The header a write answers with and a read may present.
pub const POSITION_HEADER: &str = "x-plaza-position";
/// The cookie that carries the position between pages.
pub const POSITION_COOKIE: &str = "plaza_position";
/// The header of an answer served before the presented position was applied here.
pub const STALE_HEADER: &str = "x-plaza-stale";
/// How long a request waits for the position it presents.
pub const WAIT: Duration = Duration::from_secs(2);
/// How long the page cookie lasts: replication catches up within seconds.
const COOKIE_SECS: i64 = 60;

/// On a request: whether it was served before the position it presented was applied here.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stale(pub bool);

/// A well-formed single GTID (`domain-server-sequence`) and its domain.
fn parse(gtid: &str) -> Option<u8> {
    let mut parts = gtid.split('-');
    let domain = parts.next()?.parse::<u8>().ok()?;
    parts.next()?.parse::<u32>().ok()?;
    parts.next()?.parse::<u64>().ok()?;
    parts.next().is_none().then_some(domain)
}

/// The middleware (see the module's comment).
pub async fn read_your_writes(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    if state.config.forwarding.is_none() {
        return next.run(req).await;
    }
    let region = state.config.region;
    let presented = req
        .headers()
        .get(POSITION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            CookieJar::from_headers(req.headers())
                .get(POSITION_COOKIE)
                .map(|c| c.value().to_owned())
        });
    let mut stale = false;
    // Writes go to the home region, which has its own writes: only reads wait.
    if let Some(gtid) = presented
        && req.method().is_safe()
        && parse(&gtid).is_some_and(|domain| domain != region)
    {
        stale = match position::wait_for(&state.db, &gtid, WAIT).await {
            Ok(applied) => !applied,
            Err(e) => {
                tracing::warn!(error = %e, "could not wait for a replication position");
                true
            }
        };
    }
    req.extensions_mut().insert(Stale(stale));
    let write = !req.method().is_safe();
    let page = !req.uri().path().starts_with("/api/");
    let mut response = next.run(req).await;
    if stale {
        response.headers_mut().insert(
            HeaderName::from_static(STALE_HEADER),
            HeaderValue::from_static("1"),
        );
    }
    let status = response.status();
    // A relayed answer from the home region already carries its position.
    if write
        && (status.is_success() || status.is_redirection())
        && !response.headers().contains_key(POSITION_HEADER)
    {
        match position::own(&state.db, region).await {
            Ok(Some(gtid)) => {
                if let Ok(v) = HeaderValue::from_str(&gtid) {
                    response
                        .headers_mut()
                        .insert(HeaderName::from_static(POSITION_HEADER), v);
                }
                if page {
                    let cookie = Cookie::build((POSITION_COOKIE, gtid))
                        .path("/")
                        .same_site(SameSite::Lax)
                        .http_only(true)
                        .secure(state.config.secure_cookies)
                        .max_age(time::Duration::seconds(COOKIE_SECS))
                        .build();
                    crate::session::set_cookie(&mut response, cookie);
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "could not read the replication position"),
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_single_well_formed_gtid_is_waited_for() {
        assert_eq!(parse("2-2-1043"), Some(2));
        for bad in [
            "",
            "2-2",
            "2-2-x",
            "2-2-1,3-3-1",
            "x-1-1",
            "1-1-1-1",
            "300-1-1",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
