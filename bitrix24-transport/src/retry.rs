//! When a failed call is repeated, and how long the client waits first.
//!
//! The rule, by what a failure proves about the method having run:
//! - **Not executed**: the portal refused the request before running the method
//!   (`QUERY_LIMIT_EXCEEDED`, `OPERATION_TIME_LIMIT`, `expired_token`), or the connection
//!   was refused (nothing was sent). Repeated whatever the [`CallKind`], until the call's
//!   deadline, not counted against [`RetryPolicy::max_attempts`]: a refusal means "too
//!   fast" or "not yet", never "failed", so several uncoordinated clients of one portal
//!   slow down and all succeed.
//! - **Not sent, and not soon better**: another connect error (DNS, TLS handshake);
//!   repeated for every kind, but only up to `max_attempts`.
//! - **Fate unknown**: a timeout, a connection dropped after sending, a 5xx (with or
//!   without an error envelope): the method may have run, in part or whole. Repeated up
//!   to `max_attempts` only when repeating cannot do harm ([`CallKind::is_retry_safe`]);
//!   a `Write` becomes [`Error::FateUnknown`](crate::error::Error::FateUnknown).
//! - **Refused for good**: `OVERLOAD_LIMIT` (the application is blocked) and 4xx errors
//!   are returned as they are.
//!
//! A REST 3.0 write sent with an `Idempotency-Key` (see [`crate::idempotency`]) is
//! retried like an [`CallKind::IdempotentWrite`]: the repeat carries the same key, and
//! the portal answers it with the stored reply instead of running the method again.

use std::time::Duration;

use crate::error::ApiErrorCode;
use crate::method::CallKind;

/// How often and how patiently the client repeats a failed call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included, after failures whose outcome is open or
    /// not soon better. Refusals that prove the method did not run
    /// (`QUERY_LIMIT_EXCEEDED`, `OPERATION_TIME_LIMIT`, a refused connection) do not
    /// count: they are repeated until the call's deadline, at least 100 ms apart. `1`
    /// never repeats anything, refusals included (an `expired_token` refresh still
    /// happens).
    pub max_attempts: u32,
    /// The delay before the first repetition; it doubles with each attempt.
    pub base_delay: Duration,
    /// The longest backoff delay.
    pub max_delay: Duration,
    /// The longest the client waits for `OPERATION_TIME_LIMIT` to lift before repeating;
    /// a longer block (or one lifting after the call's deadline) is returned as the error.
    pub max_operation_wait: Duration,
}

impl RetryPolicy {
    /// Four attempts, 500 ms doubling to at most 10 s, waiting up to 60 s for an
    /// operating-time block to lift.
    pub const DEFAULT: Self = Self {
        max_attempts: 4,
        base_delay: Duration::from_millis(500),
        max_delay: Duration::from_secs(10),
        max_operation_wait: Duration::from_secs(60),
    };

    /// Never repeat (a refresh on `expired_token` still happens).
    pub const NONE: Self = Self {
        max_attempts: 1,
        base_delay: Duration::ZERO,
        max_delay: Duration::ZERO,
        max_operation_wait: Duration::ZERO,
    };

    /// The delay before attempt `attempt + 1` after `attempt` failed attempts (1-based),
    /// with jitter: a uniformly random point in the upper half of the exponential delay.
    pub fn backoff(&self, attempt: u32) -> Duration {
        self.backoff_with(attempt, fastrand::f64())
    }

    /// [`RetryPolicy::backoff`] with the random draw given (`unit` in `[0, 1)`).
    pub fn backoff_with(&self, attempt: u32, unit: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(30);
        let full = self
            .base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay);
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.5
        };
        full.mul_f64(0.5 + 0.5 * unit).min(self.max_delay)
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// How long a call may run on the portal before the portal gives up on it (the cloud's
/// execution limit, limits.md). A retry sent later than this after the first attempt
/// cannot overlap it.
pub const PORTAL_EXECUTION_LIMIT: Duration = Duration::from_secs(60);

