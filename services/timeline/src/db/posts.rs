//! The `posts` table.

use plaza_storage::sqlx::any::AnyRow;
use plaza_storage::sqlx::{self, AssertSqlSafe, Row};
use plaza_storage::{Db, Dialect, placeholders};
use plaza_types::timeline::{CommentCount, Post, PostQuery, ScreenshotRef};
use plaza_types::{Cursor, Id, Page, page_limit};

use crate::Result;

const COLUMNS: &str = "p.id, p.region, p.community_id, p.author_id, p.body, p.feeling, p.spoiler, \
     p.topic_tag, p.platform, p.deleted_at, p.created_at, p.drawing_key, p.drawing_alt, \
     p.screenshot_key, p.screenshot_width, p.screenshot_height, \
     (SELECT COUNT(*) FROM comments c WHERE c.post_id = p.id AND c.deleted_at IS NULL) AS comment_count";

fn from_row(row: &AnyRow) -> Result<Post, sqlx::Error> {
    let deleted_at: Option<i64> = row.try_get("deleted_at")?;
    Ok(Post {
        id: Id(row.try_get("id")?),
        region: u8::try_from(row.try_get::<i64, _>("region")?).unwrap_or_default(),
        community_id: Id(row.try_get("community_id")?),
        author_id: Id(row.try_get("author_id")?),
        body: row.try_get("body")?,
        feeling: u8::try_from(row.try_get::<i64, _>("feeling")?).unwrap_or_default(),
        spoiler: row.try_get::<i64, _>("spoiler")? != 0,
        topic_tag: row.try_get("topic_tag")?,
        platform: row.try_get("platform")?,
        comment_count: row.try_get("comment_count")?,
        deleted: deleted_at.is_some(),
        created_at: row.try_get("created_at")?,
        drawing: row.try_get("drawing_key")?,
        drawing_alt: row.try_get("drawing_alt")?,
        screenshot: match row.try_get::<Option<String>, _>("screenshot_key")? {
            Some(key) => Some(ScreenshotRef {
                key,
                width: u32::try_from(
                    row.try_get::<Option<i64>, _>("screenshot_width")?
                        .unwrap_or(0),
                )
                .unwrap_or(0),
                height: u32::try_from(
                    row.try_get::<Option<i64>, _>("screenshot_height")?
                        .unwrap_or(0),
                )
                .unwrap_or(0),
            }),
            None => None,
        },
    })
}

/// Stores a new post.
pub async fn insert(db: &Db, post: &Post, idem_key: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO posts (id, region, community_id, author_id, body, feeling, spoiler, topic_tag, \
         platform, deleted_at, created_at, drawing_key, drawing_alt, screenshot_key, \
         screenshot_width, screenshot_height, idem_key) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(post.id.0)
    .bind(i64::from(post.region))
    .bind(post.community_id.0)
    .bind(post.author_id.0)
    .bind(&post.body)
    .bind(i64::from(post.feeling))
    .bind(i64::from(post.spoiler))
    .bind(post.topic_tag.as_deref())
    .bind(&post.platform)
    .bind(post.created_at)
    .bind(post.drawing.as_deref())
    .bind(post.drawing_alt.as_deref())
    .bind(post.screenshot.as_ref().map(|s| s.key.clone()))
    .bind(post.screenshot.as_ref().map(|s| i64::from(s.width)))
    .bind(post.screenshot.as_ref().map(|s| i64::from(s.height)))
    .bind(idem_key)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The post `author` wrote with Idempotency-Key `key`, if any.
pub async fn by_idem_key(db: &Db, author: Id, key: &str) -> Result<Option<Post>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM posts p WHERE p.author_id = ? AND p.idem_key = ?");
    sqlx::query(AssertSqlSafe(sql))
        .bind(author.0)
        .bind(key)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// One post by id.
pub async fn get(db: &Db, id: Id) -> Result<Option<Post>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM posts p WHERE p.id = ?");
    sqlx::query(AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Posts by id; missing ones are left out.
pub async fn by_ids(db: &Db, ids: &[Id]) -> Result<Vec<Post>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM posts p WHERE p.id IN ({})",
        placeholders(ids.len())
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for id in ids {
        q = q.bind(id.0);
    }
    q.fetch_all(&db.pool).await?.iter().map(from_row).collect()
}

/// The keys among `keys` that a post's drawing or screenshot, or a comment's drawing, refers to
/// (served by `posts_by_drawing`, `posts_by_screenshot` and `comments_by_drawing`).
pub async fn referenced_media(db: &Db, keys: &[String]) -> Result<Vec<String>, sqlx::Error> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let list = placeholders(keys.len());
    let sql = format!(
        "SELECT drawing_key AS k FROM posts WHERE drawing_key IN ({list}) \
         UNION SELECT screenshot_key AS k FROM posts WHERE screenshot_key IN ({list}) \
         UNION SELECT drawing_key AS k FROM comments WHERE drawing_key IN ({list})"
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for k in keys.iter().chain(keys).chain(keys) {
        q = q.bind(k.clone());
    }
    q.fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>("k"))
        .collect()
}

