//! The session of a request, resolved once. [`resolve`] reads the request's credential (a
//! page's session cookie, or an API bearer token) and leaves what it found — the account, the
//! CSRF token forms must echo, the language — as a [`Session`] in the request's extensions. The
//! extractors ([`crate::auth::Viewer`], [`crate::auth::ApiUser`]), the idempotency middleware and
//! the error pages read it there; nothing looks the session up a second time.
//!
//! The cookies Plaza sets (session, CSRF, language) are made here, with axum-extra's `Cookie`
//! builder.

use crate::auth::{
    COOKIE_SESSION_DAYS, KIND_API, KIND_COOKIE, KIND_GAME, bearer_token, new_secret, session_csrf,
    token_hash,
};
use crate::db::users::User;
use crate::error::PageError;
use crate::i18n::{LANG_COOKIE, Lang};
use crate::{AppState, Error, Result};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};

/// The cookie that holds a page session.
pub const SESSION_COOKIE: &str = "plaza_session";
/// The cookie that holds the CSRF token forms must echo.
pub const CSRF_COOKIE: &str = "plaza_csrf";
/// How long the language choice is remembered.
const LANG_COOKIE_DAYS: i64 = 365;

/// What [`resolve`] found for one request.
#[derive(Debug, Clone)]
pub struct Session {
    /// The signed-in account: by the session cookie on a page, by the bearer token on the API.
    pub account: Option<User>,
    /// The hash of the page session's token, when the cookie names a live session (to tell the
    /// current session in a list, and to end it at sign-out).
    pub cookie_session: Option<String>,
    /// Whether an API request carried a bearer token (a wrong one answers 401, not anonymous).
    pub bearer: bool,
    /// The token the page's forms must carry: derived from the session when signed in, else the
    /// visitor's anonymous one (see [`crate::auth`]). Empty on the API.
    pub csrf: String,
    /// The language pages and error pages are written in.
    pub lang: Lang,
}

impl Session {
    /// The session [`resolve`] left on the request. Missing only when a route was mounted
    /// outside the middleware, which is a bug of this service.
    pub fn of(parts: &Parts) -> Result<&Session> {
        parts
            .extensions
            .get::<Session>()
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("no session middleware on this route")))
    }
}

/// The language an error page is written in, handed from [`resolve`] to the error-page
/// renderer on the response.
#[derive(Debug, Clone, Copy)]
pub struct PageLang(pub Lang);

/// Middleware for the pages and the API: resolves the request's session once, and on the pages
/// gives a first-time visitor an anonymous CSRF cookie. The API is signed in by bearer tokens
/// only, the pages by the session cookie only.
pub async fn resolve(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    // A request forwarded by another region must be signed by it (see `crate::forward`).
    let (incoming, mut req) = match &state.config.forwarding {
        Some(f) => {
            let lang = crate::i18n::choose(req.headers(), None);
            match crate::forward::check_incoming(f, req).await {
                Ok(checked) => checked,
                Err(e) => return error_response(e, api, lang),
            }
        }
        None => (crate::forward::Incoming::Direct, req),
    };
    // Signing up and signing in are made where the account lives (the region picked at
    // sign-up; the account's home region at sign-in, which writes its sessions).
    let anonymous = crate::forward::anonymous_kind(&req);
    if let (Some(forwarding), Some(kind)) = (&state.config.forwarding, anonymous) {
        let lang = crate::i18n::choose(req.headers(), None);
        let home = match crate::forward::anonymous_home(&state, kind, req).await {
            Ok((home, back)) => {
                req = back;
                home
            }
            Err(e) => return error_response(e, api, lang),
        };
        if let Some(home) = home {
            return relay(&state, forwarding, incoming, home, req, api, lang).await;
        }
    }
    let game = req.uri().path().starts_with(crate::ops::games::API_PREFIX);
    let resolved = if api {
        for_api(&state, req.headers(), game)
            .await
            .map(|s| (s, None))
    } else {
        for_pages(&state, req.headers()).await
    };
    let (session, fresh_csrf) = match resolved {
        Ok(found) => found,
        Err(e) => return error_response(e, api, crate::i18n::choose(req.headers(), None)),
    };
    let lang = session.lang;
    // Every write of an account is made in its home region: a write that reached this region
    // is sent on there and its answer relayed; a forwarded one is never sent on again.
    if let (Some(forwarding), Some(user)) = (&state.config.forwarding, &session.account)
        && user.home_region != state.config.region
        && !req.method().is_safe()
        && anonymous.is_none()
    {
        return relay(
            &state,
            forwarding,
            incoming,
            user.home_region,
            req,
            api,
            lang,
        )
        .await;
    }
    // A suspended or banned account writes nothing: every write of the pages and the API is
    // refused here, before any handler runs (signing out and choosing a language excepted).
    if let Some(user) = &session.account
        && is_write(&req)
        && let Err(e) = crate::ops::moderation::check_can_write(&state, user).await
    {
        return error_response(e, api, lang);
    }
    req.extensions_mut().insert(session);
    let mut response = next.run(req).await;
    response.extensions_mut().insert(PageLang(lang));
    // A handler that already renewed the cookie (sign-in, sign-out) has the last word.
    let renewed = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| v.as_bytes().starts_with(CSRF_COOKIE.as_bytes()));
    if let Some(token) = fresh_csrf
        && !renewed
    {
        set_cookie(
            &mut response,
            csrf_cookie(token, state.config.secure_cookies),
        );
    }
    response
}

