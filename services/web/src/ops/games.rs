//! Games: titles, app keys, linking players, and posting and reading from a game. The game API
//! (`handlers::api::game`), the admin pages and the console API all go through here.
//!
//! App keys are `<key_id>.<secret>`: the id finds the row, the secret (32 random bytes,
//! base64url) is compared by its SHA-256. A slow password hash would add nothing against
//! guessing a 256-bit secret and would cost CPU on every request of a polling game.

use crate::db::communities::Community;
use crate::db::titles::{self, AppKey, Title};
use crate::db::users::User;
use crate::limits::{Action, Scope};
use crate::views::PostView;
use crate::{AppState, Error, Result};
use axum::http::StatusCode;
use plaza_types::api::game::GamePostsQuery;
use plaza_types::api::posts::WriteInput;
use plaza_types::game::GameFields;
use plaza_types::timeline::{Post, PostQuery};
use plaza_types::{Id, Page, now_millis, validate};

/// Where the game API lives: its bearer tokens are player tokens.
pub const API_PREFIX: &str = "/api/v1/game/";

fn refuse(status: StatusCode, code: &'static str, message: &'static str) -> Error {
    Error::Game {
        status,
        code,
        message,
    }
}

/// 404 `unknown_title`.
pub fn unknown_title() -> Error {
    refuse(
        StatusCode::NOT_FOUND,
        "unknown_title",
        "No title with that id is registered.",
    )
}

/// A registered title by its id (16 hex digits, either case): 422 `invalid_title_id` when the
/// id is malformed, 404 `unknown_title` when no such title is registered.
pub async fn title(state: &AppState, title_id: &str) -> Result<Title> {
    let id = plaza_types::game::title_id(title_id)?;
    titles::get(&state.db, &id).await?.ok_or_else(unknown_title)
}

/// The app key a game sent (`X-Plaza-App-Key`) checked for `title`, and counted against the
/// key's rate limit. Refusals: 401 `app_key_required` (none sent), 401 `invalid_app_key`
/// (malformed, unknown, or a wrong secret), 401 `app_key_revoked` (revoked, or past the end of
/// a rotation's grace), 403 `app_key_wrong_title` (a key of another title).
pub async fn authenticate_key(
    state: &AppState,
    title: &Title,
    sent: Option<&str>,
) -> Result<AppKey> {
    let sent = require_key(sent)?;
    let invalid = || {
        refuse(
            StatusCode::UNAUTHORIZED,
            "invalid_app_key",
            "That app key is not valid.",
        )
    };
    let (id, secret) = sent.split_once('.').ok_or_else(invalid)?;
    let id: i64 = id.parse().map_err(|_| invalid())?;
    let key = titles::key(&state.db, Id(id)).await?.ok_or_else(invalid)?;
    if !crate::auth::same_secret(&crate::auth::token_hash(secret), &key.secret_hash) {
        return Err(invalid());
    }
    if !key.active_at(now_millis()) {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            "app_key_revoked",
            "That app key has been revoked or replaced. Ask the title's admin for a new one.",
        ));
    }
    if key.title_id != title.title_id {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            "app_key_wrong_title",
            "That app key belongs to another title.",
        ));
    }
    state
        .limits
        .check(
            Action::AppKey,
            Scope::Account,
            &[&format!("app_key:{}", key.id)],
        )
        .await
        .map_err(Error::RateLimited)?;
    Ok(key)
}

/// The app key's text, or 401 `app_key_required` when none was sent.
pub fn require_key(sent: Option<&str>) -> Result<&str> {
    sent.map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            refuse(
                StatusCode::UNAUTHORIZED,
                "app_key_required",
                "Send the title's app key in the X-Plaza-App-Key header.",
            )
        })
}

/// The community of `title` a game names (its main community when none): 404 `not_found` when
/// it does not exist, 403 `community_not_in_title` when it belongs to another title.
pub async fn title_community(
    state: &AppState,
    title: &Title,
    community_id: Option<Id>,
) -> Result<Community> {
    let id = community_id.unwrap_or(title.main_community_id);
    let community = crate::cache::community(state, id)
        .await?
        .ok_or(Error::NotFound("community"))?;
    if !community.title_id.eq_ignore_ascii_case(&title.title_id) {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            "community_not_in_title",
            "That community belongs to another title than the app key's.",
        ));
    }
    Ok(community)
}

/// What a game posts beyond a plain post: decoded `app_data`, search keys and flags.
#[derive(Debug, Clone, Default)]
pub struct GameWrite {
    pub write: WriteInput,
    pub app_data: Option<Vec<u8>>,
    pub search_keys: Vec<String>,
    pub is_autopost: bool,
    pub is_app_jumpable: bool,
}

