//! A fresh, migrated database for one test.

use plaza_storage::Db;

/// An empty database with every migration applied, on the dialect the run chose with
/// `PLAZA_TEST_DATABASE` (a SQLite file in a temporary folder by default; a new schema on the
/// server at `PLAZA_TEST_MARIADB_URL` with `mariadb`). The folder lives as long as this value.
pub struct TestDb {
    pub db: Db,
    /// The database's URL (for a test that starts processes of its own on it).
    pub url: String,
    _dir: tempfile::TempDir,
}

impl TestDb {
    /// A new empty database, migrated.
    pub async fn fresh() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let url = plaza_storage::testing::fresh_database_url(dir.path()).await;
        let db = Db::connect(&url, 4).await.expect("the test database");
        db.migrate().await.expect("the migrations run");
        TestDb { db, url, _dir: dir }
    }
}
