//! The `posts` table.

use plaza_storage::sqlx::{self, AssertSqlSafe};
use plaza_storage::{
    Count, Db, Dialect, IdCount, Keyset, narrow, push_in, push_in_ids, push_not_in,
};
use plaza_types::game::GameFields;
use plaza_types::moderation::{ModerationChange, ModerationState};
use plaza_types::timeline::{CommentCount, Post, PostQuery, ScreenshotRef};
use plaza_types::{Cursor, Id, Page, page_limit};

use crate::Result;

const COLUMNS: &str = "p.id, p.region, p.community_id, p.author_id, p.body, p.feeling, p.spoiler, \
     p.topic_tag, p.platform, p.deleted_at, p.created_at, p.drawing_key, p.drawing_alt, \
     p.screenshot_key, p.screenshot_width, p.screenshot_height, \
     p.title_id, p.app_data, p.is_autopost, p.is_app_jumpable, p.moderation, p.moderation_reason, \
     (SELECT COUNT(*) FROM comments c WHERE c.post_id = p.id AND c.deleted_at IS NULL AND c.moderation = 0) AS comment_count";

/// A `posts` row as [`COLUMNS`] reads it.
#[derive(Debug, sqlx::FromRow)]
struct PostRow {
    id: i64,
    #[sqlx(try_from = "i64")]
    region: u8,
    community_id: i64,
    author_id: i64,
    body: String,
    #[sqlx(try_from = "i64")]
    feeling: u8,
    spoiler: i64,
    topic_tag: Option<String>,
    platform: String,
    deleted_at: Option<i64>,
    created_at: i64,
    drawing_key: Option<String>,
    drawing_alt: Option<String>,
    screenshot_key: Option<String>,
    screenshot_width: Option<i64>,
    screenshot_height: Option<i64>,
    title_id: Option<String>,
    app_data: Option<Vec<u8>>,
    is_autopost: i64,
    is_app_jumpable: i64,
    moderation: i64,
    moderation_reason: Option<String>,
    #[sqlx(try_from = "i64")]
    comment_count: Count,
}

impl TryFrom<PostRow> for Post {
    type Error = sqlx::Error;

    fn try_from(row: PostRow) -> Result<Self, sqlx::Error> {
        let screenshot = match row.screenshot_key {
            Some(key) => Some(ScreenshotRef {
                key,
                width: narrow("screenshot_width", row.screenshot_width.unwrap_or(0))?,
                height: narrow("screenshot_height", row.screenshot_height.unwrap_or(0))?,
            }),
            None => None,
        };
        // The search keys are read separately ([`with_search_keys`]).
        let game = row.title_id.map(|title_id| GameFields {
            title_id,
            app_data: row.app_data,
            search_keys: Vec::new(),
            is_autopost: row.is_autopost != 0,
            is_app_jumpable: row.is_app_jumpable != 0,
        });
        Ok(Post {
            id: Id(row.id),
            region: row.region,
            community_id: Id(row.community_id),
            author_id: Id(row.author_id),
            body: row.body,
            feeling: row.feeling,
            spoiler: row.spoiler != 0,
            topic_tag: row.topic_tag,
            platform: row.platform,
            comment_count: row.comment_count.0,
            deleted: row.deleted_at.is_some(),
            created_at: row.created_at,
            drawing: row.drawing_key,
            drawing_alt: row.drawing_alt,
            screenshot,
            game,
            moderation: ModerationState::from_code(row.moderation),
            moderation_reason: row.moderation_reason,
        })
    }
}

/// A search key row of `post_search_keys`.
#[derive(Debug, sqlx::FromRow)]
struct SearchKeyRow {
    post_id: i64,
    search_key: String,
}

