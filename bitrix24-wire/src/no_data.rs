//! The result of a method whose reply carries no data.
//!
//! Many deleting and pinning methods document `result` as `null`; others show `[]` (PHP's
//! empty array) in the same place, and a portal of another version may send `true`. None
//! of these says anything the call's success did not: the call failed or it did not, and
//! a failure arrives as an error envelope, never as a `result`. So the value is read and
//! dropped, whatever its shape, and a generated method returns [`NoData`] instead of a
//! `serde_json::Value` its caller would have to inspect for nothing.

use serde::de::{Deserialize, Deserializer, IgnoredAny};
use serde::ser::{Serialize, Serializer};

/// A reply's `result` that carries no data (documented as `null` or an empty list).
///
/// ```
/// use bitrix24_wire::NoData;
///
/// for reply in ["null", "[]", "true", "{}"] {
///     assert_eq!(serde_json::from_str::<NoData>(reply)?, NoData);
/// }
/// assert_eq!(serde_json::to_string(&NoData)?, "null");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct NoData;

impl<'de> Deserialize<'de> for NoData {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(de)?;
        Ok(NoData)
    }
}

/// Written as the documented `null`, so a captured reply re-serialises as it was shown.
impl Serialize for NoData {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        ser.serialize_unit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_result_reads_as_no_data_but_broken_json_does_not() {
        for reply in [
            "null",
            "[]",
            "true",
            "false",
            "\"\"",
            "{\"a\": [1, {}]}",
            "0",
        ] {
            assert_eq!(
                serde_json::from_str::<NoData>(reply).unwrap(),
                NoData,
                "{reply}"
            );
        }
        assert!(serde_json::from_str::<NoData>("[1,").is_err());
    }
}
