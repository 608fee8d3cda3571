//! Reading a whole list method at the rate limit's floor, resumably.
//!
//! Bitrix24 limits HTTP requests, not records (limits.md): one `batch` call holds 50 list
//! calls of 50 records each, 2,500 records per request. [`Client::export`] reads every
//! record of a [`ListMethod`] that way and yields them as [`ExportChunk`]s, in ascending
//! ID order on the fast path, each with the [`Cursor`] to resume from.
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
//! use bitrix24_transport::export::{Cursor, ExportOptions};
//! use futures_util::StreamExt;
//!
//! let saved: Option<Cursor> = None; // e.g. read back from where the last run stopped
//! let options = ExportOptions { from: saved, ..ExportOptions::default() };
//! let mut export = client.export(&DealList::default(), options);
//! while let Some(chunk) = export.next().await {
//!     let chunk = chunk?;
//!     for deal in &chunk.records { /* write it */ }
//!     let _save = chunk.cursor; // every record up to here is written
//! }
//! # Ok(()) }
//! ```
//!
//! # The fast path
//! Where the method allows it ([`ListMethod::FAST_PATH`]), the export uses the documented
//! way to read large lists (huge-data.md): order by the ID field ascending, filter
//! `>ID` by the last ID read, `start=-1` so the portal counts nothing. Fifty such pages go
//! in one `batch` call, each page's `>ID` taken from the previous page's last record by a
//! reference (`$result[c0][49][ID]`, or `$result[c0][items][49][id]` when the records sit
//! under a key, from [`ListMethod::RECORDS`] and [`ListMethod::ID_FIELD`]). The caller's
//! filter and `select` are kept (the ID field is added to an explicit `select`); its order
//! is replaced by the ID order, and a `>ID` in its filter is where the export starts.
//!
//! The ID's name in `filter`, `order` and `select` is [`ListMethod::ID_PARAM`] (`ID` for
//! `tasks.task.list`, whose records carry `id`), and those parameters' own names are
//! [`ListMethod::FILTER_PARAM`], [`ListMethod::ORDER_PARAM`] and
//! [`ListMethod::SELECT_PARAM`] (`FILTER` and `SORT` for `entity.item.get`). A list whose pages are always counted
//! ([`ListMethod::COUNTED`]: `start=-1` is not documented for it) is paged the same way
//! with `start=0`: the portal counts each page, and nothing else changes.
//!
//! A page shorter than 50 is the end of what it covers. The pages chained after it
//! reference a 50th record that does not exist: a portal resolves such a reference to
//! whatever part of the path exists (a real portal substitutes the page itself, the test
//! portal leaves the text), so those pages run with a meaningless `>ID` and their records
//! are never used: pages are read in chain order and reading stops at the first short one.
//!
//! To go faster than one batch call after another, the first call also asks for the
//! highest matching ID; the rest of the ID range is then cut into windows expected to
//! hold 2,500 records each (from the density of IDs seen so far), read by up to
//! [`ExportOptions::concurrency`] batch calls at once and delivered in order. Each window
//! is bounded by `<=ID`, except the last, which is open so it also takes records added
//! while the export runs. A window holding more than expected takes further calls from
//! its last ID; one holding fewer ends with a short page.
//!
//! No record is delivered twice and none that exists from the start of the export to its
//! end is missed, whatever is added or deleted meanwhile: every ID falls in exactly one
//! window, a window is read in ascending ID order from a cursor, and new records get new,
//! higher IDs. A record deleted before its page is read is not delivered; one added after
//! the last window read past its place is not either.
//!
//! # Counted pages
//! Where the fast path does not apply, the export reads counted pages: the first call
//! holds the first 50 pages (`start=0, 50, ..., 2450`) and learns `total` from them; the
//! rest follow 50 pages to a call, up to [`ExportOptions::concurrency`] calls at once,
//! delivered in order, with an [`Cursor::Offset`] cursor. Offsets move when records are
//! added or deleted before the reading position, so this path is exact only for a list
//! that does not change meanwhile.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::stream::{FuturesOrdered, StreamExt};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use crate::batch::{Batch, Cmd, MAX_COMMANDS_PER_CALL, ResultRef};
use crate::client::Client;
use crate::error::{DecodeError, Error};
use crate::method::{ApiVersion, CallKind, ListMethod, Method, Records};
use crate::paginate::LIST_PAGE_SIZE;
use crate::raw_page::RawPage;

