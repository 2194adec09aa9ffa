//! The OpenAPI description of `/api/v1`, generated from the handlers' `#[utoipa::path]`s and the
//! shapes in `plaza_types::api`. Served at `/api/v1/openapi.json`; the committed copy in
//! `docs/openapi.json` is checked against it by a test (`PLAZA_UPDATE_OPENAPI=1 cargo test -p
//! plaza-web openapi` rewrites it).

use crate::handlers::api::{
    accounts, communities, consoles, filters, game, game_admin, moderation, notifications,
    own_data, posts, release, users,
};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use plaza_types::ErrorBody;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi, ToSchema};

const DESCRIPTION: &str = "The public JSON API of Plaza. Ids are decimal strings; times are RFC \
3339 UTC; lists are keyset-paginated with an opaque next_cursor; errors are {\"error\": code, \
\"message\": text} with the matching HTTP status (400 malformed, 401 unauthenticated, 403 \
forbidden, 404 not found, 409 conflict, 413 too large, 415 wrong content type, 422 invalid).";

/// The document: every operation of `/api/v1`, in the order the router lists them.
#[derive(OpenApi)]
#[openapi(
    info(title = "Plaza API", version = "1.0.0", description = DESCRIPTION),
    servers((url = "/api/v1")),
    paths(
        document,
        accounts::sign_up,
        accounts::sign_in,
        accounts::sign_out,
        accounts::me,
        accounts::update_me,
        own_data::delete_account,
        own_data::export,
        accounts::change_password,
        accounts::list_sessions,
        accounts::revoke_all_sessions,
        accounts::revoke_session,
        consoles::index,
        consoles::link,
        consoles::unlink,
        communities::index,
        communities::create,
        communities::show,
        communities::update,
        communities::favourite,
        communities::unfavourite,
        communities::posts,
        communities::create_post,
        communities::popular,
        posts::show,
        posts::delete,
        posts::comments,
        posts::comment,
        posts::yeah_post,
        posts::unyeah_post,
        posts::yeahs,
        posts::delete_comment,
        posts::yeah_comment,
        posts::unyeah_comment,
        users::show,
        users::posts,
        users::yeahs,
        users::following,
        users::followers,
        users::user_favourites,
        users::follow,
        users::unfollow,
        users::block,
        users::unblock,
        users::activity,
        notifications::index,
        notifications::unread,
        notifications::mark_read,
        notifications::stream,
        game_admin::link_code,
        game_admin::index,
        game_admin::register,
        game_admin::show,
        game_admin::add_community,
        game_admin::keys,
        game_admin::issue_key,
        game_admin::revoke_key,
        game_admin::rotate_key,
        game::show_title,
        game::link,
        game::sign_in,
        game::posts,
        game::create_post,
        game::show_post,
        game::comment,
        game::yeah_post,
        game::unyeah_post,
        game::player_posts,
        game::my_posts,
        filters::list_words,
        filters::add_word,
        filters::remove_word,
        filters::list_ranges,
        filters::add_range,
        filters::remove_range,
        moderation::report,
        moderation::queue,
        moderation::act_on_post,
        moderation::act_on_comment,
        moderation::act_on_account,
        moderation::log,
        moderation::moderators,
        moderation::appoint,
        moderation::remove_moderator,
        moderation::notice,
        release::report,
        release::choose,
    ),
    components(schemas(ErrorBody)),
    modifiers(&Contract)
)]
pub struct ApiDoc;

/// Operations that not everyone signed in may call, as `x-plaza-access` marks them: `admin`
/// (admins only), `moderator` (moderators in scope and admins) or `owner` (the author of the
/// thing, or an admin). The security suite reads the
/// marks and checks that everyone else is refused.
const ACCESS: &[(&str, &str)] = &[
    ("create_community", "admin"),
    ("update_community", "admin"),
    ("delete_post", "owner"),
    ("delete_comment", "owner"),
    ("register_title", "admin"),
    ("list_titles", "admin"),
    ("show_title", "admin"),
    ("add_title_community", "admin"),
    ("list_app_keys", "admin"),
    ("issue_app_key", "admin"),
    ("revoke_app_key", "admin"),
    ("rotate_app_key", "admin"),
    ("list_word_filters", "admin"),
    ("create_word_filter", "admin"),
    ("delete_word_filter", "admin"),
    ("list_banned_ranges", "admin"),
    ("create_banned_range", "admin"),
    ("delete_banned_range", "admin"),
    ("moderation_queue", "moderator"),
    ("moderate_post", "moderator"),
    ("moderate_comment", "moderator"),
    ("moderate_account", "moderator"),
    ("moderation_log", "admin"),
    ("list_moderators", "admin"),
    ("appoint_moderator", "admin"),
    ("remove_moderator", "admin"),
    ("release_report", "moderator"),
    ("choose_release_track", "moderator"),
];

