//! Storage shared by the services: one connection pool type for both SQL dialects (SQLite in the
//! embedded mode, MariaDB in regions), the schema migrations, the durable job queue and the replicated outbox between regions.
//!
//! Queries are written once with `?` placeholders, which both dialects accept; the few statements
//! that differ (insert-or-ignore, upserts, integer sums) come from [`Dialect`].

pub mod batch;
pub mod fresh;
pub mod metrics;
pub mod outbox;
pub mod queue;
pub mod select;
pub mod testing;

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

pub use batch::{Batcher, WriteFuture};
pub use fresh::FreshRead;
pub use plaza_types::health::ReplicationChannel;
pub use select::{
    Count, CountRow, IdCount, IdRow, Keyset, Sql, by_id, by_ids, narrow, push_in, push_in_ids,
    push_not_in, sql,
};
pub use sqlx;

/// How long a readiness ping waits for the database.
const PING_TIMEOUT: Duration = Duration::from_millis(800);
/// How long a request waits for a pooled connection. Short, so that with the database down a
/// request fails fast with 503 `database_unavailable` instead of hanging; long enough to ride
/// out a busy moment of a healthy pool.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

/// Whether `err` means the database cannot be reached now (down, restarting, or the pool could
/// not get a connection in time), as opposed to a query that failed: such requests are answered
/// 503 `database_unavailable` with a retry hint, not 500.
pub fn is_outage(err: &sqlx::Error) -> bool {
    matches!(
        err,
        sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
    )
}

/// The outage `err` told again, to another request that shared the attempt that met it (an
/// error cannot be copied): `PoolClosed` for a closed pool, `PoolTimedOut` for any other outage;
/// both are outages, answered 503 like the original.
pub(crate) fn outage_again(err: &sqlx::Error) -> sqlx::Error {
    match err {
        sqlx::Error::PoolClosed => sqlx::Error::PoolClosed,
        _ => sqlx::Error::PoolTimedOut,
    }
}

/// A database transaction on either dialect.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Which SQL the database speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    MySql,
}

impl Dialect {
    /// `INSERT` that skips a row whose unique key exists.
    pub fn insert_ignore(self) -> &'static str {
        match self {
            Dialect::Sqlite => "INSERT OR IGNORE",
            Dialect::MySql => "INSERT IGNORE",
        }
    }

    /// The clause that turns an insert into "add `column` to the existing row's value".
    pub fn upsert_add(self, conflict_columns: &str, column: &str) -> String {
        match self {
            Dialect::Sqlite => {
                format!(
                    "ON CONFLICT ({conflict_columns}) DO UPDATE SET {column} = {column} + excluded.{column}"
                )
            }
            Dialect::MySql => {
                format!("ON DUPLICATE KEY UPDATE {column} = {column} + VALUES({column})")
            }
        }
    }

    /// `SUM(column)` as a 64-bit integer (MariaDB sums to DECIMAL otherwise), 0 when no rows.
    pub fn sum_int(self, column: &str) -> String {
        match self {
            Dialect::Sqlite => format!("CAST(COALESCE(SUM({column}), 0) AS INTEGER)"),
            Dialect::MySql => format!("CAST(COALESCE(SUM({column}), 0) AS SIGNED)"),
        }
    }
}

/// A pool of connections and the dialect they speak. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    /// For reads (and, on MariaDB, writes too).
    pub pool: AnyPool,
    /// SQLite's one writer connection (see [`Db::writer`]); `None` where writes use [`Db::pool`].
    writer: Option<AnyPool>,
    pub dialect: Dialect,
}

/// How long a write waits for SQLite's one writer connection: as long as SQLite itself would
/// wait for its lock (`busy_timeout`).
const SQLITE_WRITE_QUEUE: Duration = Duration::from_secs(10);

/// A migrator that leaves alone migrations this build does not know: while a preview release
/// (or a release rolled back from) has applied newer ones, this build still starts on the
/// schema, which the migration rule keeps compatible for one release (docs/OPERATIONS.md).
fn migrator(mut migrator: sqlx::migrate::Migrator) -> sqlx::migrate::Migrator {
    migrator.set_ignore_missing(true);
    migrator
}

