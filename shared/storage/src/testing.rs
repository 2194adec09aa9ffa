//! Test support: a fresh, empty database for each test, on the dialect the test run chose with
//! `PLAZA_TEST_DATABASE` (`sqlite`, the default, or `mariadb` with `PLAZA_TEST_MARIADB_URL`).

use crate::Db;
use std::path::Path;

/// The URL of a new empty database for one test. For MariaDB a database with a random name is
/// created on the server at `PLAZA_TEST_MARIADB_URL`; a run that asked for MariaDB without a
/// server fails rather than quietly testing SQLite instead.
pub async fn fresh_database_url(dir: &Path) -> String {
    match std::env::var("PLAZA_TEST_DATABASE").as_deref() {
        Ok("mariadb") | Ok("mysql") => {
            let server = std::env::var("PLAZA_TEST_MARIADB_URL").unwrap_or_else(|_| {
                panic!("PLAZA_TEST_DATABASE=mariadb needs PLAZA_TEST_MARIADB_URL (scripts/test.sh starts one)")
            });
            let server = server.trim_end_matches('/').to_owned();
            let mut bytes = [0u8; 8];
            getrandom::fill(&mut bytes).unwrap_or_default();
            let name = format!("plaza_t_{}", hex::encode(bytes));
            let admin = Db::connect(&server, 1)
                .await
                .unwrap_or_else(|e| panic!("cannot reach the test MariaDB at {server}: {e:#}"));
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
            )))
            .execute(&admin.pool)
            .await
            .unwrap_or_else(|e| panic!("cannot create a test database: {e}"));
            admin.pool.close().await;
            format!("{server}/{name}")
        }
        Ok("sqlite") | Err(_) => format!("sqlite://{}", dir.join("plaza.db").display()),
        Ok(other) => panic!("PLAZA_TEST_DATABASE must be sqlite or mariadb, not {other}"),
    }
}

/// A new empty database with every migration applied (see [`fresh_database_url`]), reached
/// through a pool of `pool_size` connections (more for a test that holds several at once).
///
/// # Panics
/// When the database cannot be made: a test cannot go on without one.
pub async fn fresh_db(dir: &Path, pool_size: u32) -> Db {
    let url = fresh_database_url(dir).await;
    let db = Db::connect(&url, pool_size)
        .await
        .unwrap_or_else(|e| panic!("connecting to {url}: {e:#}"));
    db.migrate()
        .await
        .unwrap_or_else(|e| panic!("migrating {url}: {e:#}"));
    db
}

/// [`fresh_db`] in a temporary folder of its own, which must outlive the database.
#[cfg(test)]
pub(crate) async fn temp_db(pool_size: u32) -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path(), pool_size).await;
    (dir, db)
}

/// Deletes every row of every table of a MariaDB database except the migration record, so that
/// a test run against a provisioned region starts each test from an empty site. Only for a
/// region the test run made (scripts/region.sh test): it erases everything.
pub async fn empty_mariadb(db: &Db) -> anyhow::Result<()> {
    anyhow::ensure!(
        db.dialect == crate::Dialect::MySql,
        "only a MariaDB region is emptied"
    );
    let mut conn = db.pool.acquire().await?;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(table_name AS CHAR) FROM information_schema.tables \
         WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' \
         AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query("SET FOREIGN_KEY_CHECKS = 0")
        .execute(&mut *conn)
        .await?;
    for table in &tables {
        sqlx::query(sqlx::AssertSqlSafe(format!("TRUNCATE TABLE `{table}`")))
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("SET FOREIGN_KEY_CHECKS = 1")
        .execute(&mut *conn)
        .await?;
    Ok(())
}