/// Where an export stands: every record before it has been delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cursor {
    /// The fast path: every record whose ID is at most this has been delivered.
    AfterId(u64),
    /// Counted pages: the records before this offset (in the request's order) have been
    /// delivered.
    Offset(u64),
}

/// How an export runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportOptions {
    /// Resume from a cursor an earlier export reported (`None`: from the start).
    pub from: Option<Cursor>,
    /// How many `batch` calls may be in flight at once (at least 1). Calls still pass the
    /// client's rate limiter one by one; more in flight hides latency, not the limit.
    pub concurrency: usize,
    /// On the fast path, also count the records to export (the first call counts them
    /// once, without an extra HTTP request; counting is what the fast path otherwise
    /// avoids, so it costs the portal time on huge lists). Counted pages always count.
    pub count: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self {
            from: None,
            concurrency: 8,
            count: false,
        }
    }
}

/// Records delivered together, with the cursor after them.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportChunk<R> {
    /// The records, in ID order on the fast path, in the request's order on counted pages.
    pub records: Vec<R>,
    /// Every record up to here has been delivered: resume from this.
    pub cursor: Cursor,
    /// How many records the export expected in all when it started, when counted
    /// ([`ExportOptions::count`], or counted pages).
    pub total: Option<u64>,
    /// HTTP requests this chunk took (each `batch` call, not counting retries).
    pub requests: u64,
}

/// The chunks of an export; see [`Client::export`].
pub struct Export<R> {
    inner: Pin<Box<dyn Stream<Item = Result<ExportChunk<R>, Error>> + Send>>,
}

impl<R> fmt::Debug for Export<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Export").finish_non_exhaustive()
    }
}