/// The kind the retry rule treats a failed attempt as.
///
/// A write that carries an idempotency key (`keyed`) is treated as an
/// [`CallKind::IdempotentWrite`]: its repeat cannot apply it twice. Except after a
/// timeout shorter than [`PORTAL_EXECUTION_LIMIT`]: the first attempt may still be
/// running, and two requests with one key in flight at once may both run (rest-v3.md).
pub(crate) fn retry_kind(
    kind: CallKind,
    keyed: bool,
    failure: Failure<'_>,
    attempt_timeout: Option<Duration>,
) -> CallKind {
    let replay_safe = keyed
        && match failure {
            Failure::Timeout => attempt_timeout.is_none_or(|t| t >= PORTAL_EXECUTION_LIMIT),
            _ => true,
        };
    if replay_safe && kind == CallKind::Write {
        CallKind::IdempotentWrite
    } else {
        kind
    }
}

/// What went wrong with one attempt, as far as the retry decision cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure<'a> {
    /// The connection was refused: nothing reached the portal.
    Refused,
    /// Nothing reached the portal (another connect error: DNS, TLS).
    NotSent,
    /// Sent, then no reply within the timeout.
    Timeout,
    /// Sent, then the connection failed.
    Dropped,
    /// An error envelope.
    Api(&'a ApiErrorCode, Option<u16>),
    /// An HTTP error status without an error envelope.
    Http(u16),
}

/// What to do about a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Back off, then repeat (counted against the attempts).
    Backoff,
    /// Nothing was sent: back off, then repeat until the deadline (not counted).
    NotSent,
    /// The bucket is full: fill the local bucket, wait for a slot, then repeat until the
    /// deadline (not counted).
    QueryLimit,
    /// Wait for the method's operating-time block to lift, then repeat (not counted).
    OperationLimit,
    /// Refresh the access token, then repeat (once per call).
    Refresh,
    /// Give up with the error as it is.
    Fail,
    /// Give up: a `Write` was sent and its fate is unknown.
    FateUnknown,
}

