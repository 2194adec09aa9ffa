//! A person's own data: the archive of everything they posted, and deleting their account.

use crate::db::users::{self, User};
use crate::limits::Action;
use crate::{AppState, Error, Result};
use base64::Engine;
use plaza_types::api::own_data::{
    DataExport, ExportComment, ExportMedia, ExportPost, ExportProfile,
};
use plaza_types::jobs::EraseAccount;
use plaza_types::{now_millis, to_datetime, validate};
use std::collections::BTreeSet;
use std::net::IpAddr;

/// Every drawing and screenshot key (originals) `posts` and `comments` refer to.
fn media_keys(
    posts: &[plaza_types::timeline::Post],
    comments: &[plaza_types::timeline::Comment],
) -> Vec<String> {
    let mut keys = BTreeSet::new();
    for p in posts {
        keys.extend(p.drawing.clone());
        keys.extend(p.screenshot.as_ref().map(|s| s.key.clone()));
    }
    for c in comments {
        keys.extend(c.drawing.clone());
    }
    keys.into_iter().collect()
}

/// Everything `user` posted: profile, posts, comments, and the drawings and screenshots whole.
/// Counted against the upload limit (it reads every image).
pub async fn export(state: &AppState, user: &User) -> Result<DataExport> {
    super::limit(
        state,
        Action::Upload,
        &[&format!("export:user:{}", user.id)],
    )
    .await?;
    let content = state.timeline.author_content(user.id).await?;
    let mut media = Vec::new();
    for key in media_keys(&content.posts, &content.comments) {
        let Some(bytes) = state.media.get(&key).await.map_err(Error::MediaStore)? else {
            continue;
        };
        let content_type = if key.ends_with(".png") {
            "image/png"
        } else {
            "image/jpeg"
        };
        media.push(ExportMedia {
            key,
            content_type: content_type.into(),
            data_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
        });
    }
    Ok(DataExport {
        format: 1,
        exported_at: to_datetime(now_millis()),
        profile: ExportProfile {
            id: user.id,
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            bio: user.bio.clone(),
            language: user.language.clone(),
            home_region: user.home_region,
            created_at: to_datetime(user.created_at),
        },
        posts: content
            .posts
            .into_iter()
            .map(|p| ExportPost {
                id: p.id,
                community_id: p.community_id,
                body: p.body,
                feeling: p.feeling,
                spoiler: p.spoiler,
                topic_tag: p.topic_tag,
                platform: p.platform,
                created_at: to_datetime(p.created_at),
                drawing: p.drawing,
                drawing_alt: p.drawing_alt,
                screenshot: p.screenshot.map(|s| s.key),
            })
            .collect(),
        comments: content
            .comments
            .into_iter()
            .map(|c| ExportComment {
                id: c.id,
                post_id: c.post_id,
                body: c.body,
                feeling: c.feeling,
                spoiler: c.spoiler,
                created_at: to_datetime(c.created_at),
                drawing: c.drawing,
                drawing_alt: c.drawing_alt,
            })
            .collect(),
        media,
    })
}

/// Deletes `user`'s account once `password` (checked as a sign-in attempt is) confirms it. At
/// once: every session and token ends, the account and its follows, blocks, favourites and
/// reports go, and its posts and comments are erased, so no page or API answer shows them. A
/// durable job then erases its Yeahs and notifications, and another deletes its images after
/// the grace period (`moderation.deleted_media_grace_secs`): pages and caches (a CDN's too)
/// still holding their URLs keep working until then.
pub async fn delete_account(
    state: &AppState,
    user: &User,
    password: &str,
    client: IpAddr,
) -> Result<()> {
    super::accounts::limit_sign_in(state, &users::username_key(&user.username), client).await?;
    let stored = users::password_hash(&state.db, user.id)
        .await?
        .ok_or(Error::NotFound("user"))?;
    let matches = password.chars().count() <= validate::PASSWORD_MAX
        && state.passwords.verify(password.to_owned(), stored).await?;
    if !matches {
        return Err(super::accounts::wrong_password());
    }
    let content = state.timeline.author_content(user.id).await?;
    let erase = EraseAccount {
        user_id: user.id,
        post_ids: content.posts.iter().map(|p| p.id).collect(),
        comment_ids: content.comments.iter().map(|c| c.id).collect(),
    };
    let media = media_keys(&content.posts, &content.comments);
    let grace = state.config.moderation.media_grace();
    let purge_at = now_millis() + i64::try_from(grace.as_millis()).unwrap_or(i64::MAX);
    crate::db::account_deletion::delete(&state.db, &state.ids, user.id, erase, media, purge_at)
        .await?;
    crate::cache::forget_user(state, &user.username).await;
    // Gone from every page now; should this call fail, the queued job erases them shortly.
    if let Err(err) = state.timeline.erase_author(user.id).await {
        tracing::warn!(error = %err, user_id = %user.id, "erasing a deleted account's posts failed; the job will retry");
    }
    Ok(())
}
