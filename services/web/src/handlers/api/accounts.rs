//! Accounts and sessions: sign up, sign in (a bearer token), sign out, the caller's profile,
//! password and list of sessions.

use crate::auth::{
    ApiUser, KIND_API, KIND_COOKIE, bearer_token, start_session, token_hash, user_agent_summary,
};
use crate::client::ClientIp;
use crate::db::sessions::{self, Session};
use crate::ops::accounts;
use crate::views::UserView;
use crate::{AppState, Error, Result};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use plaza_http::{Json, Path};
use plaza_types::to_datetime;
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
    headers: HeaderMap,
    Json(c): Json<Credentials>,
) -> Result<(StatusCode, Json<Value>)> {
    let user = accounts::sign_up(&state, &c.username, &c.password, client).await?;
    let token = start_session(&state, user.id, KIND_API, &user_agent_summary(&headers)).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"user": UserView::from(&user), "token": token})),
    ))
}

/// `POST /api/v1/sessions`: signs in and returns a bearer token.
pub async fn sign_in(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    Json(c): Json<Credentials>,
) -> Result<(StatusCode, Json<Value>)> {
    let user = accounts::sign_in(&state, &c.username, &c.password, client).await?;
    let token = start_session(&state, user.id, KIND_API, &user_agent_summary(&headers)).await?;
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

#[derive(Debug, serde::Deserialize)]
pub struct PasswordInput {
    current_password: String,
    new_password: String,
}

/// `PUT /api/v1/me/password`: changes the password (the current one is required) and ends every
/// other session and token; the caller's token stays.
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

/// One session or token as its owner sees it.
#[derive(Debug, serde::Serialize)]
pub struct SessionView {
    pub id: String,
    /// `"browser"` (a page session) or `"api"` (a bearer token).
    pub kind: &'static str,
    pub created_at: DateTime<Utc>,
    /// Updated at most hourly; `null` when not known.
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
    pub user_agent: String,
    /// Whether this is the session making the request.
    pub current: bool,
}

impl SessionView {
    /// `s` as shown to its owner; `current` is the hash of the caller's own token, if known.
    pub fn new(hash: &str, s: Session, current: Option<&str>) -> Self {
        SessionView {
            id: s.id,
            kind: if s.kind == KIND_COOKIE {
                "browser"
            } else {
                "api"
            },
            created_at: to_datetime(s.created_at),
            last_used_at: (s.last_used_at > 0).then(|| to_datetime(s.last_used_at)),
            expires_at: to_datetime(s.expires_at),
            user_agent: s.user_agent,
            current: current == Some(hash),
        }
    }
}

/// `GET /api/v1/me/sessions`: the caller's page sessions and API tokens, most recent first (at
/// most 100). Never the tokens themselves.
pub async fn list_sessions(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
) -> Result<Json<Value>> {
    let current = bearer_token(&headers).map(token_hash);
    let list: Vec<SessionView> = sessions::list(&state.db, user.id)
        .await?
        .into_iter()
        .map(|(hash, s)| SessionView::new(&hash, s, current.as_deref()))
        .collect();
    Ok(Json(json!({"sessions": list})))
}

/// `DELETE /api/v1/me/sessions/{id}`: ends one of the caller's sessions or tokens (the caller's
/// own included).
pub async fn revoke_session(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    if sessions::delete_by_id(&state.db, user.id, &id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Error::NotFound("session"))
    }
}

/// `DELETE /api/v1/me/sessions`: signs out everywhere, ending every session and token of the
/// account, the caller's own included.
pub async fn revoke_all_sessions(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<StatusCode> {
    sessions::delete_all(&state.db, user.id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}