impl Db {
    /// Connects to `url`: `sqlite://path/to/file.db` or `mysql://user:pass@host:port/db`. A SQLite
    /// file and its folder are created when missing; SQLite runs in WAL mode.
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let dialect = if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else if url.starts_with("mysql:") || url.starts_with("mariadb:") {
            Dialect::MySql
        } else {
            anyhow::bail!("database_url must start with sqlite:// or mysql://");
        };
        let url = match dialect {
            Dialect::Sqlite => sqlite_url(url)?,
            Dialect::MySql => url.replacen("mariadb:", "mysql:", 1),
        };
        let options = AnyConnectOptions::from_str(&url).context("parsing database_url")?;
        let pool = Self::pool_options(dialect)
            .max_connections(max_connections)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options.clone())
            .await
            .context("connecting to the database")?;
        // SQLite lets one connection write at a time; the others sleep in its busy handler and
        // poll (1, 2, 5, 10 … 100 ms), which under a burst of writes costs more time asleep than
        // writing. One writer connection of the process's own makes writes queue in order on
        // the pool instead. An in-memory database is private to each connection: it keeps one pool.
        let writer = if dialect == Dialect::Sqlite && !url.contains(":memory:") {
            let writer = Self::pool_options(dialect)
                .max_connections(1)
                .acquire_timeout(SQLITE_WRITE_QUEUE)
                .connect_with(options)
                .await
                .context("connecting to the database")?;
            Some(writer)
        } else {
            None
        };
        Ok(Self {
            pool,
            writer,
            dialect,
        })
    }

    /// Pool options with each new connection's session settings for `dialect`.
    fn pool_options(dialect: Dialect) -> AnyPoolOptions {
        AnyPoolOptions::new()
            // A pooled SQLite connection is a file handle that cannot go stale, and the ping
            // that tests it before each use is one more trip to its worker thread per statement.
            // A MariaDB connection can (a restarted server): it is tested.
            .test_before_acquire(dialect == Dialect::MySql)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    match dialect {
                        Dialect::Sqlite => {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                                 PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;",
                            )
                            .await?;
                        }
                        Dialect::MySql => {
                            conn.execute(
                                "SET time_zone = '+00:00', NAMES utf8mb4 COLLATE utf8mb4_bin",
                            )
                            .await?;
                        }
                    }
                    Ok(())
                })
            })
    }

    /// Applies every migration this build knows and the database has not run yet.
    ///
    /// On MariaDB with a binlog the migrations run with `sql_log_bin = 0`: each region applies
    /// its schema by its own migration run, and schema changes are never replicated to other
    /// regions (ARCHITECTURE §3). That session takes a connection of its own, closed afterwards,
    /// so no pooled connection ever writes without the binlog.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self.dialect {
            Dialect::Sqlite => migrator(sqlx::migrate!("./migrations/sqlite"))
                .run(&self.pool)
                .await
                .context("applying migrations")?,
            Dialect::MySql => {
                let mut conn = self
                    .pool
                    .acquire()
                    .await
                    .context("connecting to the database")?
                    .detach();
                let (log_bin,): (i64,) = sqlx::query_as("SELECT CAST(@@log_bin AS SIGNED)")
                    .fetch_one(&mut conn)
                    .await
                    .context("reading whether the database keeps a binlog")?;
                if log_bin == 1 {
                    conn.execute("SET SESSION sql_log_bin = 0")
                        .await
                        .context("turning the binlog off for migrations (needs the BINLOG ADMIN or SUPER privilege)")?;
                }
                let applied = migrator(sqlx::migrate!("./migrations/mysql"))
                    .run(&mut conn)
                    .await;
                // The connection never returns to the pool (detached): closing it ends the session.
                let _ = sqlx::Connection::close(conn).await;
                applied.context("applying migrations")?;
            }
        }
        Ok(())
    }

    /// How this database replicates other regions: one entry per replication channel (a
    /// MariaDB multi-source connection), or `None` where replication does not apply (SQLite).
    /// Bounded like [`Db::ping`]: a database that does not answer in time is an error.
    pub async fn replication_status(&self) -> anyhow::Result<Option<Vec<ReplicationChannel>>> {
        if self.dialect == Dialect::Sqlite {
            return Ok(None);
        }
        let read = async {
            let mut conn = self.pool.acquire().await?;
            // SHOW is not preparable everywhere: the text protocol.
            let rows = sqlx::raw_sql("SHOW ALL SLAVES STATUS")
                .fetch_all(&mut *conn)
                .await?;
            let (applied,): (String,) = sqlx::query_as("SELECT CAST(@@gtid_slave_pos AS CHAR)")
                .fetch_one(&mut *conn)
                .await?;
            Ok::<_, sqlx::Error>((rows, applied))
        };
        let (rows, applied) = tokio::time::timeout(PING_TIMEOUT, read)
            .await
            .context("the database did not answer in time")?
            .context("reading the replication status")?;
        rows.iter()
            .map(|row| channel(row, &applied))
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map(Some)
            .context("reading the replication status")
    }

    /// Starts a transaction that will write, on [`Db::writer`]. On SQLite it also takes the write
    /// lock at once (`BEGIN IMMEDIATE`), so it never fails with "database is locked" when it
    /// upgrades a read lock; a writer of another process is waited for on the busy timeout.
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        match self.dialect {
            Dialect::Sqlite => self.writer().begin_with("BEGIN IMMEDIATE").await,
            Dialect::MySql => self.writer().begin().await,
        }
    }

    /// The pool a statement that writes runs on. On SQLite it is one connection, so the
    /// process's writes take turns in order instead of racing for SQLite's lock; on MariaDB it
    /// is the pool itself. Reads stay on [`Db::pool`]: in WAL mode they never wait for a writer.
    pub fn writer(&self) -> &AnyPool {
        self.writer.as_ref().unwrap_or(&self.pool)
    }

    /// What a `SELECT` inside a write transaction appends to lock the rows it reads until the
    /// transaction ends: ` FOR UPDATE` on MariaDB; nothing on SQLite, whose write transactions
    /// (`BEGIN IMMEDIATE`) already run one at a time.
    pub fn lock_clause(&self) -> &'static str {
        match self.dialect {
            Dialect::MySql => " FOR UPDATE",
            Dialect::Sqlite => "",
        }
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> bool {
        // Bounded: readiness must answer within a load balancer's check interval even when the
        // database does not answer at all.
        let ping = sqlx::query("SELECT 1").execute(&self.pool);
        matches!(tokio::time::timeout(PING_TIMEOUT, ping).await, Ok(Ok(_)))
    }
}

