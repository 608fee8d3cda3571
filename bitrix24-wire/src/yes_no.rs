//! Writing booleans the way Bitrix24 documents them for requests: `"Y"` / `"N"`.
//!
//! Responses send booleans in many shapes (read them with [`Lenient`](super::Lenient));
//! requests get the one documented form. Generated request fields write
//! `#[serde(serialize_with = "::bitrix24_wire::yes_no::serialize")]`, or
//! `serialize_opt` together with `skip_serializing_if = "Option::is_none"`.
//!
//! ```
//! use serde::Serialize;
//!
//! #[derive(Serialize)]
//! struct Fields {
//!     #[serde(rename = "OPENED", serialize_with = "bitrix24_wire::yes_no::serialize")]
//!     opened: bool,
//!     #[serde(
//!         rename = "CLOSED",
//!         serialize_with = "bitrix24_wire::yes_no::serialize_opt",
//!         skip_serializing_if = "Option::is_none"
//!     )]
//!     closed: Option<bool>,
//! }
//! let json = serde_json::to_string(&Fields { opened: true, closed: Some(false) }).unwrap();
//! assert_eq!(json, r#"{"OPENED":"Y","CLOSED":"N"}"#);
//! ```

use serde::Serializer;

/// Writes `true` as `"Y"` and `false` as `"N"`.
pub fn serialize<S: Serializer>(v: &bool, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(if *v { "Y" } else { "N" })
}

/// Writes `Some(true)` as `"Y"`, `Some(false)` as `"N"` and `None` as none (`null` in JSON;
/// pair it with `skip_serializing_if = "Option::is_none"`).
pub fn serialize_opt<S: Serializer>(v: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => serialize(v, s),
        None => s.serialize_none(),
    }
}
