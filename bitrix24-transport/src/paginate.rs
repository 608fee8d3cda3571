//! Pages of list methods, and a stream of every record across pages.
//!
//! A list method (`*.list`) returns one page of [`LIST_PAGE_SIZE`] records, with `total`
//! (how many match) and, while more remain, `next` (the `start` of the next page).
//! [`Client::list`] reads one page as a typed [`Page`]; [`Client::stream`] follows `next`
//! from the request's own `start` and yields every record, one call per page. For whole
//! lists at the rate limit's floor (50 pages per HTTP request) use
//! [`Client::export`](crate::client::Client::export).
//!
//! ```no_run
//! # use bitrix24_transport::{ApiVersion, CallKind, ListMethod, Method, Records};
//! # #[derive(serde::Serialize, Default)] struct DealList { start: Option<i64> }
//! # impl Method for DealList { const NAME: &'static str = "crm.deal.list";
//! #   const SCOPE: Option<&'static str> = None; const KIND: CallKind = CallKind::Read;
//! #   const API: ApiVersion = ApiVersion::Classic; type Response = Vec<serde_json::Value>; }
//! # impl ListMethod for DealList { type Record = serde_json::Value;
//! #   const RECORDS: Records = Records::Result; const ID_FIELD: &'static str = "ID";
//! #   const FAST_PATH: bool = true;
//! #   fn set_start(&mut self, start: Option<i64>) { self.start = start; } }
//! # async fn demo(client: bitrix24_transport::Client) -> Result<(), bitrix24_transport::Error> {
//! use futures_util::StreamExt;
//!
//! let page = client.list(&DealList::default()).await?;
//! println!("{} of {:?}, next at {:?}", page.records.len(), page.total, page.next);
//!
//! let mut deals = client.stream(DealList::default());
//! while let Some(deal) = deals.next().await {
//!     println!("{}", deal?["ID"]);
//! }
//! # Ok(()) }
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::client::Client;
use crate::envelope::Time;
use crate::error::{DecodeError, Error};
use crate::method::{IntoRecords, ListMethod};

/// Records per list page (the portal's fixed page size).
pub const LIST_PAGE_SIZE: usize = 50;

/// One page of a list method.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<R> {
    /// The page's records.
    pub records: Vec<R>,
    /// The `start` of the next page; `None` on the last page (and on the fast path).
    pub next: Option<u64>,
    /// How many records match in all (`0` on the fast path, `start=-1`, which skips counting).
    pub total: Option<u64>,
    /// Timing and operating-budget information of the call.
    pub time: Option<Time>,
}

impl Client {
    /// Call a list method and take its records out of the result.
    pub async fn list<M>(&self, request: &M) -> Result<Page<M::Record>, Error>
    where
        M: ListMethod,
        M::Response: IntoRecords<M::Record>,
    {
        let reply = self.call(request).await?;
        Ok(Page {
            records: M::into_records(reply.result),
            next: reply.next,
            total: reply.total,
            time: reply.time,
        })
    }

    /// Every record of a list method, page after page from the request's `start`,
    /// following `next` (one HTTP request per page, each through the rate limiter).
    ///
    /// The stream ends after the page without `next`, or with the first error. A `next`
    /// that does not move forward is an error, not an endless loop.
    pub fn stream<M>(&self, request: M) -> RecordStream<M::Record>
    where
        M: ListMethod + Send + Sync + 'static,
        M::Response: IntoRecords<M::Record>,
        M::Record: Send + 'static,
    {
        let state = StreamState {
            client: self.clone(),
            request,
            buffer: VecDeque::new(),
            done: false,
            start: None,
        };
        let inner = futures_util::stream::unfold(state, |mut state| async move {
            loop {
                if let Some(record) = state.buffer.pop_front() {
                    return Some((Ok(record), state));
                }
                if state.done {
                    return None;
                }
                match state.client.list(&state.request).await {
                    Ok(page) => {
                        state.buffer.extend(page.records);
                        match page.next {
                            Some(next) if state.start.is_some_and(|start| next <= start) => {
                                state.done = true;
                                state.buffer.clear();
                                let error = DecodeError {
                                    method: M::NAME.to_owned(),
                                    path: "next".into(),
                                    reason: format!(
                                        "`next` ({next}) does not move past the page's `start`"
                                    ),
                                };
                                return Some((Err(error.into()), state));
                            }
                            Some(next) => {
                                state.start = Some(next);
                                state
                                    .request
                                    .set_start(Some(i64::try_from(next).unwrap_or(i64::MAX)));
                            }
                            None => state.done = true,
                        }
                    }
                    Err(error) => {
                        state.done = true;
                        return Some((Err(error), state));
                    }
                }
            }
        });
        RecordStream {
            inner: Box::pin(inner),
        }
    }
}

struct StreamState<M: ListMethod> {
    client: Client,
    request: M,
    buffer: VecDeque<M::Record>,
    done: bool,
    /// The `start` of the page last asked for by `next`.
    start: Option<u64>,
}

/// Every record of a list method; see [`Client::stream`].
pub struct RecordStream<R> {
    inner: Pin<Box<dyn Stream<Item = Result<R, Error>> + Send>>,
}

impl<R> fmt::Debug for RecordStream<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordStream").finish_non_exhaustive()
    }
}

impl<R> Stream for RecordStream<R> {
    type Item = Result<R, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}
