use super::*;
use crate::testing::temp_db;
use std::sync::Mutex;

/// How many rows each call of [`write_rows`] carried, in order (one test uses it).
static CALLS: Mutex<Vec<usize>> = Mutex::new(Vec::new());

fn calls() -> Vec<usize> {
    std::mem::take(&mut *CALLS.lock().unwrap())
}

/// Writes `(id, key)` rows in one multi-row `INSERT`, as the services' batchers do.
fn write_rows<'a>(db: &'a Db, rows: &'a [(i64, String)]) -> WriteFuture<'a> {
    CALLS.lock().unwrap().push(rows.len());
    Box::pin(insert(db, rows))
}

async fn insert(db: &Db, rows: &[(i64, String)]) -> Result<(), sqlx::Error> {
    let mut insert = crate::sql("INSERT INTO batch_rows (id, k) ");
    insert.push_values(rows, |mut row, (id, key)| {
        row.push_bind(*id).push_bind(key.as_str());
    });
    insert.build().execute(db.writer()).await.map(|_| ())
}

async fn stored(db: &Db) -> Vec<(i64, String)> {
    sqlx::query_as("SELECT id, k FROM batch_rows ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .unwrap()
}

fn row(id: i64) -> (i64, String) {
    (id, format!("key-{id}"))
}

// A current-thread runtime: every request below hands its row over before the batch task first
// runs, so what is grouped is known.
#[tokio::test]
async fn rows_waiting_together_are_written_together_and_a_bad_row_fails_alone() {
    let (_dir, db) = temp_db(2).await;
    sqlx::query("CREATE TABLE batch_rows (id BIGINT PRIMARY KEY, k VARCHAR(20) NOT NULL UNIQUE)")
        .execute(&db.pool)
        .await
        .unwrap();
    let grouped = db.dialect == Dialect::Sqlite;

    // Alone: written at once.
    let batcher = Batcher::new(db.clone(), 8, write_rows);
    batcher.write(row(1)).await.unwrap();
    assert_eq!(stored(&db).await, vec![row(1)]);
    assert_eq!(calls(), vec![1]);

    // Twenty at once: in batches of at most 8 on SQLite, each alone on MariaDB.
    let writes = (2..22).map(|id| batcher.write(row(id)));
    for outcome in futures_util::future::join_all(writes).await {
        outcome.unwrap();
    }
    assert_eq!(stored(&db).await, (1..22).map(row).collect::<Vec<_>>());
    let expected = if grouped { vec![8, 8, 4] } else { vec![1; 20] };
    assert_eq!(calls(), expected);

    // A batch holding a key that is taken: that row's request fails with the unique violation,
    // the others are stored.
    let mut rows: Vec<_> = (30..35).map(row).collect();
    rows[2].1 = "key-1".into();
    let writes = rows.iter().cloned().map(|r| batcher.write(r));
    let outcomes = futures_util::future::join_all(writes).await;
    for (i, outcome) in outcomes.iter().enumerate() {
        match (i, outcome) {
            (2, Err(e)) => assert!(crate::is_unique_violation(e), "{e}"),
            (2, Ok(())) => panic!("a taken key was stored twice"),
            (_, outcome) => assert!(outcome.is_ok(), "{outcome:?}"),
        }
    }
    let now = stored(&db).await;
    assert_eq!(now.len(), 21 + 4);
    assert!(now.contains(&row(30)) && now.contains(&row(34)) && !now.contains(&row(32)));
    let expected = if grouped {
        vec![5, 1, 1, 1, 1, 1]
    } else {
        vec![1; 5]
    };
    assert_eq!(calls(), expected);
}

#[tokio::test]
async fn with_the_database_gone_a_batch_fails_at_once_without_trying_each_row() {
    let (_dir, db) = temp_db(2).await;
    db.writer().close().await;
    let batcher = Batcher::new(db.clone(), 8, write_outage);
    let writes = (1..4).map(|id| batcher.write(row(id)));
    for outcome in futures_util::future::join_all(writes).await {
        let e = outcome.unwrap_err();
        assert!(crate::is_outage(&e), "{e}");
    }
    let grouped = db.dialect == Dialect::Sqlite;
    let expected = if grouped { vec![3] } else { vec![1; 3] };
    assert_eq!(std::mem::take(&mut *OUTAGE_CALLS.lock().unwrap()), expected);
}

/// How many rows each call of [`write_outage`] carried (one test uses it).
static OUTAGE_CALLS: Mutex<Vec<usize>> = Mutex::new(Vec::new());

/// [`write_rows`], counted apart.
fn write_outage<'a>(db: &'a Db, rows: &'a [(i64, String)]) -> WriteFuture<'a> {
    OUTAGE_CALLS.lock().unwrap().push(rows.len());
    Box::pin(insert(db, rows))
}
