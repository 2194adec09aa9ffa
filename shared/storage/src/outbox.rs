//! The replicated outbox: effects that another region must carry out. The origin region writes
//! a row (origin, target, a [`Job`] in its stored form) in the same transaction as the write
//! that causes it ([`crate::queue::enqueue`] routes there); replication brings the row to every
//! region; the target region's worker applies it by queueing the job in its own local queue and,
//! in that same transaction, recording the row's id in `outbox_applied` (a row the target
//! region owns). The primary key of `outbox_applied` makes applying a row a second time a no-op,
//! whether the worker died after applying it, two workers raced, or the row arrived late.

use crate::{Db, Tx, queue};
use plaza_types::jobs::Job;
use plaza_types::{Id, now_millis};
use sqlx::{AssertSqlSafe, Row};

/// An outbox row addressed to this region that it has not applied yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub id: Id,
    pub origin_region: u8,
    /// The stored job ([`Job::decode`] reads it when it runs).
    pub kind: String,
    pub payload: String,
}

/// Addresses `job` to region `target`, inside the caller's transaction, as region `origin`.
pub async fn send(
    tx: &mut Tx,
    id: Id,
    origin: u8,
    target: u8,
    job: &Job,
) -> Result<(), sqlx::Error> {
    let stored = job.encode().map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    send_stored(tx, id, origin, target, stored.kind, &stored.payload).await
}

/// Adds an outbox row with the given stored `kind` and `payload` as they are.
pub async fn send_stored(
    tx: &mut Tx,
    id: Id,
    origin: u8,
    target: u8,
    kind: &str,
    payload: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO outbox (id, origin_region, target_region, kind, payload, created_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(id.0)
    .bind(i64::from(origin))
    .bind(i64::from(target))
    .bind(kind)
    .bind(payload)
    .bind(now_millis())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Up to `limit` rows addressed to `region` that it has not applied, oldest first. Rows are
/// found by what `outbox_applied` lacks, not by a cursor: ids are made before their transaction
/// commits, so replication can deliver a row with a smaller id after one with a larger id.
pub async fn pending(db: &Db, region: u8, limit: i64) -> Result<Vec<Pending>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT o.id, o.origin_region, o.kind, o.payload FROM outbox o \
         LEFT JOIN outbox_applied a ON a.outbox_id = o.id \
         WHERE o.target_region = ? AND a.outbox_id IS NULL ORDER BY o.id LIMIT ?",
    )
    .bind(i64::from(region))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            let origin: i64 = row.try_get("origin_region")?;
            Ok(Pending {
                id: Id(row.try_get("id")?),
                origin_region: u8::try_from(origin).unwrap_or(0),
                kind: row.try_get("kind")?,
                payload: row.try_get("payload")?,
            })
        })
        .collect()
}

/// Applies `row` in `region`: in one transaction, records it as applied and queues its job in
/// the local queue (under the row's id, which no local job has: it carries the origin region).
/// Returns whether this call applied it (false: it was applied before).
pub async fn apply(db: &Db, region: u8, row: &Pending) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let sql = format!(
        "{} INTO outbox_applied (outbox_id, region, origin_region, applied_at) VALUES (?, ?, ?, ?)",
        db.dialect.insert_ignore()
    );
    let first = sqlx::query(AssertSqlSafe(sql))
        .bind(row.id.0)
        .bind(i64::from(region))
        .bind(i64::from(row.origin_region))
        .bind(now_millis())
        .execute(&mut *tx)
        .await?
        .rows_affected()
        == 1;
    if first {
        queue::enqueue_stored(&mut tx, row.id, region, &row.kind, &row.payload).await?;
    }
    tx.commit().await?;
    Ok(first)
}

/// How many rows addressed to `region` wait to be applied: the outbox's depth for health.
pub async fn waiting(db: &Db, region: u8) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM outbox o LEFT JOIN outbox_applied a ON a.outbox_id = o.id \
         WHERE o.target_region = ? AND a.outbox_id IS NULL",
    )
    .bind(i64::from(region))
    .fetch_one(&db.pool)
    .await?;
    row.try_get("n")
}

/// What one [`clean_up`] pass deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cleaned {
    /// Rows this region sent that their target region applied before the cutoff.
    pub sent: u64,
    /// This region's `outbox_applied` records whose outbox row its origin has deleted.
    pub applied: u64,
}

