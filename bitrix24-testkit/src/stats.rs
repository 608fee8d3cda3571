//! The portal's counters.

use std::collections::BTreeMap;

/// What the portal has seen; see the module docs for what each counter counts.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// HTTP requests received (REST, token endpoint, anything).
    pub http_requests: u64,
    /// Calls per method name, including each command of a `batch`.
    pub calls_by_method: BTreeMap<String, u64>,
    /// Replies of `QUERY_LIMIT_EXCEEDED` (by the bucket or by
    /// [`Fault::QueryLimit`](crate::Fault::QueryLimit)).
    pub query_limit_exceeded: u64,
    /// Replies of `OPERATION_TIME_LIMIT` by the operating-time accounting (not by
    /// [`Fault::OperationTimeLimit`](crate::Fault::OperationTimeLimit)).
    pub operation_time_limited: u64,
    /// Successful `grant_type=refresh_token` exchanges.
    pub token_refreshes: u64,
    /// Refresh tokens presented again after they were spent (refused `invalid_grant`): a
    /// client that lost a race for the single-use token.
    pub refresh_token_reuses: u64,
    /// Executed writes (`crm.deal.add`, `update`, `delete`, REST 3.0 `tasks.task.*`
    /// writes), inside batches too.
    pub executed_writes: u64,
    /// REST 3.0 writes answered with a stored reply for a repeated `Idempotency-Key`
    /// instead of running again.
    pub idempotent_replays: u64,
}
