//! The `comments` table.

use crate::{AppState, Result};
use plaza_storage::sqlx::{self, AssertSqlSafe};
use plaza_storage::{Db, Keyset, push_not_in, queue};
use plaza_types::jobs::{CommentCreated, CommentDeleted, Job};
use plaza_types::moderation::{ModerationChange, ModerationState};
use plaza_types::timeline::{Comment, CommentQuery};
use plaza_types::{Cursor, Id, Page, page_limit};

const COLUMNS: &str = "id, region, post_id, author_id, body, feeling, spoiler, deleted_at, created_at, drawing_key, \
     drawing_alt, moderation, moderation_reason";

/// A `comments` row as [`COLUMNS`] reads it.
#[derive(Debug, sqlx::FromRow)]
struct CommentRow {
    id: i64,
    #[sqlx(try_from = "i64")]
    region: u8,
    post_id: i64,
    author_id: i64,
    body: String,
    #[sqlx(try_from = "i64")]
    feeling: u8,
    spoiler: i64,
    deleted_at: Option<i64>,
    created_at: i64,
    drawing_key: Option<String>,
    drawing_alt: Option<String>,
    moderation: i64,
    moderation_reason: Option<String>,
}

impl TryFrom<CommentRow> for Comment {
    type Error = sqlx::Error;

    fn try_from(row: CommentRow) -> Result<Self, sqlx::Error> {
        Ok(Comment {
            id: Id(row.id),
            region: row.region,
            post_id: Id(row.post_id),
            author_id: Id(row.author_id),
            body: row.body,
            feeling: row.feeling,
            spoiler: row.spoiler != 0,
            deleted: row.deleted_at.is_some(),
            created_at: row.created_at,
            drawing: row.drawing_key,
            drawing_alt: row.drawing_alt,
            moderation: ModerationState::from_code(row.moderation),
            moderation_reason: row.moderation_reason,
        })
    }
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
    queue::enqueue_new(&mut tx, &state.ids, &Job::CommentCreated(job)).await?;
    tx.commit().await
}

/// One comment by id.
/// The comment `author` wrote with Idempotency-Key `key`, if any.
pub async fn by_idem_key(db: &Db, author: Id, key: &str) -> Result<Option<Comment>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM comments WHERE author_id = ? AND idem_key = ?");
    sqlx::query_as::<_, CommentRow>(AssertSqlSafe(sql))
        .bind(author.0)
        .bind(key)
        .fetch_optional(&db.pool)
        .await?
        .map(Comment::try_from)
        .transpose()
}

pub async fn get(db: &Db, id: Id) -> Result<Option<Comment>, sqlx::Error> {
    let sql = plaza_storage::sql(&format!("SELECT {COLUMNS} FROM comments WHERE "));
    plaza_storage::by_id::<CommentRow>(db, sql, "id", id)
        .await?
        .map(Comment::try_from)
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
    queue::enqueue_new(&mut tx, &state.ids, &Job::CommentDeleted(job)).await?;
    tx.commit().await
}

/// A post's live comments, oldest first (served by `comments_by_post`).
pub async fn list(db: &Db, post_id: Id, query: &CommentQuery) -> crate::Result<Page<Comment>> {
    let after = Cursor::key_from(query.cursor.as_deref())?;
    let limit = page_limit(query.limit);
    let mut sql = plaza_storage::sql(&format!("SELECT {COLUMNS} FROM comments WHERE post_id = "));
    sql.push_bind(post_id.0).push(" AND deleted_at IS NULL");
    push_not_in(&mut sql, "author_id", &query.exclude_author_ids);
    if !query.include_moderated {
        sql.push(" AND (moderation = 0");
        if let Some(author) = query.include_moderated_of {
            sql.push(" OR author_id = ").push_bind(author.0);
        }
        sql.push(")");
    }
    Ok(Keyset::asc("id", after, limit)
        .fetch(db, sql, |r: &CommentRow| r.id)
        .await?)
}

/// The distinct authors of a post's comments made before comment `before` (served by
/// `comments_by_post`).
pub async fn commenters(
    db: &Db,
    post_id: Id,
    before: Id,
    limit: u32,
) -> Result<Vec<Id>, sqlx::Error> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT author_id FROM comments WHERE post_id = ? AND id < ? LIMIT ?",
    )
    .bind(post_id.0)
    .bind(before.0)
    .bind(i64::from(limit))
    .fetch_all(&db.pool)
    .await?;
    Ok(ids.into_iter().map(Id).collect())
}

/// Changes a comment's moderation state, reason or spoiler mark (see [`super::posts::moderate`]).
pub async fn moderate(db: &Db, id: Id, change: &ModerationChange) -> Result<bool, sqlx::Error> {
    super::posts::moderate_row(db, "comments", id, change).await
}

/// The comments `author` wrote that are not deleted, newest first (at most `limit`), for their
/// data export.
pub async fn by_author(db: &Db, author: Id, limit: u32) -> Result<Vec<Comment>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM comments WHERE author_id = ? AND deleted_at IS NULL \
         ORDER BY id DESC LIMIT ?"
    );
    sqlx::query_as::<_, CommentRow>(AssertSqlSafe(sql))
        .bind(author.0)
        .bind(i64::from(limit))
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(Comment::try_from)
        .collect()
}
