//! Bitrix24 wire primitives: how values look on the wire, and how to read and write them.
//!
//! This is the bottom layer of bitrix24-rs: the transport reads envelopes and events with
//! it, the generated bindings read and write every field with it, and the test portal
//! parses forms with it. Applications reach it as `bitrix24_types::wire`.
//!
//! # Why this crate exists
//!
//! Requests are strict, responses are lenient. Bitrix24 documents its types
//! (`integer`, `boolean`, `double`, `date`, `datetime`, `file`, `crm_multifield`, ...), but
//! real portals send the same type in several shapes, because the PHP behind them does not
//! keep JSON types apart:
//!
//! - integers and decimals as JSON strings or numbers (`"99"`, `99`, `"1000000.00"`);
//! - booleans as `"Y"`/`"N"`, `1`/`0`, `"1"`/`"0"` or `true`/`false`;
//! - "nothing" as `null`, `""`, `false` or a missing key;
//! - an empty map as `[]` (PHP's empty array), and a list as an object with `"0"`, `"1"`, ...
//!   keys (a PHP array whose keys are not consecutive);
//! - datetimes as ISO 8601 with the portal's offset (`2024-08-30T14:29:00+02:00`), but also
//!   as `d.m.Y H:i:s`, `d.m.Y`, `Y-m-d H:i:s` or zone-less `Y-m-dTH:i:s`; and `date` fields
//!   often as a full datetime (`2024-08-30T02:00:00+02:00` for the date 2024-08-30);
//! - money as decimal text, which must never pass through `f64`.
//!
//! Generated response types therefore read every field through [`Lenient`] (their
//! `LenientDeserialize` derive calls it per field, see [`record`]; a hand-written type
//! uses `#[serde(default, deserialize_with = "bitrix24_wire::lenient")]`, as below), and generated
//! request types write the one form the API documents (`"Y"`/`"N"` through [`yes_no`],
//! decimals as exact text through [`Decimal`], datetimes as ISO 8601 through [`DateTime`]).
//!
//! Every reader streams through a serde [`Visitor`](serde::de::Visitor); nothing is buffered
//! into a [`serde_json::Value`] except where a `Value` is the result. Errors name what was
//! expected, and element paths survive `serde_path_to_error`.
//!
//! # Example
//!
//! ```
//! use bitrix24_wire::{Decimal, DateTime};
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct Deal {
//!     #[serde(rename = "ID", default, deserialize_with = "bitrix24_wire::lenient")]
//!     id: Option<u64>,
//!     #[serde(rename = "OPENED", default, deserialize_with = "bitrix24_wire::lenient")]
//!     opened: Option<bool>,
//!     #[serde(rename = "OPPORTUNITY", default, deserialize_with = "bitrix24_wire::lenient")]
//!     opportunity: Option<Decimal>,
//!     #[serde(rename = "LEAD_ID", default, deserialize_with = "bitrix24_wire::lenient")]
//!     lead_id: Option<u64>,
//!     #[serde(rename = "DATE_CREATE", default, deserialize_with = "bitrix24_wire::lenient")]
//!     created: Option<DateTime>,
//! }
//!
//! let deal: Deal = serde_json::from_str(
//!     r#"{"ID": "410", "OPENED": "Y", "OPPORTUNITY": "1000000.00", "LEAD_ID": null,
//!         "DATE_CREATE": "2024-08-30T14:29:00+02:00"}"#,
//! )?;
//! assert_eq!(deal.id, Some(410));
//! assert_eq!(deal.opened, Some(true));
//! assert_eq!(deal.opportunity.as_ref().map(Decimal::as_str), Some("1000000.00"));
//! assert_eq!(deal.lead_id, None);
//! assert_eq!(deal.created.map(|d| d.to_string()).as_deref(), Some("2024-08-30T14:29:00+02:00"));
//! # Ok::<(), serde_json::Error>(())
//! ```

mod datetime;
mod decimal;
mod enums;
mod file;
pub mod form;
mod lenient;
mod localized;
mod multifield;
mod no_data;
pub mod query;
pub mod record;
pub mod scalar;
pub mod yes_no;

pub use datetime::{DateTime, ParseDateTimeError};
pub use decimal::{Decimal, ParseDecimalError};
pub use enums::{
    WireEnum, deserialize_enum, enum_or_nothing, serialize_enum, serialize_numeric_enum,
};
pub use file::{File, FileInfo};
pub use lenient::{Lenient, lenient, object_or_nothing, required};
pub use localized::Localized;
pub use multifield::Multifield;
pub use no_data::NoData;
