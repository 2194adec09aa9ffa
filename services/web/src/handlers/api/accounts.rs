//! Accounts and sessions: sign up, sign in (a bearer token), sign out, the caller's profile.

use crate::auth::{ApiUser, KIND_API, bearer_token, start_session, token_hash};
use crate::client::ClientIp;
use crate::db::sessions;
use crate::ops::accounts;
use crate::views::UserView;
use crate::{AppState, Result};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use plaza_http::Json;
use serde_json::{Value, json};

#[derive(Debug, serde::Deserialize)]
pub struct Credentials {
    username: String,
    password: String,
}

/// `POST /api/v1/accounts`: creates an account and signs it in.
pub async fn sign_up(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Json(c): Json<Credentials>,
) -> Result<(StatusCode, Json<Value>)> {
    let user = accounts::sign_up(&state, &c.username, &c.password, client).await?;
    let token = start_session(&state, user.id, KIND_API).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"user": UserView::from(&user), "token": token})),
    ))
}

/// `POST /api/v1/sessions`: signs in and returns a bearer token.
pub async fn sign_in(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Json(c): Json<Credentials>,
) -> Result<(StatusCode, Json<Value>)> {
    let user = accounts::sign_in(&state, &c.username, &c.password, client).await?;
    let token = start_session(&state, user.id, KIND_API).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"user": UserView::from(&user), "token": token})),
    ))
}

/// `DELETE /api/v1/sessions/current`: ends the caller's token.
pub async fn sign_out(
    State(state): State<AppState>,
    _user: ApiUser,
    headers: HeaderMap,
) -> Result<StatusCode> {
    if let Some(token) = bearer_token(&headers) {
        sessions::delete(&state.db, &token_hash(token)).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/me`.
pub async fn me(ApiUser(user): ApiUser) -> Json<Value> {
    Json(json!({"user": UserView::from(&user)}))
}

#[derive(Debug, serde::Deserialize)]
pub struct ProfileInput {
    display_name: Option<String>,
    bio: Option<String>,
    /// The pages' language: `"en"`, `"ja"`, or `""` to follow the browser.
    language: Option<String>,
}

/// `PATCH /api/v1/me`: changes the display name, bio and/or the pages' language.
pub async fn update_me(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(p): Json<ProfileInput>,
) -> Result<Json<Value>> {
    let user = accounts::update_profile(
        &state,
        &user,
        p.display_name.as_deref(),
        p.bio.as_deref(),
        p.language.as_deref(),
    )
    .await?;
    Ok(Json(json!({"user": UserView::from(&user)})))
}