/// Deletes, as region `region`, at most `limit` of each kind of row it owns that nobody needs
/// any more (docs/DECISIONS.md, "Outbox clean-up"):
/// - outbox rows it sent whose target region recorded applying them before `applied_before`
///   (milliseconds): the target's `outbox_applied` row has replicated here, so the target will
///   never look at the row again;
/// - its own `outbox_applied` records of rows that are gone here: only the origin deletes an
///   outbox row, and only after it saw this record, so the row can never come back and be
///   applied a second time.
///
/// Each region deletes only rows it wrote, so a deletion never conflicts with another region's
/// writes when it replicates.
pub async fn clean_up(
    db: &Db,
    region: u8,
    applied_before: i64,
    limit: i64,
) -> Result<Cleaned, sqlx::Error> {
    let sent: Vec<(i64,)> = sqlx::query_as(
        "SELECT o.id FROM outbox o JOIN outbox_applied a ON a.outbox_id = o.id \
         WHERE o.origin_region = ? AND a.region = o.target_region AND a.applied_at < ? \
         ORDER BY o.id LIMIT ?",
    )
    .bind(i64::from(region))
    .bind(applied_before)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    let applied: Vec<(i64,)> = sqlx::query_as(
        "SELECT a.outbox_id FROM outbox_applied a LEFT JOIN outbox o ON o.id = a.outbox_id \
         WHERE a.region = ? AND o.id IS NULL ORDER BY a.outbox_id LIMIT ?",
    )
    .bind(i64::from(region))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(Cleaned {
        sent: delete_ids(db, "outbox", "id", &sent).await?,
        applied: delete_ids(db, "outbox_applied", "outbox_id", &applied).await?,
    })
}

