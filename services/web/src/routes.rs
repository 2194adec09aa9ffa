//! Every URL of the web service: pages, the JSON API, static files and health.

use crate::AppState;
use crate::handlers::api::{
    accounts, communities, consoles, filters, game, game_admin, moderation, notifications,
    own_data, posts, release, users,
};
use crate::handlers::{health, pages};
use axum::Router;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use plaza_http::{ErrorResponse, ServiceName, common_layers};

/// The web service's router.
pub fn app(state: AppState) -> Router {
    let body_limit = state.config.body_limit;
    // The pages and the API: every request resolves its session once (`session::resolve`),
    // and error pages are rendered outside that, in the language it chose.
    let site = Router::new()
        .nest(
            "/api/v1",
            api().layer(middleware::from_fn_with_state(
                state.clone(),
                crate::idempotency::replay_writes,
            )),
        )
        .merge(pages().layer(middleware::from_fn_with_state(
            state.clone(),
            crate::idempotency::replay_page_writes,
        )))
        .fallback(fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::session::resolve,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::causal::read_your_writes,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            pages::errors::render_error_pages,
        ));
    let router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/static/plaza.css", get(stylesheet))
        .route("/static/plaza.js", get(script))
        .route("/media/{*key}", get(crate::media::serve))
        // The console API (XML), outside the pages' sessions and error pages.
        .nest(
            "/v1",
            crate::console::routes().layer(middleware::from_fn_with_state(
                state.clone(),
                crate::forward::console_writes,
            )),
        )
        .merge(site)
        .layer(middleware::from_fn(crate::headers::protective_headers))
        // Inside the common layers, so writes detached from their connection keep it too.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::client::client_address,
        ))
        .with_state(state);
    common_layers(router, ServiceName("web"), body_limit)
}

