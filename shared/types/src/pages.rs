//! The small JSON answers the pages give their own script (the Yeah button, the header's
//! unread count). The live count reuses [`crate::notification::UnreadCount`].

use serde::{Deserialize, Serialize};

/// What a Yeah button shows after a press: whether it is on, and the new count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct YeahState {
    pub yeahed: bool,
    pub yeah_count: i64,
}
