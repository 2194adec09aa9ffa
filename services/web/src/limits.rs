//! Rate limits: how often one account or one address may sign up, sign in, post, comment, give
//! Yeahs and follow. Behind a trait so that a region can share limits between processes (Redis);
//! the embedded mode keeps them in memory with GCRA buckets from `governor`.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// What is being limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    SignUp,
    SignIn,
    Post,
    Comment,
    Yeah,
    Follow,
}

impl Action {
    const ALL: [Action; 6] = [
        Action::SignUp,
        Action::SignIn,
        Action::Post,
        Action::Comment,
        Action::Yeah,
        Action::Follow,
    ];

    fn index(self) -> usize {
        self as usize
    }
}

/// How many of each action are allowed per minute (per key), bursts included.
#[derive(Debug, Clone, Copy)]
pub struct Rates {
    pub sign_up: u32,
    pub sign_in: u32,
    pub post: u32,
    pub comment: u32,
    pub yeah: u32,
    pub follow: u32,
}

impl Rates {
    fn of(&self, action: Action) -> u32 {
        match action {
            Action::SignUp => self.sign_up,
            Action::SignIn => self.sign_in,
            Action::Post => self.post,
            Action::Comment => self.comment,
            Action::Yeah => self.yeah,
            Action::Follow => self.follow,
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
        }
    }
}

/// Decides whether an action may happen now.
pub trait RateLimiter: Send + Sync + std::fmt::Debug {
    /// `Ok` when every key is within its limit (and counts the action); otherwise how long to wait.
    fn check(&self, action: Action, keys: &[&str]) -> Result<(), Duration>;
}

/// Limits kept in this process's memory.
pub struct MemoryLimiter {
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
            .map(|a| {
                NonZeroU32::new(rates.of(*a))
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
    fn check(&self, action: Action, keys: &[&str]) -> Result<(), Duration> {
        let Some(limiter) = self.limiters.get(action.index()).and_then(Option::as_ref) else {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_limited_and_others_are_not() {
        let limiter = MemoryLimiter::new(Rates {
            sign_in: 2,
            ..Rates::default()
        });
        assert!(limiter.check(Action::SignIn, &["ip:1"]).is_ok());
        assert!(limiter.check(Action::SignIn, &["ip:1"]).is_ok());
        let wait = limiter.check(Action::SignIn, &["ip:1"]).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(30));
        assert!(limiter.check(Action::SignIn, &["ip:2"]).is_ok());
        assert!(limiter.check(Action::Post, &["ip:1"]).is_ok());
    }

    #[test]
    fn a_zero_rate_turns_the_limit_off() {
        let limiter = MemoryLimiter::new(Rates {
            post: 0,
            ..Rates::default()
        });
        for _ in 0..100 {
            assert!(limiter.check(Action::Post, &["user:1"]).is_ok());
        }
    }
}
