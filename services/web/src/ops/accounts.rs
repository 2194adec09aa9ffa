//! Signing up, signing in and editing a profile.

use crate::db::users;
pub use crate::db::users::User;
use crate::limits::{Action, Scope};
use crate::{AppState, Error, Result};
use plaza_storage::is_unique_violation;
use plaza_types::validate;
use std::net::IpAddr;

/// The deployment's regions, this one first: the choices of a home region at sign-up.
pub fn regions(state: &AppState) -> Vec<u8> {
    let here = state.config.region;
    let peers = state.config.forwarding.iter().flat_map(|f| f.regions());
    std::iter::once(here)
        .chain(peers.filter(|r| *r != here))
        .collect()
}

/// The home region a sign-up asks for (`None`: this region), checked against the deployment's
/// regions: 400 `unknown_region` for any other.
pub fn chosen_region(state: &AppState, asked: Option<u8>) -> Result<u8> {
    let region = asked.unwrap_or(state.config.region);
    if regions(state).contains(&region) {
        Ok(region)
    } else {
        Err(Error::Invalid(validate::Invalid {
            code: "unknown_region",
            message: "There is no region with that number in this deployment.".into(),
        }))
    }
}

/// A form's home-region field: empty is no choice (this region), anything but a region number
/// is region 0, which no deployment has (so it is refused as `unknown_region`).
pub fn region_field(text: Option<&str>) -> Option<u8> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().unwrap_or(0))
}

/// The home region of the account named `username`, if it exists (the region a sign-in is
/// forwarded to, so that its session is written there).
pub async fn home_region_of(state: &AppState, username: &str) -> Result<Option<u8>> {
    Ok(users::by_username(&state.db, username.trim())
        .await?
        .map(|u| u.home_region))
}

/// Creates an account homed in this region; `client` is the caller's address, for rate limits.
/// `home_region` is the region the person picked: a sign-up for another region is forwarded
/// there before it reaches this (see `crate::forward`), so here it must name this region.
pub async fn sign_up(
    state: &AppState,
    username: &str,
    password: &str,
    home_region: Option<u8>,
    client: IpAddr,
) -> Result<User> {
    let home = chosen_region(state, home_region)?;
    if home != state.config.region {
        // Reached only by a sign-up that was not forwarded there (see `crate::forward`).
        return Err(Error::HomeRegionUnavailable(home));
    }
    let username = validate::username(username.trim())?;
    let password = validate::password(password)?;
    super::limit(state, Action::SignUp, &[&format!("ip:{client}")]).await?;
    super::filters::check_sign_up(state, client).await?;
    if users::by_username(&state.db, username).await?.is_some() {
        return Err(taken());
    }
    let hash = state.passwords.hash(password.to_owned()).await?;
    let user = User {
        id: state.ids.next_id(),
        home_region: state.config.region,
        username: username.to_owned(),
        display_name: String::new(),
        bio: String::new(),
        is_admin: false,
        created_at: plaza_types::now_millis(),
        language: String::new(),
        standing: None,
    };
    match users::insert(&state.db, &user, state.config.region, &hash).await {
        Ok(()) => Ok(user),
        Err(e) if is_unique_violation(&e) => Err(taken()),
        Err(e) => Err(e.into()),
    }
}

fn taken() -> Error {
    Error::conflict("username_taken", "That username is taken.")
}

/// Counts a sign-in attempt for `account` (a username key) from `client`: per (account,
/// address), then per address, and only then against the account's much higher ceiling from
/// all addresses. Attempts refused by the first two are not counted against the account, so a
/// stranger guessing from one address is stopped there and the owner, elsewhere, still gets in.
pub(super) async fn limit_sign_in(state: &AppState, account: &str, client: IpAddr) -> Result<()> {
    let address = format!("ip:{client}");
    let pair = format!("account:{account}@{address}");
    let limits = &state.limits;
    limits
        .check(Action::SignIn, Scope::Account, &[&pair])
        .await
        .map_err(Error::RateLimited)?;
    limits
        .check(Action::SignIn, Scope::Address, &[&address])
        .await
        .map_err(Error::RateLimited)?;
    limits
        .check(
            Action::SignInAccount,
            Scope::Account,
            &[&format!("account:{account}")],
        )
        .await
        .map_err(Error::RateLimited)
}

