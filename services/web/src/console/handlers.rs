//! The console API's endpoints. Each reads the console (ParamPack, title, linked account) with
//! the [`Console`] extractor and goes through `ops`, as the JSON API does.

use super::auth::Console;
use super::form::{self, param};
use super::xml::Doc;
use super::{ConsoleError, ConsoleResult, views};
use crate::AppState;
use crate::ops::{consoles, games, posts, titles};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, RawPathParams, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use plaza_types::api::game::{GameOrder, GamePostsQuery};

/// The most posts one page holds.
pub const PAGE_MAX: u32 = 50;

/// The first path parameter (the routes have one).
fn path_param(params: &RawPathParams) -> &str {
    params.iter().next().map(|(_, v)| v).unwrap_or_default()
}

/// `GET /v1/endpoint`: discovery. Names the host of the API and of the portal (both this site),
/// from the configured public URL. Needs no token, so a client can find Plaza before linking.
pub async fn endpoint(State(state): State<AppState>) -> Doc {
    let host = host_of(&state.config.public_url);
    let mut doc = Doc::ok("endpoint");
    doc.open("endpoint");
    doc.text("host", &host);
    doc.text("api_host", &host);
    doc.text("portal_host", &host);
    doc.text("n3ds_host", &host);
    doc.close();
    doc
}

/// `host[:port]` of a URL (the text itself when it is not one).
fn host_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            _ => url.to_owned(),
        },
        Err(_) => url.to_owned(),
    }
}

fn community(doc: &mut Doc, c: &plaza_types::api::game::GameCommunity, title_id: Option<u64>) {
    doc.open("community");
    doc.text("community_id", c.id);
    doc.text("name", &c.name);
    doc.text("description", &c.description);
    doc.text_or_empty("title_id", title_id);
    // 0 is a title's main community, 1 a sub-community, as consoles read `type`.
    doc.text("type", if c.is_main { 0 } else { 1 });
    doc.flag("is_main", c.is_main);
    doc.text("url", &c.url);
    doc.close();
}

/// `GET /v1/communities`: the running title's communities, the main one first.
pub async fn communities(State(state): State<AppState>, console: Console) -> ConsoleResult<Doc> {
    let title = titles::view(&state, &console.title).await?;
    let title_id = views::decimal_title_id(&title.title_id);
    let mut doc = Doc::ok("communities");
    doc.open("communities");
    for c in &title.communities {
        community(&mut doc, c, title_id);
    }
    doc.close();
    Ok(doc)
}

/// The list filters consoles send: `limit` (1 to 50), `search_key`, `topic_tag`, `feeling_id`,
/// `allow_spoiler` (0 hides spoilers), `type=memo` (only drawings), `order` (`new` or
/// `popular`), `cursor`. Unknown parameters are ignored.
fn list_query(
    raw: Option<&str>,
    community_id: Option<plaza_types::Id>,
) -> ConsoleResult<GamePostsQuery> {
    let q = form::query(raw);
    let limit = param(&q, "limit")
        .map(|v| form::number::<u32>("invalid_limit", "limit", v))
        .transpose()?;
    if limit.is_some_and(|l| l == 0 || l > PAGE_MAX) {
        return Err(ConsoleError::bad_request(
            "invalid_limit",
            format!("limit is 1 to {PAGE_MAX}."),
        ));
    }
    let order = match param(&q, "order") {
        None | Some("new") => None,
        Some("popular") => Some(GameOrder::Popular),
        Some(_) => {
            return Err(ConsoleError::bad_request(
                "invalid_order",
                "order is new or popular.",
            ));
        }
    };
    let only_drawings = match param(&q, "type") {
        None => None,
        Some("memo") => Some(true),
        Some(_) => {
            return Err(ConsoleError::bad_request(
                "invalid_type",
                "type is memo (only drawings) or absent.",
            ));
        }
    };
    Ok(GamePostsQuery {
        community_id,
        order,
        search_key: param(&q, "search_key").map(str::to_owned),
        topic_tag: param(&q, "topic_tag").map(str::to_owned),
        feeling: param(&q, "feeling_id")
            .map(|v| form::number::<i64>("invalid_feeling", "feeling_id", v))
            .transpose()?,
        spoilers: param(&q, "allow_spoiler")
            .map(|v| form::flag("allow_spoiler", v))
            .transpose()?,
        only_drawings,
        limit: Some(limit.unwrap_or(20)),
        cursor: param(&q, "cursor").map(str::to_owned),
    })
}

fn next_cursor(doc: &mut Doc, cursor: Option<&str>) {
    doc.text_or_empty("next_cursor", cursor);
}

/// `GET /v1/communities/{id}/posts`: a community of the running title (0 = its main one).
pub async fn community_posts(
    State(state): State<AppState>,
    console: Console,
    path: RawPathParams,
    RawQuery(raw): RawQuery,
) -> ConsoleResult<Doc> {
    let community_id = form::community_id(path_param(&path))?;
    let q = list_query(raw.as_deref(), community_id)?;
    let page = games::list_posts(&state, Some(&console.user), &console.title, &q).await?;
    let community = games::title_community(&state, &console.title, community_id).await?;
    let shown = views::posts(&state, page.items).await?;
    let mut doc = Doc::ok("posts");
    doc.open("topic");
    doc.text("community_id", community.id);
    doc.close();
    views::post_list(&mut doc, &shown);
    next_cursor(&mut doc, page.next_cursor.as_deref());
    Ok(doc)
}