/// Fills in the search keys of the game posts among `posts` (one query for the lot, served by
/// `post_search_keys_by_post`).
async fn with_search_keys(db: &Db, mut posts: Vec<Post>) -> Result<Vec<Post>, sqlx::Error> {
    let ids: Vec<Id> = posts
        .iter()
        .filter(|p| p.game.is_some())
        .map(|p| p.id)
        .collect();
    if ids.is_empty() {
        return Ok(posts);
    }
    let mut sql = plaza_storage::sql("SELECT post_id, search_key FROM post_search_keys WHERE ");
    push_in(&mut sql, "post_id", ids.iter().map(|i| i.0));
    sql.push(" ORDER BY post_id, search_key");
    let rows: Vec<SearchKeyRow> = sql.build_query_as().fetch_all(&db.pool).await?;
    for post in &mut posts {
        if let Some(game) = post.game.as_mut() {
            game.search_keys = rows
                .iter()
                .filter(|r| r.post_id == post.id.0)
                .map(|r| r.search_key.clone())
                .collect();
        }
    }
    Ok(posts)
}

async fn with_search_keys_one(db: &Db, post: Option<Post>) -> Result<Option<Post>, sqlx::Error> {
    match post {
        Some(p) => Ok(with_search_keys(db, vec![p]).await?.pop()),
        None => Ok(None),
    }
}

/// A new post's row and the idempotency key it was written under, as [`Rows`] takes it.
pub type NewRow = (Post, Option<String>);

/// The `posts` rows of new posts, grouped under load (`plaza_storage::batch`).
pub type Rows = plaza_storage::Batcher<NewRow>;

/// At most this many new posts go to the database in one statement (21 values each, far below
/// SQLite's limit of 32,766).
const ROWS_PER_BATCH: usize = 32;

/// The batcher of new posts' rows on `db`.
pub fn rows(db: Db) -> Rows {
    Rows::new(db, ROWS_PER_BATCH, |db, rows| {
        Box::pin(insert_rows(
            db.writer(),
            rows.iter().map(|(post, key)| (post, key.as_deref())),
        ))
    })
}

/// Stores a new post through `rows`, with others stored at the same moment. A game's post with
/// search keys takes a transaction of its own ([`insert`]).
pub async fn add(rows: &Rows, post: &Post, idem_key: Option<&str>) -> Result<(), sqlx::Error> {
    if has_search_keys(post) {
        return insert(rows.db(), post, idem_key).await;
    }
    rows.write((post.clone(), idem_key.map(str::to_owned)))
        .await
}

fn has_search_keys(post: &Post) -> bool {
    post.game
        .as_ref()
        .is_some_and(|g| !g.search_keys.is_empty())
}