/// The comment counts of `posts` leaving out deleted comments and those by `exclude` (served by
/// `comments_by_post_author`, whose rows carry the author).
pub async fn comment_counts(
    db: &Db,
    posts: &[Id],
    exclude: &[Id],
) -> Result<Vec<CommentCount>, sqlx::Error> {
    if posts.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = format!(
        "SELECT post_id, COUNT(*) AS n FROM comments WHERE post_id IN ({}) AND deleted_at IS NULL",
        placeholders(posts.len())
    );
    if !exclude.is_empty() {
        sql.push_str(&format!(
            " AND author_id NOT IN ({})",
            placeholders(exclude.len())
        ));
    }
    sql.push_str(" GROUP BY post_id");
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for p in posts.iter().chain(exclude) {
        q = q.bind(p.0);
    }
    let mut counts = std::collections::HashMap::new();
    for row in q.fetch_all(&db.pool).await? {
        counts.insert(
            row.try_get::<i64, _>("post_id")?,
            row.try_get::<i64, _>("n")?,
        );
    }
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
         screenshot_key = NULL, screenshot_width = NULL, screenshot_height = NULL WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(plaza_types::now_millis())
    .bind(id.0)
    .execute(&db.pool)
    .await?;
    Ok(())
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
            let items = select(db, query, before, Some(lower), limit).await?;
            if items.len() > limit as usize {
                return Ok(Page::from_overfetch(items, limit, |p| p.id.0));
            }
        }
    }
    let items = select(db, query, before, None, limit).await?;
    Ok(Page::from_overfetch(items, limit, |p| p.id.0))
}

/// One read of a feed: ids below `before`, and above `after` when given (then by a primary-key
/// range scan, which is what makes a window cheap).
async fn select(
    db: &Db,
    query: &PostQuery,
    before: Option<i64>,
    after: Option<i64>,
    limit: u32,
) -> Result<Vec<Post>, sqlx::Error> {
    let table = match (after, db.dialect) {
        (None, _) => "posts p",
        (Some(_), Dialect::Sqlite) => "posts p NOT INDEXED",
        (Some(_), Dialect::MySql) => "posts p FORCE INDEX (PRIMARY)",
    };
    let mut sql = format!("SELECT {COLUMNS} FROM {table} WHERE p.deleted_at IS NULL");
    if query.community_id.is_some() {
        sql.push_str(" AND p.community_id = ?");
    }
    if query.only_drawings {
        sql.push_str(" AND p.drawing_key IS NOT NULL");
    }
    if let Some(authors) = &query.author_ids {
        sql.push_str(&format!(
            " AND p.author_id IN ({})",
            placeholders(authors.len())
        ));
    }
    if !query.exclude_author_ids.is_empty() {
        sql.push_str(&format!(
            " AND p.author_id NOT IN ({})",
            placeholders(query.exclude_author_ids.len())
        ));
    }
    if before.is_some() {
        sql.push_str(" AND p.id < ?");
    }
    if after.is_some() {
        sql.push_str(" AND p.id > ?");
    }
    sql.push_str(" ORDER BY p.id DESC LIMIT ?");
    let mut q = sqlx::query(AssertSqlSafe(sql));
    if let Some(c) = query.community_id {
        q = q.bind(c.0);
    }
    for a in query.author_ids.iter().flatten() {
        q = q.bind(a.0);
    }
    for a in &query.exclude_author_ids {
        q = q.bind(a.0);
    }
    if let Some(b) = before {
        q = q.bind(b);
    }
    if let Some(a) = after {
        q = q.bind(a);
    }
    q = q.bind(i64::from(limit) + 1);
    let rows = q.fetch_all(&db.pool).await?;
    rows.iter().map(from_row).collect()
}
