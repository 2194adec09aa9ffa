//! The durable job queue. A job is enqueued in the same transaction as the write that causes it,
//! so a write and its follow-up work are both done or both absent. Workers claim jobs with a
//! lease; a job whose worker dies is claimed again when the lease runs out. Failures are retried
//! with exponential back-off and end in the dead-letter state after `max_attempts`.

use crate::{Db, Dialect, Tx};
use plaza_types::jobs::{DecodeError, Job};
use plaza_types::{Id, IdGenerator, Millis, now_millis};
use sqlx::{AssertSqlSafe, Row};

/// Waiting to run (or to be retried).
pub const QUEUED: i64 = 0;
/// Claimed by a worker whose lease has not run out.
pub const RUNNING: i64 = 1;
/// Failed `max_attempts` times; kept for an operator to inspect.
pub const DEAD: i64 = 3;

/// How many times a job is tried before it is dead-lettered, unless the enqueuer says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: i64 = 8;

/// A claimed job.
#[derive(Debug)]
pub struct Claimed {
    pub id: Id,
    /// The stored kind, for logs (also when the job could not be read).
    pub kind: String,
    /// The job, or why its stored form could not be read (a failure like any other: retried,
    /// then dead-lettered with the reason as its `last_error`).
    pub job: Result<Job, DecodeError>,
    /// How many times it has been claimed, this time included.
    pub attempts: i64,
    pub max_attempts: i64,
}

/// Adds `job` inside the caller's transaction, in the current format ([`Job::encode`]), queued
/// by `region`. A job that belongs to another region ([`Job::home_region`]) goes into the
/// replicated outbox addressed to that region instead ([`crate::outbox`]), in the same
/// transaction; with one region (the embedded mode) every job stays in the local queue.
pub async fn enqueue(tx: &mut Tx, id: Id, region: u8, job: &Job) -> Result<(), sqlx::Error> {
    let stored = job.encode().map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    match job.home_region() {
        Some(target) if target != region => {
            crate::outbox::send_stored(tx, id, region, target, stored.kind, &stored.payload).await
        }
        _ => enqueue_stored(tx, id, region, stored.kind, &stored.payload).await,
    }
}

/// Adds `job` inside the caller's transaction under a fresh id from `ids`, stamped with their
/// region: what a service's write calls.
pub async fn enqueue_new(tx: &mut Tx, ids: &IdGenerator, job: &Job) -> Result<(), sqlx::Error> {
    enqueue(tx, ids.next_id(), ids.region(), job).await
}

