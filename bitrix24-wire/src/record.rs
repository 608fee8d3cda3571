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

/// Reads a key, looked up in the record's table of known names: an open-addressing hash
/// table of `(hash, name, index of the field)`, the slot of a name at its [`key_hash`]
/// masked by the table's size (a power of two), the next free slot on a collision; empty
/// slots hold [`EMPTY`]. The derive builds it, at least twice the fields' number long.
///
/// A binary search by name compared about six names per key, each a call to `memcmp`,
/// and that was half the time of decoding a deal; here a key costs a hash of its first and
/// last eight bytes and, mostly, one comparison.
#[derive(Debug, Clone, Copy)]
pub struct Key(pub &'static [(u64, &'static str, usize)]);

/// An empty slot of a [`Key`] table.
pub const EMPTY: (u64, &str, usize) = (0, "", usize::MAX);

/// The hash of a key: its length and its first and last eight bytes, mixed.
/// `bitrix24-macros` computes the same when it builds a record's table: the two must
/// agree (the tests here and there pin the same values).
pub fn key_hash(name: &[u8]) -> u64 {
    let word = |from: usize| {
        let mut bytes = [0u8; 8];
        let end = name.len().min(from + 8);
        bytes[..end - from].copy_from_slice(&name[from..end]);
        u64::from_le_bytes(bytes)
    };
    let head = word(0);
    let tail = if name.len() > 8 {
        word(name.len() - 8)
    } else {
        0
    };
    let mixed = (head ^ (name.len() as u64).rotate_left(56)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
        ^ tail.wrapping_mul(0xc2b2_ae3d_27d4_eb4f);
    mixed ^ (mixed >> 29)
}

impl Key {
    fn find(self, name: &str) -> Option<usize> {
        let hash = key_hash(name.as_bytes());
        let mask = self.0.len().checked_sub(1)?;
        let mut slot = hash as usize & mask;
        // The table always has an empty slot: the loop ends.
        loop {
            let (known, known_name, index) = self.0[slot];
            if index == usize::MAX {
                return None;
            }
            if known == hash && known_name == name {
                return Some(index);
            }
            slot = (slot + 1) & mask;
        }
    }
}

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Field;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Field, D::Error> {
        de.deserialize_identifier(self)
    }
}

impl Visitor<'_> for Key {
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

    fn table(names: &[&'static str]) -> &'static [(u64, &'static str, usize)] {
        // As the derive builds it.
        let mut table = vec![EMPTY; (names.len() * 2).next_power_of_two().max(4)];
        let mask = table.len() - 1;
        for (index, name) in names.iter().enumerate() {
            let hash = key_hash(name.as_bytes());
            let mut slot = hash as usize & mask;
            while table[slot].2 != usize::MAX {
                slot = (slot + 1) & mask;
            }
            table[slot] = (hash, name, index);
        }
        Box::leak(table.into_boxed_slice())
    }

    fn key(json: &str) -> Field {
        let mut de = serde_json::Deserializer::from_str(json);
        Key(table(&["ID", "TITLE", "OPPORTUNITY"]))
            .deserialize(&mut de)
            .unwrap()
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
    fn the_hash_is_the_derives() {
        // The same values as bitrix24-macros' record tests: the derive's tables agree.
        assert_eq!(key_hash(b""), 0);
        assert_eq!(key_hash(b"ID"), 0x0426_fbb5_3405_2855);
        assert_eq!(key_hash(b"UF_CRM_1700000001"), 0x8225_9bf3_6f85_c192);
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