impl<R> Stream for Export<R> {
    type Item = Result<ExportChunk<R>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl Client {
    /// Read every record of a list method; see the [module docs](crate::export).
    ///
    /// The stream yields chunks until the list is read, or one error (after the client's
    /// retries), after which it ends: resume from the last chunk's cursor. Batch calls
    /// run on the Tokio runtime, so records are decoded off the consumer's task.
    pub fn export<M>(&self, request: &M, options: ExportOptions) -> Export<M::Record>
    where
        M: ListMethod + 'static,
        M::Record: Send + 'static,
    {
        let inner: Pin<Box<dyn Stream<Item = _> + Send>> = match Shared::<M>::new(self, request) {
            Err(error) => Box::pin(futures_util::stream::once(async move { Err(error) })),
            Ok(shared) if M::FAST_PATH => {
                match options.from {
                    Some(Cursor::Offset(_)) => Box::pin(futures_util::stream::once(async move {
                        Err(Error::Encode {
                        method: M::NAME.to_owned(),
                        reason: "an offset cursor resumes a counted export; this method exports by ID".into(),
                    })
                    })),
                    from => {
                        let start = match from {
                            Some(Cursor::AfterId(id)) => id.max(shared.floor),
                            _ => shared.floor,
                        };
                        Box::pin(fast_stream(FastState::new(shared, start, options)))
                    }
                }
            }
            Ok(shared) => match options.from {
                Some(Cursor::AfterId(_)) => Box::pin(futures_util::stream::once(async move {
                    Err(Error::Encode {
                        method: M::NAME.to_owned(),
                        reason: "an ID cursor resumes a fast export; this method exports by counted pages".into(),
                    })
                })),
                from => {
                    let start = match from {
                        Some(Cursor::Offset(offset)) => offset,
                        _ => 0,
                    };
                    Box::pin(counted_stream(CountedState::new(shared, start, options)))
                }
            },
        };
        Export { inner }
    }
}

// ---------------------------------------------------------------------------------------
// What every batch call of one export shares
// ---------------------------------------------------------------------------------------

/// The request as JSON, and the client.
struct Shared<M> {
    client: Client,
    /// The caller's parameters, without `start`.
    base: Map<String, Value>,
    /// Where the fast path starts at the earliest: a `>ID` in the caller's filter.
    floor: u64,
    /// A `<=ID` in the caller's filter, which windows must not widen.
    ceiling: Option<u64>,
    method: PhantomData<fn() -> M>,
}

impl<M: ListMethod> Shared<M> {
    fn new(client: &Client, request: &M) -> Result<Arc<Self>, Error> {
        let encode = |reason: String| Error::Encode {
            method: M::NAME.to_owned(),
            reason,
        };
        if M::API != ApiVersion::Classic {
            return Err(encode(
                "an export runs pages inside `batch`, which holds classic methods only".into(),
            ));
        }
        let mut base = match serde_json::to_value(request) {
            Ok(Value::Object(map)) => map,
            Ok(Value::Null) => Map::new(),
            Ok(_) => return Err(encode("a list request must serialise to an object".into())),
            Err(err) => return Err(encode(err.to_string())),
        };
        base.remove("start");
        let mut floor = 0;
        let mut ceiling = None;
        if M::FAST_PATH {
            let filter = match base.remove(M::FILTER_PARAM) {
                Some(Value::Object(filter)) => filter,
                None | Some(Value::Null) => Map::new(),
                Some(Value::Array(items)) if items.is_empty() => Map::new(),
                Some(_) => {
                    return Err(encode(format!("`{}` must be an object", M::FILTER_PARAM)));
                }
            };
            let mut filter = filter;
            let bound = |value: &Value, key: &str| {
                id_value(value).ok_or_else(|| {
                    encode(format!(
                        "the filter's `{key}` is not an ID (a whole number)"
                    ))
                })
            };
            let gt = format!(">{}", M::ID_PARAM);
            if let Some(value) = filter.remove(&gt) {
                floor = bound(&value, &gt)?;
            }
            let le = format!("<={}", M::ID_PARAM);
            if let Some(value) = filter.remove(&le) {
                ceiling = Some(bound(&value, &le)?);
            }
            base.insert(M::FILTER_PARAM.into(), Value::Object(filter));
            order_by_id::<M>(&mut base, "ASC");
            if let Some(Value::Array(select)) = base.get_mut(M::SELECT_PARAM) {
                let has_id = select.iter().any(|name| {
                    name.as_str()
                        .is_some_and(|n| n.eq_ignore_ascii_case(M::ID_PARAM) || n == "*")
                });
                if !select.is_empty() && !has_id {
                    select.push(Value::String(M::ID_PARAM.to_owned()));
                }
            }
        }
        Ok(Arc::new(Self {
            client: client.clone(),
            base,
            floor,
            ceiling,
            method: PhantomData,
        }))
    }

    /// Fast-path page parameters: after `after` (a placeholder when a reference replaces
    /// it), up to `high`.
    fn fast_params(&self, after: u64, high: Option<u64>, descending: bool) -> Value {
        let mut params = self.base.clone();
        if let Some(Value::Object(filter)) = params.get_mut(M::FILTER_PARAM) {
            filter.insert(format!(">{}", M::ID_PARAM), json!(after));
            let high = match (high, self.ceiling) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if let Some(high) = high {
                filter.insert(format!("<={}", M::ID_PARAM), json!(high));
            }
        }
        if descending {
            order_by_id::<M>(&mut params, "DESC");
            params.insert(M::SELECT_PARAM.into(), json!([M::ID_PARAM]));
        }
        params.insert("start".into(), json!(if M::COUNTED { 0 } else { -1 }));
        Value::Object(params)
    }

    /// Counted-page parameters at `offset`.
    fn counted_params(&self, offset: u64) -> Value {
        let mut params = self.base.clone();
        params.insert("start".into(), json!(offset));
        Value::Object(params)
    }