/// Stores a new post, and its search keys, in one transaction (a post without search keys is one
/// statement, which commits by itself).
pub async fn insert(db: &Db, post: &Post, idem_key: Option<&str>) -> Result<(), sqlx::Error> {
    let row = [(post, idem_key)];
    if !has_search_keys(post) {
        return insert_rows(db.writer(), row).await;
    }
    let mut tx = db.begin_write().await?;
    insert_rows(&mut *tx, row).await?;
    for key in post.game.iter().flat_map(|g| &g.search_keys) {
        sqlx::query(
            "INSERT INTO post_search_keys (community_id, search_key, post_id, region) VALUES (?, ?, ?, ?)",
        )
        .bind(post.community_id.0)
        .bind(key)
        .bind(post.id.0)
        .bind(i64::from(post.region))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// The `posts` rows of `posts` (each with its idempotency key), in one statement: all or none.
async fn insert_rows<'a, 'e, E>(
    executor: E,
    posts: impl IntoIterator<Item = (&'a Post, Option<&'a str>)>,
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let mut insert = plaza_storage::sql(
        "INSERT INTO posts (id, region, community_id, author_id, body, feeling, spoiler, topic_tag, \
         platform, deleted_at, created_at, drawing_key, drawing_alt, screenshot_key, \
         screenshot_width, screenshot_height, idem_key, title_id, app_data, is_autopost, \
         is_app_jumpable) ",
    );
    insert.push_values(posts, |mut row, (post, idem_key)| {
        let game = post.game.as_ref();
        let screenshot = post.screenshot.as_ref();
        row.push_bind(post.id.0)
            .push_bind(i64::from(post.region))
            .push_bind(post.community_id.0)
            .push_bind(post.author_id.0)
            .push_bind(post.body.as_str())
            .push_bind(i64::from(post.feeling))
            .push_bind(i64::from(post.spoiler))
            .push_bind(post.topic_tag.as_deref())
            .push_bind(post.platform.as_str())
            .push("NULL")
            .push_bind(post.created_at)
            .push_bind(post.drawing.as_deref())
            .push_bind(post.drawing_alt.as_deref())
            .push_bind(screenshot.map(|s| s.key.as_str()))
            .push_bind(screenshot.map(|s| i64::from(s.width)))
            .push_bind(screenshot.map(|s| i64::from(s.height)))
            .push_bind(idem_key)
            .push_bind(game.map(|g| g.title_id.as_str()))
            .push_bind(game.and_then(|g| g.app_data.as_deref()))
            .push_bind(i64::from(game.is_some_and(|g| g.is_autopost)))
            .push_bind(i64::from(game.is_some_and(|g| g.is_app_jumpable)));
    });
    insert.build().execute(executor).await?;
    Ok(())
}

/// The post `author` wrote with Idempotency-Key `key`, if any.
pub async fn by_idem_key(db: &Db, author: Id, key: &str) -> Result<Option<Post>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM posts p WHERE p.author_id = ? AND p.idem_key = ?");
    let post = sqlx::query_as::<_, PostRow>(AssertSqlSafe(sql))
        .bind(author.0)
        .bind(key)
        .fetch_optional(&db.pool)
        .await?
        .map(Post::try_from)
        .transpose()?;
    with_search_keys_one(db, post).await
}

/// One post by id.
pub async fn get(db: &Db, id: Id) -> Result<Option<Post>, sqlx::Error> {
    let sql = plaza_storage::sql(&format!("SELECT {COLUMNS} FROM posts p WHERE "));
    let post = plaza_storage::by_id::<PostRow>(db, sql, "p.id", id)
        .await?
        .map(Post::try_from)
        .transpose()?;
    with_search_keys_one(db, post).await
}

/// Posts by id; missing ones are left out.
pub async fn by_ids(db: &Db, ids: &[Id]) -> Result<Vec<Post>, sqlx::Error> {
    let sql = plaza_storage::sql(&format!("SELECT {COLUMNS} FROM posts p WHERE "));
    let posts = plaza_storage::by_ids::<PostRow>(db, sql, "p.id", ids, "")
        .await?
        .into_iter()
        .map(Post::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    with_search_keys(db, posts).await
}

/// The keys among `keys` that a post's drawing or screenshot, or a comment's drawing, refers to
/// (served by `posts_by_drawing`, `posts_by_screenshot` and `comments_by_drawing`).
pub async fn referenced_media(db: &Db, keys: &[String]) -> Result<Vec<String>, sqlx::Error> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = plaza_storage::sql("SELECT drawing_key AS k FROM posts WHERE ");
    push_in(&mut sql, "drawing_key", keys.iter().cloned());
    sql.push(" UNION SELECT screenshot_key AS k FROM posts WHERE ");
    push_in(&mut sql, "screenshot_key", keys.iter().cloned());
    sql.push(" UNION SELECT drawing_key AS k FROM comments WHERE ");
    push_in(&mut sql, "drawing_key", keys.iter().cloned());
    sql.build_query_scalar().fetch_all(&db.pool).await
}

/// The comment counts of `posts` leaving out deleted comments and those by `exclude` (served by
/// `comments_by_post_author`, whose rows carry the author).
pub async fn comment_counts(
    db: &Db,
    posts: &[Id],
    exclude: &[Id],
) -> Result<Vec<CommentCount>, sqlx::Error> {
    let mut sql = plaza_storage::sql(
        "SELECT post_id AS id, COUNT(*) AS n FROM comments WHERE deleted_at IS NULL AND moderation = 0",
    );
    push_not_in(&mut sql, "author_id", exclude);
    sql.push(" AND ");
    let rows: Vec<IdCount> =
        plaza_storage::by_ids(db, sql, "post_id", posts, " GROUP BY post_id").await?;
    let counts: std::collections::HashMap<i64, i64> =
        rows.into_iter().map(|r| (r.id, r.n.0)).collect();
    Ok(posts
        .iter()
        .map(|p| CommentCount {
            post_id: *p,
            count: counts.get(&p.0).copied().unwrap_or(0),
        })
        .collect())
}

/// Marks a post deleted and forgets its text; its comments stay.
pub async fn mark_deleted(db: &Db, id: Id) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE posts SET deleted_at = ?, body = '', topic_tag = NULL, drawing_key = NULL, drawing_alt = NULL, \
         screenshot_key = NULL, screenshot_width = NULL, screenshot_height = NULL, app_data = NULL \
         WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(plaza_types::now_millis())
    .bind(id.0)
    .execute(db.writer())
    .await?;
    Ok(())
}

