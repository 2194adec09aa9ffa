//! Rate limits: how often one account or one address may sign up, sign in, post, comment, give
//! Yeahs, follow and upload. Behind a trait: the embedded mode keeps them in memory with GCRA
//! buckets from `governor`; a region shares them between all its processes in Redis.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// What is being limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    SignUp,
    /// Sign-in attempts for one account from one address ([`Scope::Account`]), and from one
    /// address for any accounts ([`Scope::Address`]).
    SignIn,
    /// Sign-in attempts for one account from all addresses: a ceiling [`SIGN_IN_ACCOUNT_FACTOR`]
    /// times the per-address rate, so that one stranger guessing from one address cannot lock
    /// the owner out, and many addresses together still cannot guess quickly.
    SignInAccount,
    Post,
    Comment,
    Yeah,
    Follow,
    Upload,
    /// Every request a game makes with one app key (all its players together).
    AppKey,
}

impl Action {
    const ALL: [Action; 9] = [
        Action::SignUp,
        Action::SignIn,
        Action::SignInAccount,
        Action::Post,
        Action::Comment,
        Action::Yeah,
        Action::Follow,
        Action::Upload,
        Action::AppKey,
    ];

    fn index(self) -> usize {
        self as usize
    }

    /// The action's name in shared (Redis) keys.
    fn name(self) -> &'static str {
        match self {
            Action::SignUp => "sign_up",
            Action::SignIn => "sign_in",
            Action::SignInAccount => "sign_in_account",
            Action::Post => "post",
            Action::Comment => "comment",
            Action::Yeah => "yeah",
            Action::Follow => "follow",
            Action::Upload => "upload",
            Action::AppKey => "app_key",
        }
    }
}

/// Whose count a key is: one account's (or, for sign-up and sign-in, one address's), or one
/// address's share of actions that are limited per account first. Many people can share an
/// address (a school, a mobile network), so an address may do `per_address_factor` times
/// what one account may.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Account,
    Address,
}

/// How many times the sign-in rate one account may be tried from all addresses together.
pub const SIGN_IN_ACCOUNT_FACTOR: u32 = 20;

/// How many of each action are allowed per minute (per key), bursts included.
#[derive(Debug, Clone, Copy)]
pub struct Rates {
    pub sign_up: u32,
    pub sign_in: u32,
    pub post: u32,
    pub comment: u32,
    pub yeah: u32,
    pub follow: u32,
    /// Posts or comments carrying an image (a drawing or a screenshot).
    pub upload: u32,
    /// Game API requests per app key (all the game's players together).
    pub app_key: u32,
    /// How many times an account's limit one address may use ([`Scope::Address`]).
    pub per_address_factor: u32,
}

impl Rates {
    fn of(&self, action: Action, scope: Scope) -> u32 {
        let per_account = self.per_account(action);
        match scope {
            Scope::Account => per_account,
            Scope::Address => per_account.saturating_mul(self.per_address_factor),
        }
    }

    fn per_account(&self, action: Action) -> u32 {
        match action {
            Action::SignUp => self.sign_up,
            Action::SignIn => self.sign_in,
            Action::SignInAccount => self.sign_in.saturating_mul(SIGN_IN_ACCOUNT_FACTOR),
            Action::Post => self.post,
            Action::Comment => self.comment,
            Action::Yeah => self.yeah,
            Action::Follow => self.follow,
            Action::Upload => self.upload,
            Action::AppKey => self.app_key,
        }
    }
}

impl Default for Rates {
    fn default() -> Self {
        Rates {
            sign_up: 5,
            sign_in: 10,
            post: 10,
            comment: 20,
            yeah: 120,
            follow: 60,
            upload: 10,
            app_key: 6000,
            per_address_factor: 5,
        }
    }
}

/// A boxed future, so the trait can be used as `Arc<dyn RateLimiter>`.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Decides whether an action may happen now.
pub trait RateLimiter: Send + Sync + std::fmt::Debug {
    /// `Ok` when every key is within its limit (and counts the action); otherwise how long to wait.
    fn check<'a>(
        &'a self,
        action: Action,
        scope: Scope,
        keys: &'a [&'a str],
    ) -> BoxFuture<'a, Result<(), Duration>>;
}

/// Limits kept in this process's memory.
pub struct MemoryLimiter {
    /// One limiter per action and scope (index: action * 2 + scope).
    limiters: Vec<Option<DefaultKeyedRateLimiter<String>>>,
    checks: AtomicU64,
}

impl std::fmt::Debug for MemoryLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryLimiter").finish_non_exhaustive()
    }
}

impl MemoryLimiter {
    /// Limits at `rates`; a rate of 0 turns that action's limit off.
    pub fn new(rates: Rates) -> Self {
        let limiters = Action::ALL
            .iter()
            .flat_map(|a| [(*a, Scope::Account), (*a, Scope::Address)])
            .map(|(a, scope)| {
                NonZeroU32::new(rates.of(a, scope))
                    .map(|n| DefaultKeyedRateLimiter::keyed(Quota::per_minute(n)))
            })
            .collect();
        MemoryLimiter {
            limiters,
            checks: AtomicU64::new(0),
        }
    }
}

impl RateLimiter for MemoryLimiter {
    fn check<'a>(
        &'a self,
        action: Action,
        scope: Scope,
        keys: &'a [&'a str],
    ) -> BoxFuture<'a, Result<(), Duration>> {
        Box::pin(std::future::ready(counted(
            action,
            self.check_now(action, scope, keys),
        )))
    }
}

