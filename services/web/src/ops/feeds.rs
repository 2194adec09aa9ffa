//! The lists people read: a community's new and popular posts, a user's posts and Yeahs, the
//! activity feed, a post's comments and notifications. Posts by anyone the reader blocks or is
//! blocked by are left out.

use super::join;
use super::moderation::{may_see, roles};
use crate::cache::PageOf;
use crate::db::users::User;
use crate::db::{blocks, users};
use crate::views::{CommentView, NotificationView, PostView, UserRef};
use crate::{AppState, Result};
use plaza_types::empathy::{TargetKind, YeahQuery};
use plaza_types::timeline::{Comment, CommentQuery, Post, PostQuery};
use plaza_types::{Id, PAGE_SIZE, Page};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// A page of posts as a list shows them. A first page's posts are shared with the cached page
/// they were made from ([`CachedPage`]), so a reader who comes back costs no copy of them.
pub struct Posts {
    pub items: Arc<Vec<PostView>>,
    pub next_cursor: Option<String>,
}

impl From<Page<PostView>> for Posts {
    fn from(page: Page<PostView>) -> Self {
        Posts {
            items: Arc::new(page.items),
            next_cursor: page.next_cursor,
        }
    }
}

/// The API's list: the posts taken out of the `Arc` (a copy only while the page is cached).
impl From<Posts> for plaza_types::api::posts::PostList {
    fn from(posts: Posts) -> Self {
        Self {
            posts: Arc::unwrap_or_clone(posts.items),
            next_cursor: posts.next_cursor,
        }
    }
}

async fn hidden(state: &AppState, viewer: Option<&User>) -> Result<Vec<Id>> {
    Ok(match viewer {
        Some(v) => crate::cache::hidden(state, v.id).await?,
        None => Vec::new(),
    })
}

async fn post_page(
    state: &AppState,
    viewer: Option<&User>,
    query: PostQuery,
) -> Result<Page<PostView>> {
    let page = state.timeline.query_posts(&query).await?;
    Ok(Page {
        items: join::posts(state, viewer.map(|v| v.id), page.items).await?,
        next_cursor: page.next_cursor,
    })
}

/// The posts with `ids`, in that order, leaving out deleted ones and those the viewer must not
/// see (for lists ordered by another service: rankings, Yeahs).
async fn posts_in_order(
    state: &AppState,
    viewer: Option<&User>,
    ids: &[Id],
) -> Result<Vec<PostView>> {
    let ordered = visible_in_order(state, viewer, ids).await?;
    join::posts(state, viewer.map(|v| v.id), ordered).await
}