fn api() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(crate::openapi::document))
        .route("/accounts", post(accounts::sign_up))
        .route("/sessions", post(accounts::sign_in))
        .route(
            "/sessions/current",
            axum::routing::delete(accounts::sign_out),
        )
        .route(
            "/me",
            get(accounts::me)
                .patch(accounts::update_me)
                .delete(own_data::delete_account),
        )
        .route("/me/export", get(own_data::export))
        .route("/me/password", put(accounts::change_password))
        .route(
            "/me/sessions",
            get(accounts::list_sessions).delete(accounts::revoke_all_sessions),
        )
        .route(
            "/me/sessions/{id}",
            axum::routing::delete(accounts::revoke_session),
        )
        .route("/me/consoles", get(consoles::index).post(consoles::link))
        .route("/me/consoles/{id}", axum::routing::delete(consoles::unlink))
        .route(
            "/communities",
            get(communities::index).post(communities::create),
        )
        .route(
            "/communities/{id}",
            get(communities::show).patch(communities::update),
        )
        .route(
            "/communities/{id}/favourite",
            put(communities::favourite).delete(communities::unfavourite),
        )
        .route(
            "/communities/{id}/posts",
            get(communities::posts)
                .post(communities::create_post)
                .layer(
                    // A screenshot (8 MiB) travels as base64 inside the JSON.
                    axum::extract::DefaultBodyLimit::max(12 * 1024 * 1024),
                ),
        )
        .route("/communities/{id}/posts/popular", get(communities::popular))
        .route("/posts/{id}", get(posts::show).delete(posts::delete))
        .route(
            "/posts/{id}/comments",
            get(posts::comments).post(posts::comment),
        )
        .route(
            "/posts/{id}/yeah",
            put(posts::yeah_post).delete(posts::unyeah_post),
        )
        .route("/posts/{id}/yeahs", get(posts::yeahs))
        .route(
            "/comments/{id}",
            axum::routing::delete(posts::delete_comment),
        )
        .route(
            "/comments/{id}/yeah",
            put(posts::yeah_comment).delete(posts::unyeah_comment),
        )
        .route("/users/{name}", get(users::show))
        .route("/users/{name}/posts", get(users::posts))
        .route("/users/{name}/yeahs", get(users::yeahs))
        .route("/users/{name}/following", get(users::following))
        .route("/users/{name}/followers", get(users::followers))
        .route("/users/{name}/favourites", get(users::user_favourites))
        .route(
            "/users/{name}/follow",
            put(users::follow).delete(users::unfollow),
        )
        .route(
            "/users/{name}/block",
            put(users::block).delete(users::unblock),
        )
        .route("/feeds/activity", get(users::activity))
        .route("/notifications", get(notifications::index))
        .route("/notifications/unread_count", get(notifications::unread))
        .route("/notifications/stream", get(notifications::stream))
        .route("/notifications/read", post(notifications::mark_read))
        .route("/me/game_link_code", post(game_admin::link_code))
        .route(
            "/admin/titles",
            get(game_admin::index).post(game_admin::register),
        )
        .route("/admin/titles/{title_id}", get(game_admin::show))
        .route(
            "/admin/titles/{title_id}/communities",
            post(game_admin::add_community),
        )
        .route(
            "/admin/titles/{title_id}/app_keys",
            get(game_admin::keys).post(game_admin::issue_key),
        )
        .route("/admin/app_keys/{id}/revoke", post(game_admin::revoke_key))
        .route("/admin/app_keys/{id}/rotate", post(game_admin::rotate_key))
        .route("/game/titles/{title_id}", get(game::show_title))
        .route("/game/titles/{title_id}/link", post(game::link))
        .route("/game/titles/{title_id}/sessions", post(game::sign_in))
        .route(
            "/game/titles/{title_id}/posts",
            get(game::posts).post(game::create_post).layer(
                // A screenshot (8 MiB) travels as base64 inside the JSON.
                axum::extract::DefaultBodyLimit::max(12 * 1024 * 1024),
            ),
        )
        .route("/game/titles/{title_id}/posts/{id}", get(game::show_post))
        .route(
            "/game/titles/{title_id}/posts/{id}/comments",
            post(game::comment),
        )
        .route(
            "/game/titles/{title_id}/posts/{id}/yeah",
            put(game::yeah_post).delete(game::unyeah_post),
        )
        .route(
            "/game/titles/{title_id}/players/{username}/posts",
            get(game::player_posts),
        )
        .route("/game/titles/{title_id}/me/posts", get(game::my_posts))
        .route(
            "/admin/word_filters",
            get(filters::list_words).post(filters::add_word),
        )
        .route(
            "/admin/word_filters/{id}",
            axum::routing::delete(filters::remove_word),
        )
        .route(
            "/admin/banned_ranges",
            get(filters::list_ranges).post(filters::add_range),
        )
        .route(
            "/admin/banned_ranges/{id}",
            axum::routing::delete(filters::remove_range),
        )
        .route("/reports", post(moderation::report))
        .route("/moderation/queue", get(moderation::queue))
        .route(
            "/moderation/posts/{id}/actions",
            post(moderation::act_on_post),
        )
        .route(
            "/moderation/comments/{id}/actions",
            post(moderation::act_on_comment),
        )
        .route(
            "/moderation/accounts/{name}/actions",
            post(moderation::act_on_account),
        )
        .route("/moderation/log", get(moderation::log))
        .route(
            "/moderation/moderators",
            get(moderation::moderators).post(moderation::appoint),
        )
        .route(
            "/moderation/moderators/{id}",
            axum::routing::delete(moderation::remove_moderator),
        )
        .route("/notices/{id}", get(moderation::notice))
        .route("/admin/release", get(release::report))
        .route("/admin/preview", post(release::choose))
}

