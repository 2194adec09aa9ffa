//! Titles and app keys (admins register titles with their communities and issue, revoke and
//! rotate keys), and linking a player to a game (a short code from the settings, or signing in
//! through the game API), which gives the game a player token.

use super::admin_only;
use crate::db::communities::{self, Community};
use crate::db::titles::{self, AppKey, Title};
use crate::db::users::User;
use crate::{AppState, Error, Result};
use axum::http::StatusCode;
use plaza_types::api::game::{
    AppKeyView, GameCommunity, GamePlayer, GameTitle, LinkCode, PlayerToken, SubCommunityInput,
    TitleInput,
};
use plaza_types::validate::Invalid;
use plaza_types::{Id, now_millis, to_datetime, validate};

/// How long a link code from the settings works.
pub const LINK_CODE_MINUTES: i64 = 10;
/// Letters of a link code: no 0/O, 1/I/L, so that it can be read off a screen and typed.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Characters of a link code (31^8 ≈ 8.5e11 codes, tried at the sign-in rate).
const CODE_LEN: usize = 8;
/// The longest grace a rotated key may keep working, in hours (30 days).
pub const MAX_GRACE_HOURS: u32 = 720;
/// The grace of a rotation that names none.
pub const DEFAULT_GRACE_HOURS: u32 = 24;
const LABEL_MAX: usize = 64;
const PLATFORM_MAX: usize = 32;

fn invalid(code: &'static str, message: &str) -> Error {
    Error::Invalid(Invalid {
        code,
        message: message.into(),
    })
}

fn platform(text: &str) -> Result<String> {
    let t = text.trim();
    if t.is_empty()
        || t.len() > PLATFORM_MAX
        || !t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(invalid(
            "invalid_platform",
            "A platform is 1 to 32 letters, digits, - or _ (e.g. wiiu, 3ds, pc).",
        ));
    }
    Ok(t.to_ascii_lowercase())
}

/// Registers a title with its main community, in one transaction (admins only). A title id
/// registered already is 409 `title_exists`.
pub async fn register(state: &AppState, user: &User, input: &TitleInput) -> Result<Title> {
    admin_only(user)?;
    let title_id = plaza_types::game::title_id(&input.title_id)?;
    let name = validate::community_name(&input.name)?;
    let platform = platform(&input.platform)?;
    let description = validate::community_description(&input.description)?;
    if titles::get(&state.db, &title_id).await?.is_some() {
        return Err(title_exists());
    }
    let now = now_millis();
    let community = Community {
        id: state.ids.next_id(),
        title_id: title_id.clone(),
        name: name.clone(),
        description,
        icon_url: None,
        created_at: now,
    };
    let title = Title {
        title_id,
        name,
        platform,
        main_community_id: community.id,
        created_at: now,
    };
    let mut tx = state.db.begin_write().await?;
    communities::insert_in(&mut *tx, &community, state.config.region).await?;
    match titles::insert(&mut *tx, &title, state.config.region).await {
        Err(e) if plaza_storage::is_unique_violation(&e) => return Err(title_exists()),
        other => other?,
    }
    tx.commit().await?;
    Ok(title)
}

fn title_exists() -> Error {
    Error::conflict(
        "title_exists",
        "A title with that id is registered already.",
    )
}

/// A registered title, for an admin (the admin check comes first, so that nobody else learns
/// which titles exist).
pub async fn admin_title(state: &AppState, user: &User, title_id: &str) -> Result<Title> {
    admin_only(user)?;
    super::games::title(state, title_id).await
}

/// Adds a sub-community to a title (admins only).
pub async fn add_community(
    state: &AppState,
    user: &User,
    title: &Title,
    input: &SubCommunityInput,
) -> Result<Community> {
    admin_only(user)?;
    let community = Community {
        id: state.ids.next_id(),
        title_id: title.title_id.clone(),
        name: validate::community_name(&input.name)?,
        description: validate::community_description(&input.description)?,
        icon_url: None,
        created_at: now_millis(),
    };
    communities::insert(&state.db, &community, state.config.region).await?;
    Ok(community)
}

/// A title with its communities, the main one first.
pub async fn view(state: &AppState, title: &Title) -> Result<GameTitle> {
    let ids = titles::community_ids(&state.db, &title.title_id).await?;
    let found = communities::by_ids(&state.db, &ids).await?;
    let mut list: Vec<GameCommunity> = ids
        .iter()
        .filter_map(|id| found.get(id))
        .map(|c| GameCommunity {
            id: c.id,
            name: c.name.clone(),
            description: c.description.clone(),
            is_main: c.id == title.main_community_id,
            url: format!("/titles/{}/{}", c.title_id, c.id),
        })
        .collect();
    list.sort_by_key(|c| !c.is_main);
    Ok(GameTitle {
        title_id: title.title_id.clone(),
        name: title.name.clone(),
        platform: title.platform.clone(),
        main_community_id: title.main_community_id,
        communities: list,
        created_at: to_datetime(title.created_at),
    })
}

