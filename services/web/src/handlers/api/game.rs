//! The game API, `/api/v1/game/titles/{title_id}/...`: a game with its title's app key
//! (`X-Plaza-App-Key`) reads the title's posts, and with a player token (`Authorization: Bearer`)
//! posts, comments and gives Yeahs for that player. Reads answer with an `ETag` (a repeat with
//! `If-None-Match` gets `304`) and a short `Cache-Control: max-age`, because games poll.

use super::CursorQuery;
use crate::db::titles::{AppKey, Title};
use crate::db::users::User;
use crate::ops::{games, titles};
use crate::session::Session;
use crate::{AppState, Error, Result};
use axum::extract::{FromRequestParts, RawPathParams, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use plaza_http::{Json, Path, Query};
use plaza_types::Id;
use plaza_types::api::game::{
    APP_KEY_HEADER, GameCommentBody, GameCommentInput, GamePostBody, GamePostInput, GamePostList,
    GamePostThread, GamePostsQuery, GameTitleBody, GameYeah, PlayerLinkRequest,
    PlayerSignInRequest, PlayerToken,
};
use plaza_types::api::posts::WriteInput;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What a game API request carries: the title of its path, the app key checked for it, and
/// the player the bearer token names (checked for the title by [`GameClient::player`]).
#[derive(Debug)]
pub struct GameClient {
    pub title: Title,
    pub key: AppKey,
    account: Option<User>,
    token: Option<String>,
}

impl FromRequestParts<AppState> for GameClient {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| games::unknown_title())?;
        let title_id = params
            .iter()
            .find(|(name, _)| *name == "title_id")
            .map(|(_, v)| v.to_owned())
            .ok_or_else(games::unknown_title)?;
        // Without a key nothing else is looked at (not even whether the title exists).
        let sent = parts
            .headers
            .get(APP_KEY_HEADER)
            .and_then(|v| v.to_str().ok());
        games::require_key(sent)?;
        let title = games::title(state, &title_id).await?;
        let key = games::authenticate_key(state, &title, sent).await?;
        let session = Session::of(parts)?;
        Ok(GameClient {
            title,
            key,
            account: session.account.clone(),
            token: crate::auth::bearer_token(&parts.headers).map(str::to_owned),
        })
    }
}

impl GameClient {
    /// The player of the token, which must have been issued for this title.
    async fn player(&self, state: &AppState) -> Result<User> {
        titles::check_player(
            state,
            &self.title,
            self.account.as_ref(),
            self.token.as_deref(),
        )
        .await
    }

    /// The player when a token was sent (reads work without one).
    async fn viewer(&self, state: &AppState) -> Result<Option<User>> {
        match self.token {
            Some(_) => self.player(state).await.map(Some),
            None => Ok(None),
        }
    }
}

/// How long a game may reuse a read without asking again.
const MAX_AGE_SECS: u32 = 5;

/// `value` as JSON with an `ETag` of its bytes; `304 Not Modified` when the request's
/// `If-None-Match` names that tag.
fn cached<T: Serialize>(headers: &HeaderMap, value: &T) -> Response {
    let body = match serde_json::to_vec(value) {
        Ok(b) => b,
        Err(e) => return Error::Internal(e.into()).into_response(),
    };
    let digest = hex::encode(Sha256::digest(&body));
    let etag = format!("\"{}\"", &digest[..32]);
    let matched = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == etag || t == "*")
        });
    let mut response = if matched {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    };
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("private, max-age={MAX_AGE_SECS}")) {
        h.insert(header::CACHE_CONTROL, v);
    }
    h.insert(
        header::VARY,
        HeaderValue::from_static("authorization, x-plaza-app-key"),
    );
    response
}

/// What games record as the platform of what they write.
const PLATFORM: &str = "game";

/// The title and its communities
#[utoipa::path(get, operation_id = "game_title", path = "/game/titles/{title_id}", tag = "game",
    security(("app_key" = [])), params(("title_id" = String, Path, description = "16 hex digits")),
    responses((status = 200, description = "OK (ETag; 304 on If-None-Match)", body = GameTitleBody)))]
pub async fn show_title(
    State(state): State<AppState>,
    game: GameClient,
    headers: HeaderMap,
) -> Result<Response> {
    let title = titles::view(&state, &game.title).await?;
    Ok(cached(&headers, &GameTitleBody { title }))
}