/// Checks a username and password. Limited per (account, address), per address and, much
/// higher, per account (see [`limit_sign_in`]): one address cannot guess quickly nor lock the
/// owner out, and many addresses together cannot guess quickly either.
pub async fn sign_in(
    state: &AppState,
    username: &str,
    password: &str,
    client: IpAddr,
) -> Result<User> {
    limit_sign_in(state, &users::username_key(username.trim()), client).await?;
    if password.chars().count() > validate::PASSWORD_MAX {
        return Err(Error::BadCredentials);
    }
    match users::with_password(&state.db, username.trim()).await? {
        Some((user, hash)) => {
            if state.passwords.verify(password.to_owned(), hash).await? {
                // A banned account is told why instead of getting a session; a suspended one
                // may sign in to read (its writes are refused).
                if let Some(s) = super::moderation::is_suspended(state, user.id).await?
                    && s.until.is_none()
                {
                    return Err(super::moderation::suspended_error(&s));
                }
                Ok(user)
            } else {
                Err(Error::BadCredentials)
            }
        }
        None => {
            // Spend the same work as a real check, so a wrong username is not told apart from a
            // wrong password by how long the answer takes.
            let _ = state.passwords.hash(password.to_owned()).await?;
            Err(Error::BadCredentials)
        }
    }
}

/// Changes the account's password after checking the current one (counted as a sign-in attempt,
/// so a borrowed session cannot guess it quickly), and ends every other session and token:
/// `keep` is the hash of the caller's own session token, which stays.
pub async fn change_password(
    state: &AppState,
    user: &User,
    current: &str,
    new: &str,
    client: IpAddr,
    keep: &str,
) -> Result<()> {
    let new = validate::password(new)?;
    limit_sign_in(state, &users::username_key(&user.username), client).await?;
    let stored = users::password_hash(&state.db, user.id)
        .await?
        .ok_or(Error::NotFound("user"))?;
    let matches = current.chars().count() <= validate::PASSWORD_MAX
        && state.passwords.verify(current.to_owned(), stored).await?;
    if !matches {
        return Err(wrong_password());
    }
    let hash = state.passwords.hash(new.to_owned()).await?;
    users::set_password(&state.db, user.id, &hash, keep).await?;
    Ok(())
}

/// The error for a wrong current password when changing it (not `invalid_credentials`, which
/// would send a page visitor to the sign-in page).
pub fn wrong_password() -> Error {
    Error::forbidden("wrong_password", "The current password is wrong.")
}

/// Changes the display name and bio; returns the updated account.
pub async fn update_profile(
    state: &AppState,
    user: &User,
    display_name: Option<&str>,
    bio: Option<&str>,
    language: Option<&str>,
) -> Result<User> {
    let display_name = match display_name {
        Some(d) => validate::display_name(d)?,
        None => user.display_name.clone(),
    };
    let bio = match bio {
        Some(b) => validate::bio(b)?,
        None => user.bio.clone(),
    };
    let language = match language {
        Some(l) => self::language(l)?,
        None => user.language.clone(),
    };
    let held = super::filters::check(state, None, &[&display_name, &bio]).await?;
    users::update_profile(&state.db, user.id, &display_name, &bio, &language).await?;
    crate::cache::forget_user(state, &user.username).await;
    if held {
        super::filters::hold(state, super::filters::HeldTarget::Account(user.id)).await?;
    }
    users::by_id(&state.db, user.id)
        .await?
        .ok_or(Error::NotFound("user"))
}