    /// The reference to the ID of the last record of a full page.
    fn last_id_ref(cmd: Cmd<ListParams<M>>) -> ResultRef {
        let records = match M::RECORDS {
            Records::Result => cmd.result(),
            Records::Key(key) => cmd.field(key),
        };
        records.item(LIST_PAGE_SIZE - 1).field(M::ID_FIELD)
    }
}

/// A whole number as an ID filter value (a number or a string of digits).
fn id_value(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// A list call of method `M` with parameters edited as JSON.
struct ListParams<M> {
    params: Value,
    method: PhantomData<fn() -> M>,
}

impl<M> ListParams<M> {
    fn new(params: Value) -> Self {
        Self {
            params,
            method: PhantomData,
        }
    }
}

impl<M> Serialize for ListParams<M> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.params.serialize(serializer)
    }
}

impl<M: Method> Method for ListParams<M> {
    const NAME: &'static str = M::NAME;
    const SCOPE: Option<&'static str> = M::SCOPE;
    const KIND: CallKind = M::KIND;
    const API: ApiVersion = M::API;
    type Response = Box<RawValue>;
}

/// A batch call's future, run as its own task and cancelled when dropped (an export that
/// is dropped stops sending).
struct Task<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> Future for Task<Result<T, Error>> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx).map(|joined| {
            joined.unwrap_or_else(|err| {
                Err(Error::Transport {
                    method: "batch".into(),
                    reason: format!("the export task stopped: {err}"),
                })
            })
        })
    }
}

fn spawn<T: Send + 'static>(
    future: impl Future<Output = Result<T, Error>> + Send + 'static,
) -> Task<Result<T, Error>> {
    Task(tokio::spawn(future))
}

/// Send a batch (one export chunk, in its `bitrix24.export_chunk` span), and turn a call
/// that failed as a whole into the error.
async fn send(client: &Client, batch: Batch) -> Result<crate::batch::BatchResults, Error> {
    let span = tracing::info_span!("bitrix24.export_chunk", commands = batch.len());
    let mut results = tracing::Instrument::instrument(client.batch(batch), span).await?;
    match results.take_error() {
        Some(error) => Err(error),
        None => Ok(results),
    }
}

// ---------------------------------------------------------------------------------------
// The fast path
// ---------------------------------------------------------------------------------------

/// What one chain of pages read.
struct Chain<R> {
    records: Vec<R>,
    /// The last ID read (`None` if nothing was).
    last: Option<u64>,
    /// Whether the chain reached the end of what it covers (a short page, or `high`).
    finished: bool,
}

/// Read pages after `after` (up to `high`) chained in one batch call: `pages` pages, plus
/// (when `probe`) a first command asking for the highest matching ID (and counting, when
/// `count`). Returns the chain and the probe's `(highest ID, total)`.
async fn read_chain<M: ListMethod>(
    shared: &Shared<M>,
    after: u64,
    high: Option<u64>,
    pages: usize,
    probe: Option<bool>,
) -> Result<(Chain<M::Record>, Option<(Option<u64>, Option<u64>)>), Error>
where
    M::Record: 'static,
{
    let (batch, probe_cmd, cmds) = chain_batch(shared, after, high, pages, probe)?;
    let mut results = send(&shared.client, batch).await?;
    let probed = match probe_cmd {
        None => None,
        Some(cmd) => {
            let raw = results.take_raw(cmd)?;
            let path = format!("result.result.{}", cmd.name());
            let page = RawPage::split(M::NAME, &path, raw.result, M::RECORDS)?;
            let highest = if page.len() == 0 {
                None
            } else {
                Some(page.id(M::NAME, 0, M::ID_FIELD)?)
            };
            Some((highest, raw.total))
        }
    };
    let mut chain = Chain {
        records: Vec::new(),
        last: None,
        finished: false,
    };
    let mut cursor = after;
    for cmd in cmds {
        let raw = results.take_raw(cmd)?;
        let path = format!("result.result.{}", cmd.name());
        let page = RawPage::split(M::NAME, &path, raw.result, M::RECORDS)?;
        let read = page.len();
        if read > 0 {
            let first = page.id(M::NAME, 0, M::ID_FIELD)?;
            let last = page.id(M::NAME, page.len() - 1, M::ID_FIELD)?;
            if first <= cursor || last < first || high.is_some_and(|high| last > high) {
                return Err(DecodeError {
                    method: M::NAME.to_owned(),
                    path,
                    reason: format!(
                        "the page does not continue after ID {cursor} in ascending order \
                         (IDs {first}..{last}): the portal did not apply the `>ID` filter or the order"
                    ),
                }
                .into());
            }
            chain.records.extend(page.decode::<M::Record>(M::NAME)?);
            chain.last = Some(last);
            cursor = last;
        }
        if read < LIST_PAGE_SIZE || high.is_some_and(|high| cursor >= high) {
            chain.finished = true;
            break;
        }
    }
    Ok((chain, probed))
}

