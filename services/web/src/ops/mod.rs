//! What people can do, checked once for both the JSON API and the pages: validation,
//! authorisation (own content, blocks, admin rights, limits) and the calls that carry it out.

pub mod accounts;
pub mod communities;
pub mod consoles;
pub mod feeds;
pub mod filters;
pub mod games;
pub mod join;
pub mod moderation;
pub mod own_data;
pub mod posts;
pub mod release;
pub mod review;
pub mod social;
pub mod titles;

use crate::limits::{Action, Scope};
use crate::{AppState, Error, Result};

/// Refuses with 403 `admin_only` unless `user` is an admin (what the admin pages and the
/// admin-only API share; moderation answers its own `not_admin`).
pub fn admin_only(user: &crate::db::users::User) -> Result<()> {
    if user.is_admin {
        Ok(())
    } else {
        Err(Error::forbidden("admin_only", "Only admins can do that."))
    }
}

/// Counts an action against its rate limits for every key given, and (for actions limited per
/// account) against the client address's share.
pub async fn limit(state: &AppState, action: Action, keys: &[&str]) -> Result<()> {
    state
        .limits
        .check(action, Scope::Account, keys)
        .await
        .map_err(Error::RateLimited)?;
    if let Some(ip) = crate::client::current()
        && !matches!(action, Action::SignUp | Action::SignIn)
    {
        let key = format!("ip:{ip}");
        state
            .limits
            .check(action, Scope::Address, &[&key])
            .await
            .map_err(Error::RateLimited)?;
    }
    Ok(())
}
