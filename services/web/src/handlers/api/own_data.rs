//! The caller's own data: download everything they posted, delete their account.

use crate::auth::ApiUser;
use crate::client::ClientIp;
use crate::ops::own_data;
use crate::{AppState, Result};
use axum::extract::State;
use axum::http::StatusCode;
use plaza_http::Json;
use plaza_types::api::own_data::{DataExport, DeleteAccountInput};

/// Download everything you posted
///
/// Profile, posts, comments, and every drawing and screenshot (base64) as one JSON document.
/// Counted against the upload rate limit.
#[utoipa::path(get, operation_id = "export_my_data", path = "/me/export", tag = "accounts",
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = DataExport)))]
pub async fn export(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<DataExport>> {
    Ok(Json(own_data::export(&state, &user).await?))
}

/// Delete your account
///
/// Confirmed with the password (`wrong_password`, 403). Every session and token ends at once and
/// everything the account posted leaves every page and answer at once; its images are removed
/// from storage after a grace period of an hour.
#[utoipa::path(delete, operation_id = "delete_my_account", path = "/me", tag = "accounts",
    security(("bearer" = [])), request_body = DeleteAccountInput,
    responses((status = 204, description = "Deleted")))]
pub async fn delete_account(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiUser(user): ApiUser,
    Json(input): Json<DeleteAccountInput>,
) -> Result<StatusCode> {
    own_data::delete_account(&state, &user, &input.password, client).await?;
    Ok(StatusCode::NO_CONTENT)
}
