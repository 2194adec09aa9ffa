//! Passwords, sessions and the extractors that say who is asking: bearer tokens for the API,
//! cookie sessions (with a CSRF token for every form) for the pages. The extractors read the
//! session [`crate::session::resolve`] found for the request; they never look it up again.
//!
//! CSRF: a visitor who is not signed in gets a random token in a cookie that forms echo (double
//! submit). Once signed in, the token forms must carry is derived from the session's own token
//! ([`session_csrf`]), so it changes at every sign-in and a token seen before signing in (or in
//! another session) is worth nothing afterwards. The cookie is renewed at sign-in and sign-out.

use crate::db::{sessions, users::User};
use crate::session::Session;
use crate::{AppState, Error, Result};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The cookie that holds a page session.
pub const SESSION_COOKIE: &str = "plaza_session";
/// The cookie that holds the CSRF token forms must echo.
pub const CSRF_COOKIE: &str = "plaza_csrf";
/// Session kinds.
pub const KIND_COOKIE: i64 = 1;
pub const KIND_API: i64 = 2;
/// A player token: a game's session for one title (see `crate::ops::games`).
pub const KIND_GAME: i64 = 3;
/// How long sessions last.
pub const COOKIE_SESSION_DAYS: i64 = 30;
pub const API_SESSION_DAYS: i64 = 90;

type PasswordJob = Box<dyn FnOnce() + Send>;

/// Hashes and checks passwords with argon2id on a few dedicated threads (one per core by
/// default). Each hash takes about 19 MiB and a core for tens of milliseconds: running more at
/// once than there are cores only queues them while holding their memory, and running them on
/// the shared blocking pool leaves a freed 19 MiB buffer cached in every thread's allocator
/// arena. Jobs wait in a queue; the threads end when the last handle is dropped.
#[derive(Debug, Clone)]
pub struct Passwords {
    jobs: std::sync::mpsc::SyncSender<PasswordJob>,
}

impl Passwords {
    /// `threads` (at least one) hashing threads.
    pub fn new(threads: usize) -> Self {
        let (jobs, queue) = std::sync::mpsc::sync_channel::<PasswordJob>(1024);
        let queue = Arc::new(std::sync::Mutex::new(queue));
        for i in 0..threads.max(1) {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    loop {
                        // The guard is dropped before the job runs, so the threads work in parallel.
                        let job = match queue.lock() {
                            Ok(q) => q.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(err) = spawned {
                tracing::error!(error = %err, "starting a password hashing thread failed");
            }
        }
        Passwords { jobs }
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: PasswordJob = Box::new(move || {
            let _ = done.send(work());
        });
        match self.jobs.try_send(job) {
            Ok(()) => {}
            // 1024 hashes already wait: this caller is told to come back in a moment.
            Err(std::sync::mpsc::TrySendError::Full(_)) => {
                return Err(Error::RateLimited(std::time::Duration::from_secs(1)));
            }
            Err(std::sync::mpsc::TrySendError::Disconnected(_)) => {
                return Err(Error::Internal(anyhow::anyhow!(
                    "the password threads stopped"
                )));
            }
        }
        result
            .await
            .map_err(|_| Error::Internal(anyhow::anyhow!("a password job was dropped")))
    }

    /// The argon2id hash (PHC string) of `password` with a fresh salt.
    pub async fn hash(&self, password: String) -> Result<String> {
        self.run(move || {
            let mut salt_bytes = [0u8; 16];
            getrandom::fill(&mut salt_bytes).map_err(|e| anyhow::anyhow!("random source: {e}"))?;
            let salt =
                SaltString::encode_b64(&salt_bytes).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
        })
        .await?
        .map_err(Error::Internal)
    }

    /// Whether `password` matches the stored hash.
    pub async fn verify(&self, password: String, stored: String) -> Result<bool> {
        self.run(move || {
            let Ok(parsed) = PasswordHash::new(&stored) else {
                return false;
            };
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .await
    }
}

/// A new random secret (session token or CSRF token): 32 bytes, base64url.
pub fn new_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("random source: {e}"))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// What the database keeps of a token: its SHA-256, so a leaked table holds no usable tokens.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// What a session list shows of the program that started a session: its `User-Agent`, on one
/// line and cut to [`sessions::USER_AGENT_MAX`] characters.
pub fn user_agent_summary(headers: &axum::http::HeaderMap) -> String {
    let agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    agent
        .chars()
        .filter(|c| !c.is_control())
        .take(sessions::USER_AGENT_MAX)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Starts a session for `user_id` and returns its token; `user_agent` is kept for the account's
/// list of sessions (see [`user_agent_summary`]).
pub async fn start_session(
    state: &AppState,
    user_id: plaza_types::Id,
    kind: i64,
    user_agent: &str,
) -> Result<String> {
    let token = new_secret()?;
    // Starting a session is a good moment to forget this account's expired ones.
    sessions::delete_expired(&state.db, user_id).await?;
    let days = if kind == KIND_API || kind == KIND_GAME {
        API_SESSION_DAYS
    } else {
        COOKIE_SESSION_DAYS
    };
    sessions::insert(
        &state.db,
        &token_hash(&token),
        user_id,
        i64::from(state.config.region),
        kind,
        days,
        user_agent,
    )
    .await?;
    Ok(token)
}

/// The CSRF token of a page session: derived from the session's token (one-way, so the token
/// cannot be recovered from a page), hence new at every sign-in.
pub fn session_csrf(session_token: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"plaza-csrf:")
        .chain_update(session_token.as_bytes())
        .finalize();
    URL_SAFE_NO_PAD.encode(digest)
}

/// Compares two secrets in time independent of where they differ (`subtle`).
pub fn same_secret(a: &str, b: &str) -> bool {
    subtle::ConstantTimeEq::ct_eq(a.as_bytes(), b.as_bytes()).into()
}

/// The signed-in API caller (a bearer token). Rejects with 401 when absent or invalid.
#[derive(Debug, Clone)]
pub struct ApiUser(pub User);

/// The token of an `Authorization: Bearer …` header.
pub fn bearer_token(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let session = Session::of(parts)?;
        match (&session.account, session.bearer) {
            (Some(user), true) => Ok(ApiUser(user.clone())),
            _ => Err(Error::Unauthenticated),
        }
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for ApiUser {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        if !Session::of(parts)?.bearer {
            return Ok(None);
        }
        <ApiUser as FromRequestParts<S>>::from_request_parts(parts, state)
            .await
            .map(Some)
    }
}

/// Whoever reads through the API: the signed-in caller, or nobody for a read open to everyone.
/// A bearer token that is not valid is still refused with 401, as [`ApiUser`] refuses it.
#[derive(Debug, Clone)]
pub struct ApiReader(pub Option<User>);

impl<S: Send + Sync> FromRequestParts<S> for ApiReader {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let user =
            <ApiUser as OptionalFromRequestParts<S>>::from_request_parts(parts, state).await?;
        Ok(ApiReader(user.map(|u| u.0)))
    }
}

/// Who is looking at a page: the signed-in user, if any, the CSRF token the page's forms must
/// carry and the language the page is written in, as [`crate::session::resolve`] found them.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: Option<User>,
    pub csrf: String,
    /// The language the page is written in, and its catalog.
    pub locale: crate::i18n::Locale,
    /// The hash of the signed-in session's token (to tell the current session in a list).
    pub session: Option<String>,
    /// Whether this region had not yet applied the viewer's latest write in time (see
    /// [`crate::causal`]): the page says it may be out of date.
    pub stale: bool,
}

impl<S> FromRequestParts<S> for Viewer
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = crate::error::PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let session = Session::of(parts)?;
        let catalogs = AppState::from_ref(state).catalogs.clone();
        Ok(Viewer {
            user: session.account.clone(),
            csrf: session.csrf.clone(),
            locale: crate::i18n::Locale::new(catalogs, session.lang),
            session: session.cookie_session.clone(),
            stale: parts
                .extensions
                .get::<crate::causal::Stale>()
                .is_some_and(|s| s.0),
        })
    }
}

