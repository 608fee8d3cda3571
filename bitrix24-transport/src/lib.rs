//! The thin transport that the generated Bitrix24 bindings compile over.
//!
//! The central piece is the [`Method`] trait: one implementation per REST method,
//! usually written by the `#[bitrix_method]` attribute. It tells the transport the
//! method's wire name, its scope, how its call may be retried ([`CallKind`]) and which
//! Rust type its `result` decodes into. [`envelope`] holds the response envelope every
//! Bitrix24 reply is wrapped in and the decoding that names the JSON path of a failure.
//!
//! # Tracing
//! The client reports through [`tracing`](https://docs.rs/tracing) (install any
//! subscriber to see it):
//! - a span `bitrix24.call` per call (INFO) with `method`, `api`, `kind`, the portal's
//!   `host`, `attempts` (requests sent), the last HTTP `status`, `rate_limit_wait_ms`,
//!   the method's `operating` time, `duration_ms` and `outcome`;
//! - an event `bitrix24 attempt` per request (DEBUG: attempt, status, duration, timeout)
//!   and `bitrix24 retry` per repeat (INFO: the reason, the decision, the wait);
//! - a span `bitrix24.batch` per [`Client::batch`] (`commands`, `calls`), one
//!   `bitrix24.export_chunk` per export chunk, and `bitrix24.token` per token request
//!   (`grant_type`, `status`, `outcome`).
//!
//! No field holds a secret: never a URL (only its host), a body, a token or the webhook
//! code; errors in `outcome` and `reason` are the crate's [`Error`]s, which hold none
//! (`tests/tracing_secrets.rs` searches the whole TRACE output of the fault tests for
//! every secret they made).

pub mod envelope;
pub mod error;
pub mod method;

// The HTTP client (issue: thin transport). Each module is one concept.
pub mod auth;
pub mod batch;
pub mod capability;
pub mod client;
mod decode;
pub mod event;
mod http;
pub mod idempotency;
pub mod limiter;
pub mod operating_budget;
pub mod ratelimit;
pub mod retry;
pub mod v3;

// Lists at scale (issue: batch and bulk export). Each module is one concept.
pub mod bulk;
pub mod export;
pub mod keyed;
pub mod paginate;
mod raw_page;
mod record;

pub use batch::{
    Batch, BatchCommandError, BatchError, BatchResults, Cmd, CommandInfo, CommandStatus, ResultRef,
};
pub use bulk::{BulkOptions, BulkResult};
pub use capability::{Availability, CapabilityReport, MethodQuery};
#[cfg(feature = "blocking")]
pub use client::BlockingClient;
pub use client::{Auth, CallOptions, Client, ClientBuilder};
pub use envelope::{Response, Time, decode_response};
pub use error::{ApiError, ApiErrorCode, DecodeError, Error};
pub use event::{Event, EventAuth, EventError, EventPayload, RawEvent, UnverifiedEvent};
pub use export::{Cursor, Export, ExportChunk, ExportOptions};
pub use idempotency::{Idempotency, IdempotencyKey};
pub use keyed::{Added, KeyField, KeyedResult};
pub use limiter::{Limiter, LimiterError, LimiterFuture};
pub use method::{ApiVersion, CallKind, IntoRecords, ListMethod, Method, Records};
pub use paginate::{Page, RecordStream};
pub use record::RawRecord;
