//! Sign up, sign in and sign out pages.

use super::{Form, Layout, PageResult, render, render_status};
use crate::auth::{Viewer, user_agent_summary};
use crate::client::ClientIp;
use crate::ops::accounts;
use crate::session::{renew_csrf_cookie, session_cookie, set_cookie};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Template)]
#[template(path = "auth.html")]
struct AuthPage {
    layout: Layout,
    signup: bool,
    username: String,
    form_error: Option<String>,
    /// The regions a new account may be homed in (this one first, preselected); the choice is
    /// shown only when there are several.
    regions: Vec<u8>,
    /// The region picked (kept when the form comes back with an error).
    chosen: u8,
}

/// The sign-up (`SIGN_UP`) or sign-in form's title and address.
fn form_of(signup: bool) -> (&'static str, &'static str) {
    if signup {
        ("title.sign_up", "/signup")
    } else {
        ("title.sign_in", "/signin")
    }
}

/// `GET /signup` (`SIGN_UP`) and `GET /signin`.
pub async fn form_page<const SIGN_UP: bool>(
    State(state): State<AppState>,
    viewer: Viewer,
) -> PageResult {
    let (title, path) = form_of(SIGN_UP);
    render(&AuthPage {
        layout: Layout::titled(&state, &viewer, title, path).await,
        signup: SIGN_UP,
        username: String::new(),
        form_error: None,
        regions: accounts::regions(&state),
        chosen: state.config.region,
    })
}

#[derive(Debug, serde::Deserialize)]
pub struct CredentialsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    /// Sign-up only: the home region picked (see `accounts::region_field`).
    #[serde(default)]
    home_region: Option<String>,
}

/// The redirect after signing in: the session cookie, and a new anonymous CSRF cookie (forms of
/// the session use a token derived from it; see [`crate::auth`]).
fn signed_in(state: &AppState, token: &str) -> Result<Response, Error> {
    let mut response = Redirect::to("/").into_response();
    set_cookie(
        &mut response,
        session_cookie(Some(token), state.config.secure_cookies),
    );
    renew_csrf_cookie(&mut response, state.config.secure_cookies)?;
    Ok(response)
}

/// The redirect after a session ends: the session cookie removed, a new CSRF cookie.
pub fn signed_out(state: &AppState) -> Result<Response, Error> {
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
    set_cookie(
        &mut response,
        session_cookie(None, state.config.secure_cookies),
    );
    renew_csrf_cookie(&mut response, state.config.secure_cookies)?;
    Ok(response)
}

/// `POST /signup` (`SIGN_UP`) and `POST /signin`: one form, two outcomes.
pub async fn submit<const SIGN_UP: bool>(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<CredentialsForm>,
) -> PageResult {
    let signup = SIGN_UP;
    let user_agent = user_agent_summary(&headers);
    viewer.check_csrf(&form.csrf)?;
    let home_region = accounts::region_field(form.home_region.as_deref());
    let result = if signup {
        accounts::sign_up(&state, &form.username, &form.password, home_region, client).await
    } else {
        accounts::sign_in(&state, &form.username, &form.password, client).await
    };
    match result {
        Ok(user) => {
            let token = accounts::start_page_session(&state, &user, &user_agent).await?;
            Ok(signed_in(&state, &token)?)
        }
        Err(e @ (Error::Invalid(_) | Error::Conflict { .. } | Error::BadCredentials)) => {
            let response = e.to_response();
            let (title, path) = form_of(signup);
            render_status(
                response.status,
                &AuthPage {
                    layout: Layout::titled(&state, &viewer, title, path).await,
                    signup,
                    username: form.username,
                    form_error: Some(viewer.locale.error(&response.code, &response.message)),
                    regions: accounts::regions(&state),
                    chosen: home_region.unwrap_or(state.config.region),
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct SignOutForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /signout`.
pub async fn signout(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<SignOutForm>,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    if let Some(hash) = &viewer.session {
        accounts::end_session(&state, hash).await?;
    }
    Ok(signed_out(&state)?)
}
