//! `/api/v1/me/consoles`: the consoles linked to the account for the console API.

use crate::auth::ApiUser;
use crate::ops::consoles;
use crate::{AppState, Result};
use axum::extract::State;
use axum::http::StatusCode;
use plaza_http::{Json, Path};
use plaza_types::api::consoles::{ConsoleLinkRequest, LinkedConsoleBody, LinkedConsoleList};

/// The consoles linked to the account, newest first
#[utoipa::path(get, path = "/me/consoles", tag = "consoles", security(("bearer" = [])),
    responses((status = 200, description = "OK", body = LinkedConsoleList)))]
pub async fn index(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<LinkedConsoleList>> {
    let consoles = consoles::list(&state, &user)
        .await?
        .into_iter()
        .map(consoles::view)
        .collect();
    Ok(Json(LinkedConsoleList { consoles }))
}

/// Link a console by the code it shows
///
/// Errors: invalid_link_code, link_code_not_found (422), console_already_linked,
/// too_many_consoles (409), rate_limited (429).
#[utoipa::path(post, path = "/me/consoles", tag = "consoles", security(("bearer" = [])),
    request_body = ConsoleLinkRequest,
    responses((status = 201, description = "Linked", body = LinkedConsoleBody)))]
pub async fn link(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(req): Json<ConsoleLinkRequest>,
) -> Result<(StatusCode, Json<LinkedConsoleBody>)> {
    let console = consoles::view(consoles::link(&state, &user, &req.code).await?);
    Ok((StatusCode::CREATED, Json(LinkedConsoleBody { console })))
}

/// Unlink a console: it stops acting for the account at once
#[utoipa::path(delete, path = "/me/consoles/{id}", tag = "consoles", security(("bearer" = [])),
    params(("id" = String, Path, description = "The console's id.")),
    responses((status = 204, description = "Unlinked")))]
pub async fn unlink(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<plaza_types::Id>,
) -> Result<StatusCode> {
    consoles::unlink(&state, &user, id.0).await?;
    Ok(StatusCode::NO_CONTENT)
}
