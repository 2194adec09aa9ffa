//! Blue/green releases: which release (track and build) served each part of a request, and a
//! staff member's choice of track (the signed preview cookie the edge verifies).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A release track: `stable` serves everyone, `preview` serves staff who opted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrackName {
    Stable,
    Preview,
}

/// The release one process runs: its configured track and build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ServiceRelease {
    /// `web`, `timeline`, `empathy` or `notification`.
    pub service: String,
    /// The track of the process that answered (from its configuration), or null when the
    /// service could not be reached.
    pub track: Option<String>,
    /// The build the answering process runs (a digest of its binary); null when unknown.
    pub build: Option<String>,
}

/// Which release answered each service for this request, so staff can see a whole request
/// stay on the track they chose.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReleaseReport {
    /// The track this request was routed on (`x-plaza-track` as the edge set it).
    pub request_track: TrackName,
    /// The web service first, then the services it called.
    pub services: Vec<ServiceRelease>,
}

/// A staff member's choice of track. Errors: `invalid_json` (400) for an unknown track.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct PreviewInput {
    /// `preview` to be served by the preview release, `stable` to leave it.
    pub track: TrackName,
}

/// The choice made: the cookie (`plaza_preview`) is set or cleared in the same answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PreviewChoice {
    pub track: TrackName,
    /// When the preview cookie expires; null when the cookie was cleared.
    pub expires_at: Option<DateTime<Utc>>,
}
