//! Follows and blocks.

use crate::db::blocks::{self, Blocked};
use crate::db::follows::{self, Followed};
use crate::db::users::User;
use crate::limits::Action;
use crate::{AppState, Error, Result};

/// The account called `username`, or 404.
pub async fn find_user(state: &AppState, username: &str) -> Result<User> {
    crate::cache::user_by_name(state, username)
        .await?
        .ok_or(Error::NotFound("user"))
}

/// Follows or unfollows someone.
pub async fn set_follow(state: &AppState, user: &User, username: &str, on: bool) -> Result<bool> {
    let target = find_user(state, username).await?;
    if target.id == user.id {
        return Err(Error::Invalid(plaza_types::validate::Invalid {
            code: "cannot_follow_self",
            message: "You cannot follow yourself.".into(),
        }));
    }
    if !on {
        follows::unfollow(&state.db.pool, user.id, target.id).await?;
        return Ok(false);
    }
    if blocks::between(&state.db, user.id, target.id).await? {
        return Err(Error::forbidden("blocked", "You can't follow this person."));
    }
    super::limit(state, Action::Follow, &[&format!("user:{}", user.id)]).await?;
    match follows::follow(&state.db, &state.ids, user.id, target.id).await? {
        Followed::New | Followed::Already => Ok(true),
        Followed::LimitReached => Err(Error::conflict(
            "follow_limit",
            "You can follow at most 1000 people.",
        )),
    }
}

/// Blocks or unblocks someone.
pub async fn set_block(state: &AppState, user: &User, username: &str, on: bool) -> Result<bool> {
    let target = find_user(state, username).await?;
    if target.id == user.id {
        return Err(Error::Invalid(plaza_types::validate::Invalid {
            code: "cannot_block_self",
            message: "You cannot block yourself.".into(),
        }));
    }
    if !on {
        blocks::unblock(&state.db, user.id, target.id).await?;
        return Ok(false);
    }
    match blocks::block(&state.db, &state.ids, user.id, target.id).await? {
        Blocked::New | Blocked::Already => Ok(true),
        Blocked::LimitReached => Err(Error::conflict(
            "block_limit",
            "You can block at most 1000 people.",
        )),
    }
}
