//! Accounts and sessions: sign up, sign in (a bearer token), sign out, the caller's profile,
//! password and list of sessions.

use crate::auth::{ApiUser, bearer_token, token_hash, user_agent_summary};
use crate::client::ClientIp;
use crate::ops::accounts;
use crate::views::UserView;
use crate::{AppState, Error, Result};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use plaza_http::{Json, Path};
use plaza_types::api::accounts::{
    Credentials, PasswordInput, ProfileInput, SessionList, SignUp, SignedIn, UserBody,
};

/// Create an account and sign in
///
/// `home_region` picks the region that holds the account (default: the region serving the
/// request); the sign-up is then made there and its answer relayed. 400 `unknown_region` for a
/// region this deployment lacks, 503 `home_region_unavailable` when it cannot be reached.
#[utoipa::path(post, path = "/accounts", tag = "accounts", request_body = SignUp,
    responses((status = 201, description = "Created", body = SignedIn)))]
pub async fn sign_up(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    Json(c): Json<SignUp>,
) -> Result<(StatusCode, Json<SignedIn>)> {
    let user = accounts::sign_up(&state, &c.username, &c.password, c.home_region, client).await?;
    with_token(&state, &user, &headers).await
}

/// The 201 answer of signing up or in: `user` with a new bearer token.
async fn with_token(
    state: &AppState,
    user: &accounts::User,
    headers: &HeaderMap,
) -> Result<(StatusCode, Json<SignedIn>)> {
    let agent = user_agent_summary(headers);
    let signed_in = accounts::with_token(state, user, &agent).await?;
    Ok((StatusCode::CREATED, Json(signed_in)))
}

/// Sign in: get a bearer token
#[utoipa::path(post, path = "/sessions", tag = "accounts", request_body = Credentials,
    responses((status = 201, description = "Created", body = SignedIn)))]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    Json(c): Json<Credentials>,
) -> Result<(StatusCode, Json<SignedIn>)> {
    let user = accounts::sign_in(&state, &c.username, &c.password, client).await?;
    with_token(&state, &user, &headers).await
}

/// Sign out: end this token
#[utoipa::path(delete, path = "/sessions/current", tag = "accounts", security(("bearer" = [])),
    responses((status = 204, description = "Signed out")))]
pub async fn sign_out(
    State(state): State<AppState>,
    _user: ApiUser,
    headers: HeaderMap,
) -> Result<StatusCode> {
    if let Some(token) = bearer_token(&headers) {
        accounts::end_session(&state, &token_hash(token)).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in account
#[utoipa::path(get, path = "/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, description = "OK", body = UserBody)))]
pub async fn me(ApiUser(user): ApiUser) -> Json<UserBody> {
    Json(UserBody {
        user: UserView::from(&user),
    })
}

/// Change display name and bio
///
/// Also the pages' language: `"en"`, `"ja"`, or `""` to follow the browser.
#[utoipa::path(patch, path = "/me", tag = "accounts", security(("bearer" = [])),
    request_body = ProfileInput,
    responses((status = 200, description = "OK", body = UserBody)))]
pub async fn update_me(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(p): Json<ProfileInput>,
) -> Result<Json<UserBody>> {
    let user = accounts::update_profile(
        &state,
        &user,
        p.display_name.as_deref(),
        p.bio.as_deref(),
        p.language.as_deref(),
    )
    .await?;
    Ok(Json(UserBody {
        user: UserView::from(&user),
    }))
}

/// Change the password; every other session and token ends
///
/// Needs the current password (403 wrong_password otherwise; the attempt counts against the
/// sign-in limits). The caller's own token stays valid.
#[utoipa::path(put, path = "/me/password", tag = "accounts", security(("bearer" = [])),
    request_body = PasswordInput,
    responses((status = 204, description = "Changed")))]
pub async fn change_password(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    Json(p): Json<PasswordInput>,
) -> Result<StatusCode> {
    let keep = bearer_token(&headers)
        .map(token_hash)
        .ok_or(Error::Unauthenticated)?;
    accounts::change_password(
        &state,
        &user,
        &p.current_password,
        &p.new_password,
        client,
        &keep,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The account's page sessions and API tokens (never the tokens), most recent first, at most 100
#[utoipa::path(get, path = "/me/sessions", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, description = "OK", body = SessionList)))]
pub async fn list_sessions(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
) -> Result<Json<SessionList>> {
    let current = bearer_token(&headers).map(token_hash);
    let sessions = accounts::sessions(&state, &user, current.as_deref()).await?;
    Ok(Json(SessionList { sessions }))
}

/// End one session or token of the account
///
/// The caller's own included.
#[utoipa::path(delete, path = "/me/sessions/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path, description = "The session's id from GET /me/sessions.")),
    responses((status = 204, description = "Ended")))]
pub async fn revoke_session(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    accounts::revoke_session(&state, &user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sign out everywhere: end every session and token of the account, this one included
#[utoipa::path(delete, path = "/me/sessions", tag = "accounts", security(("bearer" = [])),
    responses((status = 204, description = "Signed out everywhere")))]
pub async fn revoke_all_sessions(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<StatusCode> {
    accounts::revoke_all_sessions(&state, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}