/// The commands of one chain call: the probe (when asked) and `pages` chained pages.
#[allow(clippy::type_complexity)] // Reason: a private helper's plain tuple of handles.
fn chain_batch<M: ListMethod>(
    shared: &Shared<M>,
    after: u64,
    high: Option<u64>,
    pages: usize,
    probe: Option<bool>,
) -> Result<(Batch, Option<Cmd<ListParams<M>>>, Vec<Cmd<ListParams<M>>>), Error> {
    let mut batch = Batch::new();
    let probe_cmd = match probe {
        Some(count) => {
            let mut params = shared.fast_params(after, None, true);
            if count {
                params["start"] = json!(0);
            }
            Some(batch.push(&ListParams::<M>::new(params))?)
        }
        None => None,
    };
    let mut cmds: Vec<Cmd<ListParams<M>>> = Vec::with_capacity(pages);
    for _ in 0..pages {
        let params = ListParams::<M>::new(shared.fast_params(after, high, false));
        let cmd = match cmds.last() {
            None => batch.push(&params)?,
            Some(&previous) => {
                let id_path = format!("{}.>{}", M::FILTER_PARAM, M::ID_PARAM);
                batch.push_with(&params, [(id_path, Shared::<M>::last_id_ref(previous))])?
            }
        };
        cmds.push(cmd);
    }
    Ok((batch, probe_cmd, cmds))
}

/// A range of IDs `(low, high]` (`high = None`: open) read to its end.
struct Window<R> {
    records: Vec<R>,
    high: Option<u64>,
    last: Option<u64>,
    requests: u64,
}

async fn read_window<M: ListMethod>(
    shared: Arc<Shared<M>>,
    low: u64,
    high: Option<u64>,
) -> Result<Window<M::Record>, Error>
where
    M::Record: 'static,
{
    let mut window = Window {
        records: Vec::new(),
        high,
        last: None,
        requests: 0,
    };
    let mut after = low;
    loop {
        let (chain, _) = read_chain(&shared, after, high, MAX_COMMANDS_PER_CALL, None).await?;
        window.requests += 1;
        window.records.extend(chain.records);
        if let Some(last) = chain.last {
            window.last = Some(last);
            after = last;
        }
        if chain.finished {
            return Ok(window);
        }
    }
}

type WindowTask<R> = Task<Result<Window<R>, Error>>;

struct FastState<M: ListMethod> {
    shared: Arc<Shared<M>>,
    options: ExportOptions,
    /// Every record with an ID up to this has been delivered.
    delivered: u64,
    started: bool,
    done: bool,
    /// The low end of the next window to schedule.
    next_low: u64,
    /// The highest matching ID when the export started (`None`: none beyond the first call).
    highest: Option<u64>,
    /// Records and ID span seen so far, for the expected density of IDs.
    seen_records: u64,
    seen_span: u64,
    open_scheduled: bool,
    total: Option<u64>,
    in_flight: FuturesOrdered<WindowTask<M::Record>>,
}

