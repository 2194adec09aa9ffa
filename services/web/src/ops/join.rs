//! What a list shows beside each item, fetched for a whole page at once: posts with their
//! authors, communities, Yeah counts and the comment counts the viewer sees; comments with their
//! authors and Yeahs; notifications with their actors. A page of posts costs one query per own
//! table and one batch call per service, never one per post. [`crate::views`] then builds what
//! is shown from the pieces.

use crate::db::{communities, users};
use crate::views::{self, CommentView, NotificationView, PostView};
use crate::{AppState, Error, Result};
use plaza_types::Id;
use plaza_types::empathy::{Summary, TargetKind};
use plaza_types::notification::Group;
use plaza_types::timeline::{Comment, Post};
use std::collections::HashMap;

/// Posts joined with their authors, communities and Yeah counts, as `viewer` sees them.
pub async fn posts(
    state: &AppState,
    viewer: Option<Id>,
    posts: Vec<Post>,
) -> Result<Vec<PostView>> {
    let pieces = pieces(state, viewer, &posts).await?;
    Ok(pieces.views(state, viewer, posts))
}

/// What a page of posts shows beside them, read for the whole page at once. Read for no viewer
/// it is the same for every anonymous reader, so a community's first page caches it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Pieces {
    users: HashMap<Id, users::User>,
    communities: HashMap<Id, communities::Community>,
    yeahs: HashMap<Id, Summary>,
    comment_counts: HashMap<Id, i64>,
    title_names: HashMap<String, String>,
}

/// The authors, communities, Yeah counts, comment counts and title names of `posts` as
/// `viewer` sees them.
pub async fn pieces(state: &AppState, viewer: Option<Id>, posts: &[Post]) -> Result<Pieces> {
    let ids: Vec<Id> = posts.iter().map(|p| p.id).collect();
    let authors: Vec<Id> = posts.iter().map(|p| p.author_id).collect();
    let community_ids: Vec<Id> = posts.iter().map(|p| p.community_id).collect();
    let (users, communities, yeah_summaries, comment_counts) = tokio::try_join!(
        people(state, &authors),
        async { Ok(communities::by_ids(&state.db, &community_ids).await?) },
        yeahs(state, TargetKind::Post, &ids, viewer),
        comment_counts(state, viewer, &ids),
    )?;
    let mut title_ids: Vec<String> = posts
        .iter()
        .filter_map(|p| p.game.as_ref().map(|g| g.title_id.clone()))
        .collect();
    title_ids.sort();
    title_ids.dedup();
    Ok(Pieces {
        users,
        communities,
        yeahs: yeah_summaries,
        comment_counts,
        title_names: crate::db::titles::names(&state.db, &title_ids).await?,
    })
}

impl Pieces {
    /// `posts` with these pieces, as `viewer` sees them (`viewer` is the one they were read
    /// for).
    pub fn views(&self, state: &AppState, viewer: Option<Id>, posts: Vec<Post>) -> Vec<PostView> {
        let media = |key: &str| crate::media::url(state, key);
        posts
            .into_iter()
            .map(|p| {
                let (id, author, community) = (p.id, p.author_id, p.community_id);
                let title_name = p
                    .game
                    .as_ref()
                    .and_then(|g| self.title_names.get(&g.title_id).cloned());
                let mut view = views::post_view(
                    p,
                    self.users.get(&author),
                    self.communities.get(&community),
                    self.yeahs.get(&id),
                    self.comment_counts.get(&id).copied(),
                    viewer,
                    &media,
                );
                view.title_name = title_name;
                view
            })
            .collect()
    }
}

/// The people of a page (its authors), by id.
async fn people(state: &AppState, ids: &[Id]) -> Result<HashMap<Id, users::User>> {
    Ok(users::by_ids(&state.db, ids).await?)
}

/// The Yeah counts of a page's items, and whether `viewer` gave each one, by item id.
async fn yeahs(
    state: &AppState,
    kind: TargetKind,
    ids: &[Id],
    viewer: Option<Id>,
) -> Result<HashMap<Id, Summary>> {
    let summaries = state.empathy.summaries(kind, ids, viewer).await?;
    Ok(summaries.into_iter().map(|s| (s.target_id, s)).collect())
}

