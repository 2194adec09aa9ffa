//! Deleted accounts: erasing what they wrote, their Yeahs and notifications in every service of
//! this region, and later their media.

use crate::{AppState, Result};
use plaza_media::store::original_key;
use plaza_types::empathy::EraseYeahs;
use plaza_types::jobs::{EraseAccount, PurgeMedia};
use std::collections::HashSet;

/// Erases the account's posts and comments (the web service did so at once already; this
/// finishes the work if that call failed), its Yeahs, its notifications and its name in
/// others', and others' notifications about its posts and comments. Every step is
/// idempotent, so a retry after a failure part-way repeats nothing harmful.
pub async fn erase_account(state: &AppState, e: &EraseAccount) -> Result<()> {
    let erased = state.timeline.erase_author(e.user_id).await?;
    let mut post_ids = e.post_ids.clone();
    post_ids.extend(erased.post_ids);
    post_ids.sort_unstable();
    post_ids.dedup();
    let mut targets = post_ids.clone();
    targets.extend(&e.comment_ids);
    state
        .empathy
        .erase_user(
            e.user_id,
            &EraseYeahs {
                post_ids,
                comment_ids: e.comment_ids.clone(),
            },
        )
        .await?;
    state.notification.erase_user(e.user_id).await?;
    // Others' notifications about the account's posts and comments (a thread they commented
    // in, Yeahs) point at nothing now.
    state.notification.erase_targets(&targets).await?;
    Ok(())
}

/// The renditions stored beside an original (`x.png` has `x@2x.png`, `x.jpg` has `x-thumb.jpg`).
fn renditions(key: &str) -> Vec<String> {
    let mut keys = vec![key.to_owned()];
    if let Some((stem, ext)) = key.rsplit_once('.') {
        keys.push(format!("{stem}-thumb.{ext}"));
        if ext == "png" {
            keys.push(format!("{stem}@2x.png"));
        }
    }
    keys.into_iter()
        .filter(|k| original_key(k) == key)
        .collect()
}

/// Deletes the objects (and their renditions) that no post or comment refers to any more; one
/// that another post uses (the same image, content-addressed) stays.
pub async fn purge_media(state: &AppState, p: &PurgeMedia) -> Result<()> {
    let Some(store) = &state.media else {
        return Ok(());
    };
    for chunk in p.keys.chunks(100) {
        let referenced: HashSet<String> = state
            .timeline
            .referenced_media(chunk)
            .await?
            .into_iter()
            .collect();
        for key in chunk.iter().filter(|k| !referenced.contains(*k)) {
            for object in renditions(key) {
                store.delete(&object).await.map_err(crate::Error::from)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::renditions;

    #[test]
    fn an_original_brings_its_renditions() {
        assert_eq!(
            renditions("drawings/ab.png"),
            vec![
                "drawings/ab.png",
                "drawings/ab-thumb.png",
                "drawings/ab@2x.png"
            ]
        );
        assert_eq!(
            renditions("screenshots/cd.jpg"),
            vec!["screenshots/cd.jpg", "screenshots/cd-thumb.jpg"]
        );
    }
}