impl<M> FastState<M>
where
    M: ListMethod + 'static,
    M::Record: Send + 'static,
{
    fn new(shared: Arc<Shared<M>>, start: u64, options: ExportOptions) -> Self {
        Self {
            shared,
            options,
            delivered: start,
            started: false,
            done: false,
            next_low: start,
            highest: None,
            seen_records: 0,
            seen_span: 0,
            open_scheduled: false,
            total: None,
            in_flight: FuturesOrdered::new(),
        }
    }

    /// The ID span expected to hold one batch call's records (2,500).
    fn window_width(&self) -> u64 {
        let per_call = (LIST_PAGE_SIZE * MAX_COMMANDS_PER_CALL) as u64;
        if self.seen_records == 0 {
            return per_call;
        }
        // IDs are unique, so the density is at most 1: the width at least one call's worth.
        let width = (per_call as f64 * self.seen_span as f64 / self.seen_records as f64).ceil();
        (width as u64).max(per_call)
    }

    fn schedule(&mut self) {
        let concurrency = self.options.concurrency.max(1);
        while self.in_flight.len() < concurrency && !self.open_scheduled {
            let low = self.next_low;
            let high = low.saturating_add(self.window_width());
            // The window that reaches the highest ID stays open: it also takes what is
            // added meanwhile.
            let bounded = self.highest.filter(|&highest| high < highest).map(|_| high);
            match bounded {
                Some(high) => self.next_low = high,
                None => self.open_scheduled = true,
            }
            let task = spawn(read_window(Arc::clone(&self.shared), low, bounded));
            self.in_flight.push_back(task);
        }
    }

    /// The first call: the highest ID (and the count) plus 49 chained pages.
    async fn first(&mut self) -> Result<ExportChunk<M::Record>, Error> {
        let start = self.delivered;
        let (chain, probed) = read_chain(
            &self.shared,
            start,
            None,
            MAX_COMMANDS_PER_CALL - 1,
            Some(self.options.count),
        )
        .await?;
        let (highest, total) = probed.unwrap_or((None, None));
        self.total = total.filter(|_| self.options.count);
        self.highest = highest;
        let records = chain.records.len() as u64;
        if let Some(last) = chain.last {
            self.delivered = last;
            self.next_low = last;
            self.seen_records = records;
            self.seen_span = last - start;
        }
        if chain.finished {
            self.done = true;
        }
        Ok(ExportChunk {
            records: chain.records,
            cursor: Cursor::AfterId(self.delivered),
            total: self.total,
            requests: 1,
        })
    }

    async fn step(&mut self) -> Option<Result<ExportChunk<M::Record>, Error>> {
        if self.done {
            return None;
        }
        if !self.started {
            self.started = true;
            let chunk = self.first().await;
            if chunk.is_err() {
                self.done = true;
            }
            return Some(chunk);
        }
        self.schedule();
        let window = match self.in_flight.next().await? {
            Ok(window) => window,
            Err(error) => {
                self.done = true;
                self.in_flight = FuturesOrdered::new();
                return Some(Err(error));
            }
        };
        let before = self.delivered;
        self.delivered = match (window.high, window.last) {
            (Some(high), _) => high,
            (None, Some(last)) => last,
            (None, None) => before,
        };
        self.seen_records += window.records.len() as u64;
        self.seen_span += self.delivered - before;
        if window.high.is_none() {
            self.done = true;
        }
        Some(Ok(ExportChunk {
            records: window.records,
            cursor: Cursor::AfterId(self.delivered),
            total: self.total,
            requests: window.requests,
        }))
    }
}

fn fast_stream<M>(
    state: FastState<M>,
) -> impl Stream<Item = Result<ExportChunk<M::Record>, Error>> + Send
where
    M: ListMethod + 'static,
    M::Record: Send + 'static,
{
    futures_util::stream::unfold(state, |mut state| async move {
        let item = state.step().await?;
        Some((item, state))
    })
}

// ---------------------------------------------------------------------------------------
// Counted pages
// ---------------------------------------------------------------------------------------

/// One batch call of counted pages from `offset`.
struct CountedCall<R> {
    records: Vec<R>,
    /// The offset of the first page.
    offset: u64,
    /// `total` as the first page reported it.
    total: Option<u64>,
    /// The offset after the last page asked for.
    end: u64,
}

