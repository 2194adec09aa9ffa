//! A small read that every request needs fresh, such as a table's fingerprint before each word
//! check: one query answers every request that was already waiting when it started.
//!
//! A request may use a value only from a query that started after the request arrived, so it
//! sees every write committed before it arrived, exactly as if it had run the query itself. But
//! while one query runs, the requests arriving meanwhile wait for the next one and share it: at
//! most two queries per query's time, however many requests come. Each query takes a connection
//! from the pool and gives it back, as every read does: a connection kept aside would hold up
//! closing the pool and could go stale on MariaDB (a restarted server).

use crate::Db;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, FromRow};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

/// One single-row query's latest answer, shared as described in the module's documentation.
pub struct FreshRead<T> {
    db: Db,
    sql: String,
    /// Numbers handed out in order to arriving requests and to starting queries.
    tickets: AtomicU64,
    /// The ticket of the last query when it started, and its answer.
    latest: tokio::sync::Mutex<Option<(u64, T)>>,
}

impl<T> fmt::Debug for FreshRead<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FreshRead").field("sql", &self.sql).finish()
    }
}

impl<T> FreshRead<T>
where
    T: for<'r> FromRow<'r, AnyRow> + Clone + Send + Unpin,
{
    /// Reads the one row `sql` returns.
    pub fn new(db: Db, sql: String) -> Self {
        Self {
            db,
            sql,
            tickets: AtomicU64::new(0),
            latest: tokio::sync::Mutex::new(None),
        }
    }

    /// The row as it is now: read by a query that started after this call.
    pub async fn read(&self) -> Result<T, sqlx::Error> {
        let arrived = self.tickets.fetch_add(1, Ordering::SeqCst);
        let mut latest = self.latest.lock().await;
        if let Some((started, answer)) = &*latest
            && *started > arrived
        {
            return Ok(answer.clone());
        }
        let started = self.tickets.fetch_add(1, Ordering::SeqCst);
        let answer: T = sqlx::query_as(AssertSqlSafe(self.sql.as_str()))
            .fetch_one(&self.db.pool)
            .await?;
        *latest = Some((started, answer.clone()));
        Ok(answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::temp_db;

    #[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
    struct Rows {
        n: i64,
    }

    async fn add_row(db: &Db, id: i64) {
        sqlx::query("INSERT INTO fresh_rows (id) VALUES (?)")
            .bind(id)
            .execute(db.writer())
            .await
            .unwrap();
    }

    // A current-thread runtime: the requests below all arrive while the first query runs.
    #[tokio::test]
    async fn every_read_sees_what_was_committed_before_it_and_waiting_reads_share_a_query() {
        let (_dir, db) = temp_db(2).await;
        sqlx::query("CREATE TABLE fresh_rows (id BIGINT PRIMARY KEY)")
            .execute(&db.pool)
            .await
            .unwrap();
        let count =
            FreshRead::<Rows>::new(db.clone(), "SELECT COUNT(*) AS n FROM fresh_rows".into());
        for n in 1..=3 {
            add_row(&db, n).await;
            assert_eq!(count.read().await.unwrap(), Rows { n });
        }

        let reads = futures_util::future::join_all((0..20).map(|_| count.read())).await;
        assert!(reads.iter().all(|r| r.as_ref().unwrap() == &Rows { n: 3 }));
        // A ticket per arrival and per query: three reads alone (two each), then the twenty: the
        // first ran its own query, the nineteen that arrived while it ran shared the next one.
        assert_eq!(count.tickets.load(Ordering::SeqCst), 3 * 2 + 20 + 2);

        add_row(&db, 4).await;
        assert_eq!(count.read().await.unwrap(), Rows { n: 4 });
    }
}