/// Link a player with the code from their settings: a player token
#[utoipa::path(post, operation_id = "game_link_player", path = "/game/titles/{title_id}/link", tag = "game",
    security(("app_key" = [])), params(("title_id" = String, Path)), request_body = PlayerLinkRequest,
    responses((status = 201, description = "Created", body = PlayerToken)))]
pub async fn link(
    State(state): State<AppState>,
    game: GameClient,
    Json(req): Json<PlayerLinkRequest>,
) -> Result<(StatusCode, Json<PlayerToken>)> {
    let token = titles::link_player(&state, &game.title, &game.key, &req.code).await?;
    Ok((StatusCode::CREATED, Json(token)))
}

/// Sign a player in with their username and password: a player token
#[utoipa::path(post, operation_id = "game_sign_in", path = "/game/titles/{title_id}/sessions", tag = "game",
    security(("app_key" = [])), params(("title_id" = String, Path)), request_body = PlayerSignInRequest,
    responses((status = 201, description = "Created", body = PlayerToken)))]
pub async fn sign_in(
    State(state): State<AppState>,
    crate::client::ClientIp(client): crate::client::ClientIp,
    game: GameClient,
    Json(req): Json<PlayerSignInRequest>,
) -> Result<(StatusCode, Json<PlayerToken>)> {
    let token = titles::sign_in_player(
        &state,
        &game.title,
        &game.key,
        &req.username,
        &req.password,
        client,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(token)))
}

/// The title's posts, newest or popular, with filters
#[utoipa::path(get, operation_id = "game_posts", path = "/game/titles/{title_id}/posts", tag = "game",
    security(("app_key" = []), ("app_key" = [], "bearer" = [])), params(("title_id" = String, Path), GamePostsQuery),
    responses((status = 200, description = "OK (ETag; 304 on If-None-Match)", body = GamePostList)))]
pub async fn posts(
    State(state): State<AppState>,
    game: GameClient,
    headers: HeaderMap,
    Query(q): Query<GamePostsQuery>,
) -> Result<Response> {
    let viewer = game.viewer(&state).await?;
    let page = games::list_posts(&state, viewer.as_ref(), &game.title, &q).await?;
    Ok(cached(&headers, &games::game_posts(page)))
}

/// Post from a game for the player
#[utoipa::path(post, operation_id = "game_create_post", path = "/game/titles/{title_id}/posts", tag = "game",
    security(("app_key" = [], "bearer" = [])), params(("title_id" = String, Path)), request_body = GamePostInput,
    responses((status = 201, description = "Created", body = GamePostBody)))]
pub async fn create_post(
    State(state): State<AppState>,
    game: GameClient,
    Json(input): Json<GamePostInput>,
) -> Result<(StatusCode, Json<GamePostBody>)> {
    let user = game.player(&state).await?;
    let write = games::GameWrite {
        write: WriteInput {
            body: input.body,
            feeling: input.feeling,
            spoiler: input.spoiler,
            topic_tag: input.topic_tag,
            painting: input.painting,
            drawing_alt: None,
            screenshot: input.screenshot,
            screenshot_type: input.screenshot_type,
        },
        app_data: games::decode_app_data(input.app_data.as_deref())?,
        search_keys: input.search_keys,
        is_autopost: input.is_autopost,
        is_app_jumpable: input.is_app_jumpable,
    };
    let post = games::create_post(
        &state,
        &user,
        &game.title,
        input.community_id,
        &write,
        PLATFORM,
    )
    .await?;
    let view = games::post_view(&state, Some(&user), post).await?;
    Ok((
        StatusCode::CREATED,
        Json(GamePostBody {
            post: games::game_post(view),
        }),
    ))
}

/// A post of the title with its comments
#[utoipa::path(get, operation_id = "game_post", path = "/game/titles/{title_id}/posts/{id}", tag = "game",
    security(("app_key" = []), ("app_key" = [], "bearer" = [])), params(("title_id" = String, Path), ("id" = Id, Path), CursorQuery),
    responses((status = 200, description = "OK (ETag; 304 on If-None-Match)", body = GamePostThread)))]
pub async fn show_post(
    State(state): State<AppState>,
    game: GameClient,
    headers: HeaderMap,
    Path(path): Path<(String, Id)>,
    Query(q): Query<CursorQuery>,
) -> Result<Response> {
    let id = path.1;
    let viewer = game.viewer(&state).await?;
    let (post, comments) =
        games::thread(&state, viewer.as_ref(), &game.title, id, q.cursor).await?;
    Ok(cached(
        &headers,
        &GamePostThread {
            post: games::game_post(post),
            comments: comments
                .items
                .into_iter()
                .map(games::game_comment)
                .collect(),
            next_cursor: comments.next_cursor,
        },
    ))
}

