//! Consoles (Wii U, 3DS) linked to an account for the console API (`/v1/`, XML; see
//! docs/GAMES.md, "Console protocol"). A console that is not linked yet shows a code; the player
//! enters it here or in Settings → Consoles.

use crate::Id;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The code an unlinked console shows.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ConsoleLinkRequest {
    /// 8 letters and digits, as shown (`ABCD-2345`; case, spaces and dashes do not matter).
    #[schema(example = "ABCD-2345")]
    pub code: String,
}

/// A console linked to the account (never its token).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LinkedConsole {
    pub id: Id,
    /// `wiiu` or `3ds`, from the console's ParamPack when it showed its code.
    pub platform: String,
    pub created_at: DateTime<Utc>,
    /// When the console last used Plaza (kept to the hour).
    pub last_used_at: DateTime<Utc>,
}

/// `{"console": ...}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LinkedConsoleBody {
    pub console: LinkedConsole,
}

/// The account's linked consoles, newest first (at most 10).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LinkedConsoleList {
    pub consoles: Vec<LinkedConsole>,
}
