//! What `#[derive(LenientDeserialize)]` (in `bitrix24-macros`) expands to calls: reading a
//! record's keys and its fields in one pass over the map.
//!
//! serde's own derive keeps the unknown keys of a record (`#[serde(flatten)] extra`) by
//! buffering *every* key and value of the record first and reading the fields out of that
//! buffer; a deal of 50 keys cost about twice its decoding that way. The derived reader
//! instead looks each key up in the record's table of known names ([`Key`]): a known one is
//! read straight into its field through its [`Lenient`] reader, only an unknown one is
//! kept (in `extra`).
//!
//! Not for use by hand: the derive writes the calls.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};

use crate::Lenient;

/// A key of a record: the index of a known field, or an unknown key's name.
#[derive(Debug)]
pub enum Field {
    /// The field at this index of the record's table.
    Known(usize),
    /// A key the record does not list.
    Unknown(String),
}

/// Reads a key, looked up by the record's own function from a wire name to the index of
/// its field: a `match` on the names that the derive writes, which the compiler turns into
/// a test of the length and mostly one comparison. (A binary search by name compared about
/// six names a key, and a hash table cost more than the `match` in the benchmark.) The
/// function is a type parameter rather than a `fn` pointer, so that the lookup is inlined
/// into the reading of the key rather than called through the pointer.
#[derive(Debug, Clone, Copy)]
pub struct Key<F>(pub F);

impl<F: Fn(&str) -> Option<usize>> Key<F> {
    #[inline(always)]
    fn find(&self, name: &str) -> Option<usize> {
        (self.0)(name)
    }
}

impl<'de, F: Fn(&str) -> Option<usize>> DeserializeSeed<'de> for Key<F> {
    type Value = Field;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Field, D::Error> {
        de.deserialize_identifier(self)
    }
}

impl<F: Fn(&str) -> Option<usize>> Visitor<'_> for Key<F> {
    type Value = Field;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Field, E> {
        Ok(match self.find(name) {
            Some(index) => Field::Known(index),
            None => Field::Unknown(name.to_owned()),
        })
    }

    fn visit_string<E: de::Error>(self, name: String) -> Result<Field, E> {
        Ok(match self.find(&name) {
            Some(index) => Field::Known(index),
            None => Field::Unknown(name),
        })
    }

    fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<Field, E> {
        match std::str::from_utf8(name) {
            Ok(name) => self.visit_str(name),
            Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(name), &self)),
        }
    }

    // PHP lists arrive as maps keyed "0", "1", ...; some formats give those keys as numbers.
    fn visit_u64<E: de::Error>(self, index: u64) -> Result<Field, E> {
        self.visit_string(index.to_string())
    }
}

/// The value of an optional field's key, read leniently: "nothing" (`null`, `""`, ...) is
/// `None`. (A function rather than a seed, so that the field's type infers `T`.)
///
/// `#[inline]` here, on the [`Lenient`] impls of the scalar types and on their fast
/// parsers: without it, a record's reader in the crate of the generated types called each
/// of them across its codegen units (and across crates for the parsers); inlined, a deal
/// decodes about 4% faster.
#[inline]
pub fn optional<'de, A: MapAccess<'de>, T: Lenient>(map: &mut A) -> Result<Option<T>, A::Error> {
    map.next_value_seed(Optional(PhantomData))
}

/// The value of a required field's key, read leniently: "nothing" is the error of
/// [`required`](crate::required).
pub fn required<'de, A: MapAccess<'de>, T: Lenient>(map: &mut A) -> Result<Option<T>, A::Error> {
    map.next_value_seed(Required(PhantomData))
}

struct Optional<T>(PhantomData<T>);

impl<'de, T: Lenient> DeserializeSeed<'de> for Optional<T> {
    type Value = Option<T>;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Option<T>, D::Error> {
        T::deserialize_lenient(de)
    }
}

struct Required<T>(PhantomData<T>);

impl<'de, T: Lenient> DeserializeSeed<'de> for Required<T> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Option<T>, D::Error> {
        crate::required(de).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(name: &str) -> Option<usize> {
        match name {
            "ID" => Some(0),
            "TITLE" => Some(1),
            "OPPORTUNITY" => Some(2),
            _ => None,
        }
    }

    fn key(json: &str) -> Field {
        let mut de = serde_json::Deserializer::from_str(json);
        Key(known).deserialize(&mut de).unwrap()
    }

    #[test]
    fn keys_are_found_by_name_and_unknown_ones_kept() {
        assert!(matches!(key(r#""ID""#), Field::Known(0)));
        assert!(matches!(key(r#""TITLE""#), Field::Known(1)));
        assert!(matches!(key(r#""OPPORTUNITY""#), Field::Known(2)));
        // An escaped key is the same name.
        assert!(matches!(key(r#""TIT\u004cE""#), Field::Known(1)));
        assert!(matches!(key(r#""UF_CRM_1""#), Field::Unknown(name) if name == "UF_CRM_1"));
        assert!(matches!(key(r#""id""#), Field::Unknown(name) if name == "id"));
    }

    #[test]
    fn fields_read_leniently() {
        let mut de = serde_json::Deserializer::from_str(r#"" 7 ""#);
        assert_eq!(
            Optional::<u64>(PhantomData).deserialize(&mut de).unwrap(),
            Some(7)
        );
        let mut de = serde_json::Deserializer::from_str(r#""""#);
        assert_eq!(
            Optional::<u64>(PhantomData).deserialize(&mut de).unwrap(),
            None
        );
        let mut de = serde_json::Deserializer::from_str(r#""Y""#);
        assert_eq!(
            Required::<bool>(PhantomData).deserialize(&mut de).unwrap(),
            Some(true)
        );
        let mut de = serde_json::Deserializer::from_str("null");
        let err = Required::<bool>(PhantomData)
            .deserialize(&mut de)
            .unwrap_err();
        assert!(err.to_string().contains("a value is required"), "{err}");
    }
}