/// Changes a post's moderation state, reason or spoiler mark (only what `change` gives); with
/// `only_if_visible`, only while it is visible. Whether the row changed.
pub async fn moderate(db: &Db, id: Id, change: &ModerationChange) -> Result<bool, sqlx::Error> {
    moderate_row(db, "posts", id, change).await
}

/// The one UPDATE behind [`moderate`] and the comments' equivalent (the same columns).
pub(crate) async fn moderate_row(
    db: &Db,
    table: &'static str,
    id: Id,
    change: &ModerationChange,
) -> Result<bool, sqlx::Error> {
    let mut sql = plaza_storage::sql(&format!("UPDATE {table} SET id = id"));
    if let Some(state) = change.state {
        sql.push(", moderation = ").push_bind(state.code());
        sql.push(", moderation_reason = ")
            .push_bind(change.reason.clone().filter(|_| !state.is_visible()));
    }
    if let Some(spoiler) = change.spoiler {
        sql.push(", spoiler = ").push_bind(i64::from(spoiler));
    }
    sql.push(" WHERE id = ").push_bind(id.0);
    if change.only_if_visible {
        sql.push(" AND moderation = 0");
    }
    Ok(sql.build().execute(db.writer()).await?.rows_affected() == 1)
}

/// Sets the moderation state of every post and comment `author` wrote in `region` (a ban that
/// hides an account's content, or lifting it): rows of other regions are theirs to change.
/// Hiding marks visible rows hidden *with the account*; showing again changes only those, so
/// content a moderator hid or removed on its own keeps that decision. Returns how many rows
/// changed and the author's posts of this region (id, community), whose cached copies go.
pub async fn moderate_author(
    db: &Db,
    author: Id,
    region: u8,
    state: ModerationState,
    reason: Option<&str>,
) -> Result<(u64, Vec<(Id, Id)>), sqlx::Error> {
    let with_account = ModerationState::HiddenWithAccount.code();
    let (from, to) = if state.is_visible() {
        (with_account, state.code())
    } else {
        (ModerationState::Visible.code(), with_account)
    };
    let mut changed = 0;
    for table in ["posts", "comments"] {
        changed += sqlx::query(AssertSqlSafe(format!(
            "UPDATE {table} SET moderation = ?, moderation_reason = ? \
             WHERE author_id = ? AND region = ? AND moderation = ?"
        )))
        .bind(to)
        .bind(reason.filter(|_| !state.is_visible()))
        .bind(author.0)
        .bind(i64::from(region))
        .bind(from)
        .execute(db.writer())
        .await?
        .rows_affected();
    }
    let posts: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, community_id FROM posts WHERE author_id = ? AND region = ? LIMIT 10000",
    )
    .bind(author.0)
    .bind(i64::from(region))
    .fetch_all(&db.pool)
    .await?;
    Ok((
        changed,
        posts.into_iter().map(|(p, c)| (Id(p), Id(c))).collect(),
    ))
}

/// Feeds naming more authors than this (an activity feed) first look for their page in recent
/// windows of the table before asking each author's index.
const WINDOWED_AUTHORS: usize = 20;
/// The windows tried, in milliseconds back from the page's upper bound: an hour, then a day.
const WINDOWS_MS: [i64; 2] = [3_600_000, 86_400_000];