/// One post joined for display, as `viewer` sees it.
pub async fn post(state: &AppState, viewer: Option<Id>, post: Post) -> Result<PostView> {
    posts(state, viewer, vec![post])
        .await?
        .pop()
        .ok_or(Error::NotFound("post"))
}

/// A post its author has just written, as they see it. Nobody can have given it a Yeah or
/// commented on it yet, so nothing is asked of the other services: only its community is read
/// (from the cache). Not for a post a retried write may have found (see `create_post_view`).
pub async fn new_post(state: &AppState, author: &users::User, post: Post) -> Result<PostView> {
    let community = crate::cache::community(state, post.community_id).await?;
    let pieces = Pieces {
        users: HashMap::from([(author.id, author.clone())]),
        communities: community.into_iter().map(|c| (c.id, c)).collect(),
        yeahs: HashMap::new(),
        comment_counts: HashMap::new(),
        title_names: HashMap::new(),
    };
    pieces
        .views(state, Some(author.id), vec![post])
        .pop()
        .ok_or(Error::NotFound("post"))
}

/// One comment joined for display, as `viewer` sees it.
pub async fn comment(
    state: &AppState,
    viewer: Option<Id>,
    comment: Comment,
) -> Result<CommentView> {
    comments(state, viewer, vec![comment])
        .await?
        .pop()
        .ok_or(Error::NotFound("comment"))
}

/// The comment counts as `viewer` sees them, for a viewer who blocks or is blocked by anyone
/// (the counts the posts carry include everyone's comments); empty otherwise.
async fn comment_counts(
    state: &AppState,
    viewer: Option<Id>,
    ids: &[Id],
) -> Result<HashMap<Id, i64>> {
    let Some(viewer) = viewer else {
        return Ok(HashMap::new());
    };
    let hidden = crate::cache::hidden(state, viewer).await?;
    if hidden.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(state
        .timeline
        .comment_counts(ids, &hidden)
        .await?
        .into_iter()
        .map(|c| (c.post_id, c.count))
        .collect())
}

/// Comments joined with their authors and Yeah counts, as `viewer` sees them.
pub async fn comments(
    state: &AppState,
    viewer: Option<Id>,
    comments: Vec<Comment>,
) -> Result<Vec<CommentView>> {
    let pieces = comment_pieces(state, viewer, &comments).await?;
    Ok(pieces.views(state, viewer, comments))
}

/// What a page of comments shows beside them: their authors and Yeahs, as one viewer sees them.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct CommentPieces {
    users: HashMap<Id, users::User>,
    yeahs: HashMap<Id, Summary>,
}

/// The authors and Yeahs of `comments` as `viewer` sees them.
pub async fn comment_pieces(
    state: &AppState,
    viewer: Option<Id>,
    comments: &[Comment],
) -> Result<CommentPieces> {
    let ids: Vec<Id> = comments.iter().map(|c| c.id).collect();
    let authors: Vec<Id> = comments.iter().map(|c| c.author_id).collect();
    let (users, yeahs) = tokio::try_join!(
        people(state, &authors),
        yeahs(state, TargetKind::Comment, &ids, viewer),
    )?;
    Ok(CommentPieces { users, yeahs })
}

impl CommentPieces {
    /// `comments` shown with these pieces.
    pub fn views(
        &self,
        state: &AppState,
        viewer: Option<Id>,
        comments: Vec<Comment>,
    ) -> Vec<CommentView> {
        let media = |key: &str| crate::media::url(state, key);
        comments
            .into_iter()
            .map(|c| {
                let (id, author) = (c.id, c.author_id);
                let (user, yeahs) = (self.users.get(&author), self.yeahs.get(&id));
                views::comment_view(c, user, yeahs, viewer, &media)
            })
            .collect()
    }
}

/// Notification groups joined with their actors.
pub async fn notifications(state: &AppState, groups: Vec<Group>) -> Result<Vec<NotificationView>> {
    let actor_ids: Vec<Id> = groups
        .iter()
        .flat_map(|g| g.latest_actor_ids.iter().copied())
        .collect();
    let users = users::by_ids(&state.db, &actor_ids).await?;
    Ok(groups
        .into_iter()
        .map(|g| views::notification_view(g, &users))
        .collect())
}
