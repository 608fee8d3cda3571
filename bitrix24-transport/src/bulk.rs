//! Many calls of one method, packed 50 to a `batch` call.
//!
//! Reading 2,000 records by ID, or adding 2,000, is 40 HTTP requests instead of 2,000:
//! [`Client::call_many`] packs the calls into batches of [`MAX_COMMANDS_PER_CALL`], sends
//! up to [`BulkOptions::concurrency`] of them at once through the client (so through its
//! rate limiter and retries), and returns one result per input, in input order.
//! [`Client::get_many`] does the same for a list of IDs.
//!
//! Each result is the call's own: a command that failed has its portal error; when a
//! whole `batch` call fails, its commands report whether they may have run
//! ([`BatchCommandError::Unknown`], never repeated when they write) or did not
//! ([`BatchCommandError::NotExecuted`]); the other batch calls are unaffected.
//!
//! ```no_run
//! # use bitrix24_transport::{ApiVersion, CallKind, Method};
//! # #[derive(serde::Serialize)] struct DealAdd { fields: serde_json::Value }
//! # impl Method for DealAdd { const NAME: &'static str = "crm.deal.add";
//! #   const SCOPE: Option<&'static str> = None; const KIND: CallKind = CallKind::Write;
//! #   const API: ApiVersion = ApiVersion::Classic; type Response = u64; }
//! # #[derive(serde::Serialize)] struct DealGet { id: u64 }
//! # impl Method for DealGet { const NAME: &'static str = "crm.deal.get";
//! #   const SCOPE: Option<&'static str> = None; const KIND: CallKind = CallKind::Read;
//! #   const API: ApiVersion = ApiVersion::Classic; type Response = serde_json::Value; }
//! # async fn demo(client: bitrix24_transport::Client) -> Result<(), bitrix24_transport::Error> {
//! use bitrix24_transport::bulk::BulkOptions;
//!
//! let adds: Vec<DealAdd> = (0..2000)
//!     .map(|i| DealAdd { fields: serde_json::json!({"TITLE": format!("Deal {i}")}) })
//!     .collect();
//! let ids = client.call_many(&adds, BulkOptions::default()).await?;
//! for (add, id) in adds.iter().zip(&ids) {
//!     match id {
//!         Ok(id) => println!("{} is {id}", add.fields["TITLE"]),
//!         Err(err) => println!("{} failed: {err}", add.fields["TITLE"]),
//!     }
//! }
//! let ok: Vec<u64> = ids.into_iter().filter_map(Result::ok).collect();
//! let deals = client.get_many(&ok, |id| DealGet { id }, BulkOptions::default()).await?;
//! # Ok(()) }
//! ```

use futures_util::stream::{self, StreamExt};

use crate::batch::{Batch, BatchCommandError, MAX_COMMANDS_PER_CALL};
use crate::client::Client;
use crate::error::Error;
use crate::method::Method;

/// How [`Client::call_many`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkOptions {
    /// How many `batch` calls may be in flight at once (at least 1). They still pass
    /// the client's rate limiter one by one.
    pub concurrency: usize,
}

impl Default for BulkOptions {
    fn default() -> Self {
        Self { concurrency: 16 }
    }
}

/// One input's result.
pub type BulkResult<T> = Result<T, BatchCommandError>;

impl Client {
    /// Make every call, 50 to a `batch` call; see the [module docs](crate::bulk).
    ///
    /// `Err` only when a call cannot be encoded, before anything is sent. Otherwise one
    /// result per request, in the same order.
    pub async fn call_many<M: Method>(
        &self,
        requests: &[M],
        options: BulkOptions,
    ) -> Result<Vec<BulkResult<M::Response>>, Error> {
        let mut batches = Vec::with_capacity(requests.len().div_ceil(MAX_COMMANDS_PER_CALL));
        for chunk in requests.chunks(MAX_COMMANDS_PER_CALL) {
            let mut batch = Batch::new();
            let mut cmds = Vec::with_capacity(chunk.len());
            for request in chunk {
                cmds.push(batch.push(request)?);
            }
            batches.push((batch, cmds));
        }
        let calls = batches.into_iter().map(|(batch, cmds)| async move {
            // A batch that fails as a whole still reports each command's fate.
            let results = self.batch(batch).await?;
            Ok::<_, Error>(
                cmds.into_iter()
                    .map(|cmd| results.get(cmd).map(|reply| reply.result))
                    .collect::<Vec<_>>(),
            )
        });
        let mut out = Vec::with_capacity(requests.len());
        let mut replies = stream::iter(calls).buffered(options.concurrency.max(1));
        while let Some(reply) = replies.next().await {
            out.extend(reply?);
        }
        Ok(out)
    }

    /// Read many records by ID, 50 to a `batch` call: `request` makes the call for one ID
    /// (`|id| CrmDealGet::new(id)`). One result per ID, in the same order.
    pub async fn get_many<M: Method>(
        &self,
        ids: &[u64],
        request: impl Fn(u64) -> M,
        options: BulkOptions,
    ) -> Result<Vec<BulkResult<M::Response>>, Error> {
        let requests: Vec<M> = ids.iter().map(|&id| request(id)).collect();
        self.call_many(&requests, options).await
    }
}