/// A feed page, newest first, without deleted posts. A page reads `limit + 1` rows to know
/// whether another page follows.
///
/// A community or a few authors are served by `posts_by_community` / `posts_by_author`. A feed of
/// many authors (following up to 1000 people) would cost one index seek per author, so it first
/// scans the primary key over the last hour, then the last day, and stops as soon as a window
/// holds a whole page: everything outside a window is older, so that page is exact. Only when the
/// followed people posted too little recently does it fall back to the per-author index.
pub async fn query(db: &Db, query: &PostQuery) -> crate::Result<Page<Post>> {
    let before = Cursor::key_from(query.cursor.as_deref())?;
    let limit = page_limit(query.limit);
    if query.author_ids.as_ref().is_some_and(Vec::is_empty) {
        return Ok(Page {
            items: Vec::new(),
            next_cursor: None,
        });
    }
    let many_authors = query
        .author_ids
        .as_ref()
        .is_some_and(|a| a.len() > WINDOWED_AUTHORS);
    if many_authors {
        let upper_ms = before.map_or_else(plaza_types::now_millis, |b| Id(b).millis() + 1);
        for window in WINDOWS_MS {
            let lower = Id::from_parts(upper_ms - window, 0, 0, 0).0;
            let page = select(db, query, before, Some(lower), limit).await?;
            if page.next_cursor.is_some() {
                return Ok(page);
            }
        }
    }
    Ok(select(db, query, before, None, limit).await?)
}

/// One read of a feed: ids below `before`, and above `after` when given (then by a primary-key
/// range scan, which is what makes a window cheap).
async fn select(
    db: &Db,
    query: &PostQuery,
    before: Option<i64>,
    after: Option<i64>,
    limit: u32,
) -> Result<Page<Post>, sqlx::Error> {
    let table = match (after, db.dialect) {
        (None, _) => "posts p",
        (Some(_), Dialect::Sqlite) => "posts p NOT INDEXED",
        (Some(_), Dialect::MySql) => "posts p FORCE INDEX (PRIMARY)",
    };
    // A search key is read from `post_search_keys` (its primary key is community, key, post).
    let table = match (&query.search_key, query.community_id) {
        (Some(_), Some(_)) => format!(
            "{table} JOIN post_search_keys k ON k.post_id = p.id AND k.community_id = p.community_id"
        ),
        _ => table.to_owned(),
    };
    let mut sql = plaza_storage::sql(&format!(
        "SELECT {COLUMNS} FROM {table} WHERE p.deleted_at IS NULL"
    ));
    if let Some(community) = query.community_id {
        sql.push(" AND p.community_id = ").push_bind(community.0);
        if let Some(key) = &query.search_key {
            sql.push(" AND k.community_id = ").push_bind(community.0);
            sql.push(" AND k.search_key = ").push_bind(key.clone());
        }
    } else if let Some(key) = &query.search_key {
        sql.push(" AND p.id IN (SELECT post_id FROM post_search_keys WHERE search_key = ")
            .push_bind(key.clone())
            .push(")");
    }
    if query.only_drawings {
        sql.push(" AND p.drawing_key IS NOT NULL");
    }
    if let Some(title) = &query.title_id {
        sql.push(" AND p.title_id = ").push_bind(title.clone());
    }
    if let Some(tag) = &query.topic_tag {
        sql.push(" AND p.topic_tag = ").push_bind(tag.clone());
    }
    if let Some(feeling) = query.feeling {
        sql.push(" AND p.feeling = ").push_bind(i64::from(feeling));
    }
    if query.without_spoilers {
        sql.push(" AND p.spoiler = 0");
    }
    if let Some(authors) = &query.author_ids {
        sql.push(" AND ");
        push_in_ids(&mut sql, db.dialect, "p.author_id", authors);
    }
    push_not_in(&mut sql, "p.author_id", &query.exclude_author_ids);
    if !query.include_moderated {
        sql.push(" AND (p.moderation = 0");
        if let Some(author) = query.include_moderated_of {
            sql.push(" OR p.author_id = ").push_bind(author.0);
        }
        sql.push(")");
    }
    if let Some(after) = after {
        sql.push(" AND p.id > ").push_bind(after);
    }
    let page: Page<Post> = Keyset::desc("p.id", before, limit)
        .fetch(db, sql, |r: &PostRow| r.id)
        .await?;
    Ok(Page {
        items: with_search_keys(db, page.items).await?,
        next_cursor: page.next_cursor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_post_whose_stored_feeling_does_not_fit_is_an_error_not_a_normal_post() {
        let dir = tempfile::tempdir().unwrap();
        let db = plaza_storage::testing::fresh_db(dir.path(), 2).await;
        let post = Post {
            id: Id(10),
            region: 1,
            community_id: Id(1),
            author_id: Id(2),
            body: "hi".into(),
            feeling: 1,
            spoiler: false,
            topic_tag: None,
            platform: "web".into(),
            comment_count: 0,
            deleted: false,
            created_at: 0,
            drawing: None,
            drawing_alt: None,
            screenshot: None,
            game: None,
            moderation: ModerationState::Visible,
            moderation_reason: None,
        };
        insert(&db, &post, None).await.unwrap();
        assert_eq!(get(&db, post.id).await.unwrap().unwrap().feeling, 1);

        sqlx::query("UPDATE posts SET feeling = 300 WHERE id = 10")
            .execute(&db.pool)
            .await
            .unwrap();
        let err = get(&db, post.id).await.unwrap_err();
        assert!(
            matches!(&err, sqlx::Error::ColumnDecode { index, .. } if index.contains("feeling")),
            "{err:?}"
        );
        assert!(by_ids(&db, &[post.id]).await.is_err());
    }
}

/// The posts `author` wrote that are not deleted, newest first (at most `limit`), for their data
/// export.
pub async fn by_author(db: &Db, author: Id, limit: u32) -> Result<Vec<Post>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM posts p WHERE p.author_id = ? AND p.deleted_at IS NULL \
         ORDER BY p.id DESC LIMIT ?"
    );
    sqlx::query_as::<_, PostRow>(AssertSqlSafe(sql))
        .bind(author.0)
        .bind(i64::from(limit))
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(Post::try_from)
        .collect()
}