/// Registered titles in id order (admins only): a page after `after`, and the cursor of the next.
pub async fn list(
    state: &AppState,
    user: &User,
    after: Option<&str>,
) -> Result<(Vec<Title>, Option<String>)> {
    admin_only(user)?;
    const PAGE: u32 = 100;
    let mut found = titles::list(&state.db, after, PAGE + 1).await?;
    let next = if found.len() > PAGE as usize {
        found.truncate(PAGE as usize);
        found.last().map(|t| t.title_id.clone())
    } else {
        None
    };
    Ok((found, next))
}

/// An app key as admins see it.
pub fn key_view(k: &AppKey) -> AppKeyView {
    AppKeyView {
        id: k.id,
        title_id: k.title_id.clone(),
        label: k.label.clone(),
        created_at: to_datetime(k.created_at),
        expires_at: k.expires_at.map(to_datetime),
        revoked_at: k.revoked_at.map(to_datetime),
        active: k.active_at(now_millis()),
    }
}

/// A title's keys (admins only), newest first.
pub async fn keys(state: &AppState, user: &User, title: &Title) -> Result<Vec<AppKey>> {
    admin_only(user)?;
    Ok(titles::keys_of(&state.db, &title.title_id).await?)
}

fn label(text: &str) -> Result<String> {
    let t = text.trim();
    if t.chars().count() > LABEL_MAX || t.chars().any(char::is_control) {
        return Err(invalid(
            "invalid_label",
            "A key's label is at most 64 characters on one line.",
        ));
    }
    Ok(t.to_owned())
}

fn new_key(
    state: &AppState,
    user: &User,
    title_id: &str,
    label: String,
) -> Result<(AppKey, String)> {
    let secret = crate::auth::new_secret()?;
    let key = AppKey {
        id: state.ids.next_id(),
        title_id: title_id.to_owned(),
        label,
        secret_hash: crate::auth::token_hash(&secret),
        created_by: user.id,
        created_at: now_millis(),
        expires_at: None,
        revoked_at: None,
        replaced_by: None,
    };
    let full = format!("{}.{secret}", key.id);
    Ok((key, full))
}

/// Issues an app key for a title (admins only): the key and its full text
/// (`<key_id>.<secret>`), which is shown this once.
pub async fn issue_key(
    state: &AppState,
    user: &User,
    title: &Title,
    label_text: &str,
) -> Result<(AppKey, String)> {
    admin_only(user)?;
    let (key, full) = new_key(state, user, &title.title_id, label(label_text)?)?;
    titles::insert_key(state.db.writer(), &key, state.config.region).await?;
    Ok((key, full))
}

async fn existing_key(state: &AppState, id: Id) -> Result<AppKey> {
    titles::key(&state.db, id)
        .await?
        .ok_or(Error::NotFound("app key"))
}

/// Revokes an app key at once (admins only); revoking twice is not an error.
pub async fn revoke_key(state: &AppState, user: &User, id: Id) -> Result<AppKey> {
    admin_only(user)?;
    existing_key(state, id).await?;
    titles::revoke_key(&state.db, id).await?;
    existing_key(state, id).await
}

/// Rotates an app key (admins only): a new key with the same label, and the old one working
/// `grace_hours` more (0–720). A revoked key is not rotated (409 `app_key_revoked`).
pub async fn rotate_key(
    state: &AppState,
    user: &User,
    id: Id,
    grace_hours: Option<u32>,
) -> Result<(AppKey, String)> {
    admin_only(user)?;
    let grace = grace_hours.unwrap_or(DEFAULT_GRACE_HOURS);
    if grace > MAX_GRACE_HOURS {
        return Err(invalid(
            "invalid_grace",
            "A rotated key keeps working for 0 to 720 hours.",
        ));
    }
    let old = existing_key(state, id).await?;
    if old.revoked_at.is_some() {
        return Err(Error::conflict(
            "app_key_revoked",
            "A revoked key cannot be rotated; issue a new one.",
        ));
    }
    let (key, full) = new_key(state, user, &old.title_id, old.label.clone())?;
    let until = now_millis() + i64::from(grace) * 3_600_000;
    let mut tx = state.db.begin_write().await?;
    titles::insert_key(&mut *tx, &key, state.config.region).await?;
    titles::retire_key(&mut *tx, old.id, key.id, until).await?;
    tx.commit().await?;
    Ok((key, full))
}

/// A new link code for `user` (replacing their earlier one), valid [`LINK_CODE_MINUTES`].
pub async fn link_code(state: &AppState, user: &User) -> Result<LinkCode> {
    let mut bytes = [0u8; CODE_LEN];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("random source: {e}"))?;
    // 256 is not a multiple of 31: the bias (at most 1/256 per letter) does not matter here.
    let code: String = bytes
        .iter()
        .map(|b| char::from(CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()]))
        .collect();
    let expires_at = now_millis() + LINK_CODE_MINUTES * 60_000;
    titles::insert_link_code(
        &state.db,
        &crate::auth::token_hash(&code),
        user.id,
        state.config.region,
        expires_at,
    )
    .await?;
    Ok(LinkCode {
        code: format!("{}-{}", &code[..4], &code[4..]),
        expires_at: to_datetime(expires_at),
    })
}