/// `POST /v1/posts`: a new post from the console, made by the same path as the game API's.
pub async fn create_post(
    State(state): State<AppState>,
    console: Console,
    form: Result<Multipart, MultipartRejection>,
) -> ConsoleResult<Response> {
    let form = form.map_err(|_| {
        ConsoleError::bad_request("invalid_multipart", "Send the post as multipart/form-data.")
    })?;
    let new = form::new_post(form).await?;
    let post = games::create_post(
        &state,
        &console.user,
        &console.title,
        new.community_id,
        &new.write,
        console.pack.platform.name(),
    )
    .await?;
    let view = games::post_view(&state, Some(&console.user), post).await?;
    let shown = views::posts(&state, vec![view]).await?;
    let mut doc = Doc::ok("posts");
    for p in &shown {
        views::post(&mut doc, p);
    }
    Ok(doc.respond(StatusCode::CREATED))
}

/// `GET /v1/posts/{id}/replies`: a post of the running title and its replies (comments).
pub async fn replies(
    State(state): State<AppState>,
    console: Console,
    path: RawPathParams,
    RawQuery(raw): RawQuery,
) -> ConsoleResult<Doc> {
    let post_id = form::post_id(path_param(&path))?;
    let q = form::query(raw.as_deref());
    let cursor = param(&q, "cursor").map(str::to_owned);
    let (post, comments) =
        games::thread(&state, Some(&console.user), &console.title, post_id, cursor).await?;
    let post = views::posts(&state, vec![post]).await?;
    let replies = views::replies(&state, comments.items).await?;
    let mut doc = Doc::ok("replies");
    for p in &post {
        views::post(&mut doc, p);
    }
    doc.open("posts");
    for r in &replies {
        views::reply(&mut doc, r);
    }
    doc.close();
    next_cursor(&mut doc, comments.next_cursor.as_deref());
    Ok(doc)
}

/// `POST /v1/posts/{id}/empathies` (`GIVE`) gives the post a Yeah;
/// `POST /v1/posts/{id}/empathies.delete` takes it back.
pub async fn empathy<const GIVE: bool>(
    State(state): State<AppState>,
    console: Console,
    path: RawPathParams,
) -> ConsoleResult<Doc> {
    let post_id = form::post_id(path_param(&path))?;
    let outcome = games::yeah(&state, &console.user, &console.title, post_id, GIVE).await?;
    let mut doc = Doc::ok("empathies");
    doc.text("post_id", post_id);
    doc.text("empathy_count", outcome.count);
    doc.flag("empathy_added", GIVE);
    Ok(doc)
}

/// `POST /v1/posts/{id}.delete`: deletes the player's own post.
pub async fn delete_post(
    State(state): State<AppState>,
    console: Console,
    path: RawPathParams,
) -> ConsoleResult<Doc> {
    let Some(id) = path_param(&path).strip_suffix(".delete") else {
        return Err(not_found_error());
    };
    let post_id = form::post_id(id)?;
    games::title_post(&state, &console.title, post_id).await?;
    let post = posts::delete_post(&state, &console.user, post_id).await?;
    let mut doc = Doc::ok("posts.delete");
    doc.text("post_id", post.id);
    Ok(doc)
}

/// `GET /v1/people`: a player's posts in the running title (`pid`, or the console's own player),
/// newest first.
pub async fn people(
    State(state): State<AppState>,
    console: Console,
    RawQuery(raw): RawQuery,
) -> ConsoleResult<Doc> {
    let q = form::query(raw.as_deref());
    let author = match param(&q, "pid") {
        Some(pid) => {
            let id = form::number::<i64>("invalid_pid", "pid", pid)?;
            consoles::player(&state, plaza_types::Id(id)).await?
        }
        None => console.user.clone(),
    };
    let limit = list_query(raw.as_deref(), None)?.limit;
    let cursor = param(&q, "cursor").map(str::to_owned);
    let page = games::player_posts(
        &state,
        Some(&console.user),
        &console.title,
        &author,
        cursor,
        limit,
    )
    .await?;
    let shown = views::posts(&state, page.items).await?;
    let mut doc = Doc::ok("people");
    doc.open("people");
    doc.open("person");
    doc.text("pid", author.id);
    doc.text("screen_name", &author.display_name);
    doc.text("user_name", &author.username);
    views::post_list(&mut doc, &shown);
    doc.close();
    doc.close();
    next_cursor(&mut doc, page.next_cursor.as_deref());
    Ok(doc)
}

/// How many recent posts each topic shows.
const TOPIC_POSTS: u32 = 3;

/// `GET /v1/topics`: the running title's communities as topics, each with its newest posts.
pub async fn topics(State(state): State<AppState>, console: Console) -> ConsoleResult<Doc> {
    let title = titles::view(&state, &console.title).await?;
    let title_id = views::decimal_title_id(&title.title_id);
    let mut doc = Doc::ok("topics");
    doc.open("topics");
    for c in &title.communities {
        let q = GamePostsQuery {
            community_id: Some(c.id),
            limit: Some(TOPIC_POSTS),
            ..GamePostsQuery::default()
        };
        let page = games::list_posts(&state, Some(&console.user), &console.title, &q).await?;
        let shown = views::posts(&state, page.items).await?;
        doc.open("topic");
        community(&mut doc, c, title_id);
        views::post_list(&mut doc, &shown);
        doc.close();
    }
    doc.close();
    Ok(doc)
}

fn not_found_error() -> ConsoleError {
    ConsoleError::refused(
        StatusCode::NOT_FOUND,
        "no_route",
        "There is no such console API endpoint.",
    )
}

/// Anything else under `/v1/`: an XML 404.
pub async fn not_found() -> ConsoleError {
    not_found_error()
}

/// A known path with a method it does not take: an XML 405.
pub async fn method_not_allowed() -> ConsoleError {
    ConsoleError::refused(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "This console API endpoint does not take that method.",
    )
}