/// One row of `SHOW ALL SLAVES STATUS`, with the GTID positions narrowed to the channel's domain.
fn channel(row: &sqlx::any::AnyRow, applied: &str) -> Result<ReplicationChannel, sqlx::Error> {
    use sqlx::Row;
    // Columns are text or integers (Seconds_Behind_Master, Master_Port): read either as text.
    let text = |column: &str| -> Result<String, sqlx::Error> {
        match row.try_get::<Option<String>, _>(column) {
            Ok(value) => Ok(value.unwrap_or_default()),
            Err(_) => Ok(row
                .try_get::<Option<i64>, _>(column)?
                .map(|n| n.to_string())
                .unwrap_or_default()),
        }
    };
    let domain = text("Replicate_Do_Domain_Ids")?.trim().parse::<u32>().ok();
    let io_running = text("Slave_IO_Running")?;
    let sql_running = text("Slave_SQL_Running")?;
    let seconds_behind = text("Seconds_Behind_Master")?.trim().parse::<u64>().ok();
    let errors: Vec<String> = [text("Last_IO_Error")?, text("Last_SQL_Error")?]
        .into_iter()
        .filter(|e| !e.is_empty())
        .collect();
    Ok(ReplicationChannel {
        peer: text("Connection_name")?,
        domain,
        running: io_running == "Yes" && sql_running == "Yes",
        io_running,
        sql_running,
        seconds_behind,
        gtid_received: in_domain(&text("Gtid_IO_Pos")?, domain),
        gtid_applied: in_domain(applied, domain),
        last_error: (!errors.is_empty()).then(|| errors.join("; ")),
    })
}

/// The GTIDs of `domain` in a GTID list such as `1-1-10,2-2-7` (all of it without a domain).
fn in_domain(list: &str, domain: Option<u32>) -> String {
    let Some(domain) = domain else {
        return list.trim().to_owned();
    };
    let prefix = format!("{domain}-");
    list.split(',')
        .map(str::trim)
        .filter(|gtid| gtid.starts_with(&prefix))
        .collect::<Vec<_>>()
        .join(",")
}

fn sqlite_url(url: &str) -> anyhow::Result<String> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let (file, query) = path.split_once('?').unwrap_or((path, ""));
    if file != ":memory:"
        && !file.is_empty()
        && let Some(parent) = std::path::Path::new(file).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating the database folder {}", parent.display()))?;
    }
    let query = if query.is_empty() { "mode=rwc" } else { query };
    Ok(format!("sqlite://{file}?{query}"))
}

