//! Typed Bitrix24 REST bindings.
//!
//! This is the one crate an application depends on. It holds
//! - the generated method bindings, one module and one cargo feature per scope
//!   (`crm`, ...; `full` enables all);
//! - the wire primitives those bindings are built from ([`wire`]): lenient readers for
//!   what real portals send (numbers as strings, `"Y"`/`"N"`, `""` for nothing, ...);
//! - re-exports of the transport ([`Method`], [`Response`], errors) and of the
//!   [`bitrix_method`] attribute, for methods that have no spec yet.

// Generated code and `#[bitrix_method]` name this crate by its absolute path
// (`::bitrix24_types::...`) so the same code compiles inside and outside it. With no
// scope feature enabled nothing here uses it, hence the allow.
#[allow(unused_extern_crates)]
extern crate self as bitrix24_types;

pub mod wire;

// Formatted by the generator (prettyplease), not rustfmt: `cargo xtask codegen --check`
// compares byte for byte, so rustfmt must leave these files alone.
#[rustfmt::skip]
mod generated;
pub use generated::*;

// The types generated fields use, so an application needs no extra dependency to name
// them: dates (`chrono::NaiveDate`) and raw JSON (`serde_json::Value`).
pub use chrono;
pub use serde_json;

pub use bitrix24_macros::bitrix_method;
pub use bitrix24_transport::{
    ApiError, ApiErrorCode, ApiVersion, CallKind, DecodeError, IntoRecords, ListMethod, Method,
    Records, Response, Time, decode_response,
};

/// Paths used by code that `#[bitrix_method]` and the generator emit. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use bitrix24_transport::{ApiVersion, CallKind, IntoRecords, ListMethod, Method, Records};
    pub use serde;
    pub use serde_json;
}
