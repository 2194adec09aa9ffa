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
        follows::unfollow(state.db.writer(), user.id, target.id).await?;
        crate::cache::forget_relations(state, &[user.id]).await;
        return Ok(false);
    }
    if blocks::between(&state.db, user.id, target.id).await? {
        return Err(Error::forbidden("blocked", "You can't follow this person."));
    }
    super::limit(state, Action::Follow, &[&format!("user:{}", user.id)]).await?;
    let followed = follows::follow(&state.db, &state.ids, user.id, target.id).await?;
    crate::cache::forget_relations(state, &[user.id]).await;
    match followed {
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
        crate::cache::forget_relations(state, &[user.id, target.id]).await;
        return Ok(false);
    }
    let blocked = blocks::block(&state.db, &state.ids, user.id, target.id).await?;
    // A block removes follows both ways.
    crate::cache::forget_relations(state, &[user.id, target.id]).await;
    match blocked {
        Blocked::New | Blocked::Already => Ok(true),
        Blocked::LimitReached => Err(Error::conflict(
            "block_limit",
            "You can block at most 1000 people.",
        )),
    }
}

/// How a profile stands: its follow counts, and whether the viewer follows or blocks it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Relationship {
    pub following_count: i64,
    pub follower_count: i64,
    pub followed_by_me: bool,
    pub blocked_by_me: bool,
}

/// How `user`'s profile stands for `viewer`.
pub async fn relationship(
    state: &AppState,
    viewer: Option<&User>,
    user: &User,
) -> Result<Relationship> {
    let (following_count, follower_count) = follows::counts(&state.db, user.id).await?;
    let (followed_by_me, blocked_by_me) = match viewer {
        Some(v) => (
            follows::exists(&state.db, v.id, user.id).await?,
            blocks::exists(&state.db, v.id, user.id).await?,
        ),
        None => (false, false),
    };
    Ok(Relationship {
        following_count,
        follower_count,
        followed_by_me,
        blocked_by_me,
    })
}

/// `name`'s profile with follow counts and, for a signed-in `viewer`, the relation.
pub async fn profile(
    state: &AppState,
    viewer: Option<&User>,
    name: &str,
) -> Result<plaza_types::api::users::Profile> {
    let user = find_user(state, name).await?;
    let rel = relationship(state, viewer, &user).await?;
    let signed_in = viewer.is_some();
    Ok(plaza_types::api::users::Profile {
        user: crate::views::UserView::from(&user),
        following_count: rel.following_count,
        follower_count: rel.follower_count,
        followed_by_me: signed_in.then_some(rel.followed_by_me),
        blocked_by_me: signed_in.then_some(rel.blocked_by_me),
    })
}

/// A page of one side of the graph, as people, newest first: the people `user` follows or
/// those who follow them.
pub async fn graph_page(
    state: &AppState,
    user: plaza_types::Id,
    direction: crate::db::follows::Direction,
    cursor: Option<String>,
) -> Result<plaza_types::Page<crate::views::UserRef>> {
    let before = plaza_types::Cursor::key_from(cursor.as_deref())?;
    let page = crate::db::follows::list(&state.db, user, direction, before, plaza_types::PAGE_SIZE)
        .await?;
    let found = crate::db::users::by_ids(&state.db, &page.items).await?;
    Ok(plaza_types::Page {
        items: page
            .items
            .iter()
            .filter_map(|id| found.get(id))
            .map(crate::views::UserRef::from)
            .collect(),
        next_cursor: page.next_cursor,
    })
}

/// A page of a user's favourite communities.
pub async fn favourites_page(
    state: &AppState,
    user: plaza_types::Id,
    cursor: Option<String>,
) -> Result<plaza_types::Page<crate::views::CommunityView>> {
    let before = plaza_types::Cursor::key_from(cursor.as_deref())?;
    let page = crate::db::favourites::list(&state.db, user, before, plaza_types::PAGE_SIZE).await?;
    let found = crate::db::communities::by_ids(&state.db, &page.items).await?;
    Ok(plaza_types::Page {
        items: page
            .items
            .iter()
            .filter_map(|id| found.get(id))
            .map(crate::views::CommunityView::from)
            .collect(),
        next_cursor: page.next_cursor,
    })
}

/// Which side of the graph [`graph_page`] reads.
pub use crate::db::follows::Direction;
