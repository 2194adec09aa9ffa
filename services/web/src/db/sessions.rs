//! The `sessions` table: page sessions and API tokens, stored as SHA-256 hashes.
//!
//! A session's public id (what the account's list of sessions shows and what revokes one) is the
//! first 16 hex digits of its token's hash: stable, unique enough within one account, and of no
//! use for signing in (the token itself has 256 random bits and is never stored).

use super::users::{COLUMNS, Standing, User, UserRow};
use plaza_storage::Db;
use plaza_storage::sqlx::{self, AssertSqlSafe};
use plaza_types::{Id, now_millis};

/// How many hex digits of the token's hash make a session's public id.
pub const ID_LEN: usize = 16;
/// How long a session's "last used" time may lag: it is written at most this often, so that
/// reading a page is not a database write.
const LAST_USED_PRECISION_MS: i64 = 3_600_000;
/// The most sessions one account's list shows (the most recent first).
pub const LIST_LIMIT: i64 = 100;
/// How much of a User-Agent header is kept.
pub const USER_AGENT_MAX: usize = 160;

/// One session as its owner sees it in the list: never the token.
#[derive(Debug, Clone)]
pub struct Session {
    /// The public id (see the module's docs).
    pub id: String,
    pub kind: i64,
    pub created_at: i64,
    /// Milliseconds, or 0 when never used since it started (or before this was tracked).
    pub last_used_at: i64,
    pub expires_at: i64,
    pub user_agent: String,
}

/// The public id of the session whose token hashes to `token_hash`.
pub fn public_id(token_hash: &str) -> String {
    token_hash.chars().take(ID_LEN).collect()
}

/// The condition that session `s` started after its account's latest ban (suspension kind 2,
/// served by `suspensions_by_user`): a ban ends every older session in every region as soon as
/// its row arrives, though only the account's home region, which wrote the sessions, deletes
/// them (a session is never written by two regions).
const NOT_BANNED_SINCE: &str = "NOT EXISTS (SELECT 1 FROM suspensions b \
     WHERE b.user_id = s.user_id AND b.kind = 2 AND b.created_at >= s.created_at)";

/// Stores a session that lasts `days`.
pub async fn insert(
    db: &Db,
    token_hash: &str,
    user_id: Id,
    region: i64,
    kind: i64,
    days: i64,
    user_agent: &str,
) -> Result<(), sqlx::Error> {
    let now = now_millis();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, region, kind, created_at, expires_at, last_used_at, user_agent) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(token_hash)
    .bind(user_id.0)
    .bind(region)
    .bind(kind)
    .bind(now)
    .bind(now + days * 86_400_000)
    .bind(now)
    .bind(user_agent)
    .execute(db.writer())
    .await?;
    Ok(())
}

/// The account behind an unexpired session of `kind`.
pub async fn user_by_token(
    db: &Db,
    token_hash: &str,
    kind: i64,
) -> Result<Option<User>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = ? AND s.kind = ? AND s.expires_at > ? AND {NOT_BANNED_SINCE}"
    );
    Ok(sqlx::query_as::<_, UserRow>(AssertSqlSafe(sql))
        .bind(token_hash)
        .bind(kind)
        .bind(now_millis())
        .fetch_optional(&db.pool)
        .await?
        .map(User::from))
}