/// Decodes a game's base64 `app_data` (standard alphabet, padding optional): 422
/// `invalid_app_data` when it is not base64, `app_data_too_large` over 1024 bytes.
pub fn decode_app_data(text: Option<&str>) -> Result<Option<Vec<u8>>> {
    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    // A quick bound before decoding anything large.
    if text.len() > plaza_types::game::APP_DATA_MAX.div_ceil(3) * 4 + 4 {
        plaza_types::game::app_data(&vec![0; plaza_types::game::APP_DATA_MAX + 1])?;
    }
    let bytes = STANDARD
        .decode(text)
        .or_else(|_| STANDARD_NO_PAD.decode(text))
        .map_err(|_| {
            Error::Invalid(validate::Invalid {
                code: "invalid_app_data",
                message: "app_data is base64 (standard alphabet).".into(),
            })
        })?;
    plaza_types::game::app_data(&bytes)?;
    Ok(Some(bytes))
}

/// Posts from a game for `user` in `community_id` of `title` (its main community when none):
/// the game fields are checked before anything is stored, then the post goes the way every
/// post goes (limits per player, media, the timeline). `app_key` is counted already by
/// [`authenticate_key`]. The console API calls this too.
pub async fn create_post(
    state: &AppState,
    user: &User,
    title: &Title,
    community_id: Option<Id>,
    input: &GameWrite,
    platform: &str,
) -> Result<Post> {
    let game = plaza_types::game::fields(&GameFields {
        title_id: title.title_id.clone(),
        app_data: input.app_data.clone(),
        search_keys: input.search_keys.clone(),
        is_autopost: input.is_autopost,
        is_app_jumpable: input.is_app_jumpable,
    })?;
    let community = title_community(state, title, community_id).await?;
    super::posts::create_post_with(
        state,
        user,
        community.id,
        &input.write,
        platform,
        Some(game),
    )
    .await
}

/// A post joined for display, as `viewer` sees it.
pub async fn post_view(state: &AppState, viewer: Option<&User>, post: Post) -> Result<PostView> {
    super::join::post(state, viewer.map(|v| v.id), post).await
}

/// A title's posts for display in the game: one of its communities (the main one by default),
/// newest or most Yeahed in the last 7 days, narrowed by the filters. Popular pages are ranked
/// by the empathy service and filtered here, so a filtered popular page may hold fewer posts.
pub async fn list_posts(
    state: &AppState,
    viewer: Option<&User>,
    title: &Title,
    q: &GamePostsQuery,
) -> Result<Page<PostView>> {
    let community = title_community(state, title, q.community_id).await?;
    let filters = filters(q)?;
    let hidden = match viewer {
        Some(v) => crate::cache::hidden(state, v.id).await?,
        None => Vec::new(),
    };
    if q.order == Some(plaza_types::api::game::GameOrder::Popular) {
        let limit = plaza_types::page_limit(q.limit);
        let ranked = state
            .empathy
            .popular(community.id, 7, q.cursor.clone(), limit)
            .await?;
        let ids: Vec<Id> = ranked.items.iter().map(|r| r.post_id).collect();
        let mut by_id: std::collections::HashMap<Id, Post> = state
            .timeline
            .posts(&ids)
            .await?
            .into_iter()
            .filter(|p| !p.deleted && !hidden.contains(&p.author_id) && matches(p, &filters))
            .map(|p| (p.id, p))
            .collect();
        let ordered = ids.iter().filter_map(|id| by_id.remove(id)).collect();
        return Ok(Page {
            items: super::join::posts(state, viewer.map(|v| v.id), ordered).await?,
            next_cursor: ranked.next_cursor,
        });
    }
    let query = PostQuery {
        community_id: Some(community.id),
        exclude_author_ids: hidden,
        cursor: q.cursor.clone(),
        limit: q.limit,
        ..filters
    };
    page_of(state, viewer, &query).await
}

/// A player's posts made from `title`'s games, newest first.
pub async fn player_posts(
    state: &AppState,
    viewer: Option<&User>,
    title: &Title,
    author: &User,
    cursor: Option<String>,
    limit: Option<u32>,
) -> Result<Page<PostView>> {
    if let Some(v) = viewer
        && crate::db::blocks::between(&state.db, v.id, author.id).await?
    {
        return Ok(Page {
            items: Vec::new(),
            next_cursor: None,
        });
    }
    let query = PostQuery {
        author_ids: Some(vec![author.id]),
        title_id: Some(title.title_id.clone()),
        cursor,
        limit,
        ..PostQuery::default()
    };
    page_of(state, viewer, &query).await
}

async fn page_of(
    state: &AppState,
    viewer: Option<&User>,
    query: &PostQuery,
) -> Result<Page<PostView>> {
    let page = state.timeline.query_posts(query).await?;
    Ok(Page {
        items: super::join::posts(state, viewer.map(|v| v.id), page.items).await?,
        next_cursor: page.next_cursor,
    })
}

/// The game filters as a timeline query (validated: a bad feeling is `invalid_feeling`).
fn filters(q: &GamePostsQuery) -> Result<PostQuery> {
    let nonblank = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    Ok(PostQuery {
        search_key: nonblank(&q.search_key),
        topic_tag: nonblank(&q.topic_tag),
        feeling: q.feeling.map(validate::feeling).transpose()?,
        without_spoilers: q.spoilers == Some(false),
        only_drawings: q.only_drawings == Some(true),
        ..PostQuery::default()
    })
}