impl Viewer {
    /// The signed-in user, or a redirect to the sign-in page.
    pub fn require(&self) -> Result<&User> {
        self.user.as_ref().ok_or(Error::Unauthenticated)
    }

    /// Checks a form's CSRF field against the session's token.
    pub fn check_csrf(&self, submitted: &str) -> Result<()> {
        if self.csrf.is_empty() || !same_secret(&self.csrf, submitted) {
            return Err(Error::Csrf);
        }
        Ok(())
    }

    /// A form that only a signed-in account may send: checks its CSRF field, then that someone
    /// is signed in, and returns them.
    pub fn require_form(&self, submitted_csrf: &str) -> Result<&User> {
        self.check_csrf(submitted_csrf)?;
        self.require()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_hash_with_argon2id_and_verify() {
        let passwords = Passwords::new(2);
        let hash = passwords.hash("correct horse".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            passwords
                .verify("correct horse".into(), hash.clone())
                .await
                .unwrap()
        );
        assert!(!passwords.verify("wrong horse".into(), hash).await.unwrap());
    }

    #[test]
    fn secrets_are_random_and_hashed() {
        let a = new_secret().unwrap();
        let b = new_secret().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, &b));
    }

    #[test]
    fn a_session_csrf_token_is_its_own_and_does_not_reveal_the_session() {
        let a = new_secret().unwrap();
        let b = new_secret().unwrap();
        assert_eq!(session_csrf(&a), session_csrf(&a));
        assert_ne!(session_csrf(&a), session_csrf(&b));
        assert_eq!(session_csrf(&a).len(), 43);
        assert_ne!(session_csrf(&a), a);
        assert_ne!(session_csrf(&a), token_hash(&a));
    }

    #[test]
    fn user_agents_are_kept_short_and_on_one_line() {
        let mut headers = axum::http::HeaderMap::new();
        assert_eq!(user_agent_summary(&headers), "");
        headers.insert(
            axum::http::header::USER_AGENT,
            axum::http::HeaderValue::from_str(&format!("Mozilla/5.0 {}", "x".repeat(400))).unwrap(),
        );
        assert_eq!(
            user_agent_summary(&headers).chars().count(),
            sessions::USER_AGENT_MAX
        );
    }
}
