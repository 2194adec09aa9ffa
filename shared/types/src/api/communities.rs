//! Communities: the community, its form and favourites.

use crate::Id;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A community as shown in lists and on its page.
#[derive(Debug, Clone, Hash, Serialize, ToSchema)]
#[schema(as = Community)]
pub struct CommunityView {
    pub id: Id,
    pub title_id: String,
    pub name: String,
    pub description: String,
    pub icon_url: Option<String>,
    pub url: String,
    pub created_at: DateTime<Utc>,
    /// The banner's colour (a hue, 0–359) and icon (one of six), made from the id so that each
    /// community keeps its own look (pages only).
    #[serde(skip)]
    pub hue: u16,
    #[serde(skip)]
    pub icon: u8,
}

/// A community with whether the caller favourited it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = CommunityDetail)]
pub struct CommunityDetail {
    #[serde(flatten)]
    pub community: CommunityView,
    /// Whether the caller favourited it; null when signed out.
    pub favourited: Option<bool>,
}

/// The fields of a community form.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct CommunityInput {
    #[schema(pattern = "^[A-Za-z0-9]{1,32}$")]
    pub title_id: String,
    #[schema(max_length = 64)]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub description: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub icon_url: String,
}

/// `{"community": ...}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommunityBody {
    pub community: CommunityView,
}

/// `{"community": ...}` with `favourited`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommunityDetailBody {
    pub community: CommunityDetail,
}

/// `{"favourited": ...}`: whether the community is now a favourite.
#[derive(Debug, Serialize, ToSchema)]
pub struct Favourited {
    pub favourited: bool,
}

super::list!(
    /// A page of communities.
    CommunityList,
    communities,
    CommunityView
);