/// Adds a job to run no sooner than `run_at` (Unix milliseconds), in `tx`, in the local queue.
pub async fn enqueue_at(
    tx: &mut Tx,
    id: Id,
    region: u8,
    job: &Job,
    run_at: Millis,
) -> Result<(), sqlx::Error> {
    let stored = job.encode().map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    enqueue_stored(tx, id, region, stored.kind, &stored.payload).await?;
    sqlx::query("UPDATE jobs SET run_at = ? WHERE id = ?")
        .bind(run_at)
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Adds a job row with the given stored `kind` and `payload` as they are. Services call
/// [`enqueue`]; this is for tests that write what another release (or a broken writer) wrote.
pub async fn enqueue_stored(
    tx: &mut Tx,
    id: Id,
    region: u8,
    kind: &str,
    payload: &str,
) -> Result<(), sqlx::Error> {
    let now = now_millis();
    sqlx::query(
        "INSERT INTO jobs (id, region, kind, payload, state, attempts, max_attempts, run_at, \
         lease_until, last_error, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, 0, ?, ?, NULL, NULL, ?, ?)",
    )
    .bind(id.0)
    .bind(i64::from(region))
    .bind(kind)
    .bind(payload)
    .bind(QUEUED)
    .bind(DEFAULT_MAX_ATTEMPTS)
    .bind(now)
    .bind(now)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Claims up to `limit` jobs that are due (or whose lease ran out), leasing them for `lease_ms`.
/// A job is never held by two workers at once: the claim is a conditional update that only one
/// claimer can win, and on MariaDB candidates are picked with `FOR UPDATE SKIP LOCKED`.
pub async fn claim(db: &Db, limit: i64, lease_ms: i64) -> Result<Vec<Claimed>, sqlx::Error> {
    let now = now_millis();
    let mut tx = db.begin_write().await?;
    let lock = match db.dialect {
        Dialect::MySql => " FOR UPDATE SKIP LOCKED",
        Dialect::Sqlite => "",
    };
    // Built from constant fragments only; every value is bound.
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT id FROM jobs WHERE (state = ? AND run_at <= ?) OR (state = ? AND lease_until < ?) \
         ORDER BY run_at LIMIT ?{lock}"
    )))
    .bind(QUEUED)
    .bind(now)
    .bind(RUNNING)
    .bind(now)
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    let mut jobs = Vec::with_capacity(rows.len());
    for row in rows {
        let id: i64 = row.try_get("id")?;
        let claimed = sqlx::query(
            "UPDATE jobs SET state = ?, attempts = attempts + 1, lease_until = ?, updated_at = ? \
             WHERE id = ? AND ((state = ? AND run_at <= ?) OR (state = ? AND lease_until < ?))",
        )
        .bind(RUNNING)
        .bind(now + lease_ms)
        .bind(now)
        .bind(id)
        .bind(QUEUED)
        .bind(now)
        .bind(RUNNING)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() != 1 {
            continue;
        }
        let row =
            sqlx::query("SELECT kind, payload, attempts, max_attempts FROM jobs WHERE id = ?")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        let kind: String = row.try_get("kind")?;
        let payload: String = row.try_get("payload")?;
        jobs.push(Claimed {
            id: Id(id),
            job: Job::decode(&kind, &payload),
            kind,
            attempts: row.try_get("attempts")?,
            max_attempts: row.try_get("max_attempts")?,
        });
    }
    tx.commit().await?;
    Ok(jobs)
}

/// Removes a job that ran to completion.
pub async fn complete(db: &Db, id: Id) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM jobs WHERE id = ? AND state = ?")
        .bind(id.0)
        .bind(RUNNING)
        .execute(db.writer())
        .await?;
    Ok(())
}

/// Hands a claimed job back to the queue, due now, without counting the claim as an attempt:
/// its worker is shutting down and did not finish it (every job is idempotent, so one that was
/// stopped half-way runs again safely). A job that was completed meanwhile stays done.
pub async fn release(db: &Db, id: Id) -> Result<(), sqlx::Error> {
    let now = now_millis();
    sqlx::query(
        "UPDATE jobs SET state = ?, run_at = ?, lease_until = NULL,          attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, updated_at = ?          WHERE id = ? AND state = ?",
    )
    .bind(QUEUED)
    .bind(now)
    .bind(now)
    .bind(id.0)
    .bind(RUNNING)
    .execute(db.writer())
    .await?;
    Ok(())
}

/// The wait before try number `attempts + 1`: 1 s, 2 s, 4 s, … capped at one hour.
pub fn backoff_ms(attempts: i64) -> Millis {
    let exp = attempts.clamp(1, 13) - 1;
    (1000_i64 << exp).min(3_600_000)
}

/// Records a failed run: the job is queued again after a back-off, or dead-lettered when it has
/// used up its attempts. Returns whether it is now dead.
pub async fn fail(db: &Db, job: &Claimed, error: &str) -> Result<bool, sqlx::Error> {
    let now = now_millis();
    let dead = job.attempts >= job.max_attempts;
    let error: String = error.chars().take(2000).collect();
    sqlx::query(
        "UPDATE jobs SET state = ?, run_at = ?, lease_until = NULL, last_error = ?, updated_at = ? \
         WHERE id = ?",
    )
    .bind(if dead { DEAD } else { QUEUED })
    .bind(now + backoff_ms(job.attempts))
    .bind(error)
    .bind(now)
    .bind(job.id.0)
    .execute(db.writer())
    .await?;
    Ok(dead)
}

