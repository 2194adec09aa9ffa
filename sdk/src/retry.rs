//! When a call is sent again, and after how long: the answers worth retrying, `Retry-After`, and
//! a doubling back-off with jitter.

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use std::time::{Duration, SystemTime};

/// How often and how patiently a call is retried.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry).
    pub max_attempts: u32,
    /// The first back-off; each further one doubles, up to `max_delay`.
    pub base_delay: Duration,
    /// The longest back-off without a `Retry-After`.
    pub max_delay: Duration,
    /// The longest `Retry-After` honoured; a server asking for more ends the call with its error,
    /// so a game is never stuck waiting for minutes.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The back-off before attempt `attempt + 1` (`attempt` counts from 1) when the server gave
    /// no `Retry-After`: `base · 2^(attempt-1)` capped at `max_delay`, of which a random half
    /// to whole is waited, so that many clients that failed together do not return together.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let doubled = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let cap = doubled.min(self.max_delay);
        let mut byte = [0u8; 1];
        // Without randomness the jitter is dropped, never the retry.
        let jitter = if getrandom::fill(&mut byte).is_ok() {
            f64::from(byte[0]) / 255.0
        } else {
            1.0
        };
        cap.mul_f64(0.5 + 0.5 * jitter)
    }
}

/// Whether an answer with `status` is worth sending again (with the same idempotency key for a
/// write): the server was overloaded or briefly unavailable, or the first attempt still runs.
pub(crate) fn retryable_status(status: StatusCode, code: Option<&str>) -> bool {
    match status {
        StatusCode::TOO_MANY_REQUESTS
        | StatusCode::BAD_GATEWAY
        | StatusCode::SERVICE_UNAVAILABLE
        | StatusCode::GATEWAY_TIMEOUT => true,
        // The first attempt with this key has not finished yet (its answer was lost on the way).
        StatusCode::CONFLICT => code == Some("idempotency_in_progress"),
        _ => false,
    }
}

/// `Retry-After` as a delay: delta-seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    parse_retry_after(headers.get(RETRY_AFTER)?.to_str().ok()?, SystemTime::now())
}

fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates_and_ignores_nonsense() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(7)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn backoff_doubles_up_to_its_cap_with_at_most_half_taken_off() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(350),
            ..RetryPolicy::default()
        };
        for (attempt, full) in [(1, 100), (2, 200), (3, 350), (9, 350), (40, 350)] {
            let d = policy.backoff(attempt);
            let full = Duration::from_millis(full);
            assert!(d <= full && d >= full / 2, "attempt {attempt}: {d:?}");
        }
    }

    #[test]
    fn only_passing_failures_are_retried() {
        for s in [429, 502, 503, 504] {
            assert!(retryable_status(StatusCode::from_u16(s).unwrap(), None));
        }
        for s in [400, 401, 403, 404, 413, 422, 500] {
            assert!(!retryable_status(StatusCode::from_u16(s).unwrap(), None));
        }
        assert!(retryable_status(
            StatusCode::CONFLICT,
            Some("idempotency_in_progress")
        ));
        assert!(!retryable_status(
            StatusCode::CONFLICT,
            Some("already_yeahed")
        ));
    }
}
