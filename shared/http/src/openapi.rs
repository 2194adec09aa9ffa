//! What the generated OpenAPI documents of the internal services (timeline, empathy,
//! notification, worker) share: the internal-secret security scheme, the error answers that the
//! common layers and extractors give on every operation, and the check that the committed
//! document under `docs/internal/` is the one the code generates.
//!
//! Each service declares its own `#[derive(OpenApi)]` with its title, its own paths and tags, and
//! `modifiers(&InternalApi)`, which adds what every internal document shares: the version, the
//! description, the health paths and their tag.

use crate::health;
use crate::internal::{INTERNAL_SECRET_HEADER, OPEN_PATHS};
use plaza_types::ErrorBody;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, PartialSchema};

/// The security scheme's name in every internal document.
pub const SECURITY_SCHEME: &str = "internal_secret";

/// The environment variable that makes the spec tests rewrite the committed documents.
pub const UPDATE_ENV: &str = "PLAZA_UPDATE_OPENAPI";

/// An API key has no scopes.
const NO_SCOPES: [&str; 0] = [];

/// Error answers that can come from any operation, whatever its handler does: the name of the
/// shared response component, its status, and what it means.
const COMMON: [(&str, &str, &str); 3] = [
    (
        "InternalAuthRequired",
        "401",
        "`internal_auth_required`: the call did not carry the region's internal secret.",
    ),
    (
        "InternalError",
        "500",
        "`internal_error`: the service failed; the cause is in its log.",
    ),
    (
        "Unavailable",
        "503",
        "`database_unavailable` (with `Retry-After`) or `timeout`.",
    ),
];

/// Error answers of the JSON body extractor, on every operation that takes a body.
const BODY: [(&str, &str, &str); 4] = [
    (
        "MalformedJson",
        "400",
        "`malformed_json`: the body is not JSON.",
    ),
    (
        "PayloadTooLarge",
        "413",
        "`payload_too_large`: the body is over the service's limit.",
    ),
    (
        "UnsupportedMediaType",
        "415",
        "`unsupported_media_type`: the body is not `application/json`.",
    ),
    (
        "InvalidFields",
        "422",
        "`invalid_fields`: the JSON does not have the fields this operation takes (or an operation-specific code listed here).",
    ),
];

/// Error answers of the path and query extractors, on every operation with such parameters.
const PARAMS: [(&str, &str, &str); 2] = [
    (
        "PathNotFound",
        "404",
        "`not_found`: a path parameter is not a valid id or kind, so nothing is there.",
    ),
    (
        "InvalidQuery",
        "400",
        "`invalid_query`: a query parameter has the wrong type.",
    ),
];

/// What every internal service answers without the secret: liveness and readiness.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(health::healthz, health::ready),
    tags((name = "health", description = "Liveness and readiness, open to load balancers."))
)]
struct HealthApi;

/// Adds the version, the description, the health paths (first), the internal-secret security
/// scheme and the shared error answers to a service's document, and requires the secret on every
/// operation but health.
#[derive(Debug, Clone, Copy)]
pub struct InternalApi;

impl Modify for InternalApi {
    fn modify(&self, openapi: &mut OpenApi) {
        openapi.info.version = "1".to_owned();
        openapi.info.description = Some(
            "Called only by Plaza's own services, with the region's internal secret.".to_owned(),
        );
        let health = <HealthApi as utoipa::OpenApi>::openapi();
        let own_paths = std::mem::take(&mut openapi.paths.paths);
        openapi.paths.paths = health.paths.paths.into_iter().chain(own_paths).collect();
        let own_tags = openapi.tags.take().into_iter().flatten();
        openapi.tags = Some(health.tags.into_iter().flatten().chain(own_tags).collect());
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, schema) in health.components.into_iter().flat_map(|c| c.schemas) {
            components.schemas.entry(name).or_insert(schema);
        }
        components.add_security_scheme(
            SECURITY_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                INTERNAL_SECRET_HEADER,
                "The region's shared internal secret (config key `internal_secret`). Every \
                 call but `/healthz` and `/readyz` must carry it; without it the answer is \
                 401 `internal_auth_required`.",
            ))),
        );
        components
            .schemas
            .entry("ErrorBody".to_owned())
            .or_insert_with(ErrorBody::schema);
        for (name, _, description) in COMMON.iter().chain(&BODY).chain(&PARAMS) {
            components
                .responses
                .insert((*name).to_owned(), error_response(description));
        }
        for (path, item) in openapi.paths.paths.iter_mut() {
            let open = OPEN_PATHS.contains(&path.as_str());
            for operation in [&mut item.get, &mut item.post].into_iter().flatten() {
                if !open {
                    secure(operation);
                }
            }
        }
    }
}

/// Requires the secret on `operation` and adds the answers any secured operation can give.
fn secure(operation: &mut Operation) {
    operation.security = Some(vec![SecurityRequirement::new(SECURITY_SCHEME, NO_SCOPES)]);
    let takes_body = operation.request_body.is_some();
    let takes = |place: ParameterIn| {
        operation.parameters.iter().flatten().any(|p| match p {
            RefOr::T(p) => p.parameter_in == place,
            RefOr::Ref(_) => false,
        })
    };
    let (in_path, in_query) = (takes(ParameterIn::Path), takes(ParameterIn::Query));
    let shared = COMMON
        .iter()
        .chain(BODY.iter().filter(|_| takes_body))
        .chain(PARAMS[..1].iter().filter(|_| in_path))
        .chain(PARAMS[1..].iter().filter(|_| in_query))
        .map(|(name, status, _)| (name, status));
    for (name, status) in shared {
        operation
            .responses
            .responses
            .entry((*status).to_owned())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(*name)));
    }
}

fn error_response(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
        .into()
}

/// `GET /openapi.json` of a service whose document is `D`.
pub async fn document<D: utoipa::OpenApi>() -> crate::Json<OpenApi> {
    crate::Json(D::openapi())
}

/// The document as committed: pretty JSON with a final newline.
pub fn render(openapi: &OpenApi) -> String {
    // Serialising a document of plain maps and strings cannot fail.
    let mut text = openapi.to_pretty_json().unwrap_or_default();
    text.push('\n');
    text
}

/// For a service's spec test: fails when `committed` (a path under the workspace root, such as
/// `docs/internal/timeline.json`) is not what `openapi` renders, and says how to regenerate it.
/// With [`UPDATE_ENV`] set to 1 it rewrites the file instead.
pub fn check_committed(openapi: &OpenApi, committed: &str) -> Result<(), String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let file = root.join(committed);
    let generated = render(openapi);
    if std::env::var(UPDATE_ENV).is_ok_and(|v| v == "1") {
        return std::fs::write(&file, generated)
            .map_err(|e| format!("cannot write {}: {e}", file.display()));
    }
    let current = std::fs::read_to_string(&file).unwrap_or_default();
    if current == generated {
        Ok(())
    } else {
        Err(format!(
            "{committed} differs from the OpenAPI document the code generates. If the change \
             is intended, regenerate it with `{UPDATE_ENV}=1 cargo test -p <service> openapi` \
             and commit the file."
        ))
    }
}

/// A service's spec test: panics with [`check_committed`]'s explanation when the committed
/// document is not the generated one.
pub fn assert_committed(openapi: &OpenApi, committed: &str) {
    if let Err(why) = check_committed(openapi, committed) {
        panic!("{why}");
    }
}
