//! The notification service's OpenAPI document, generated from its handlers and their
//! `plaza-types` shapes, committed as `docs/internal/notification.json` and served at
//! `GET /openapi.json` (see `routes`). A test fails when the committed file is not the generated one.

use crate::handlers::notifications;
use plaza_http::openapi::InternalApi;
use utoipa::OpenApi;

/// The notification service's internal API: grouped notifications and unread counts.
#[derive(OpenApi)]
#[openapi(
    info(title = "Plaza notification service (internal)"),
    paths(
        notifications::deliver,
        notifications::withdraw,
        notifications::erase_user,
        notifications::erase_targets,
        notifications::list,
        notifications::unread,
        notifications::mark_read,
    ),
    modifiers(&InternalApi),
    tags(
        (name = "notifications", description = "Delivering, withdrawing, listing and reading notifications."),
    )
)]
pub struct ApiDoc;

#[cfg(test)]
mod tests {
    use super::ApiDoc;
    use utoipa::OpenApi;

    #[test]
    fn the_committed_document_is_the_generated_one() {
        plaza_http::openapi::assert_committed(
            &ApiDoc::openapi(),
            "docs/internal/notification.json",
        );
    }
}