async fn read_counted<M: ListMethod>(
    shared: Arc<Shared<M>>,
    offset: u64,
    pages: usize,
) -> Result<CountedCall<M::Record>, Error>
where
    M::Record: 'static,
{
    let mut batch = Batch::new();
    let mut cmds = Vec::with_capacity(pages);
    for page in 0..pages {
        let start = offset + (page * LIST_PAGE_SIZE) as u64;
        cmds.push(batch.push(&ListParams::<M>::new(shared.counted_params(start)))?);
    }
    let mut results = send(&shared.client, batch).await?;
    let mut call = CountedCall {
        records: Vec::new(),
        offset,
        total: None,
        end: offset + (pages * LIST_PAGE_SIZE) as u64,
    };
    for cmd in cmds {
        let raw = results.take_raw(cmd)?;
        call.total = call.total.or(raw.total);
        let path = format!("result.result.{}", cmd.name());
        let page = RawPage::split(M::NAME, &path, raw.result, M::RECORDS)?;
        call.records.extend(page.decode::<M::Record>(M::NAME)?);
    }
    Ok(call)
}

struct CountedState<M: ListMethod> {
    shared: Arc<Shared<M>>,
    options: ExportOptions,
    started: bool,
    done: bool,
    /// The offset of the next page to schedule.
    next: u64,
    total: Option<u64>,
    in_flight: FuturesOrdered<Task<Result<CountedCall<M::Record>, Error>>>,
}

impl<M> CountedState<M>
where
    M: ListMethod + 'static,
    M::Record: Send + 'static,
{
    fn new(shared: Arc<Shared<M>>, start: u64, options: ExportOptions) -> Self {
        Self {
            shared,
            options,
            started: false,
            done: false,
            next: start,
            total: None,
            in_flight: FuturesOrdered::new(),
        }
    }

    fn schedule(&mut self) {
        let Some(total) = self.total else { return };
        let concurrency = self.options.concurrency.max(1);
        while self.in_flight.len() < concurrency && self.next < total {
            let remaining = (total - self.next).div_ceil(LIST_PAGE_SIZE as u64);
            let pages = remaining.min(MAX_COMMANDS_PER_CALL as u64) as usize;
            let task = spawn(read_counted(Arc::clone(&self.shared), self.next, pages));
            self.in_flight.push_back(task);
            self.next += (pages * LIST_PAGE_SIZE) as u64;
        }
    }

    async fn step(&mut self) -> Option<Result<ExportChunk<M::Record>, Error>> {
        if self.done {
            return None;
        }
        let call = if !self.started {
            self.started = true;
            let call =
                read_counted(Arc::clone(&self.shared), self.next, MAX_COMMANDS_PER_CALL).await;
            if let Ok(call) = &call {
                self.total = Some(call.total.unwrap_or(0));
                self.next = call.end;
            }
            call
        } else {
            self.schedule();
            let Some(call) = self.in_flight.next().await else {
                self.done = true;
                return None;
            };
            call
        };
        let call = match call {
            Ok(call) => call,
            Err(error) => {
                self.done = true;
                self.in_flight = FuturesOrdered::new();
                return Some(Err(error));
            }
        };
        let total = self.total.unwrap_or(0);
        if self.in_flight.is_empty() && self.next >= total {
            self.done = true;
        }
        Some(Ok(ExportChunk {
            records: call.records,
            cursor: Cursor::Offset(call.end.min(total.max(call.offset))),
            total: self.total,
            requests: 1,
        }))
    }
}

fn counted_stream<M>(
    state: CountedState<M>,
) -> impl Stream<Item = Result<ExportChunk<M::Record>, Error>> + Send
where
    M: ListMethod + 'static,
    M::Record: Send + 'static,
{
    futures_util::stream::unfold(state, |mut state| async move {
        let item = state.step().await?;
        Some((item, state))
    })
}

/// Orders a fast-path page by ID in `direction` (`ASC`, `DESC`): `{ID: direction}` in the
/// order map, or, for a list sorting by one field ([`ListMethod::SORT_PARAM`]), the ID's
/// name there and the direction alone.
fn order_by_id<M: ListMethod>(params: &mut Map<String, Value>, direction: &str) {
    match M::SORT_PARAM {
        Some(sort) => {
            params.insert(sort.into(), json!(M::ID_PARAM));
            params.insert(M::ORDER_PARAM.into(), json!(direction));
        }
        None => {
            params.insert(M::ORDER_PARAM.into(), json!({ M::ID_PARAM: direction }));
        }
    }
}

#[cfg(test)]
mod tests;
