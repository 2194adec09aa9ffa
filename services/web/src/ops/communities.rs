//! Communities: admins create and edit them; anyone signed in favourites them.

use super::admin_only;
use crate::db::communities::{self, Community};
use crate::db::favourites;
use crate::db::users::User;
use crate::{AppState, Error, Result};
use plaza_storage::Db;
use plaza_types::{Id, IdGenerator, validate};

pub use plaza_types::api::communities::CommunityInput;

fn checked(input: &CommunityInput, id: Id, created_at: i64) -> Result<Community> {
    Ok(Community {
        id,
        title_id: validate::title_id(&input.title_id)?,
        name: validate::community_name(&input.name)?,
        description: validate::community_description(&input.description)?,
        icon_url: validate::icon_url(&input.icon_url)?,
        created_at,
    })
}

/// Creates a community (admins only).
pub async fn create(state: &AppState, user: &User, input: &CommunityInput) -> Result<Community> {
    admin_only(user)?;
    let community = checked(input, state.ids.next_id(), plaza_types::now_millis())?;
    communities::insert(&state.db, &community, state.config.region).await?;
    Ok(community)
}

/// Changes a community (admins only).
pub async fn update(
    state: &AppState,
    user: &User,
    id: Id,
    input: &CommunityInput,
) -> Result<Community> {
    admin_only(user)?;
    let existing = crate::cache::community(state, id)
        .await?
        .ok_or(Error::NotFound("community"))?;
    let community = checked(input, id, existing.created_at)?;
    communities::update(&state.db, &community).await?;
    crate::cache::forget_community(state, id).await;
    Ok(community)
}

/// Favourites or unfavourites a community.
pub async fn set_favourite(state: &AppState, user: &User, id: Id, on: bool) -> Result<bool> {
    crate::cache::community(state, id)
        .await?
        .ok_or(Error::NotFound("community"))?;
    if on {
        if !favourites::exists(&state.db, user.id, id).await?
            && favourites::count(&state.db, user.id).await? >= favourites::MAX_FAVOURITES
        {
            return Err(Error::conflict(
                "favourite_limit",
                "You can favourite at most 1000 communities.",
            ));
        }
        favourites::add(
            &state.db,
            state.ids.next_id(),
            state.config.region,
            user.id,
            id,
        )
        .await?;
    } else {
        favourites::remove(&state.db, user.id, id).await?;
    }
    crate::cache::forget_favourites(state, user.id).await;
    Ok(on)
}

/// The communities every new site starts with.
pub async fn seed_defaults(state: &AppState) -> anyhow::Result<bool> {
    seed_default_communities(&state.db, &state.ids, state.config.region).await
}

/// Creates the default communities in `db` unless it has communities already; whether it did.
pub async fn seed_default_communities(
    db: &Db,
    ids: &IdGenerator,
    region: u8,
) -> anyhow::Result<bool> {
    if communities::count(db).await? > 0 {
        return Ok(false);
    }
    let defaults = [
        (
            "0005000010101C00",
            "Plaza Lounge",
            "Say hello, share what you're playing and meet other players.",
        ),
        (
            "000500001018DC00",
            "Splatoon",
            "Turf wars, ink and fresh looks.",
        ),
        (
            "0005000010145000",
            "Super Mario Maker",
            "Share your courses and the ones that beat you.",
        ),
        (
            "00050000101C9500",
            "Zelda: Breath of the Wild",
            "Tips, screenshots and spoiler-tagged discoveries.",
        ),
        (
            "0005000010110E00",
            "Super Smash Bros.",
            "Matchups, combos and friendly rivalries.",
        ),
    ];
    for (title_id, name, description) in defaults {
        let community = Community {
            id: ids.next_id(),
            title_id: title_id.into(),
            name: name.into(),
            description: description.into(),
            icon_url: None,
            created_at: plaza_types::now_millis(),
        };
        communities::insert(db, &community, region).await?;
    }
    Ok(true)
}

/// The community `id`, or `not_found`.
pub async fn existing(state: &AppState, id: Id) -> Result<Community> {
    crate::cache::community(state, id)
        .await?
        .ok_or(Error::NotFound("community"))
}

/// The community `id` as its edit form starts (read from the database, not the cache), or 404.
pub async fn edit_form(state: &AppState, id: Id) -> Result<CommunityInput> {
    let c = communities::get(&state.db, id)
        .await?
        .ok_or(Error::NotFound("community"))?;
    Ok(CommunityInput {
        title_id: c.title_id,
        name: c.name,
        description: c.description,
        icon_url: c.icon_url.unwrap_or_default(),
    })
}

/// A page of up to `limit` communities, oldest first, after `cursor`.
pub async fn list(
    state: &AppState,
    cursor: Option<&str>,
    limit: u32,
) -> Result<plaza_types::Page<crate::views::CommunityView>> {
    let after = plaza_types::Cursor::key_from(cursor)?;
    let page = communities::list(&state.db, after, limit).await?;
    Ok(plaza_types::Page {
        items: page
            .items
            .iter()
            .map(crate::views::CommunityView::from)
            .collect(),
        next_cursor: page.next_cursor,
    })
}

/// A page of communities as the API lists them (the most a page holds), oldest first.
pub async fn list_page(
    state: &AppState,
    cursor: Option<&str>,
) -> Result<plaza_types::Page<crate::views::CommunityView>> {
    list(state, cursor, plaza_types::MAX_PAGE_SIZE).await
}

/// Whether `user` favourites the community `id`.
pub async fn is_favourite(state: &AppState, user: Option<&User>, id: Id) -> Result<bool> {
    Ok(match user {
        Some(u) => crate::cache::favourites(state, u.id).await?.contains(&id),
        None => false,
    })
}

/// A community with whether `viewer` favourited it (`None` for a signed-out caller).
pub async fn detail(
    state: &AppState,
    viewer: Option<&User>,
    id: Id,
) -> Result<plaza_types::api::communities::CommunityDetail> {
    let c = existing(state, id).await?;
    let favourited = match viewer {
        Some(_) => Some(is_favourite(state, viewer, id).await?),
        None => None,
    };
    Ok(plaza_types::api::communities::CommunityDetail {
        community: crate::views::CommunityView::from(&c),
        favourited,
    })
}
