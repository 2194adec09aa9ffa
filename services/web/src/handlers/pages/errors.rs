//! Error pages in the reader's language. A handler's error becomes a response that carries an
//! [`ErrorPageSource`] (errors are turned into responses where the request is out of reach);
//! this middleware renders it in the language the session middleware chose for the request,
//! which it finds on the response ([`PageLang`]): no second look at the session. Each page shows
//! the request's id, which is also in its `x-request-id` header and its log line.

use super::Layout;
use crate::AppState;
use crate::error::ErrorPageSource;
use crate::i18n::Locale;
use crate::session::PageLang;
use askama::Template;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: String,
    message: String,
    /// The request's id (also in the `x-request-id` header and the request's log line), so a
    /// person can quote it.
    request_id: String,
}

/// `source`'s page in `locale`'s language.
fn render(source: &ErrorPageSource, locale: &Locale) -> String {
    let heading_key = match source.status {
        StatusCode::NOT_FOUND => "error.heading.not_found",
        StatusCode::FORBIDDEN => "error.heading.forbidden",
        StatusCode::UNAUTHORIZED => "error.heading.unauthorized",
        s if s.is_server_error() => "error.heading.server",
        _ => "error.heading.other",
    };
    let heading = locale.t(heading_key).to_owned();
    let page = ErrorPage {
        layout: Layout::bare(heading.clone(), locale.clone()),
        heading,
        message: locale.error(&source.code, &source.message),
        request_id: plaza_http::RequestContext::current()
            .map(|ctx| ctx.request_id)
            .unwrap_or_default(),
    };
    page.render().unwrap_or_else(|_| source.message.clone())
}

/// Renders every error page of the web service in the reader's language (the browser's, for a
/// request the session middleware did not see).
pub async fn render_error_pages(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let fallback = crate::i18n::choose(req.headers(), None);
    let response = next.run(req).await;
    let Some(source) = response.extensions().get::<ErrorPageSource>().cloned() else {
        return response;
    };
    let lang = response
        .extensions()
        .get::<PageLang>()
        .map_or(fallback, |l| l.0);
    let html = render(&source, &Locale::new(state.catalogs.clone(), lang));
    let (mut parts, _) = response.into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(html))
}
