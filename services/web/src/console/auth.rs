//! Who a console request is: its ParamPack (the console and the running game), the title that
//! game is registered as, and the Plaza account its service token is linked to.

use super::param_pack::{self, ParamPack};
use super::{ConsoleError, ConsoleResult};
use crate::AppState;
use crate::db::titles::Title;
use crate::db::users::User;
use crate::ops::consoles::{self, ConsoleAccount};
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;

/// The header that carries the console's service token.
pub const SERVICE_TOKEN_HEADER: &str = "x-nintendo-servicetoken";
/// The shortest service token accepted (a revival client's random token is 43 characters).
pub const TOKEN_MIN: usize = 16;
/// The longest service token accepted (a console's own is a few hundred characters).
pub const TOKEN_MAX: usize = 1024;

/// A console request from a linked console running a registered title.
#[derive(Debug)]
pub struct Console {
    pub pack: ParamPack,
    pub title: Title,
    pub user: User,
}

/// The ParamPack of a request, checked strictly.
pub fn pack(parts: &Parts) -> ConsoleResult<ParamPack> {
    let header = match parts.headers.get(param_pack::HEADER) {
        None => return Err(param_pack::ParamPackError::Missing.into()),
        Some(v) => v
            .to_str()
            .map_err(|_| param_pack::ParamPackError::NotBase64)?,
    };
    Ok(param_pack::parse(header)?)
}

/// The service token of a request: 401 `service_token_missing` or `service_token_invalid`.
pub fn service_token(parts: &Parts) -> ConsoleResult<&str> {
    let Some(value) = parts.headers.get(SERVICE_TOKEN_HEADER) else {
        return Err(ConsoleError::refused(
            StatusCode::UNAUTHORIZED,
            "service_token_missing",
            "Send the console's service token in the X-Nintendo-ServiceToken header.",
        ));
    };
    value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|t| (TOKEN_MIN..=TOKEN_MAX).contains(&t.len()))
        .filter(|t| t.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            ConsoleError::refused(
                StatusCode::UNAUTHORIZED,
                "service_token_invalid",
                "The service token is 16 to 1024 visible ASCII characters.",
            )
        })
}

impl FromRequestParts<AppState> for Console {
    type Rejection = ConsoleError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ConsoleResult<Self> {
        let pack = pack(parts)?;
        let token = service_token(parts)?;
        let user = match consoles::account(state, token, pack.platform.name()).await? {
            ConsoleAccount::Linked(user) => user,
            ConsoleAccount::Unlinked { link_code } => {
                return Err(ConsoleError::NotLinked { link_code });
            }
        };
        // The pages' and JSON API's session layer refuses a suspended account's writes; the
        // console API sits outside it, so it asks the same question here.
        if !parts.method.is_safe() {
            crate::ops::moderation::check_can_write(state, &user).await?;
        }
        let title = crate::ops::games::title(state, &pack.title_id_hex()).await?;
        Ok(Console { pack, title, user })
    }
}