fn pages() -> Router<AppState> {
    use pages::{admin, auth, community, home, me, moderation, post as post_pages, titles, user};
    Router::new()
        .route("/", get(home::home))
        .route("/communities", get(home::communities))
        .route("/titles/{title_id}", get(titles::show))
        .route("/titles/{title_id}/{id}", get(community::show))
        .route(
            "/titles/{title_id}/{id}/posts",
            post(community::create_post)
                .layer(axum::extract::DefaultBodyLimit::max(12 * 1024 * 1024)),
        )
        .route(
            "/titles/{title_id}/{id}/favourite",
            post(community::favourite),
        )
        .route("/posts/{id}", get(post_pages::show))
        .route("/posts/{id}/comments", post(post_pages::comment))
        .route("/posts/{id}/yeah", post(post_pages::yeah::<false>))
        .route("/posts/{id}/delete", post(post_pages::delete::<false>))
        .route("/comments/{id}", get(post_pages::comment_link))
        .route("/comments/{id}/yeah", post(post_pages::yeah::<true>))
        .route("/comments/{id}/delete", post(post_pages::delete::<true>))
        .route("/users/{name}", get(user::posts))
        .route("/users/{name}/{tab}", get(user::tab))
        .route("/users/{name}/follow", post(user::relation::<false>))
        .route("/users/{name}/block", post(user::relation::<true>))
        .route("/activity", get(me::activity))
        .route("/notifications", get(me::notifications))
        .route("/notifications/read", post(me::mark_read))
        .route("/notifications/unread.json", get(me::unread))
        .route("/notifications/stream", get(me::stream))
        .route("/settings", get(me::settings).post(me::save_settings))
        .route("/settings/password", post(me::change_password))
        .route("/settings/sessions/{id}/revoke", post(me::revoke_session))
        .route(
            "/settings/sessions/revoke_all",
            post(me::revoke_all_sessions),
        )
        .route("/settings/export", get(pages::own_data::export))
        .route(
            "/settings/delete",
            get(pages::own_data::confirm).post(pages::own_data::delete),
        )
        .route(
            "/settings/consoles",
            get(pages::consoles::index).post(pages::consoles::link),
        )
        .route(
            "/settings/consoles/{id}/unlink",
            post(pages::consoles::unlink),
        )
        .route("/language", post(me::choose_language))
        .route(
            "/signup",
            get(auth::form_page::<true>).post(auth::submit::<true>),
        )
        .route(
            "/signin",
            get(auth::form_page::<false>).post(auth::submit::<false>),
        )
        .route("/signout", post(auth::signout))
        .route(
            "/report",
            get(moderation::report_form).post(moderation::report),
        )
        .route("/moderation", get(moderation::queue))
        .route("/moderation/log", get(moderation::log))
        .route("/moderation/{kind}/{id}", post(moderation::act))
        .route(
            "/admin/moderators",
            get(moderation::moderators).post(moderation::appoint),
        )
        .route("/admin/moderators/{id}/remove", post(moderation::remove))
        .route("/notices/{id}", get(moderation::notice))
        .route(
            "/admin/release",
            get(pages::release::show).post(pages::release::choose),
        )
        .route("/admin/communities", get(admin::index).post(admin::create))
        .route(
            "/admin/communities/{id}/edit",
            get(admin::edit).post(admin::update),
        )
        .route(
            "/admin/titles",
            get(titles::admin_index).post(titles::admin_register),
        )
        .route("/admin/titles/{title_id}", get(titles::admin_show))
        .route(
            "/admin/titles/{title_id}/communities",
            post(titles::admin_add_community),
        )
        .route(
            "/admin/titles/{title_id}/app_keys",
            post(titles::admin_issue_key),
        )
        .route(
            "/admin/app_keys/{id}/revoke",
            post(titles::admin_revoke_key),
        )
        .route(
            "/admin/app_keys/{id}/rotate",
            post(titles::admin_rotate_key),
        )
        .route(
            "/settings/games",
            get(titles::settings).post(titles::new_code),
        )
        .route(
            "/admin/word_filters",
            get(pages::filters::words).post(pages::filters::add_word),
        )
        .route(
            "/admin/word_filters/{id}/delete",
            post(pages::filters::remove_word),
        )
        .route(
            "/admin/banned_ranges",
            get(pages::filters::ranges).post(pages::filters::add_range),
        )
        .route(
            "/admin/banned_ranges/{id}/delete",
            post(pages::filters::remove_range),
        )
}

async fn fallback(req: Request) -> Response {
    if req.uri().path().starts_with("/api/") {
        ErrorResponse::new(
            StatusCode::NOT_FOUND,
            "no_route",
            "There is no such API endpoint.",
        )
        .into_response()
    } else {
        pages::not_found().await
    }
}

async fn method_not_allowed() -> Response {
    ErrorResponse::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "This endpoint does not take that method.",
    )
    .into_response()
}

const CSS: &str = include_str!("../../../static/plaza.css");
const JS: &str = include_str!("../../../static/plaza.js");

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
        .into_response()
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        JS,
    )
        .into_response()
}
