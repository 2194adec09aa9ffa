//! The notification service's OpenAPI document, generated from its handlers and their
//! `plaza-types` shapes, committed as `docs/internal/notification.json` and served at
//! `GET /openapi.json`. A test fails when the committed file is not the generated one.

use crate::handlers::notifications;
use plaza_http::health;
use plaza_http::openapi::InternalApi;
use utoipa::OpenApi;

/// The notification service's internal API: grouped notifications and unread counts.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Plaza notification service (internal)",
        version = "1",
        description = "Called only by Plaza's own services, with the region's internal secret."
    ),
    paths(
        health::healthz,
        health::ready,
        notifications::deliver,
        notifications::withdraw,
        notifications::list,
        notifications::unread,
        notifications::mark_read,
    ),
    modifiers(&InternalApi),
    tags(
        (name = "health", description = "Liveness and readiness, open to load balancers."),
        (name = "notifications", description = "Delivering, withdrawing, listing and reading notifications."),
    )
)]
pub struct ApiDoc;

/// `GET /openapi.json`: this document.
pub async fn document() -> plaza_http::Json<utoipa::openapi::OpenApi> {
    plaza_http::Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use super::ApiDoc;
    use utoipa::OpenApi;

    #[test]
    fn the_committed_document_is_the_generated_one() {
        let checked = plaza_http::openapi::check_committed(
            &ApiDoc::openapi(),
            "docs/internal/notification.json",
        );
        if let Err(why) = checked {
            panic!("{why}");
        }
    }
}
