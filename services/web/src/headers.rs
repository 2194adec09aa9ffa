//! Headers that protect every answer of the web service from being framed, sniffed or cached
//! where it should not be. They are set here rather than only at a region's edge, so that the
//! all-in-one server sends them too; the edge passes them on unchanged.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Scripts, styles and connections come from Plaza itself. Images may also be people's icons on
/// other hosts and drawings in `data:`/`blob:` previews; style attributes carry a community's hue.
/// No page may be framed (`frame-ancestors 'none'`), which is what stops one-button forms from
/// being clickjacked; `X-Frame-Options` says the same to browsers too old for CSP, as some
/// console browsers are.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data: blob: https: http:; connect-src 'self'; font-src 'self'; object-src 'none'; \
base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Adds the protective headers to every response that does not set its own, and keeps pages
/// (which carry a per-visitor CSRF token and, when signed in, the account's own view) out of
/// shared caches.
pub async fn protective_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    let fixed: [(HeaderName, &'static str); 4] = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
    ];
    for (name, value) in fixed {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    let is_page = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_page {
        headers
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("private, no-cache"));
    }
    response
}
