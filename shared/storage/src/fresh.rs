//! A small read that every request needs fresh, such as a table's fingerprint before each word
//! check: one query answers every request that was already waiting when it started.
//!
//! A request may use a value only from a query that started after the request arrived, so it
//! sees every write committed before it arrived, exactly as if it had run the query itself. But
//! while one query runs, the requests arriving meanwhile wait for the next one and share it: at
//! most two queries per query's time, however many requests come. Each query takes a connection
//! from the pool and gives it back, as every read does: a connection kept aside would hold up
//! closing the pool and could go stale on MariaDB (a restarted server).
//!
//! A query that fails because the database cannot be reached fails the requests that shared it
//! too (as the same kind of outage, answered 503 like the original): with the database down, the
//! requests waiting fail together after at most two acquire timeouts, not one after another.

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
    /// The ticket of the last query when it started, and its answer (an error only for an
    /// outage, as [`crate::outage_again`] tells it).
    latest: tokio::sync::Mutex<Option<(u64, Result<T, sqlx::Error>)>>,
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
            return match answer {
                Ok(value) => Ok(value.clone()),
                Err(e) => Err(crate::outage_again(e)),
            };
        }
        let started = self.tickets.fetch_add(1, Ordering::SeqCst);
        let answer = sqlx::query_as::<_, T>(AssertSqlSafe(self.sql.as_str()))
            .fetch_one(&self.db.pool)
            .await;
        match &answer {
            Ok(value) => *latest = Some((started, Ok(value.clone()))),
            Err(e) if crate::is_outage(e) => *latest = Some((started, Err(crate::outage_again(e)))),
            Err(_) => {}
        }
        answer
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
    async fn every_read_sees_what_was_committed_before_it_and_waiting_reads_share_a_query_or_an_outage()
     {
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

        // A ticket per arrival and per query, so the queries of a group of reads are the tickets
        // it took beyond one per read.
        let queries =
            |before: u64, reads: u64| count.tickets.load(Ordering::SeqCst) - before - reads;
        let before = count.tickets.load(Ordering::SeqCst);
        let reads = futures_util::future::join_all((0..20).map(|_| count.read())).await;
        assert!(reads.iter().all(|r| r.as_ref().unwrap() == &Rows { n: 3 }));
        // The first ran its own query; those that arrived while it ran shared the next one (a
        // third where the first answered before all twenty had arrived).
        let shared = queries(before, 20);
        assert!(
            (2..=3).contains(&shared),
            "{shared} queries for twenty reads"
        );

        add_row(&db, 4).await;
        assert_eq!(count.read().await.unwrap(), Rows { n: 4 });

        // No connection to be had (both of the pool's are held): the first read's query waits out
        // the acquire timeout and fails; those that came meanwhile share the next query and its
        // failure, instead of waiting out a timeout each.
        let held = (
            db.pool.acquire().await.unwrap(),
            db.pool.acquire().await.unwrap(),
        );
        let before = count.tickets.load(Ordering::SeqCst);
        let reads = futures_util::future::join_all((0..5).map(|_| count.read())).await;
        for read in &reads {
            let e = read.as_ref().unwrap_err();
            assert!(crate::is_outage(e), "{e}");
        }
        let shared = queries(before, 5);
        assert!((2..=3).contains(&shared), "{shared} queries for five reads");
        drop(held);
        assert_eq!(count.read().await.unwrap(), Rows { n: 4 });
    }
}
