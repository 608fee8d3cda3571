//! Faults: misbehaviours the portal shows on request, queued until their request comes.

use std::collections::VecDeque;
use std::time::Duration;

/// The method name under which faults for the token endpoint are injected.
pub const TOKEN_ENDPOINT_METHOD: &str = "oauth.token";

/// A misbehaviour for the portal to show on one request.
#[derive(Debug, Clone)]
pub enum Fault {
    /// 503 `QUERY_LIMIT_EXCEEDED`; the call is not executed.
    QueryLimit,
    /// 429 `OPERATION_TIME_LIMIT` with `time.operating_reset_at` about 1 s ahead; not executed.
    OperationTimeLimit,
    /// 503 `OVERLOAD_LIMIT`; not executed.
    Overload,
    /// 500 `INTERNAL_SERVER_ERROR`; not executed.
    InternalError,
    /// This status with an HTML body (`<html><body>502 Bad Gateway</body></html>`); not executed.
    HtmlPage(u16),
    /// This status with an empty body; not executed.
    EmptyBody(u16),
    /// Close the connection without a reply; the call is NOT executed.
    DropBeforeHandling,
    /// Execute the call, then close the connection without a reply.
    DropAfterHandling,
    /// Execute the call and delay the reply by this much (on top of the latency).
    Slow(Duration),
    /// Do not execute the call; answer 200 with `{"result":"xxx..."}` of `bytes` bytes in
    /// all, generated while it is sent (the portal holds almost none of it), with a
    /// `Content-Length` when `announced`, else chunked: a broken proxy's runaway reply.
    LargeReply {
        /// The size of the whole body.
        bytes: usize,
        /// Whether the size is announced in `Content-Length`.
        announced: bool,
    },
}

/// A fault waiting for its request; `method = None` matches any REST request.
#[derive(Debug, Clone)]
struct PendingFault {
    method: Option<String>,
    fault: Fault,
}

/// The faults waiting for their requests, in the order injected, and the faults drawn
/// at random for every REST request.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    pending: VecDeque<PendingFault>,
    /// Each with its probability per request; drawn in order, at most one per request.
    random: Vec<(Fault, f64)>,
    rng: Option<fastrand::Rng>,
}

impl Faults {
    /// Queue `fault` for the next request of `method` (`None`: any REST request).
    pub(crate) fn push(&mut self, method: Option<String>, fault: Fault) {
        self.pending.push_back(PendingFault { method, fault });
    }

    /// From now on, show each fault on a REST request (not the token endpoint) with its
    /// probability, drawn from `seed` (the same seed, the same faults for the same
    /// requests in the same order). An empty list stops it.
    pub(crate) fn set_random(&mut self, faults: Vec<(Fault, f64)>, seed: u64) {
        self.random = faults;
        self.rng = Some(fastrand::Rng::with_seed(seed));
    }

    /// A fault drawn at random for a call of `method`, if any.
    fn draw(&mut self, method: &str) -> Option<Fault> {
        if self.random.is_empty() || method == TOKEN_ENDPOINT_METHOD {
            return None;
        }
        let rng = self.rng.get_or_insert_with(fastrand::Rng::new);
        let mut point = rng.f64();
        for (fault, probability) in &self.random {
            if point < *probability {
                return Some(fault.clone());
            }
            point -= probability;
        }
        None
    }

    /// Take the first pending fault for a call of `method` (the token endpoint is
    /// [`TOKEN_ENDPOINT_METHOD`] and matches only faults injected for it by name).
    pub(crate) fn take(&mut self, method: &str) -> Option<Fault> {
        let index = self
            .pending
            .iter()
            .position(|pending| match &pending.method {
                Some(name) => name.eq_ignore_ascii_case(method),
                None => method != TOKEN_ENDPOINT_METHOD,
            });
        match index {
            Some(index) => self.pending.remove(index).map(|pending| pending.fault),
            None => self.draw(method),
        }
    }
}
