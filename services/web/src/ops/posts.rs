//! Posting, commenting, deleting and Yeahs.

use super::filters;
use crate::db::blocks;
use crate::db::users::User;
use crate::limits::Action;
use crate::{AppState, Error, Result};
use plaza_clients::ClientError;
use plaza_types::empathy::{GiveYeah, TakeYeah, TargetKind, YeahOutcome};
use plaza_types::timeline::{Comment, NewComment, NewPost, Post};
use plaza_types::{Id, validate};

pub use plaza_types::api::posts::WriteInput;

fn blocked() -> Error {
    Error::forbidden("blocked", "You can't interact with this person.")
}

/// Posts in a community. A post with a drawing may have no text.
pub async fn create_post(
    state: &AppState,
    user: &User,
    community_id: Id,
    input: &WriteInput,
    platform: &str,
) -> Result<Post> {
    create_post_with(state, user, community_id, input, platform, None).await
}

/// [`create_post`] with a game's fields (checked by the caller, `crate::ops::games`): checks,
/// limits, stores the media, then the post.
pub(crate) async fn create_post_with(
    state: &AppState,
    user: &User,
    community_id: Id,
    input: &WriteInput,
    platform: &str,
    game: Option<plaza_types::game::GameFields>,
) -> Result<Post> {
    let painting = input.painting.as_deref().filter(|p| !p.trim().is_empty());
    let screenshot = input.screenshot.as_deref().filter(|s| !s.trim().is_empty());
    let body = if painting.is_some() || screenshot.is_some() {
        validate::optional_body(&input.body)?
    } else {
        validate::body(&input.body)?
    };
    let feeling = validate::feeling(input.feeling)?;
    let topic_tag = validate::topic_tag(input.topic_tag.as_deref())?;
    let drawing_alt = validate::drawing_alt(input.drawing_alt.as_deref())?;
    let me = format!("user:{}", user.id);
    super::limit(state, Action::Post, &[&me]).await?;
    if painting.is_some() || screenshot.is_some() {
        super::limit(state, Action::Upload, &[&me]).await?;
    }
    crate::cache::community(state, community_id)
        .await?
        .ok_or(Error::NotFound("community"))?;
    let alt = drawing_alt.as_deref().filter(|_| painting.is_some());
    let texts = [
        &body[..],
        topic_tag.as_deref().unwrap_or(""),
        alt.unwrap_or(""),
    ];
    let held = filters::check(state, Some(community_id), &texts).await?;
    let drawing = match painting {
        Some(p) => Some(crate::media::store_drawing(state, p.to_owned()).await?),
        None => None,
    };
    let screenshot = match screenshot {
        Some(s) => Some(
            crate::media::store_screenshot(state, s.to_owned(), input.screenshot_type.clone())
                .await?,
        ),
        None => None,
    };
    let post = NewPost {
        author_id: user.id,
        community_id,
        body,
        feeling,
        spoiler: input.spoiler,
        topic_tag,
        platform: platform.into(),
        drawing_alt: drawing_alt.filter(|_| drawing.is_some()),
        drawing,
        screenshot,
        idempotency_key: write_key(),
        game,
    };
    let post = state.timeline.create_post(&post).await?;
    if held {
        filters::hold(state, filters::HeldTarget::Post(post.id)).await?;
    }
    Ok(post)
}

/// Deletes one's own post, or any post as an admin.
pub async fn delete_post(state: &AppState, user: &User, post_id: Id) -> Result<Post> {
    Ok(state
        .timeline
        .delete_post(post_id, user.id, user.is_admin)
        .await?)
}

/// Deletes one's own comment, or any comment as an admin: it leaves lists and counts, its
/// notifications go, and its drawing is left for the media clean-up. Someone else gets 403
/// `not_author` (from the timeline service), a missing comment 404.
pub async fn delete_comment(state: &AppState, user: &User, comment_id: Id) -> Result<Comment> {
    Ok(state
        .timeline
        .delete_comment(comment_id, user.id, user.is_admin)
        .await?)
}

/// A post that can be interacted with: it exists and is not deleted.
async fn live_post(state: &AppState, post_id: Id) -> Result<Post> {
    let post = state.timeline.post(post_id).await?;
    if post.deleted {
        return Err(Error::conflict(
            "post_deleted",
            "That post has been deleted.",
        ));
    }
    // Moderation hid it: nobody interacts with it until a moderator restores it.
    if !post.moderation.is_visible() {
        return Err(Error::NotFound("post"));
    }
    Ok(post)
}