/// Deletes the rows of `table` whose `column` is one of `ids`, in one statement.
async fn delete_ids(
    db: &Db,
    table: &str,
    column: &str,
    ids: &[(i64,)],
) -> Result<u64, sqlx::Error> {
    if ids.is_empty() {
        return Ok(0);
    }
    let marks = vec!["?"; ids.len()].join(", ");
    // `table` and `column` are this module's own names; the ids are bound.
    let sql = format!("DELETE FROM {table} WHERE {column} IN ({marks})");
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for (id,) in ids {
        query = query.bind(*id);
    }
    Ok(query.execute(db.writer()).await?.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaza_types::IdGenerator;
    use plaza_types::notification::{Event, Kind};

    async fn db() -> (tempfile::TempDir, Db) {
        crate::testing::temp_db(4).await
    }

    /// A follow notification for `recipient`.
    fn notify(recipient: Id) -> Job {
        Job::Notify(Event {
            recipient_id: recipient,
            kind: Kind::Follow,
            target_id: recipient,
            actor_id: Id(5),
            dedupe_key: format!("follow:5:{recipient}"),
            at: 0,
        })
    }

    /// Region `region`'s id generator (regions 1 to 3), one for the whole test run as in a
    /// service: a generator made afresh for each write starts its sequence again, so two
    /// writes within the same millisecond got the same id.
    fn ids(region: u8) -> &'static IdGenerator {
        static IDS: std::sync::LazyLock<Vec<IdGenerator>> =
            std::sync::LazyLock::new(|| (1..=3).map(|r| IdGenerator::new(r, 0).unwrap()).collect());
        &IDS[usize::from(region) - 1]
    }

    /// Queues `job` as region `region`'s services do beside a write.
    async fn write_in(db: &Db, region: u8, job: &Job) {
        let mut tx = db.begin_write().await.unwrap();
        queue::enqueue_new(&mut tx, ids(region), job).await.unwrap();
        tx.commit().await.unwrap();
    }

    #[tokio::test]
    async fn a_job_for_a_person_homed_elsewhere_goes_to_the_outbox_not_the_local_queue() {
        let (_dir, db) = db().await;
        let homed_in_1 = ids(1).next_id();
        write_in(&db, 2, &notify(homed_in_1)).await;

        // Region 2 has nothing to run and nothing addressed to it.
        assert!(queue::claim(&db, 10, 60_000).await.unwrap().is_empty());
        assert!(pending(&db, 2, 10).await.unwrap().is_empty());
        // Region 1 has it waiting.
        let waiting = pending(&db, 1, 10).await.unwrap();
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0].origin_region, 2);
        assert_eq!(waiting[0].kind, "notify");
    }

    #[tokio::test]
    async fn a_job_for_a_person_homed_here_stays_in_the_local_queue() {
        let (_dir, db) = db().await;
        let homed_in_1 = ids(1).next_id();
        write_in(&db, 1, &notify(homed_in_1)).await;
        assert_eq!(queue::claim(&db, 10, 60_000).await.unwrap().len(), 1);
        assert!(pending(&db, 1, 10).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_row_seen_twice_is_applied_once() {
        let (_dir, db) = db().await;
        let homed_in_1 = ids(1).next_id();
        write_in(&db, 2, &notify(homed_in_1)).await;
        let row = pending(&db, 1, 10).await.unwrap().remove(0);

        assert!(apply(&db, 1, &row).await.unwrap());
        // A second worker that read the same row before the first applied it.
        assert!(!apply(&db, 1, &row).await.unwrap());
        assert!(pending(&db, 1, 10).await.unwrap().is_empty());
        assert_eq!(waiting(&db, 1).await.unwrap(), 0);
        let claimed = queue::claim(&db, 10, 60_000).await.unwrap();
        assert_eq!(claimed.len(), 1);
        let Ok(Job::Notify(event)) = &claimed[0].job else {
            panic!("not the notification: {:?}", claimed[0].job);
        };
        assert_eq!(event.recipient_id, homed_in_1);
    }

    #[tokio::test]
    async fn a_row_in_the_format_before_versions_still_runs() {
        let (_dir, db) = db().await;
        let homed_in_1 = ids(1).next_id();
        let Job::Notify(event) = notify(homed_in_1) else {
            unreachable!("notify makes a notification")
        };
        // Format 1: the payload's fields without `"v"`.
        let old = serde_json::to_string(&event).unwrap();
        let origin = ids(3);
        let mut tx = db.begin_write().await.unwrap();
        send_stored(&mut tx, origin.next_id(), 3, 1, "notify", &old)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let row = pending(&db, 1, 10).await.unwrap().remove(0);
        assert!(apply(&db, 1, &row).await.unwrap());
        let claimed = queue::claim(&db, 10, 60_000).await.unwrap();
        let Ok(Job::Notify(read)) = &claimed[0].job else {
            panic!("not read back: {:?}", claimed[0].job);
        };
        assert_eq!(read.recipient_id, event.recipient_id);
        assert_eq!(read.dedupe_key, event.dedupe_key);
    }

    /// A row region 2 sent to region 1, applied by region 1 at `applied_at`.
    async fn sent_and_applied(db: &Db, applied_at: i64) -> Pending {
        let homed_in_1 = ids(1).next_id();
        write_in(db, 2, &notify(homed_in_1)).await;
        let row = pending(db, 1, 10).await.unwrap().remove(0);
        assert!(apply(db, 1, &row).await.unwrap());
        sqlx::query("UPDATE outbox_applied SET applied_at = ? WHERE outbox_id = ?")
            .bind(applied_at)
            .bind(row.id.0)
            .execute(&db.pool)
            .await
            .unwrap();
        row
    }

    async fn rows(db: &Db, table: &str) -> i64 {
        let sql = AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"));
        let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&db.pool).await.unwrap();
        n
    }

    #[tokio::test]
    async fn clean_up_deletes_a_sent_row_once_applied_and_old_then_the_applied_record() {
        let (_dir, db) = db().await;
        let row = sent_and_applied(&db, 1_000).await;

        // Region 1 (the target) owns no outbox row, and its record still has its row.
        assert_eq!(
            clean_up(&db, 1, 5_000, 100).await.unwrap(),
            Cleaned::default()
        );
        // Region 3 owns neither.
        assert_eq!(
            clean_up(&db, 3, 5_000, 100).await.unwrap(),
            Cleaned::default()
        );
        // Applied at 1 000: younger than a cutoff of 1 000, so region 2 keeps it.
        assert_eq!(
            clean_up(&db, 2, 1_000, 100).await.unwrap(),
            Cleaned::default()
        );
        assert_eq!(
            (rows(&db, "outbox").await, rows(&db, "outbox_applied").await),
            (1, 1)
        );

        // Older than the cutoff: the origin deletes its row; the target then its record.
        let cleaned = clean_up(&db, 2, 5_000, 100).await.unwrap();
        assert_eq!(
            cleaned,
            Cleaned {
                sent: 1,
                applied: 0
            }
        );
        assert_eq!(rows(&db, "outbox").await, 0);
        let cleaned = clean_up(&db, 1, 5_000, 100).await.unwrap();
        assert_eq!(
            cleaned,
            Cleaned {
                sent: 0,
                applied: 1
            }
        );
        assert_eq!(rows(&db, "outbox_applied").await, 0);
        // Nothing is left to apply again, and the job it queued is untouched.
        assert!(pending(&db, 1, 10).await.unwrap().is_empty());
        let claimed = queue::claim(&db, 10, 60_000).await.unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].id, row.id);
    }

    #[tokio::test]
    async fn clean_up_keeps_a_row_its_target_has_not_applied() {
        let (_dir, db) = db().await;
        let homed_in_1 = ids(1).next_id();
        write_in(&db, 2, &notify(homed_in_1)).await;
        assert_eq!(
            clean_up(&db, 2, i64::MAX, 100).await.unwrap(),
            Cleaned::default()
        );
        assert_eq!(waiting(&db, 1).await.unwrap(), 1);
    }

    #[tokio::test]
    async fn clean_up_deletes_at_most_limit_rows_a_pass() {
        let (_dir, db) = db().await;
        for _ in 0..3 {
            sent_and_applied(&db, 1_000).await;
        }
        let cleaned = clean_up(&db, 2, 5_000, 2).await.unwrap();
        assert_eq!(cleaned.sent, 2);
        assert_eq!(rows(&db, "outbox").await, 1);
        let cleaned = clean_up(&db, 2, 5_000, 2).await.unwrap();
        assert_eq!(cleaned.sent, 1);
        assert_eq!(rows(&db, "outbox").await, 0);
    }
}
