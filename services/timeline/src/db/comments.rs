//! The `comments` table.

use crate::{AppState, Result};
use plaza_storage::sqlx::any::AnyRow;
use plaza_storage::sqlx::{self, AssertSqlSafe, Row};
use plaza_storage::{Db, placeholders, queue};
use plaza_types::jobs::{CommentCreated, CommentDeleted, Job};
use plaza_types::timeline::{Comment, CommentQuery};
use plaza_types::{Cursor, Id, Page, page_limit};

const COLUMNS: &str = "id, region, post_id, author_id, body, feeling, spoiler, deleted_at, created_at, drawing_key, \
     drawing_alt";

fn from_row(row: &AnyRow) -> Result<Comment, sqlx::Error> {
    let deleted_at: Option<i64> = row.try_get("deleted_at")?;
    Ok(Comment {
        id: Id(row.try_get("id")?),
        region: u8::try_from(row.try_get::<i64, _>("region")?).unwrap_or_default(),
        post_id: Id(row.try_get("post_id")?),
        author_id: Id(row.try_get("author_id")?),
        body: row.try_get("body")?,
        feeling: u8::try_from(row.try_get::<i64, _>("feeling")?).unwrap_or_default(),
        spoiler: row.try_get::<i64, _>("spoiler")? != 0,
        deleted: deleted_at.is_some(),
        created_at: row.try_get("created_at")?,
        drawing: row.try_get("drawing_key")?,
        drawing_alt: row.try_get("drawing_alt")?,
    })
}

/// Stores a comment and its notification job in one transaction.
pub async fn insert_with_job(
    state: &AppState,
    comment: &Comment,
    platform: &str,
    post_author_id: Id,
    exclude_recipient_ids: Vec<Id>,
    idem_key: Option<&str>,
) -> Result<(), sqlx::Error> {
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "INSERT INTO comments (id, region, post_id, author_id, body, feeling, spoiler, platform, \
         deleted_at, created_at, drawing_key, drawing_alt, idem_key) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
    )
    .bind(comment.id.0)
    .bind(i64::from(comment.region))
    .bind(comment.post_id.0)
    .bind(comment.author_id.0)
    .bind(&comment.body)
    .bind(i64::from(comment.feeling))
    .bind(i64::from(comment.spoiler))
    .bind(platform)
    .bind(comment.created_at)
    .bind(comment.drawing.as_deref())
    .bind(comment.drawing_alt.as_deref())
    .bind(idem_key)
    .execute(&mut *tx)
    .await?;
    let job = CommentCreated {
        post_id: comment.post_id,
        comment_id: comment.id,
        post_author_id,
        commenter_id: comment.author_id,
        at: comment.created_at,
        exclude_recipient_ids,
    };
    queue::enqueue(
        &mut tx,
        state.ids.next_id(),
        state.config.region,
        &Job::CommentCreated(job),
    )
    .await?;
    tx.commit().await
}

/// One comment by id.
/// The comment `author` wrote with Idempotency-Key `key`, if any.
pub async fn by_idem_key(db: &Db, author: Id, key: &str) -> Result<Option<Comment>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM comments WHERE author_id = ? AND idem_key = ?");
    sqlx::query(AssertSqlSafe(sql))
        .bind(author.0)
        .bind(key)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn get(db: &Db, id: Id) -> Result<Option<Comment>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM comments WHERE id = ?");
    sqlx::query(AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Marks a comment deleted and forgets its text and drawing (which the media clean-up then
/// finds unreferenced), and queues taking its notifications away, in one transaction. Deleting
/// a deleted comment changes nothing.
pub async fn mark_deleted(
    state: &AppState,
    comment: &Comment,
    post_author_id: Id,
) -> Result<(), sqlx::Error> {
    let mut tx = state.db.begin_write().await?;
    let changed = sqlx::query(
        "UPDATE comments SET deleted_at = ?, body = '', drawing_key = NULL, drawing_alt = NULL \
         WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(plaza_types::now_millis())
    .bind(comment.id.0)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !changed {
        return tx.commit().await;
    }
    let remains = sqlx::query(
        "SELECT 1 AS x FROM comments WHERE post_id = ? AND author_id = ? AND deleted_at IS NULL LIMIT 1",
    )
    .bind(comment.post_id.0)
    .bind(comment.author_id.0)
    .fetch_optional(&mut *tx)
    .await?
    .is_some();
    let job = CommentDeleted {
        post_id: comment.post_id,
        comment_id: comment.id,
        post_author_id,
        commenter_id: comment.author_id,
        commenter_remains: remains,
    };
    queue::enqueue(
        &mut tx,
        state.ids.next_id(),
        state.config.region,
        &Job::CommentDeleted(job),
    )
    .await?;
    tx.commit().await
}

/// A post's live comments, oldest first (served by `comments_by_post`).
pub async fn list(db: &Db, post_id: Id, query: &CommentQuery) -> crate::Result<Page<Comment>> {
    let after = Cursor::key_from(query.cursor.as_deref())?;
    let limit = page_limit(query.limit);
    let mut sql =
        format!("SELECT {COLUMNS} FROM comments WHERE post_id = ? AND deleted_at IS NULL");
    if !query.exclude_author_ids.is_empty() {
        sql.push_str(&format!(
            " AND author_id NOT IN ({})",
            placeholders(query.exclude_author_ids.len())
        ));
    }
    if after.is_some() {
        sql.push_str(" AND id > ?");
    }
    sql.push_str(" ORDER BY id ASC LIMIT ?");
    let mut q = sqlx::query(AssertSqlSafe(sql)).bind(post_id.0);
    for a in &query.exclude_author_ids {
        q = q.bind(a.0);
    }
    if let Some(a) = after {
        q = q.bind(a);
    }
    let rows = q.bind(i64::from(limit) + 1).fetch_all(&db.pool).await?;
    let items = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(items, limit, |c| c.id.0))
}

/// The distinct authors of a post's comments made before comment `before` (served by
/// `comments_by_post`).
pub async fn commenters(
    db: &Db,
    post_id: Id,
    before: Id,
    limit: u32,
) -> Result<Vec<Id>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT DISTINCT author_id FROM comments WHERE post_id = ? AND id < ? LIMIT ?")
            .bind(post_id.0)
            .bind(before.0)
            .bind(i64::from(limit))
            .fetch_all(&db.pool)
            .await?;
    rows.iter()
        .map(|r| r.try_get::<i64, _>("author_id").map(Id))
        .collect()
}