/// Comments on a post (not when either blocks the other).
pub async fn comment(
    state: &AppState,
    user: &User,
    post_id: Id,
    input: &WriteInput,
    platform: &str,
) -> Result<Comment> {
    let painting = input.painting.as_deref().filter(|p| !p.trim().is_empty());
    let body = if painting.is_some() {
        validate::optional_body(&input.body)?
    } else {
        validate::body(&input.body)?
    };
    let feeling = validate::feeling(input.feeling)?;
    let drawing_alt = validate::drawing_alt(input.drawing_alt.as_deref())?;
    let me = format!("user:{}", user.id);
    super::limit(state, Action::Comment, &[&me]).await?;
    if painting.is_some() {
        super::limit(state, Action::Upload, &[&me]).await?;
    }
    let post = live_post(state, post_id).await?;
    if blocks::between(&state.db, user.id, post.author_id).await? {
        return Err(blocked());
    }
    let alt = drawing_alt.as_deref().filter(|_| painting.is_some());
    let held = filters::check(state, Some(post.community_id), &[&body, alt.unwrap_or("")]).await?;
    let drawing = match painting {
        Some(p) => Some(crate::media::store_drawing(state, p.to_owned()).await?),
        None => None,
    };
    // Read now, so that the comment's notifications skip everyone either side of a block.
    let exclude_recipient_ids = blocks::hidden_from(&state.db, user.id).await?;
    let comment = NewComment {
        exclude_recipient_ids,
        author_id: user.id,
        body,
        feeling,
        spoiler: input.spoiler,
        platform: platform.into(),
        drawing_alt: drawing_alt.filter(|_| drawing.is_some()),
        drawing,
        idempotency_key: write_key(),
    };
    let comment = state.timeline.create_comment(post_id, &comment).await?;
    if held {
        filters::hold(state, filters::HeldTarget::Comment(comment.id)).await?;
    }
    Ok(comment)
}

/// Gives or takes back a Yeah on a post or comment.
pub async fn yeah(
    state: &AppState,
    user: &User,
    kind: TargetKind,
    target_id: Id,
    give: bool,
) -> Result<YeahOutcome> {
    if !give {
        let take = TakeYeah {
            kind,
            target_id,
            user_id: user.id,
            target_author_id: target_author(state, kind, target_id).await?,
        };
        return Ok(state.empathy.take(&take).await?);
    }
    super::limit(state, Action::Yeah, &[&format!("user:{}", user.id)]).await?;
    let (author_id, post) = match kind {
        TargetKind::Post => {
            let post = live_post(state, target_id).await?;
            (post.author_id, post)
        }
        TargetKind::Comment => {
            let comment = state.timeline.comment(target_id).await?;
            if !comment.moderation.is_visible() {
                return Err(Error::NotFound("comment"));
            }
            if comment.deleted {
                return Err(Error::conflict(
                    "comment_deleted",
                    "That comment has been deleted.",
                ));
            }
            (comment.author_id, live_post(state, comment.post_id).await?)
        }
    };
    if author_id == user.id {
        return Err(Error::forbidden(
            "own_content",
            "You cannot give a Yeah to your own post or comment.",
        ));
    }
    if blocks::between(&state.db, user.id, author_id).await? {
        return Err(blocked());
    }
    let give = GiveYeah {
        kind,
        target_id,
        user_id: user.id,
        target_author_id: author_id,
        post_id: post.id,
        community_id: post.community_id,
    };
    Ok(state.empathy.give(&give).await?)
}

/// Who wrote a Yeah's target (deleted or not), so that taking the Yeah back reaches their
/// notification; none when the target does not exist.
async fn target_author(state: &AppState, kind: TargetKind, id: Id) -> Result<Option<Id>> {
    let found = match kind {
        TargetKind::Post => state.timeline.post(id).await.map(|p| p.author_id),
        TargetKind::Comment => state.timeline.comment(id).await.map(|c| c.author_id),
    };
    match found {
        Ok(author) => Ok(Some(author)),
        Err(ClientError::Api { status: 404, .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The client's Idempotency-Key for the write this request makes, if it sent one: the row
/// remembers it, so a retry whose first attempt committed unseen finds that row.
fn write_key() -> Option<String> {
    plaza_http::RequestContext::current().and_then(|c| c.idempotency_key)
}

/// The comment `id` (to find the post it belongs to).
pub async fn find_comment(state: &AppState, id: Id) -> Result<Comment> {
    Ok(state.timeline.comment(id).await?)
}

/// Posts in a community through the API: the post as its author sees it.
pub async fn create_post_view(
    state: &AppState,
    user: &User,
    community_id: Id,
    input: &WriteInput,
    platform: &str,
) -> Result<crate::views::PostView> {
    let post = create_post(state, user, community_id, input, platform).await?;
    if write_key().is_some() {
        // A retry with the same Idempotency-Key gets the post the first try wrote, which may
        // have Yeahs and comments by now.
        return crate::ops::join::post(state, Some(user.id), post).await;
    }
    crate::ops::join::new_post(state, user, post).await
}

/// Deletes a post through the API: the post as it now stands.
pub async fn delete_post_view(
    state: &AppState,
    user: &User,
    post_id: Id,
) -> Result<crate::views::PostView> {
    let post = delete_post(state, user, post_id).await?;
    crate::ops::join::post(state, Some(user.id), post).await
}

/// Comments through the API: the comment as its author sees it.
pub async fn comment_view(
    state: &AppState,
    user: &User,
    post_id: Id,
    input: &WriteInput,
    platform: &str,
) -> Result<crate::views::CommentView> {
    let comment = comment(state, user, post_id, input, platform).await?;
    crate::ops::join::comment(state, Some(user.id), comment).await
}
