//! Error pages in the reader's language. A handler's error becomes a response that carries an
//! [`ErrorPageSource`] (errors are turned into responses where the request is out of reach);
//! this middleware, which sees the request, renders the page in the chosen language.

use super::{Locale, choose};
use crate::AppState;
use crate::auth::{KIND_COOKIE, SESSION_COOKIE, token_hash};
use crate::db::sessions;
use crate::handlers::pages::ErrorPageSource;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::CookieJar;

/// Renders every error page of the web service in the reader's language.
pub async fn translate_error_pages(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let headers = req.headers().clone();
    let response = next.run(req).await;
    let Some(source) = response.extensions().get::<ErrorPageSource>().cloned() else {
        return response;
    };
    let setting = account_language(&state, &headers).await;
    let lang = choose(&headers, setting.as_deref());
    let html = source.render(&Locale::new(state.catalogs.clone(), lang));
    let (mut parts, _) = response.into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(html))
}

/// The signed-in reader's language setting, if any. A failed look-up only loses the setting:
/// the page still renders, in the browser's language.
async fn account_language(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let jar = CookieJar::from_headers(headers);
    let token = jar.get(SESSION_COOKIE)?;
    sessions::user_by_token(&state.db, &token_hash(token.value()), KIND_COOKIE)
        .await
        .ok()
        .flatten()
        .map(|u| u.language)
}
