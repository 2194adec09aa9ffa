//! Blue/green releases for staff: which release answered each service, and the preview cookie.

use crate::auth::ApiUser;
use crate::ops::release as ops;
use crate::session::{preview_cookie, set_cookie};
use crate::{AppState, Result};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use plaza_http::Json;
use plaza_types::api::release::{PreviewChoice, PreviewInput, ReleaseReport};

/// Which release served this request (moderators)
///
/// The web process's track and build, then those of the timeline, empathy and notification
/// processes that answered on this request's track.
#[utoipa::path(get, operation_id = "release_report", path = "/admin/release", tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = ReleaseReport)))]
pub async fn report(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<ReleaseReport>> {
    Ok(Json(ops::report(&state, &user).await?))
}

/// Opt into or out of the preview release (moderators)
///
/// `preview` sets the signed `plaza_preview` cookie the edge verifies; from then on this
/// browser's (or client's) requests are served by the preview release of every service while
/// one runs. `stable` clears it. Errors: `preview_off` (409) when the region has no cookie
/// secret.
#[utoipa::path(post, operation_id = "choose_release_track", path = "/admin/preview", tag = "admin",
    security(("bearer" = [])), request_body = PreviewInput,
    responses((status = 200, description = "Chosen; the cookie is set or cleared", body = PreviewChoice)))]
pub async fn choose(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<PreviewInput>,
) -> Result<Response> {
    let (choice, value) = ops::choose(&state, &user, input.track).await?;
    let mut response = Json(choice).into_response();
    with_preview_cookie(&state, &mut response, value);
    Ok(response)
}

/// Sets the preview cookie on `response` (for the key's lifetime), or clears it when `value`
/// is `None`: the same cookie from the API and from the staff page.
pub(crate) fn with_preview_cookie(
    state: &AppState,
    response: &mut Response,
    value: Option<String>,
) {
    let lifetime = state
        .config
        .preview
        .as_ref()
        .map_or(std::time::Duration::ZERO, |k| k.lifetime());
    let max_age = time::Duration::seconds(i64::try_from(lifetime.as_secs()).unwrap_or(0));
    set_cookie(
        response,
        preview_cookie(value, max_age, state.config.secure_cookies),
    );
}
