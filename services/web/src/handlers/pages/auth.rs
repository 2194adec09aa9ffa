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
use std::net::IpAddr;

#[derive(Template)]
#[template(path = "auth.html")]
struct AuthPage {
    layout: Layout,
    signup: bool,
    username: String,
    form_error: Option<String>,
}

/// `GET /signup`.
pub async fn signup_page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    render(&AuthPage {
        layout: Layout::titled(&state, &viewer, "title.sign_up", "/signup").await,
        signup: true,
        username: String::new(),
        form_error: None,
    })
}

/// `GET /signin`.
pub async fn signin_page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    render(&AuthPage {
        layout: Layout::titled(&state, &viewer, "title.sign_in", "/signin").await,
        signup: false,
        username: String::new(),
        form_error: None,
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

async fn submit(
    state: AppState,
    viewer: Viewer,
    client: IpAddr,
    user_agent: String,
    form: CredentialsForm,
    signup: bool,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    let result = if signup {
        accounts::sign_up(&state, &form.username, &form.password, client).await
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
            let title = if signup {
                "title.sign_up"
            } else {
                "title.sign_in"
            };
            render_status(
                response.status,
                &AuthPage {
                    layout: Layout::titled(
                        &state,
                        &viewer,
                        title,
                        if signup { "/signup" } else { "/signin" },
                    )
                    .await,
                    signup,
                    username: form.username,
                    form_error: Some(viewer.locale.error(&response.code, &response.message)),
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /signup`.
pub async fn signup(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<CredentialsForm>,
) -> PageResult {
    submit(
        state,
        viewer,
        client,
        user_agent_summary(&headers),
        form,
        true,
    )
    .await
}

/// `POST /signin`.
pub async fn signin(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<CredentialsForm>,
) -> PageResult {
    submit(
        state,
        viewer,
        client,
        user_agent_summary(&headers),
        form,
        false,
    )
    .await
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