/// The retry rule, as a pure function of the call's kind and the failure.
pub(crate) fn decide(kind: CallKind, failure: Failure<'_>) -> Decision {
    let safe = kind.is_retry_safe();
    match failure {
        Failure::Refused => Decision::NotSent,
        Failure::NotSent => Decision::Backoff,
        Failure::Timeout | Failure::Dropped => {
            if safe {
                Decision::Backoff
            } else {
                Decision::FateUnknown
            }
        }
        Failure::Api(code, status) => match code {
            ApiErrorCode::QueryLimitExceeded => Decision::QueryLimit,
            ApiErrorCode::OperationTimeLimit => Decision::OperationLimit,
            ApiErrorCode::ExpiredToken => Decision::Refresh,
            ApiErrorCode::OverloadLimit => Decision::Fail,
            // A 5xx may come after the method ran in part or whole.
            ApiErrorCode::InternalServerError if safe => Decision::Backoff,
            ApiErrorCode::InternalServerError => Decision::FateUnknown,
            _ if status.is_some_and(|s| s >= 500) => {
                if safe {
                    Decision::Backoff
                } else {
                    Decision::FateUnknown
                }
            }
            _ => Decision::Fail,
        },
        Failure::Http(status) if status >= 500 => {
            if safe {
                Decision::Backoff
            } else {
                Decision::FateUnknown
            }
        }
        Failure::Http(_) => Decision::Fail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KINDS: [CallKind; 3] = [CallKind::Read, CallKind::IdempotentWrite, CallKind::Write];

    #[test]
    fn not_executed_replies_are_repeated_for_every_kind() {
        for kind in KINDS {
            let qle = ApiErrorCode::QueryLimitExceeded;
            assert_eq!(
                decide(kind, Failure::Api(&qle, Some(503))),
                Decision::QueryLimit
            );
            let otl = ApiErrorCode::OperationTimeLimit;
            assert_eq!(
                decide(kind, Failure::Api(&otl, Some(429))),
                Decision::OperationLimit
            );
            let expired = ApiErrorCode::ExpiredToken;
            assert_eq!(
                decide(kind, Failure::Api(&expired, Some(401))),
                Decision::Refresh
            );
            assert_eq!(decide(kind, Failure::Refused), Decision::NotSent);
            assert_eq!(decide(kind, Failure::NotSent), Decision::Backoff);
        }
    }

    #[test]
    fn overload_and_client_errors_are_never_repeated() {
        for kind in KINDS {
            let overload = ApiErrorCode::OverloadLimit;
            assert_eq!(
                decide(kind, Failure::Api(&overload, Some(503))),
                Decision::Fail
            );
            let denied = ApiErrorCode::AccessDenied;
            assert_eq!(
                decide(kind, Failure::Api(&denied, Some(403))),
                Decision::Fail
            );
            assert_eq!(decide(kind, Failure::Http(404)), Decision::Fail);
        }
    }

    #[test]
    fn transient_failures_are_repeated_only_when_safe() {
        let ise = ApiErrorCode::InternalServerError;
        for kind in [CallKind::Read, CallKind::IdempotentWrite] {
            assert_eq!(decide(kind, Failure::Timeout), Decision::Backoff);
            assert_eq!(decide(kind, Failure::Dropped), Decision::Backoff);
            assert_eq!(decide(kind, Failure::Http(502)), Decision::Backoff);
            assert_eq!(
                decide(kind, Failure::Api(&ise, Some(500))),
                Decision::Backoff
            );
        }
        let write = CallKind::Write;
        assert_eq!(decide(write, Failure::Timeout), Decision::FateUnknown);
        assert_eq!(decide(write, Failure::Dropped), Decision::FateUnknown);
        assert_eq!(decide(write, Failure::Http(502)), Decision::FateUnknown);
        assert_eq!(
            decide(write, Failure::Api(&ise, Some(500))),
            Decision::FateUnknown
        );
        let other = ApiErrorCode::Other("ERROR_CORE".into());
        assert_eq!(
            decide(write, Failure::Api(&other, Some(500))),
            Decision::FateUnknown
        );
        assert_eq!(
            decide(write, Failure::Api(&other, Some(400))),
            Decision::Fail
        );
    }

    #[test]
    fn keyed_writes_are_repeated_when_a_repeat_cannot_overlap() {
        let write = CallKind::Write;
        let long = Some(Duration::from_secs(70));
        let short = Some(Duration::from_secs(5));
        for failure in [Failure::Dropped, Failure::Http(502), Failure::Timeout] {
            let kind = retry_kind(write, true, failure, long);
            assert_eq!(kind, CallKind::IdempotentWrite);
            assert_eq!(decide(kind, failure), Decision::Backoff);
            // Without a key nothing changes.
            assert_eq!(retry_kind(write, false, failure, long), write);
        }
        // A short timeout: the first attempt may still run; the fate stays unknown.
        let kind = retry_kind(write, true, Failure::Timeout, short);
        assert_eq!(decide(kind, Failure::Timeout), Decision::FateUnknown);
        assert_eq!(
            retry_kind(write, true, Failure::Dropped, short),
            CallKind::IdempotentWrite
        );
        // A refusal stays a refusal.
        let reused =
            ApiErrorCode::Other("BITRIX_REST_V3_EXCEPTION_IDEMPOTENCYKEYREUSEDEXCEPTION".into());
        let failure = Failure::Api(&reused, Some(422));
        assert_eq!(
            decide(retry_kind(write, true, failure, long), failure),
            Decision::Fail
        );
        // Reads and idempotent writes are unaffected.
        for kind in [CallKind::Read, CallKind::IdempotentWrite] {
            assert_eq!(retry_kind(kind, true, Failure::Timeout, short), kind);
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            max_operation_wait: Duration::ZERO,
        };
        assert_eq!(policy.backoff_with(1, 1.0), Duration::from_millis(100));
        assert_eq!(policy.backoff_with(1, 0.0), Duration::from_millis(50));
        assert_eq!(policy.backoff_with(2, 1.0), Duration::from_millis(200));
        assert_eq!(policy.backoff_with(3, 0.0), Duration::from_millis(200));
        assert_eq!(policy.backoff_with(10, 1.0), Duration::from_secs(1));
        assert_eq!(
            policy.backoff_with(u32::MAX, f64::NAN),
            Duration::from_millis(750)
        );
        for attempt in 1..20 {
            let delay = policy.backoff(attempt);
            assert!(delay <= policy.max_delay);
        }
    }
}