/// Sends `req` on to region `home` and relays its answer, or the refusal as a page or JSON.
async fn relay(
    state: &AppState,
    forwarding: &crate::forward::Forwarding,
    incoming: crate::forward::Incoming,
    home: u8,
    req: Request,
    api: bool,
    lang: Lang,
) -> Response {
    crate::forward::relay(forwarding, state.config.region, incoming, home, req)
        .await
        .unwrap_or_else(|e| error_response(e, api, lang))
}

/// `e` as the API's JSON error or as a page, in `lang`.
fn error_response(e: Error, api: bool, lang: Lang) -> Response {
    let mut response = if api {
        e.into_response()
    } else {
        PageError(e).into_response()
    };
    response.extensions_mut().insert(PageLang(lang));
    response
}

/// Whether `req` changes something a suspension forbids: any unsafe method, except ending
/// one's own session and choosing the interface language.
fn is_write(req: &Request) -> bool {
    if req.method().is_safe() {
        return false;
    }
    !matches!(
        req.uri().path(),
        "/signout" | "/language" | "/api/v1/sessions/current"
    )
}

/// A page request: the session cookie, the CSRF token and the language. The second value is a
/// new anonymous CSRF token to set as a cookie, for a visitor who has none.
async fn for_pages(state: &AppState, headers: &HeaderMap) -> Result<(Session, Option<String>)> {
    let jar = CookieJar::from_headers(headers);
    let anonymous = jar
        .get(CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() == 43);
    let (mut csrf, fresh) = match anonymous {
        Some(token) => (token, None),
        None => {
            let token = new_secret()?;
            (token.clone(), Some(token))
        }
    };
    let mut account = None;
    let mut cookie_session = None;
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        let hash = token_hash(cookie.value());
        account = (state.sessions)
            .use_token(&state.db, &hash, KIND_COOKIE, state.config.region)
            .await?;
        if account.is_some() {
            csrf = session_csrf(cookie.value());
            cookie_session = Some(hash);
        }
    }
    let lang = crate::i18n::choose(headers, account.as_ref().map(|u| u.language.as_str()));
    let session = Session {
        account,
        cookie_session,
        bearer: false,
        csrf,
        lang,
    };
    Ok((session, fresh))
}

