//! The one error body every Plaza endpoint answers with.

/// `{"error": "snake_case_code", "message": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    /// Stable snake_case code, e.g. body_too_long, username_taken, own_content, blocked,
    /// follow_limit, unauthenticated, not_found, invalid_cursor, malformed_json, payload_too_large.
    pub error: String,
    pub message: String,
}