/// The error for a language that is not offered.
pub fn invalid_language() -> plaza_types::validate::Invalid {
    plaza_types::validate::Invalid {
        code: "invalid_language",
        message: "Choose one of the languages offered.".into(),
    }
}

/// An interface language setting: a language's code, or `""` to follow the browser.
fn language(language: &str) -> Result<String, validate::Invalid> {
    let language = language.trim();
    let offered =
        language.is_empty() || crate::i18n::Lang::ALL.iter().any(|l| l.code() == language);
    if offered {
        Ok(language.to_owned())
    } else {
        Err(invalid_language())
    }
}

/// Sets the account's interface language (see [`update_profile`] to change it with the rest).
pub async fn set_language(state: &AppState, user: &User, language: &str) -> Result<()> {
    let language = self::language(language)?;
    if user.language != language {
        users::set_language(&state.db, user.id, &language).await?;
    }
    Ok(())
}

/// `user` with a new bearer token (signing up or in through the API).
pub async fn with_token(
    state: &AppState,
    user: &User,
    user_agent: &str,
) -> Result<plaza_types::api::accounts::SignedIn> {
    let token =
        crate::auth::start_session(state, user.id, crate::auth::KIND_API, user_agent).await?;
    Ok(plaza_types::api::accounts::SignedIn {
        user: crate::views::UserView::from(user),
        token,
    })
}

/// Starts a page session for `user` (signing in from a browser) and returns its token.
pub async fn start_page_session(state: &AppState, user: &User, user_agent: &str) -> Result<String> {
    crate::auth::start_session(state, user.id, crate::auth::KIND_COOKIE, user_agent).await
}

/// Ends the session whose token hashes to `token_hash` (signing out, or an API token).
pub async fn end_session(state: &AppState, token_hash: &str) -> Result<()> {
    crate::db::sessions::delete(&state.db, token_hash).await?;
    Ok(())
}

/// A session as its owner sees it; `current` is the hash of the caller's own token, if known.
pub fn session_view(
    hash: &str,
    s: crate::db::sessions::Session,
    current: Option<&str>,
) -> plaza_types::api::accounts::SessionView {
    use plaza_types::api::accounts::{SessionKind, SessionView};
    use plaza_types::to_datetime;
    SessionView {
        id: s.id,
        kind: if s.kind == crate::auth::KIND_COOKIE {
            SessionKind::Browser
        } else {
            SessionKind::Api
        },
        created_at: to_datetime(s.created_at),
        last_used_at: (s.last_used_at > 0).then(|| to_datetime(s.last_used_at)),
        expires_at: to_datetime(s.expires_at),
        user_agent: s.user_agent,
        current: current == Some(hash),
    }
}

/// `user`'s page sessions and API tokens, most recent first (at most 100); `current` is the hash
/// of the caller's own token, if known.
pub async fn sessions(
    state: &AppState,
    user: &User,
    current: Option<&str>,
) -> Result<Vec<plaza_types::api::accounts::SessionView>> {
    Ok(crate::db::sessions::list(&state.db, user.id)
        .await?
        .into_iter()
        .map(|(hash, s)| session_view(&hash, s, current))
        .collect())
}

/// Ends one of `user`'s sessions or tokens by its public id.
pub async fn revoke_session(state: &AppState, user: &User, id: &str) -> Result<()> {
    if crate::db::sessions::delete_by_id(&state.db, user.id, id).await? {
        Ok(())
    } else {
        Err(Error::NotFound("session"))
    }
}

/// Ends every session and token of `user`.
pub async fn revoke_all_sessions(state: &AppState, user: &User) -> Result<()> {
    crate::db::sessions::delete_all(&state.db, user.id, None).await?;
    Ok(())
}

/// Whether the session with public id `id` is the caller's own (`current` is the hash of the
/// caller's token, if known).
pub fn is_current_session(current: Option<&str>, id: &str) -> bool {
    current.is_some_and(|hash| crate::db::sessions::public_id(hash) == id.to_ascii_lowercase())
}