/// What every operation shares: the bearer scheme, the error body as the answer for every
/// status not listed, and the access marks.
struct Contract;

impl Modify for Contract {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A token from POST /accounts or POST /sessions."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "app_key",
            SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Header(
                utoipa::openapi::security::ApiKeyValue::with_description(
                    "X-Plaza-App-Key",
                    "A title's app key, <key_id>.<secret> (the game API; see docs/GAMES.md).",
                ),
            )),
        );
        let error = ResponseBuilder::new()
            .description("Error")
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                        ErrorBody::name(),
                    ))))
                    .build(),
            )
            .build();
        for item in doc.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                op.responses
                    .responses
                    .entry("default".to_owned())
                    .or_insert_with(|| RefOr::T(error.clone()));
                let access = ACCESS
                    .iter()
                    .find(|(id, _)| op.operation_id.as_deref() == Some(*id));
                if let Some((_, access)) = access {
                    op.extensions.get_or_insert_with(Default::default).merge(
                        ExtensionsBuilder::new()
                            .add("x-plaza-access", *access)
                            .build(),
                    );
                }
            }
        }
    }
}

/// The document as served and committed: pretty JSON with a final newline.
pub fn generate() -> String {
    let mut text = ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// This document
#[utoipa::path(get, path = "/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI document", body = Object)))]
pub async fn document() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], generate()).into_response()
}

#[cfg(test)]
mod tests {
    use super::{ACCESS, ApiDoc, generate};
    use utoipa::OpenApi;

    /// `(METHOD, path)` of every operation the document lists.
    fn documented() -> Vec<(String, String)> {
        let doc = ApiDoc::openapi();
        let mut out = Vec::new();
        for (path, item) in &doc.paths.paths {
            for (method, op) in [
                ("GET", &item.get),
                ("POST", &item.post),
                ("PUT", &item.put),
                ("PATCH", &item.patch),
                ("DELETE", &item.delete),
            ] {
                if op.is_some() {
                    out.push((method.to_owned(), path.clone()));
                }
            }
        }
        out.sort();
        out
    }

    /// `(METHOD, path)` of every route of `/api/v1`, read from `routes.rs`'s `api()`.
    fn routed() -> Vec<(String, String)> {
        let source = include_str!("routes.rs");
        let start = source.find("fn api()").expect("routes.rs has fn api()");
        let body = &source[start..];
        let body = &body[..body.find("\n}\n").unwrap_or(body.len())];
        let mut out = Vec::new();
        for route in body.split(".route(").skip(1) {
            let path = route.split('"').nth(1).expect("a route's path");
            for method in ["get", "post", "put", "patch", "delete"] {
                let call = format!("{method}(");
                let found = route.match_indices(&call).any(|(at, _)| {
                    at == 0 || matches!(route.as_bytes()[at - 1], b'.' | b':' | b'(' | b' ' | b'\n')
                });
                if found {
                    out.push((method.to_uppercase(), path.to_owned()));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn every_routed_api_operation_is_documented_and_every_documented_one_routed() {
        let routed = routed();
        assert!(routed.len() >= 40, "read only {} routes", routed.len());
        assert_eq!(documented(), routed);
    }

    #[test]
    fn every_access_mark_names_a_documented_operation() {
        let doc = ApiDoc::openapi();
        let ids: Vec<String> = doc
            .paths
            .paths
            .values()
            .flat_map(|item| {
                [&item.get, &item.post, &item.put, &item.patch, &item.delete]
                    .into_iter()
                    .flatten()
                    .filter_map(|op| op.operation_id.clone())
            })
            .collect();
        for (id, _) in ACCESS {
            assert!(ids.iter().any(|i| i == id), "no operation {id}");
        }
    }

    const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");

    #[test]
    fn committed_openapi_document_matches_the_code() {
        let generated = generate();
        if std::env::var_os("PLAZA_UPDATE_OPENAPI").is_some() {
            std::fs::write(COMMITTED, &generated).expect("write docs/openapi.json");
            return;
        }
        let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
        assert!(
            committed == generated,
            "docs/openapi.json differs from the document the code generates; regenerate it with \
             `PLAZA_UPDATE_OPENAPI=1 cargo test -p plaza-web openapi` and commit it"
        );
    }
}