/// As [`user_by_token`], for a request that uses the session: also notes when it was last used
/// (at most hourly, see [`LAST_USED_PRECISION_MS`]) — only in the account's home region
/// (`region`), so that no two regions ever write the same row — and reads the account's
/// [`Standing`] in the same query. The second value is when the session expires.
async fn use_token_uncached(
    db: &Db,
    token_hash: &str,
    kind: i64,
    region: u8,
) -> Result<Option<(User, i64)>, sqlx::Error> {
    let now = now_millis();
    // Both counts are served by an index led by `user_id` (`moderators`' unique key,
    // `suspensions_by_user`); most accounts have no row in either.
    let sql = format!(
        "SELECT {COLUMNS}, s.last_used_at, s.expires_at, \
         (SELECT COUNT(*) FROM moderators m WHERE m.user_id = u.id) AS appointments, \
         (SELECT COUNT(*) FROM suspensions x WHERE x.user_id = u.id) AS suspensions \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = ? AND s.kind = ? AND s.expires_at > ? AND {NOT_BANNED_SINCE}"
    );
    let Some(row) = sqlx::query_as::<_, UsedSession>(AssertSqlSafe(sql))
        .bind(token_hash)
        .bind(kind)
        .bind(now)
        .fetch_optional(&db.pool)
        .await?
    else {
        return Ok(None);
    };
    let mut user = User::from(row.user);
    user.standing = Some(Standing {
        moderates: row.appointments > 0,
        ever_suspended: row.suspensions > 0,
    });
    if now - row.last_used_at >= LAST_USED_PRECISION_MS && user.home_region == region {
        sqlx::query("UPDATE sessions SET last_used_at = ? WHERE token_hash = ?")
            .bind(now)
            .bind(token_hash)
            .execute(db.writer())
            .await?;
    }
    Ok(Some((user, row.expires_at)))
}

/// How long a session found is kept in [`Sessions`] at most: the longest a change that this
/// process did not make (the `plaza admin` command, a row written by hand) can take to reach a
/// signed-in request here.
pub const KEPT_FOR: std::time::Duration = std::time::Duration::from_secs(1);
/// The most sessions [`Sessions`] keeps.
const KEPT_AT_MOST: u64 = 10_000;

/// Bumped after every write that can change what a session lookup answers (see
/// [`accounts_changed`]). Process-wide, so one write forgets what every [`Sessions`] of the
/// process kept, whichever web service made it.
static ACCOUNTS_EPOCH: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Says that an account, a session, an appointment or a suspension changed: every session this
/// process keeps is looked up afresh. Called after the write is committed, so that a lookup
/// that read the rows before it cannot keep them under the new epoch.
pub fn accounts_changed() {
    ACCOUNTS_EPOCH.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
}

/// `done`, the outcome of a write (committed, or failed as a whole), after saying
/// [`accounts_changed`]: what every write to accounts, sessions, appointments or suspensions
/// passes its result through.
pub fn changed<T>(done: T) -> T {
    accounts_changed();
    done
}

/// Commits `tx`, a transaction that changed accounts, sessions, appointments or suspensions, then
/// says [`accounts_changed`].
pub async fn commit(tx: plaza_storage::Tx) -> Result<(), sqlx::Error> {
    changed(tx.commit().await)
}

/// The sessions this process found recently, with their accounts and standing, so that a reader
/// whose page asks several times a second is not looked up each time. Only sessions that were
/// found are kept (a token just made is never refused). Every change to accounts, sessions,
/// appointments or suspensions made by this process forgets them all at once
/// ([`accounts_changed`]); a change made elsewhere shows within [`KEPT_FOR`].
///
/// Kept only where this process is the one web process of its database (the embedded default,
/// whose object cache is in the process too, see `Sessions::new`). In a region, several web
/// processes answer behind HAProxy: a sign-out or a new password made through one would reach
/// the others up to a second late, and the next request after it may go to any of them. There
/// every request looks its session up.
#[derive(Clone)]
pub struct Sessions(Option<moka::sync::Cache<(String, i64), std::sync::Arc<Found>>>);

/// One session as [`Sessions`] keeps it.
struct Found {
    user: User,
    expires_at: i64,
    epoch: u64,
}

impl Sessions {
    /// Sessions kept when `keep` (this process is its database's one web process), else none.
    pub fn new(keep: bool) -> Self {
        Sessions(keep.then(|| {
            moka::sync::Cache::builder()
                .max_capacity(KEPT_AT_MOST)
                .time_to_live(KEPT_FOR)
                .build()
        }))
    }

