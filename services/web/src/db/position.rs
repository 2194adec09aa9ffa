//! The database's replication position, for causal reads (ARCHITECTURE §3): MariaDB GTIDs. In
//! SQLite (one region) there is none.

use plaza_storage::sqlx::{self, AssertSqlSafe};
use plaza_storage::{Db, Dialect};

/// The last GTID this region's own domain (`region`) wrote, e.g. `2-2-1043`.
pub async fn own(db: &Db, region: u8) -> Result<Option<String>, sqlx::Error> {
    if db.dialect != Dialect::MySql {
        return Ok(None);
    }
    let (pos,): (String,) = sqlx::query_as("SELECT CAST(@@gtid_binlog_pos AS CHAR)")
        .fetch_one(&db.pool)
        .await?;
    Ok(of_domain(&pos, region).map(str::to_owned))
}

/// The entry of `domain` in a GTID position list (`1-1-5,2-2-9`).
pub fn of_domain(pos: &str, domain: u8) -> Option<&str> {
    pos.split(',')
        .map(str::trim)
        .find(|gtid| gtid.split('-').next() == Some(domain.to_string().as_str()))
}

/// Waits at most `timeout` for this database to have applied `gtid`; false when it has not by
/// then.
pub async fn wait_for(
    db: &Db,
    gtid: &str,
    timeout: std::time::Duration,
) -> Result<bool, sqlx::Error> {
    if db.dialect != Dialect::MySql {
        return Ok(true);
    }
    // The timeout is a number we make, not input; the GTID is bound.
    let sql = format!(
        "SELECT CAST(MASTER_GTID_WAIT(?, {:.3}) AS SIGNED)",
        timeout.as_secs_f64()
    );
    let (waited,): (i64,) = sqlx::query_as(AssertSqlSafe(sql))
        .bind(gtid)
        .fetch_one(&db.pool)
        .await?;
    Ok(waited == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_own_domain_is_picked_from_a_list() {
        assert_eq!(of_domain("1-1-5,2-2-9,3-3-1", 2), Some("2-2-9"));
        assert_eq!(of_domain("1-1-5, 12-12-9", 2), None);
        assert_eq!(of_domain("", 1), None);
    }
}
