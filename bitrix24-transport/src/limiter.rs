//! The [`Limiter`] trait: what a client asks before each request and tells after each
//! reply, so that the portal's limits can be kept by one process ([`MemoryLimiter`]) or
//! shared by many (a Redis limiter, in the `bitrix24-redis` crate).
//!
//! A client calls [`Limiter::acquire`] before every HTTP request (and waits as long as it
//! says), [`Limiter::saturate`] when the portal still answered `QUERY_LIMIT_EXCEEDED`,
//! and [`Limiter::observe`] with the `time` object of every successful reply (the
//! operating-time budget of the method lives there).
//!
//! [`MemoryLimiter`]: crate::ratelimit::MemoryLimiter

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use crate::envelope::Time;
// The error lives with the others (error.rs refers to it); its home path stays here.
pub use crate::error::LimiterError;

/// The future a [`Limiter`] method returns.
pub type LimiterFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Keeps a client's requests within the portal's limits.
///
/// Implementations must be cheap to call concurrently: every request of every clone of
/// every client given the same limiter goes through it.
pub trait Limiter: Send + Sync + fmt::Debug {
    /// Wait until one more request of `method` may be sent, and count it.
    ///
    /// An error means the limiter cannot tell (its shared state is unreachable); the
    /// client then fails the call with [`Error::Limiter`](crate::Error::Limiter) without
    /// sending it, rather than risk exceeding the portal's limit.
    fn acquire<'a>(&'a self, method: &'a str) -> LimiterFuture<'a, Result<(), LimiterError>>;

    /// [`Limiter::acquire`] within `limit` (a call's time left before its deadline):
    /// `Ok(Ok(waited))` once the request may go, `Ok(Err(wait))` when the wait would not
    /// end in time. A limiter that knows its wait in advance (the in-memory bucket)
    /// overrides it to answer at once and give the slot back; the default waits up to
    /// `limit`.
    fn acquire_within<'a>(
        &'a self,
        method: &'a str,
        limit: Option<Duration>,
    ) -> LimiterFuture<'a, Result<Result<Duration, Duration>, LimiterError>> {
        Box::pin(async move {
            let start = Instant::now();
            match limit {
                None => self.acquire(method).await.map(|()| Ok(start.elapsed())),
                Some(limit) => match tokio::time::timeout(limit, self.acquire(method)).await {
                    Ok(acquired) => acquired.map(|()| Ok(start.elapsed())),
                    Err(_) => Ok(Err(limit)),
                },
            }
        })
    }

    /// The portal answered `QUERY_LIMIT_EXCEEDED` anyway: its bucket is full.
    fn saturate(&self) -> LimiterFuture<'_, ()>;

    /// The time the limiter's bucket takes to drain one request: the scale of the jitter
    /// a client adds to its repeat after `QUERY_LIMIT_EXCEEDED`, so that clients refused
    /// together do not come back together. The default is the standard bucket's (two
    /// requests a second).
    fn slot_interval(&self) -> Duration {
        Duration::from_millis(500)
    }

    /// The `time` object of a successful reply to `method` (its operating time). The
    /// default ignores it.
    ///
    /// Not async, so that the reply (whose type need not be `Send`) is not held across
    /// an await: a limiter whose state is remote records it in a task of its own.
    fn observe(&self, method: &str, time: &Time) {
        let _ = (method, time);
    }
}