/// Whether a post passes the filters of `f` (for ranked pages).
fn matches(p: &Post, f: &PostQuery) -> bool {
    let keys = p
        .game
        .as_ref()
        .map(|g| g.search_keys.as_slice())
        .unwrap_or_default();
    f.search_key.as_ref().is_none_or(|k| keys.contains(k))
        && f.topic_tag
            .as_ref()
            .is_none_or(|t| p.topic_tag.as_ref() == Some(t))
        && f.feeling.is_none_or(|x| p.feeling == x)
        && !(f.without_spoilers && p.spoiler)
        && !(f.only_drawings && p.drawing.is_none())
}

/// A post of `title` (in one of its communities): 404 `not_found` when missing or deleted,
/// 403 `community_not_in_title` when another title's.
pub async fn title_post(state: &AppState, title: &Title, post_id: Id) -> Result<Post> {
    let post = state.timeline.post(post_id).await?;
    if post.deleted {
        return Err(Error::NotFound("post"));
    }
    title_community(state, title, Some(post.community_id)).await?;
    Ok(post)
}

/// A post of `title` with its first page of comments, as `viewer` sees them.
pub async fn thread(
    state: &AppState,
    viewer: Option<&User>,
    title: &Title,
    post_id: Id,
    cursor: Option<String>,
) -> Result<(PostView, Page<crate::views::CommentView>)> {
    let post = title_post(state, title, post_id).await?;
    let view = post_view(state, viewer, post).await?;
    let comments = super::feeds::comments(state, viewer, post_id, cursor).await?;
    Ok((view, comments))
}

/// A player comments from a game on a post of `title`.
pub async fn comment(
    state: &AppState,
    user: &User,
    title: &Title,
    post_id: Id,
    input: &WriteInput,
    platform: &str,
) -> Result<crate::views::CommentView> {
    title_post(state, title, post_id).await?;
    super::posts::comment_view(state, user, post_id, input, platform).await
}

/// A player gives or takes back a Yeah from a game on a post of `title`.
pub async fn yeah(
    state: &AppState,
    user: &User,
    title: &Title,
    post_id: Id,
    give: bool,
) -> Result<plaza_types::empathy::YeahOutcome> {
    title_post(state, title, post_id).await?;
    super::posts::yeah(
        state,
        user,
        plaza_types::empathy::TargetKind::Post,
        post_id,
        give,
    )
    .await
}

/// A post as a game shows it (app_data as base64).
pub fn game_post(v: PostView) -> plaza_types::api::game::GamePost {
    use base64::Engine;
    let game = v.game.unwrap_or_default();
    plaza_types::api::game::GamePost {
        id: v.id,
        community_id: v.community.id,
        title_id: (!game.title_id.is_empty()).then_some(game.title_id),
        author: plaza_types::api::game::GamePlayer {
            id: v.author.id,
            username: v.author.username,
            display_name: v.author.display_name,
        },
        body: v.body,
        feeling: v.feeling,
        spoiler: v.spoiler,
        topic_tag: v.topic_tag,
        drawing_url: v.drawing_url,
        screenshot_url: v.screenshot_url,
        screenshot_thumb_url: v.screenshot_thumb_url,
        app_data: game
            .app_data
            .map(|d| base64::engine::general_purpose::STANDARD.encode(d)),
        search_keys: game.search_keys,
        is_autopost: game.is_autopost,
        is_app_jumpable: game.is_app_jumpable,
        yeah_count: v.yeah_count,
        yeahed_by_me: v.yeahed_by_me,
        comment_count: v.comment_count,
        created_at: v.created_at,
        url: v.url,
    }
}

/// A comment as a game shows it.
pub fn game_comment(c: crate::views::CommentView) -> plaza_types::api::game::GameComment {
    plaza_types::api::game::GameComment {
        id: c.id,
        post_id: c.post_id,
        author: plaza_types::api::game::GamePlayer {
            id: c.author.id,
            username: c.author.username,
            display_name: c.author.display_name,
        },
        body: c.body,
        feeling: c.feeling,
        spoiler: c.spoiler,
        drawing_url: c.drawing_url,
        yeah_count: c.yeah_count,
        created_at: c.created_at,
    }
}

/// A page of posts as a game shows them.
pub fn game_posts(page: Page<PostView>) -> plaza_types::api::game::GamePostList {
    plaza_types::api::game::GamePostList {
        posts: page.items.into_iter().map(game_post).collect(),
        next_cursor: page.next_cursor,
    }
}

/// The account named `username`: 404 `not_found` when there is none.
pub async fn player_named(state: &AppState, username: &str) -> Result<User> {
    crate::cache::user_by_name(state, username)
        .await?
        .ok_or(Error::NotFound("user"))
}
