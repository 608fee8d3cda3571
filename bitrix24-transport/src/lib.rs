//! The thin transport that the generated Bitrix24 bindings compile over.
//!
//! The central piece is the [`Method`] trait: one implementation per REST method,
//! usually written by the `#[bitrix_method]` attribute. It tells the transport the
//! method's wire name, its scope, how its call may be retried ([`CallKind`]) and which
//! Rust type its `result` decodes into. [`envelope`] holds the response envelope every
//! Bitrix24 reply is wrapped in and the decoding that names the JSON path of a failure.

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
pub mod paginate;
mod raw_page;

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
pub use limiter::{Limiter, LimiterError, LimiterFuture};
pub use method::{ApiVersion, CallKind, IntoRecords, ListMethod, Method, Records};
pub use paginate::{Page, RecordStream};
