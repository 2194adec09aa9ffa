//! Admins' word filters (restricted words) and banned sign-up address ranges.

use crate::Id;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What an entry does to text that contains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FilterActionName {
    /// The write is refused with `restricted_words` (422).
    Refuse,
    /// The text is published and held for a moderator's review.
    Hold,
}

/// One restricted word or phrase.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = WordFilter)]
pub struct WordFilterView {
    pub id: Id,
    /// The community whose list it is on; null for the global list.
    pub community_id: Option<Id>,
    /// As the admin wrote it. It matches anywhere in a text, whatever the case, full-width or
    /// half-width form, or katakana/hiragana either is written in.
    pub pattern: String,
    pub action: FilterActionName,
    pub created_at: DateTime<Utc>,
}

/// A new entry. Errors: `invalid_pattern` (422; empty or over 100 characters),
/// `duplicate_pattern` (409), `list_full` (409; 1000 entries per list).
#[derive(Debug, Deserialize, ToSchema)]
pub struct WordFilterInput {
    /// The community whose list to add to; absent or null for the global list. Error:
    /// `not_found` (404) when there is no such community.
    #[serde(default)]
    pub community_id: Option<Id>,
    #[schema(min_length = 1, max_length = 100)]
    pub pattern: String,
    pub action: FilterActionName,
}

/// `{"word_filter": ...}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct WordFilterBody {
    pub word_filter: WordFilterView,
}

/// `?community_id=`: which list to read (absent: the global list).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WordFilterQuery {
    pub community_id: Option<Id>,
}

/// `{"word_filters": [...]}`: a whole list (at most 1000 entries), oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct WordFilterList {
    pub word_filters: Vec<WordFilterView>,
}

/// One address range that may not sign up.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = BannedRange)]
pub struct BannedRangeView {
    pub id: Id,
    /// CIDR in canonical form (`203.0.113.0/24`, `2001:db8::/32`).
    pub cidr: String,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// A new banned range. Errors: `invalid_cidr` (422), `invalid_reason` (422; empty or over 200
/// characters), `duplicate_range` (409), `list_full` (409).
#[derive(Debug, Deserialize, ToSchema)]
pub struct BannedRangeInput {
    /// An address range in CIDR notation (IPv4 or IPv6); a single address is taken as /32 or /128.
    pub cidr: String,
    #[schema(min_length = 1, max_length = 200)]
    pub reason: String,
}

/// `{"banned_range": ...}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct BannedRangeBody {
    pub banned_range: BannedRangeView,
}

/// `{"banned_ranges": [...]}`, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct BannedRangeList {
    pub banned_ranges: Vec<BannedRangeView>,
}