/// Counts a refusal in `plaza_rate_limited_total{action}` and passes the decision on.
fn counted(action: Action, decision: Result<(), Duration>) -> Result<(), Duration> {
    if decision.is_err() {
        metrics::counter!("plaza_rate_limited_total", "action" => action.name()).increment(1);
    }
    decision
}

impl MemoryLimiter {
    fn check_now(&self, action: Action, scope: Scope, keys: &[&str]) -> Result<(), Duration> {
        let index = action.index() * 2 + usize::from(scope == Scope::Address);
        let Some(limiter) = self.limiters.get(index).and_then(Option::as_ref) else {
            return Ok(());
        };
        // Forget keys whose buckets are full again, so memory stays bounded by recent activity.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 10_000 == 9_999 {
            limiter.retain_recent();
        }
        for key in keys {
            if let Err(not_until) = limiter.check_key(&(*key).to_owned()) {
                return Err(not_until.wait_time_from(DefaultClock::default().now()));
            }
        }
        Ok(())
    }
}

/// Limits shared by every process of a region: a counter per (action, key, minute) in Redis,
/// counted and checked in one script. While Redis is unreachable each process falls back to its
/// own in-memory limits, so limits loosen (to N per process) but never vanish.
#[derive(Debug)]
pub struct RedisLimiter {
    redis: plaza_cache::redis::Redis,
    rates: Rates,
    script: redis::Script,
    fallback: MemoryLimiter,
}

/// Counts one action against every key; answers 0, or the milliseconds until the first full
/// key's window ends. KEYS: the counters; ARGV[1]: the limit; ARGV[2]: the window in ms.
const WINDOW_SCRIPT: &str = r"
local limit = tonumber(ARGV[1])
local wait = 0
for _, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, ARGV[2]) end
  if n > limit then
    local ttl = redis.call('PTTL', key)
    if ttl > wait then wait = ttl end
  end
end
return wait
";

impl RedisLimiter {
    /// Limits at `rates` (0 turns an action's limit off), shared through `redis`.
    pub fn new(redis: plaza_cache::redis::Redis, rates: Rates) -> Self {
        RedisLimiter {
            redis,
            rates,
            script: redis::Script::new(WINDOW_SCRIPT),
            fallback: MemoryLimiter::new(rates),
        }
    }
}

impl RateLimiter for RedisLimiter {
    fn check<'a>(
        &'a self,
        action: Action,
        scope: Scope,
        keys: &'a [&'a str],
    ) -> BoxFuture<'a, Result<(), Duration>> {
        Box::pin(async move {
            let limit = self.rates.of(action, scope);
            if limit == 0 || keys.is_empty() {
                return Ok(());
            }
            let mut invocation = self.script.prepare_invoke();
            for key in keys {
                invocation.key(self.redis.key(&format!("rl:{}:{key}", action.name())));
            }
            invocation.arg(limit).arg(60_000);
            let decision = match self.redis.script::<i64>(&invocation).await {
                Some(0) => Ok(()),
                Some(wait_ms) => Err(Duration::from_millis(wait_ms.max(1) as u64)),
                None => self.fallback.check_now(action, scope, keys),
            };
            counted(action, decision)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `limiter` lets this action through now.
    fn allows(limiter: &MemoryLimiter, action: Action, scope: Scope, keys: &[&str]) -> bool {
        limiter.check_now(action, scope, keys).is_ok()
    }

    #[test]
    fn a_key_is_limited_and_others_are_not() {
        let limiter = MemoryLimiter::new(Rates {
            sign_in: 2,
            ..Rates::default()
        });
        assert!(allows(&limiter, Action::SignIn, Scope::Account, &["ip:1"]));
        assert!(allows(&limiter, Action::SignIn, Scope::Account, &["ip:1"]));
        let wait = limiter
            .check_now(Action::SignIn, Scope::Account, &["ip:1"])
            .unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(30));
        assert!(allows(&limiter, Action::SignIn, Scope::Account, &["ip:2"]));
        assert!(allows(&limiter, Action::Post, Scope::Account, &["ip:1"]));
    }

    #[test]
    fn an_address_may_do_a_multiple_of_what_an_account_may() {
        let limiter = MemoryLimiter::new(Rates {
            post: 1,
            per_address_factor: 3,
            ..Rates::default()
        });
        for _ in 0..3 {
            assert!(allows(&limiter, Action::Post, Scope::Address, &["ip:1"]));
        }
        assert!(!allows(&limiter, Action::Post, Scope::Address, &["ip:1"]));
        assert!(allows(&limiter, Action::Post, Scope::Account, &["user:1"]));
        assert!(!allows(&limiter, Action::Post, Scope::Account, &["user:1"]));
    }

    #[test]
    fn an_account_takes_many_times_the_sign_in_rate_from_all_addresses() {
        let limiter = MemoryLimiter::new(Rates {
            sign_in: 2,
            ..Rates::default()
        });
        for _ in 0..2 * SIGN_IN_ACCOUNT_FACTOR {
            assert!(allows(
                &limiter,
                Action::SignInAccount,
                Scope::Account,
                &["account:a"]
            ));
        }
        assert!(!allows(
            &limiter,
            Action::SignInAccount,
            Scope::Account,
            &["account:a"]
        ));
    }

    #[test]
    fn a_zero_rate_turns_the_limit_off() {
        let limiter = MemoryLimiter::new(Rates {
            post: 0,
            ..Rates::default()
        });
        for _ in 0..100 {
            assert!(allows(&limiter, Action::Post, Scope::Account, &["user:1"]));
        }
    }
}