/// `?, ?, ?` for an `IN (...)` list of `n` values (n ≥ 1).
pub fn placeholders(n: usize) -> String {
    let mut s = String::with_capacity(n * 3);
    for i in 0..n {
        if i > 0 {
            s.push_str(", ");
        }
        s.push('?');
    }
    s
}

/// Whether an error is a unique-key violation (someone else made the same row first).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => db.is_unique_violation(),
        _ => false,
    }
}

/// Whether an insert added its row: `false` when a unique key already held it, the error
/// otherwise.
pub fn inserted_unless_duplicate<T>(result: Result<T, sqlx::Error>) -> Result<bool, sqlx::Error> {
    match result {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Many writers at once, each a transaction and a single statement: every write commits,
    /// none fails with "database is locked", and on SQLite they took turns on one connection.
    #[tokio::test]
    async fn concurrent_writes_all_commit_and_sqlite_writes_take_turns_on_one_connection() {
        let (_dir, db) = crate::testing::temp_db(8).await;
        let writes = (1..=40i64).map(|id| {
            let db = db.clone();
            tokio::spawn(async move {
                let insert = "INSERT INTO communities (id, region, title_id, name, description, \
                              created_at, updated_at) VALUES (?, 1, 't', 'n', 'd', 0, 0)";
                if id % 2 == 0 {
                    let mut tx = db.begin_write().await?;
                    sqlx::query(insert).bind(id).execute(&mut *tx).await?;
                    sqlx::query("UPDATE communities SET name = 'renamed' WHERE id = ?")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await
                } else {
                    sqlx::query(insert)
                        .bind(id)
                        .execute(db.writer())
                        .await
                        .map(drop)
                }
            })
        });
        let writes: Vec<_> = writes.collect();
        for write in writes {
            write
                .await
                .expect("the task ran")
                .expect("the write committed");
        }
        let sql = format!(
            "SELECT COUNT(*), {} FROM communities",
            db.dialect
                .sum_int("CASE WHEN name = 'renamed' THEN 1 ELSE 0 END")
        );
        let (n, renamed): (i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!((n, renamed), (40, 20));
        match db.dialect {
            Dialect::Sqlite => assert_eq!(db.writer().size(), 1, "one writer connection"),
            Dialect::MySql => assert!(db.writer().size() >= 1),
        }
    }

    #[test]
    fn placeholders_are_comma_separated() {
        assert_eq!(placeholders(1), "?");
        assert_eq!(placeholders(3), "?, ?, ?");
    }

    #[test]
    fn gtid_positions_are_narrowed_to_the_channels_domain() {
        assert_eq!(in_domain("1-1-10,2-2-7, 3-3-2", Some(2)), "2-2-7");
        assert_eq!(in_domain("1-1-10", Some(2)), "");
        assert_eq!(in_domain("1-1-10,2-2-7", None), "1-1-10,2-2-7");
    }

    #[tokio::test]
    async fn a_build_starts_on_a_schema_a_newer_release_migrated() {
        // A preview (or the release rolled back from) applied a migration this build lacks.
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("plaza.db").display());
        let db = Db::connect(&url, 2).await.unwrap();
        db.migrate().await.unwrap();
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (99999, 'from a newer release', 1, X'00', 0)",
        )
        .execute(&db.pool)
        .await
        .unwrap();
        db.migrate().await.unwrap();
    }

    #[tokio::test]
    async fn sqlite_has_no_replication() {
        // SQLite whatever database the suite runs against (the MariaDB stage sets it to MariaDB).
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("plaza.db").display());
        let db = Db::connect(&url, 2).await.unwrap();
        assert_eq!(db.replication_status().await.unwrap(), None);
    }

    #[test]
    fn sqlite_urls_get_create_mode() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sub/plaza.db");
        let url = sqlite_url(&format!("sqlite://{}", file.display())).unwrap();
        assert!(url.ends_with("?mode=rwc"));
        assert!(file.parent().unwrap().is_dir());
    }

    #[tokio::test]
    async fn migrations_apply_twice_without_change() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::testing::fresh_db(dir.path(), 2).await;
        db.migrate().await.unwrap();
        assert!(db.ping().await);
    }
}