    /// The account behind an unexpired, unbanned session of `kind` whose token hashes to
    /// `token_hash`, with its [`Standing`]: kept from a lookup less than [`KEPT_FOR`] ago when
    /// nothing changed since, else read by [`use_token_uncached`] (which also notes the use).
    pub async fn use_token(
        &self,
        db: &Db,
        token_hash: &str,
        kind: i64,
        region: u8,
    ) -> Result<Option<User>, sqlx::Error> {
        let Some(kept) = &self.0 else {
            return Ok(use_token_uncached(db, token_hash, kind, region)
                .await?
                .map(|(user, _)| user));
        };
        // Read before the lookup: a change committed while it runs makes what it read stale.
        let epoch = ACCOUNTS_EPOCH.load(std::sync::atomic::Ordering::Acquire);
        let key = (token_hash.to_owned(), kind);
        if let Some(found) = kept.get(&key)
            && found.epoch == epoch
            && found.expires_at > now_millis()
        {
            return Ok(Some(found.user.clone()));
        }
        let Some((user, expires_at)) = use_token_uncached(db, token_hash, kind, region).await?
        else {
            kept.invalidate(&key);
            return Ok(None);
        };
        let found = Found {
            user: user.clone(),
            expires_at,
            epoch,
        };
        kept.insert(key, std::sync::Arc::new(found));
        Ok(Some(user))
    }
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions")
            .field("kept", &self.0.as_ref().map(|c| c.entry_count()))
            .finish()
    }
}

/// A session's account, when the session was last used and when it expires, and the account's
/// appointments and suspensions counted.
#[derive(Debug, sqlx::FromRow)]
struct UsedSession {
    #[sqlx(flatten)]
    user: UserRow,
    last_used_at: i64,
    expires_at: i64,
    appointments: i64,
    suspensions: i64,
}

/// A `sessions` row as its owner's list reads it.
#[derive(Debug, sqlx::FromRow)]
struct SessionRow {
    token_hash: String,
    kind: i64,
    created_at: i64,
    last_used_at: i64,
    expires_at: i64,
    user_agent: String,
}

/// An account's unexpired sessions, the most recently started first (at most [`LIST_LIMIT`]).
pub async fn list(db: &Db, user_id: Id) -> Result<Vec<(String, Session)>, sqlx::Error> {
    let rows: Vec<SessionRow> = sqlx::query_as(
        "SELECT token_hash, kind, created_at, last_used_at, expires_at, user_agent FROM sessions \
         WHERE user_id = ? AND expires_at > ? ORDER BY created_at DESC, token_hash LIMIT ?",
    )
    .bind(user_id.0)
    .bind(now_millis())
    .bind(LIST_LIMIT)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let session = Session {
                id: public_id(&r.token_hash),
                kind: r.kind,
                created_at: r.created_at,
                last_used_at: r.last_used_at,
                expires_at: r.expires_at,
                user_agent: r.user_agent,
            };
            (r.token_hash, session)
        })
        .collect())
}

/// Ends the account's session with public id `id`; whether there was one.
pub async fn delete_by_id(db: &Db, user_id: Id, id: &str) -> Result<bool, sqlx::Error> {
    if id.len() != ID_LEN || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(false);
    }
    let done =
        sqlx::query("DELETE FROM sessions WHERE user_id = ? AND SUBSTR(token_hash, 1, 16) = ?")
            .bind(user_id.0)
            .bind(id.to_ascii_lowercase())
            .execute(db.writer())
            .await;
    Ok(changed(done)?.rows_affected() > 0)
}

/// Ends every session of the account except the one whose token hashes to `keep`, if given.
pub async fn delete_all(db: &Db, user_id: Id, keep: Option<&str>) -> Result<(), sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?")
        .bind(user_id.0)
        // No hash is empty, so without `keep` every session goes.
        .bind(keep.unwrap_or(""))
        .execute(db.writer())
        .await;
    changed(done).map(drop)
}

/// Forgets a user's expired sessions.
pub async fn delete_expired(db: &Db, user_id: Id) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = ? AND expires_at <= ?")
        .bind(user_id.0)
        .bind(now_millis())
        .execute(db.writer())
        .await?;
    Ok(())
}

/// Ends a session.
pub async fn delete(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
        .bind(token_hash)
        .execute(db.writer())
        .await;
    changed(done).map(drop)
}