/// What erasing an author's content removed, so caches can forget it.
#[derive(Debug, Default)]
pub struct Erased {
    /// The erased posts and their communities.
    pub posts: Vec<(Id, Id)>,
    /// The posts that lost comments.
    pub commented_posts: Vec<Id>,
}

/// Deletes, in one transaction, every post and comment `author` wrote in `region`, and the
/// comments written in `region` on those posts (a thread without its post is not shown
/// anywhere). Rows written in another region stay for that region to delete (each row has one
/// writing region); they are unreachable once the posts are gone. Running it again deletes
/// nothing more.
pub async fn erase_author(db: &Db, author: Id, region: u8) -> Result<Erased, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let posts: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, community_id FROM posts WHERE author_id = ? AND region = ?")
            .bind(author.0)
            .bind(i64::from(region))
            .fetch_all(&mut *tx)
            .await?;
    let commented: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT post_id FROM comments WHERE author_id = ? AND region = ?",
    )
    .bind(author.0)
    .bind(i64::from(region))
    .fetch_all(&mut *tx)
    .await?;
    for chunk in posts.chunks(500) {
        let mut sql = plaza_storage::sql("DELETE FROM comments WHERE region = ");
        sql.push_bind(i64::from(region)).push(" AND post_id IN (");
        let mut list = sql.separated(", ");
        for (id, _) in chunk {
            list.push_bind(*id);
        }
        sql.push(")");
        sql.build().execute(&mut *tx).await?;
    }
    sqlx::query("DELETE FROM comments WHERE author_id = ? AND region = ?")
        .bind(author.0)
        .bind(i64::from(region))
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM posts WHERE author_id = ? AND region = ?")
        .bind(author.0)
        .bind(i64::from(region))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Erased {
        posts: posts.into_iter().map(|(p, c)| (Id(p), Id(c))).collect(),
        commented_posts: commented.into_iter().map(Id).collect(),
    })
}
