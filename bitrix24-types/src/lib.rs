//! Typed Bitrix24 REST bindings.
//!
//! This is the one crate an application depends on. It holds
//! - the generated method bindings, one module and one cargo feature per scope
//!   (`crm`, ...; `full` enables all);
//! - the wire primitives those bindings are built from ([`wire`]): lenient readers for
//!   what real portals send (numbers as strings, `"Y"`/`"N"`, `""` for nothing, ...);
//! - re-exports of the transport ([`Client`], [`Method`], [`Response`], [`Error`]) and of
//!   the [`bitrix_method`] attribute, for methods that have no spec yet.
//!
//! ```no_run
//! # #![allow(deprecated)] // crm.deal.* is deprecated upstream in favour of crm.item.*
//! use bitrix24_types::Client;
//! use bitrix24_types::crm::{CrmDealAdd, CrmDealGet, Deal};
//!
//! # async fn demo() -> Result<(), bitrix24_types::Error> {
//! let client = Client::webhook("https://example.bitrix24.com/rest/1/your-webhook-code/")?;
//! let add = CrmDealAdd {
//!     fields: Deal { title: Some("New Deal".into()), ..Deal::default() },
//!     params: None,
//! };
//! let id: u64 = client.call(&add).await?.result;
//! let deal: Deal = client.call(&CrmDealGet::new(id)).await?.result;
//! assert_eq!(deal.title.as_deref(), Some("New Deal"));
//! # Ok(()) }
//! ```
//!
//! # Checked lists
//!
//! A list with typed records takes its `select`, `order` and `filter` from its records'
//! generated field enum ([`query`]), so a field name the record does not have is a compile
//! error, not a filter the portal silently ignores:
//!
//! ```
//! # #![allow(deprecated)]
//! use bitrix24_types::crm::{CrmDealList, DealField};
//! use bitrix24_types::query::{Filter, Select};
//!
//! let request = CrmDealList {
//!     select: Some(Select::new([DealField::Id, DealField::StageId])),
//!     filter: Some(Filter::new().eq(DealField::StageId, "NEW")),
//!     ..CrmDealList::default()
//! };
//! ```
//!
//! ```compile_fail,E0599
//! # #![allow(deprecated)]
//! use bitrix24_types::crm::{CrmDealList, DealField};
//! use bitrix24_types::query::Filter;
//!
//! let request = CrmDealList {
//!     filter: Some(Filter::new().eq(DealField::StageID, "NEW")), // no such field
//!     ..CrmDealList::default()
//! };
//! ```
//!
//! ```compile_fail,E0277
//! # #![allow(deprecated)]
//! use bitrix24_types::crm::CrmDealList;
//! use bitrix24_types::query::Filter;
//!
//! let request = CrmDealList {
//!     filter: Some(Filter::new().eq("STAGE_ID", "NEW")), // a name is no field
//!     ..CrmDealList::default()
//! };
//! ```

// Generated code and `#[bitrix_method]` name this crate by its absolute path
// (`::bitrix24_types::...`) so the same code compiles inside and outside it. With no
// scope feature enabled nothing here uses it, hence the allow.
#[allow(unused_extern_crates)]
extern crate self as bitrix24_types;

#[cfg(feature = "crm")]
pub mod items;
pub mod registry;
#[cfg(feature = "verify")]
pub mod verify;
mod visit;
/// Wire primitives: lenient readers, exact decimals, datetimes, files, multifields, open
/// enums and PHP-style form data (the `bitrix24-wire` crate, the bottom layer).
pub use bitrix24_wire as wire;
/// Checked `select`, `order` and `filter` of list methods: each list record type has a
/// generated field enum (`crm::DealField`), and [`query::CustomField`] names a portal's own.
pub use bitrix24_wire::query;

pub use registry::{EventVisitor, MethodVisitor, method_names};

// Formatted by the generator (prettyplease), not rustfmt: `cargo xtask codegen --check`
// compares byte for byte, so rustfmt must leave these files alone.
#[rustfmt::skip]
mod generated;
pub use generated::*;

// The README's examples compile as doctests of this crate, so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

// The types generated fields use, so an application needs no extra dependency to name
// them: dates (`chrono::NaiveDate`) and raw JSON (`serde_json::Value`).
pub use chrono;
pub use serde_json;

pub use bitrix24_macros::{LenientDeserialize, bitrix_method};
/// The test portal (the `bitrix24-testkit` crate): a Bitrix24 stand-in on 127.0.0.1.
#[cfg(feature = "testkit")]
pub use bitrix24_testkit as testkit;
#[cfg(feature = "blocking")]
pub use bitrix24_transport::BlockingClient;
/// Authorisation: incoming webhooks, OAuth 2.0 apps, tokens and token stores.
pub use bitrix24_transport::auth;
/// Typed `batch`: many calls in one request, a typed result per command.
pub use bitrix24_transport::batch;
/// Many calls of one method packed 50 to a `batch` call (`get` by IDs, `add`).
pub use bitrix24_transport::bulk;
/// The capability check: which methods this portal has and the granted scopes allow.
pub use bitrix24_transport::capability;
/// The HTTP client.
pub use bitrix24_transport::client;
/// Incoming events: parsing, verification and the typed payloads' trait.
pub use bitrix24_transport::event;
/// Whole-list export at the rate limit's floor, resumable from a cursor.
pub use bitrix24_transport::export;
/// Typed list pages and a stream of every record.
pub use bitrix24_transport::paginate;
pub use bitrix24_transport::{
    ApiError, ApiErrorCode, ApiVersion, Auth, BulkOptions, BulkResult, CallKind, CallOptions,
    Client, ClientBuilder, Cursor, DecodeError, Error, Export, ExportChunk, ExportOptions,
    IntoRecords, ListMethod, Method, Page, RawRecord, RecordStream, Records, Response, Time,
    decode_response,
};
/// REST 3.0: idempotency keys for writes, and the unified `result` shapes.
pub use bitrix24_transport::{Idempotency, IdempotencyKey, idempotency, v3};
/// Rate limiting (the portal's leaky bucket, kept on the client side), the limiter trait
/// a shared (Redis) limiter implements, the operating-time budget, and retries.
pub use bitrix24_transport::{limiter, operating_budget, ratelimit, retry};

/// Paths used by code that `#[bitrix_method]` and the generator emit. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use bitrix24_transport::{
        ApiVersion, CallKind, EventPayload, IntoRecords, ListMethod, Method, Records,
    };
    pub use serde;
    pub use serde_json;
}