/// Jobs waiting or running, and dead ones: the queue's depth for metrics and health.
pub async fn depth(db: &Db) -> Result<(i64, i64), sqlx::Error> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {} AS waiting, {} AS dead FROM jobs",
        db.dialect
            .sum_int("CASE WHEN state IN (0, 1) THEN 1 ELSE 0 END"),
        db.dialect.sum_int("CASE WHEN state = 3 THEN 1 ELSE 0 END"),
    )))
    .fetch_one(&db.pool)
    .await?;
    Ok((row.try_get("waiting")?, row.try_get("dead")?))
}

/// The queue as `/metrics` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueStats {
    /// Waiting to run, now or after a back-off.
    pub queued: i64,
    /// Claimed by a worker.
    pub running: i64,
    /// Dead-lettered, kept for an operator.
    pub dead: i64,
    /// How long the oldest job that is due (its `run_at` passed) has waited, in milliseconds;
    /// 0 when none is due.
    pub oldest_due_ms: Millis,
}

/// Counts the queue's jobs by state and the wait of the oldest due one.
pub async fn stats(db: &Db) -> Result<QueueStats, sqlx::Error> {
    let now = now_millis();
    let count = |state: i64| {
        db.dialect
            .sum_int(&format!("CASE WHEN state = {state} THEN 1 ELSE 0 END"))
    };
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {} AS queued, {} AS running, {} AS dead, \
         MIN(CASE WHEN state = {QUEUED} AND run_at <= ? THEN run_at END) AS oldest FROM jobs",
        count(QUEUED),
        count(RUNNING),
        count(DEAD),
    )))
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    let oldest: Option<i64> = row.try_get("oldest")?;
    Ok(QueueStats {
        queued: row.try_get("queued")?,
        running: row.try_get("running")?,
        dead: row.try_get("dead")?,
        oldest_due_ms: oldest.map_or(0, |at| (now - at).max(0)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn db() -> (tempfile::TempDir, Db) {
        crate::testing::temp_db(4).await
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff_ms(1), 1000);
        assert_eq!(backoff_ms(2), 2000);
        assert_eq!(backoff_ms(4), 8000);
        assert_eq!(backoff_ms(100), 3_600_000);
    }

    fn follow(n: i64) -> Job {
        Job::Notify(plaza_types::notification::Event {
            recipient_id: Id(n),
            kind: plaza_types::notification::Kind::Follow,
            target_id: Id(n),
            actor_id: Id(n + 1),
            dedupe_key: format!("follow:{}:{n}", n + 1),
            at: 0,
        })
    }

    /// A fresh database with `job` queued.
    async fn db_with(job: &Job) -> (tempfile::TempDir, Db) {
        let (dir, db) = db().await;
        let ids = IdGenerator::new(1, 0).unwrap();
        let mut tx = db.begin_write().await.unwrap();
        enqueue_new(&mut tx, &ids, job).await.unwrap();
        tx.commit().await.unwrap();
        (dir, db)
    }

    /// Makes every waiting job due now, as if its back-off had passed.
    async fn make_due(db: &Db) {
        sqlx::query("UPDATE jobs SET run_at = 0")
            .execute(&db.pool)
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_job_is_claimed_once_and_retried_then_dead_lettered() {
        let (_dir, db) = db_with(&follow(7)).await;
        let first = claim(&db, 10, 60_000).await.unwrap();
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].kind, "notify");
        let Ok(Job::Notify(event)) = &first[0].job else {
            panic!("not read back: {:?}", first[0].job);
        };
        assert_eq!(event.recipient_id, Id(7));
        // Leased: a second claimer gets nothing.
        assert!(claim(&db, 10, 60_000).await.unwrap().is_empty());

        // Fail it until it is dead; make each retry due at once.
        sqlx::query("UPDATE jobs SET max_attempts = 2")
            .execute(&db.pool)
            .await
            .unwrap();
        let job = Claimed {
            max_attempts: 2,
            ..first.into_iter().next().unwrap()
        };
        assert!(!fail(&db, &job, "boom").await.unwrap());
        make_due(&db).await;
        let again = claim(&db, 10, 60_000).await.unwrap();
        assert_eq!(again[0].attempts, 2);
        assert!(fail(&db, &again[0], "boom").await.unwrap());
        assert_eq!(depth(&db).await.unwrap(), (0, 1));
        make_due(&db).await;
        assert!(claim(&db, 10, 60_000).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn stats_count_jobs_by_state_and_age_the_oldest_due_one() {
        let (_dir, db) = db_with(&follow(3)).await;
        // Another node than `db_with`'s generator: two generators of one
        // node would hand out the same id within the same millisecond.
        let ids = IdGenerator::new(1, 1).unwrap();
        let mut tx = db.begin_write().await.unwrap();
        enqueue_new(&mut tx, &ids, &follow(4)).await.unwrap();
        // Not due for an hour: waiting, but not late.
        enqueue_at(
            &mut tx,
            ids.next_id(),
            1,
            &follow(5),
            now_millis() + 3_600_000,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let due_since = now_millis() - 90_000;
        sqlx::query("UPDATE jobs SET run_at = ? WHERE run_at <= ?")
            .bind(due_since)
            .bind(now_millis())
            .execute(&db.pool)
            .await
            .unwrap();
        let before = stats(&db).await.unwrap();
        assert_eq!((before.queued, before.running, before.dead), (3, 0, 0));
        assert!(
            (90_000..120_000).contains(&before.oldest_due_ms),
            "{before:?}"
        );

        let claimed = claim(&db, 1, 60_000).await.unwrap();
        sqlx::query("UPDATE jobs SET max_attempts = 1")
            .execute(&db.pool)
            .await
            .unwrap();
        let job = Claimed {
            max_attempts: 1,
            ..claimed.into_iter().next().unwrap()
        };
        assert!(fail(&db, &job, "boom").await.unwrap());
        claim(&db, 1, 60_000).await.unwrap();
        let after = stats(&db).await.unwrap();
        assert_eq!((after.queued, after.running, after.dead), (1, 1, 1));
        assert_eq!(after.oldest_due_ms, 0, "only the future job waits");
    }

    #[tokio::test]
    async fn an_expired_lease_is_claimed_again() {
        let (_dir, db) = db_with(&follow(1)).await;
        assert_eq!(claim(&db, 10, -1).await.unwrap().len(), 1);
        let again = claim(&db, 10, 60_000).await.unwrap();
        assert_eq!(again.len(), 1);
        complete(&db, again[0].id).await.unwrap();
        assert_eq!(depth(&db).await.unwrap(), (0, 0));
    }

    #[tokio::test]
    async fn a_released_job_is_claimed_again_at_once_without_losing_an_attempt() {
        let (_dir, db) = db_with(&follow(3)).await;
        let first = claim(&db, 10, 60_000).await.unwrap();
        assert_eq!(first[0].attempts, 1);
        release(&db, first[0].id).await.unwrap();
        let again = claim(&db, 10, 60_000).await.unwrap();
        assert_eq!(again.len(), 1, "the lease did not have to run out");
        assert_eq!(again[0].attempts, 1, "the release did not count as a try");
        // A job completed before its release stays done.
        complete(&db, again[0].id).await.unwrap();
        release(&db, again[0].id).await.unwrap();
        assert_eq!(depth(&db).await.unwrap(), (0, 0));
    }

    #[tokio::test]
    async fn a_row_that_cannot_be_read_is_claimed_with_the_reason() {
        let (_dir, db) = db().await;
        let ids = IdGenerator::new(1, 0).unwrap();
        let mut tx = db.begin_write().await.unwrap();
        enqueue_stored(&mut tx, ids.next_id(), 1, "notify", "{\"nonsense\":true}")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let claimed = claim(&db, 10, 60_000).await.unwrap();
        let err = claimed[0].job.as_ref().unwrap_err();
        assert!(err.to_string().contains("missing field"), "{err}");
    }
}