fn player(user: &User) -> GamePlayer {
    GamePlayer {
        id: user.id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
    }
}

/// A player as a game shows them.
pub fn game_player(user: &User) -> GamePlayer {
    player(user)
}

/// A game exchanges a player's link code for a player token. Wrong, used or expired codes are
/// 401 `invalid_link_code`; attempts are limited like sign-ins (per app key and address).
pub async fn link_player(
    state: &AppState,
    title: &Title,
    key: &AppKey,
    code: &str,
) -> Result<PlayerToken> {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    // Guessing is limited per address (like sign-ins), not per key: all of a game's players
    // link through one key.
    let client =
        crate::client::current().map_or_else(|| format!("key:{}", key.id), |ip| ip.to_string());
    super::limit(
        state,
        crate::limits::Action::SignIn,
        &[&format!("link:{client}")],
    )
    .await?;
    let user = match titles::take_link_code(&state.db, &crate::auth::token_hash(&normal)).await? {
        Some(id) => crate::db::users::by_ids(&state.db, &[id])
            .await?
            .remove(&id),
        None => None,
    };
    let Some(user) = user else {
        return Err(Error::Game {
            status: StatusCode::UNAUTHORIZED,
            code: "invalid_link_code",
            message: "That code is wrong or has expired. Make a new one in Plaza's settings.",
        });
    };
    player_token(state, title, key, &user).await
}

/// A game signs a player in with their username and password (limited like every sign-in).
pub async fn sign_in_player(
    state: &AppState,
    title: &Title,
    key: &AppKey,
    username: &str,
    password: &str,
    client: std::net::IpAddr,
) -> Result<PlayerToken> {
    let user = super::accounts::sign_in(state, username, password, client).await?;
    player_token(state, title, key, &user).await
}

async fn player_token(
    state: &AppState,
    title: &Title,
    key: &AppKey,
    user: &User,
) -> Result<PlayerToken> {
    let agent = format!("Game: {}", title.name);
    let token = crate::auth::start_session(state, user.id, crate::auth::KIND_GAME, &agent).await?;
    titles::insert_game_token(
        &state.db,
        &crate::auth::token_hash(&token),
        user.id,
        &title.title_id,
        key.id,
        state.config.region,
    )
    .await?;
    Ok(PlayerToken {
        token,
        title_id: title.title_id.clone(),
        player: player(user),
        expires_at: to_datetime(now_millis() + crate::auth::API_SESSION_DAYS * 86_400_000),
    })
}

/// Checks that a player token (whose session the middleware resolved to `user`) was issued
/// for `title`: 401 `player_token_required` / `invalid_player_token`, 403
/// `player_token_wrong_title`.
pub async fn check_player(
    state: &AppState,
    title: &Title,
    user: Option<&User>,
    token: Option<&str>,
) -> Result<User> {
    let Some(token) = token else {
        return Err(Error::Game {
            status: StatusCode::UNAUTHORIZED,
            code: "player_token_required",
            message: "Send the player's token as Authorization: Bearer <token>.",
        });
    };
    let (Some(user), Some(bound)) = (
        user,
        titles::game_token_title(&state.db, &crate::auth::token_hash(token)).await?,
    ) else {
        return Err(Error::Game {
            status: StatusCode::UNAUTHORIZED,
            code: "invalid_player_token",
            message: "That player token is not valid (expired, revoked or mistyped). Link the player again.",
        });
    };
    if bound != title.title_id {
        return Err(Error::Game {
            status: StatusCode::FORBIDDEN,
            code: "player_token_wrong_title",
            message: "That player token was issued for another title.",
        });
    }
    Ok(user.clone())
}

/// A title's page: its name and platform when registered, and its communities (the main one
/// first). Communities may name a title id no admin registered; a title id with neither is
/// 404 `unknown_title`.
pub async fn page(
    state: &AppState,
    title_id: &str,
) -> Result<(Option<Title>, Vec<crate::views::CommunityView>)> {
    let id = validate::title_id(title_id)?;
    let title = titles::get(&state.db, &id).await?;
    let ids = titles::community_ids(&state.db, &id).await?;
    let found = communities::by_ids(&state.db, &ids).await?;
    let mut list: Vec<crate::views::CommunityView> = ids
        .iter()
        .filter_map(|i| found.get(i))
        .map(crate::views::CommunityView::from)
        .collect();
    if let Some(t) = &title {
        list.sort_by_key(|c| c.id != t.main_community_id);
    }
    if title.is_none() && list.is_empty() {
        return Err(super::games::unknown_title());
    }
    Ok((title, list))
}

/// The key `id` (admins only), to show which title it belongs to.
pub async fn key(state: &AppState, user: &User, id: Id) -> Result<AppKey> {
    admin_only(user)?;
    existing_key(state, id).await
}