/// An API request: the bearer token's account, if it carries one. On the game API the token
/// is a player token (a session of the game kind, see `crate::ops::games`); elsewhere an API
/// session's, so neither works in the other's place.
async fn for_api(state: &AppState, headers: &HeaderMap, game: bool) -> Result<Session> {
    let token = bearer_token(headers);
    let kind = if game { KIND_GAME } else { KIND_API };
    let account = match token {
        Some(t) => {
            (state.sessions)
                .use_token(&state.db, &token_hash(t), kind, state.config.region)
                .await?
        }
        None => None,
    };
    let lang = crate::i18n::choose(headers, account.as_ref().map(|u| u.language.as_str()));
    Ok(Session {
        account,
        cookie_session: None,
        bearer: token.is_some(),
        csrf: String::new(),
        lang,
    })
}

/// A cookie for the whole site, `SameSite=Lax`, `Secure` when the site is served over HTTPS.
fn site_cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .same_site(SameSite::Lax)
        .secure(secure)
        .build()
}

/// The page session cookie for `token`, or its removal when `token` is `None`.
pub fn session_cookie(token: Option<&str>, secure: bool) -> Cookie<'static> {
    let mut cookie = site_cookie(SESSION_COOKIE, token.unwrap_or_default().to_owned(), secure);
    cookie.set_http_only(true);
    cookie.set_max_age(match token {
        Some(_) => time::Duration::days(COOKIE_SESSION_DAYS),
        None => time::Duration::ZERO,
    });
    cookie
}

/// The anonymous CSRF cookie (for the browser session only: no `Max-Age`).
pub fn csrf_cookie(token: String, secure: bool) -> Cookie<'static> {
    let mut cookie = site_cookie(CSRF_COOKIE, token, secure);
    cookie.set_http_only(true);
    cookie
}

/// The cookie that remembers the footer's language choice (readable by the page's script).
pub fn language_cookie(lang: Lang, secure: bool) -> Cookie<'static> {
    let mut cookie = site_cookie(LANG_COOKIE, lang.code().to_owned(), secure);
    cookie.set_max_age(time::Duration::days(LANG_COOKIE_DAYS));
    cookie
}

/// Staff's signed preview cookie lasting `max_age`, or its removal when `value` is `None`.
pub fn preview_cookie(
    value: Option<String>,
    max_age: time::Duration,
    secure: bool,
) -> Cookie<'static> {
    let clear = value.is_none();
    let mut cookie = site_cookie(
        crate::preview::PREVIEW_COOKIE,
        value.unwrap_or_default(),
        secure,
    );
    cookie.set_http_only(true);
    cookie.set_max_age(if clear { time::Duration::ZERO } else { max_age });
    cookie
}

/// Adds `cookie` to the response's `Set-Cookie` headers.
pub fn set_cookie(response: &mut Response, cookie: Cookie<'_>) {
    // Every value set here is base64url or a language code, so the header is always valid.
    if let Ok(value) = HeaderValue::from_str(&cookie.encoded().to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// Gives the visitor a new anonymous CSRF token (at sign-in and sign-out), so that a token
/// from before does not stay valid across the change.
pub fn renew_csrf_cookie(response: &mut Response, secure: bool) -> Result<()> {
    set_cookie(response, csrf_cookie(new_secret()?, secure));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_keep_their_attributes() {
        let s = session_cookie(Some("abc"), true).encoded().to_string();
        for part in [
            "plaza_session=abc",
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
            "Path=/",
            "Max-Age=2592000",
        ] {
            assert!(s.contains(part), "{s} lacks {part}");
        }
        let gone = session_cookie(None, false).encoded().to_string();
        assert!(gone.starts_with("plaza_session=;"), "{gone}");
        assert!(
            gone.contains("Max-Age=0") && !gone.contains("Secure"),
            "{gone}"
        );
        let csrf = csrf_cookie("t".into(), false).encoded().to_string();
        assert!(
            csrf.contains("HttpOnly") && !csrf.contains("Max-Age"),
            "{csrf}"
        );
        let lang = language_cookie(Lang::Ja, false).encoded().to_string();
        assert!(lang.starts_with("plaza_lang=ja;"), "{lang}");
        assert!(lang.contains("Max-Age=31536000") && !lang.contains("HttpOnly"));
    }
}