/// The posts with `ids` that `viewer` may see, in that order.
async fn visible_in_order(
    state: &AppState,
    viewer: Option<&User>,
    ids: &[Id],
) -> Result<Vec<Post>> {
    let hidden = hidden(state, viewer).await?;
    let roles = roles(state, viewer).await?;
    let mut by_id: HashMap<Id, _> = state
        .timeline
        .posts(ids)
        .await?
        .into_iter()
        .filter(|p| !p.deleted && !hidden.contains(&p.author_id))
        .filter(|p| {
            may_see(
                p.moderation,
                p.author_id,
                Some(p.community_id),
                viewer,
                &roles,
            )
        })
        .map(|p| (p.id, p))
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// A community's posts, newest first.
pub async fn community(
    state: &AppState,
    viewer: Option<&User>,
    community_id: Id,
    cursor: Option<String>,
) -> Result<Posts> {
    community_posts(state, viewer, community_id, false, cursor).await
}

/// A community's posts that carry a drawing, newest first (its "Drawings" tab).
pub async fn drawings(
    state: &AppState,
    viewer: Option<&User>,
    community_id: Id,
    cursor: Option<String>,
) -> Result<Posts> {
    community_posts(state, viewer, community_id, true, cursor).await
}

/// A first page of posts with what it shows beside them, as one reader sees it (every
/// anonymous reader alike): what [`crate::cache::first_page`] keeps.
#[derive(serde::Serialize, serde::Deserialize)]
struct CachedPage {
    posts: Vec<Post>,
    pieces: join::Pieces,
    next_cursor: Option<String>,
    /// The posts as its reader sees them, made once (a page is kept per reader, see
    /// [`crate::cache::first_page`]).
    #[serde(skip)]
    views: OnceLock<Arc<Vec<PostView>>>,
}

impl CachedPage {
    async fn read(state: &AppState, viewer: Option<Id>, page: Page<Post>) -> Result<Self> {
        Ok(CachedPage {
            pieces: join::pieces(state, viewer, &page.items).await?,
            posts: page.items,
            next_cursor: page.next_cursor,
            views: OnceLock::new(),
        })
    }

    /// The page's posts as `viewer`, the reader it was read for, sees them.
    fn views(&self, state: &AppState, viewer: Option<Id>) -> Posts {
        let items = self
            .views
            .get_or_init(|| Arc::new(self.pieces.views(state, viewer, self.posts.clone())));
        Posts {
            items: items.clone(),
            next_cursor: self.next_cursor.clone(),
        }
    }
}

async fn community_posts(
    state: &AppState,
    viewer: Option<&User>,
    community_id: Id,
    only_drawings: bool,
    cursor: Option<String>,
) -> Result<Posts> {
    let query = PostQuery {
        community_id: Some(community_id),
        exclude_author_ids: hidden(state, viewer).await?,
        only_drawings,
        cursor,
        include_moderated: roles(state, viewer).await?.can_moderate(Some(community_id)),
        include_moderated_of: viewer.map(|v| v.id),
        ..PostQuery::default()
    };
    if query.cursor.is_some() {
        return Ok(post_page(state, viewer, query).await?.into());
    }
    let me = viewer.map(|v| v.id);
    let tab = if only_drawings { "drawings" } else { "new" };
    let load =
        || async { CachedPage::read(state, me, state.timeline.query_posts(&query).await?).await };
    let of = PageOf::Community(community_id, tab);
    let page = crate::cache::first_page(state, of, me, &query, load).await?;
    Ok(page.views(state, me))
}

/// The key under which a community tab's first page, as every signed-out reader sees it, may be
/// kept rendered ([`rendered`]): the key of the data it shows ([`crate::cache::first_page`])
/// with a hash of the rest of what the page shows (`shown`: the community, the language, the
/// path), so it changes whenever the page would. `None` when pages are not cached.
pub async fn anyones_page_key(
    state: &AppState,
    community_id: Id,
    tab: &str,
    shown: impl std::hash::Hash,
) -> Option<String> {
    use std::hash::{BuildHasher, RandomState};
    let of = PageOf::Community(community_id, tab);
    let data = crate::cache::first_page_key(state, of, None, &PostQuery::default()).await?;
    // Per process, as the rendered pages are.
    static SEED: std::sync::LazyLock<RandomState> = std::sync::LazyLock::new(RandomState::new);
    Some(format!("{data}:{:016x}", SEED.hash_one(shown)))
}

/// As [`anyones_page_key`], for post `id`'s first page (its first comments).
pub async fn anyones_post_page_key(
    state: &AppState,
    id: Id,
    shown: impl std::hash::Hash,
) -> Option<String> {
    let community = crate::cache::post_community(state, id).await.ok()??;
    anyones_page_key(state, community, &format!("post:{id}"), shown).await
}

pub use crate::cache::{keep_rendered, rendered};

/// A community's posts with the most Yeahs in the last 7 days.
pub async fn popular(
    state: &AppState,
    viewer: Option<&User>,
    community_id: Id,
    cursor: Option<String>,
) -> Result<Posts> {
    if viewer.is_none() && cursor.is_none() {
        let anyone = PostQuery::default();
        let load = || async {
            let ranked = state
                .empathy
                .popular(community_id, 7, None, PAGE_SIZE)
                .await?;
            let ids: Vec<Id> = ranked.items.iter().map(|r| r.post_id).collect();
            let posts = visible_in_order(state, None, &ids).await?;
            let page = Page {
                items: posts,
                next_cursor: ranked.next_cursor,
            };
            CachedPage::read(state, None, page).await
        };
        let of = PageOf::Community(community_id, "popular");
        let page = crate::cache::first_page(state, of, None, &anyone, load).await?;
        return Ok(page.views(state, None));
    }
    let ranked = state
        .empathy
        .popular(community_id, 7, cursor, PAGE_SIZE)
        .await?;
    let ids: Vec<Id> = ranked.items.iter().map(|r| r.post_id).collect();
    Ok(Posts {
        items: Arc::new(posts_in_order(state, viewer, &ids).await?),
        next_cursor: ranked.next_cursor,
    })
}

/// A user's posts, newest first (nothing when either blocks the other).
pub async fn user_posts(
    state: &AppState,
    viewer: Option<&User>,
    author: &User,
    cursor: Option<String>,
) -> Result<Page<PostView>> {
    if let Some(v) = viewer
        && blocks::between(&state.db, v.id, author.id).await?
    {
        return Ok(Page {
            items: Vec::new(),
            next_cursor: None,
        });
    }
    let query = PostQuery {
        author_ids: Some(vec![author.id]),
        cursor,
        include_moderated: roles(state, viewer).await?.scope().is_none() && viewer.is_some(),
        include_moderated_of: viewer.map(|v| v.id),
        ..PostQuery::default()
    };
    post_page(state, viewer, query).await
}

/// The posts a user gave a Yeah, most recent Yeah first.
pub async fn user_yeahs(
    state: &AppState,
    viewer: Option<&User>,
    user: &User,
    cursor: Option<String>,
) -> Result<Page<PostView>> {
    let yeahs = state
        .empathy
        .by_user(user.id, TargetKind::Post, cursor, PAGE_SIZE)
        .await?;
    let ids: Vec<Id> = yeahs.items.iter().map(|y| y.target_id).collect();
    Ok(Page {
        items: posts_in_order(state, viewer, &ids).await?,
        next_cursor: yeahs.next_cursor,
    })
}

/// The activity feed: the viewer's posts and those of everyone they follow, newest first.
pub async fn activity(state: &AppState, viewer: &User, cursor: Option<String>) -> Result<Posts> {
    let mut authors = crate::cache::followees(state, viewer.id).await?;
    authors.push(viewer.id);
    let query = PostQuery {
        author_ids: Some(authors),
        exclude_author_ids: hidden(state, Some(viewer)).await?,
        cursor,
        include_moderated_of: Some(viewer.id),
        ..PostQuery::default()
    };
    if query.cursor.is_some() {
        return Ok(post_page(state, Some(viewer), query).await?.into());
    }
    let me = Some(viewer.id);
    let load =
        || async { CachedPage::read(state, me, state.timeline.query_posts(&query).await?).await };
    let page = crate::cache::first_page(state, PageOf::Activity, me, &query, load).await?;
    Ok(page.views(state, me))
}

/// One post.
pub async fn post(state: &AppState, viewer: Option<&User>, post_id: Id) -> Result<PostView> {
    let post = visible_post(state, viewer, post_id).await?;
    join::post(state, viewer.map(|v| v.id), post).await
}

/// A post's comments, oldest first.
pub async fn comments(
    state: &AppState,
    viewer: Option<&User>,
    post_id: Id,
    cursor: Option<String>,
) -> Result<Page<CommentView>> {
    let post = visible_post(state, viewer, post_id).await?;
    let page = comments_of(state, viewer, &post, cursor).await?;
    Ok(Page {
        items: join::comments(state, viewer.map(|v| v.id), page.items).await?,
        next_cursor: page.next_cursor,
    })
}

/// A page of the comments on `post` that `viewer` may see.
async fn comments_of(
    state: &AppState,
    viewer: Option<&User>,
    post: &Post,
    cursor: Option<String>,
) -> Result<Page<Comment>> {
    let query = CommentQuery {
        exclude_author_ids: hidden(state, viewer).await?,
        cursor,
        limit: None,
        include_moderated: roles(state, viewer)
            .await?
            .can_moderate(Some(post.community_id)),
        include_moderated_of: viewer.map(|v| v.id),
    };
    Ok(state.timeline.comments(post.id, &query).await?)
}

/// A post's page: the post, a page of its comments and the first people who gave it a Yeah.
pub struct PostPage {
    pub post: PostView,
    pub comments: Page<CommentView>,
    pub yeahers: Vec<UserRef>,
}

/// What [`post_with_comments`] keeps for anonymous readers, before it is shown.
#[derive(serde::Serialize, serde::Deserialize)]
struct CachedPostPage {
    post: CachedPage,
    comments: Page<Comment>,
    comment_pieces: join::CommentPieces,
    yeahers: Vec<UserRef>,
}

/// A post's page as `viewer` sees it. Its first page for anonymous readers is cached under its
/// community's versions (which every comment, Yeah, deletion and moderation there renews), so
/// the busiest post, with thousands of comments, is read once per change, not per reader.
pub async fn post_with_comments(
    state: &AppState,
    viewer: Option<&User>,
    id: Id,
    cursor: Option<String>,
) -> Result<PostPage> {
    let me = viewer.map(|v| v.id);
    let anyone = viewer.is_none() && cursor.is_none();
    let read = |post: Post| async move {
        let (pieces, comments, yeahers) = tokio::try_join!(
            join::pieces(state, me, std::slice::from_ref(&post)),
            comments_of(state, viewer, &post, cursor),
            yeahers(state, viewer, post.id, None),
        )?;
        Ok(CachedPostPage {
            comment_pieces: join::comment_pieces(state, me, &comments.items).await?,
            post: CachedPage {
                posts: vec![post],
                pieces,
                next_cursor: None,
                views: OnceLock::new(),
            },
            comments,
            yeahers: yeahers.items,
        })
    };
    let community = if anyone {
        crate::cache::post_community(state, id).await?
    } else {
        None
    };
    let page = match community {
        Some(community) => {
            let load = || async { read(visible_post(state, None, id).await?).await };
            let tab = format!("post:{id}");
            let of = PageOf::Community(community, &tab);
            let anyone = PostQuery::default();
            let page: std::sync::Arc<CachedPostPage> =
                crate::cache::first_page(state, of, None, &anyone, load).await?;
            // Moderation renews the community's version, so the kept post's state is current.
            if page.post.posts.iter().any(|p| !p.moderation.is_visible()) {
                return Err(crate::Error::NotFound("post"));
            }
            page
        }
        None => std::sync::Arc::new(read(visible_post(state, viewer, id).await?).await?),
    };
    let posts = page.post.views(state, me).items;
    Ok(PostPage {
        post: posts
            .first()
            .cloned()
            .ok_or(crate::Error::NotFound("post"))?,
        comments: Page {
            items: page
                .comment_pieces
                .views(state, me, page.comments.items.clone()),
            next_cursor: page.comments.next_cursor.clone(),
        },
        yeahers: page.yeahers.clone(),
    })
}

/// Who gave a post a Yeah, most recent first, leaving out anyone the viewer blocks or is
/// blocked by.
pub async fn yeahers(
    state: &AppState,
    viewer: Option<&User>,
    post_id: Id,
    cursor: Option<String>,
) -> Result<Page<UserRef>> {
    let query = YeahQuery {
        exclude_user_ids: hidden(state, viewer).await?,
        cursor,
        limit: Some(PAGE_SIZE),
    };
    let page = state
        .empathy
        .query_target(TargetKind::Post, post_id, &query)
        .await?;
    let ids: Vec<Id> = page.items.iter().map(|y| y.user_id).collect();
    let found = users::by_ids(&state.db, &ids).await?;
    Ok(Page {
        items: ids
            .iter()
            .filter_map(|id| found.get(id))
            .map(UserRef::from)
            .collect(),
        next_cursor: page.next_cursor,
    })
}

/// A user's grouped notifications, most recent first.
pub async fn notifications(
    state: &AppState,
    user: &User,
    cursor: Option<String>,
) -> Result<Page<NotificationView>> {
    let page = state.notification.list(user.id, cursor, PAGE_SIZE).await?;
    Ok(Page {
        items: join::notifications(state, page.items).await?,
        next_cursor: page.next_cursor,
    })
}

/// The post `id`, or `not_found` (for lists under a post).
pub async fn existing_post(state: &AppState, id: Id) -> Result<()> {
    state.timeline.post(id).await?;
    Ok(())
}

/// The post `id` when `viewer` may see it: moderation hid it from everyone else but its author
/// and the community's moderators, who get `not_found` as if it did not exist.
pub async fn visible_post(
    state: &AppState,
    viewer: Option<&User>,
    id: Id,
) -> Result<plaza_types::timeline::Post> {
    let post = state.timeline.post(id).await?;
    if post.moderation.is_visible() {
        return Ok(post);
    }
    let roles = roles(state, viewer).await?;
    if may_see(
        post.moderation,
        post.author_id,
        Some(post.community_id),
        viewer,
        &roles,
    ) {
        Ok(post)
    } else {
        Err(crate::Error::NotFound("post"))
    }
}

/// How many of `user`'s notification groups are unread: from the count notification keeps in
/// the cache ([`plaza_cache::UnreadCounts`]) when it is there, else from notification.
pub async fn unread_count(state: &AppState, user: &User) -> Result<i64> {
    let cache = state.cache.as_ref();
    if let Some(key) = plaza_cache::UnreadCounts::key(cache, user.id, &state.ids).await
        && let Some(unread) = plaza_cache::get_json(cache, &key).await
    {
        return Ok(unread);
    }
    Ok(state.notification.unread(user.id).await?.unread)
}

/// Marks all of `user`'s notifications read; the unread count after.
pub async fn mark_all_read(state: &AppState, user: &User) -> Result<i64> {
    Ok(state.notification.mark_read(user.id).await?.unread)
}
