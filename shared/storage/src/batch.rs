//! Group commit for SQLite's one writer: rows that many requests write at the same moment go to
//! the database together, in one statement, instead of one statement (and one commit) each.
//!
//! SQLite writes one statement at a time, and each statement through sqlx's pool is a hand-over
//! of the connection and two trips to its thread (the statement, then a ping when it goes back):
//! under a burst of posts those cost more than the SQL (docs/BENCHMARKS.md).
//! A [`Batcher`] takes what is waiting when the writer comes free (at most its batch size) and
//! writes it with one call of its write function. When that fails, each row is written alone, so
//! every request gets its own answer (a duplicate idempotency key fails only its own request).
//! With nothing else waiting a row is written alone at once: a quiet server pays one hop to the
//! batch task, not a wait. On MariaDB, which takes many writers at once, rows are written
//! directly by the request that brings them.

use crate::{Db, Dialect};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use tokio::sync::{mpsc, oneshot};

/// What a write function returns.
pub type WriteFuture<'a> = Pin<Box<dyn Future<Output = Result<(), sqlx::Error>> + Send + 'a>>;

/// Writes all of `rows` or none of them (one statement, or one transaction).
pub type WriteFn<T> = for<'a> fn(&'a Db, &'a [T]) -> WriteFuture<'a>;

/// How many rows may wait for the batch task before a request waits to hand its row over.
const QUEUE: usize = 1024;

/// A row waiting to be written, and where its outcome goes.
type Pending<T> = (T, oneshot::Sender<Result<(), sqlx::Error>>);

/// Writes rows of one kind, grouped under load (see the module's documentation). Share it (in an
/// `Arc`) among everything that writes these rows: the grouping happens inside one batcher.
pub struct Batcher<T> {
    db: Db,
    write: WriteFn<T>,
    max: usize,
    /// The batch task's queue, started by the first write (so inside the runtime).
    queue: OnceLock<mpsc::Sender<Pending<T>>>,
}

impl<T> fmt::Debug for Batcher<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batcher")
            .field("max", &self.max)
            .field("started", &self.queue.get().is_some())
            .finish()
    }
}

impl<T: Send + Sync + 'static> Batcher<T> {
    /// A batcher writing at most `max` rows (at least 1) with one call of `write`.
    pub fn new(db: Db, max: usize, write: WriteFn<T>) -> Self {
        Self {
            db,
            write,
            max: max.max(1),
            queue: OnceLock::new(),
        }
    }

    /// The database the rows go to.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Writes `row`, alone or with others waiting at the same time; returns once it is committed
    /// (or its write failed). On SQLite, once handed over, the write goes on even if the caller
    /// stops waiting.
    pub async fn write(&self, row: T) -> Result<(), sqlx::Error> {
        if self.db.dialect != Dialect::Sqlite {
            return (self.write)(&self.db, std::slice::from_ref(&row)).await;
        }
        let queue = self.queue.get_or_init(|| self.start());
        let (done, outcome) = oneshot::channel();
        queue
            .send((row, done))
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        outcome.await.map_err(|_| sqlx::Error::PoolClosed)?
    }

    /// Starts the batch task; it ends when the batcher is dropped and its queue is empty.
    fn start(&self) -> mpsc::Sender<Pending<T>> {
        let (queue, mut waiting) = mpsc::channel::<Pending<T>>(QUEUE);
        let (db, write, max) = (self.db.clone(), self.write, self.max);
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(max);
            while waiting.recv_many(&mut batch, max).await > 0 {
                let (rows, dones): (Vec<T>, Vec<_>) = batch.drain(..).unzip();
                for (done, outcome) in dones.into_iter().zip(write_all(&db, write, &rows).await) {
                    // A caller that stopped waiting has nobody to tell.
                    let _ = done.send(outcome);
                }
            }
        });
        queue
    }
}

/// Writes `rows` together; when that fails (or there is one), each alone: one outcome per row.
/// When the database cannot be reached, every row fails with that at once (as `PoolClosed` or
/// `PoolTimedOut`, which answer 503), instead of waiting out a timeout each.
async fn write_all<T>(db: &Db, write: WriteFn<T>, rows: &[T]) -> Vec<Result<(), sqlx::Error>> {
    if rows.len() > 1 {
        match write(db, rows).await {
            Ok(()) => return rows.iter().map(|_| Ok(())).collect(),
            Err(e) if crate::is_outage(&e) => {
                return rows.iter().map(|_| Err(crate::outage_again(&e))).collect();
            }
            Err(_) => {}
        }
    }
    let mut outcomes = Vec::with_capacity(rows.len());
    for row in rows {
        outcomes.push(write(db, std::slice::from_ref(row)).await);
    }
    outcomes
}

#[cfg(test)]
mod tests;