/// Comment on a post of the title for the player
#[utoipa::path(post, operation_id = "game_comment", path = "/game/titles/{title_id}/posts/{id}/comments", tag = "game",
    security(("app_key" = [], "bearer" = [])), params(("title_id" = String, Path), ("id" = Id, Path)), request_body = GameCommentInput,
    responses((status = 201, description = "Created", body = GameCommentBody)))]
pub async fn comment(
    State(state): State<AppState>,
    game: GameClient,
    Path(path): Path<(String, Id)>,
    Json(input): Json<GameCommentInput>,
) -> Result<(StatusCode, Json<GameCommentBody>)> {
    let id = path.1;
    let user = game.player(&state).await?;
    let write = WriteInput {
        body: input.body,
        feeling: input.feeling,
        spoiler: input.spoiler,
        painting: input.painting,
        ..WriteInput::default()
    };
    let comment = games::comment(&state, &user, &game.title, id, &write, PLATFORM).await?;
    Ok((
        StatusCode::CREATED,
        Json(GameCommentBody {
            comment: games::game_comment(comment),
        }),
    ))
}

async fn yeah(state: &AppState, game: GameClient, id: Id, give: bool) -> Result<Json<GameYeah>> {
    let user = game.player(state).await?;
    let outcome = games::yeah(state, &user, &game.title, id, give).await?;
    Ok(Json(GameYeah {
        yeahed: give,
        yeah_count: outcome.count,
    }))
}

/// Give a post of the title a Yeah for the player
#[utoipa::path(put, operation_id = "game_yeah", path = "/game/titles/{title_id}/posts/{id}/yeah", tag = "game",
    security(("app_key" = [], "bearer" = [])), params(("title_id" = String, Path), ("id" = Id, Path)),
    responses((status = 200, description = "OK", body = GameYeah)))]
pub async fn yeah_post(
    State(state): State<AppState>,
    game: GameClient,
    Path(path): Path<(String, Id)>,
) -> Result<Json<GameYeah>> {
    yeah(&state, game, path.1, true).await
}

/// Take back the player's Yeah on a post of the title
#[utoipa::path(delete, operation_id = "game_unyeah", path = "/game/titles/{title_id}/posts/{id}/yeah", tag = "game",
    security(("app_key" = [], "bearer" = [])), params(("title_id" = String, Path), ("id" = Id, Path)),
    responses((status = 200, description = "OK", body = GameYeah)))]
pub async fn unyeah_post(
    State(state): State<AppState>,
    game: GameClient,
    Path(path): Path<(String, Id)>,
) -> Result<Json<GameYeah>> {
    yeah(&state, game, path.1, false).await
}

/// A player's posts made from this title
#[utoipa::path(get, operation_id = "game_player_posts", path = "/game/titles/{title_id}/players/{username}/posts", tag = "game",
    security(("app_key" = []), ("app_key" = [], "bearer" = [])), params(("title_id" = String, Path), ("username" = String, Path), CursorQuery),
    responses((status = 200, description = "OK (ETag; 304 on If-None-Match)", body = GamePostList)))]
pub async fn player_posts(
    State(state): State<AppState>,
    game: GameClient,
    headers: HeaderMap,
    Path(path): Path<(String, String)>,
    Query(q): Query<CursorQuery>,
) -> Result<Response> {
    let viewer = game.viewer(&state).await?;
    let author = games::player_named(&state, &path.1).await?;
    let page = games::player_posts(
        &state,
        viewer.as_ref(),
        &game.title,
        &author,
        q.cursor,
        None,
    )
    .await?;
    Ok(cached(&headers, &games::game_posts(page)))
}

/// The signed-in player's own posts made from this title
#[utoipa::path(get, operation_id = "game_my_posts", path = "/game/titles/{title_id}/me/posts", tag = "game",
    security(("app_key" = [], "bearer" = [])), params(("title_id" = String, Path), CursorQuery),
    responses((status = 200, description = "OK (ETag; 304 on If-None-Match)", body = GamePostList)))]
pub async fn my_posts(
    State(state): State<AppState>,
    game: GameClient,
    headers: HeaderMap,
    Query(q): Query<CursorQuery>,
) -> Result<Response> {
    let user = game.player(&state).await?;
    let page = games::player_posts(&state, Some(&user), &game.title, &user, q.cursor, None).await?;
    Ok(cached(&headers, &games::game_posts(page)))
}
