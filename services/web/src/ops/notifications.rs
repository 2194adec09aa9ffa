//! A person's notifications as the pages use them: the header's unread count and marking all
//! read. (The list itself is in [`super::feeds`].)

use crate::db::users::User;
use crate::{AppState, Result};
use plaza_types::Id;
use plaza_types::notification::UnreadCount;

/// The unread count the header shows (0 for nobody signed in). A nicety: when the notification
/// service is down the page still renders, with no count.
pub async fn unread_count(state: &AppState, user: Option<&User>) -> i64 {
    let Some(user) = user else {
        return 0;
    };
    unread(state, user.id).await.map_or(0, |c| c.unread)
}

/// The unread count of `user` (for the live stream, which says when it cannot be read).
pub async fn unread(state: &AppState, user: Id) -> Result<UnreadCount> {
    Ok(state.notification.unread(user).await?)
}

/// Marks every notification of `user` read.
pub async fn mark_read(state: &AppState, user: &User) -> Result<()> {
    state.notification.mark_read(user.id).await?;
    Ok(())
}
