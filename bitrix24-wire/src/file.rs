//! [`File`]: the `file` type, as written in requests and as read from responses.
//!
//! Writing (Bitrix24 docs, "How to Upload Files" and "How to Update and Delete Files"):
//! CRM entity methods (`crm.lead.add`, `crm.deal.add`, ...) take a new file as the object
//! `{"fileData": ["name.ext", "<base64>"]}` (an array of such objects for a multiple field);
//! an existing file of a multiple field is kept by passing `{"id": <file id>}`; a
//! single-value file field of a CRM object (and `user.update`'s `PERSONAL_PHOTO`) is cleared
//! by an empty string.
//!
//! Reading: portals return an object describing the file, with differing key names per
//! method: `{"id", "showUrl", "downloadUrl"}` (`crm.deal.get`, `user.current`),
//! `{"id", "url", "urlMachine"}` (`crm.item.get`), and sometimes a bare file id.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::ser::{Error as _, SerializeMap};
use serde::{Deserialize, Serialize, Serializer};

use super::lenient::{Lenient, LenientSeed, nothing_cases};

/// A file field value.
///
/// | variant | writes | read from |
/// |---|---|---|
/// | [`File::Upload`] | `{"fileData": [name, content_base64]}` | the same object |
/// | [`File::Existing`] | `{"id": id}` (keeps the file in a multiple field) | a bare number or numeric string |
/// | [`File::Remove`] | `""` (clears a single-value field) | never: `""` reads as nothing |
/// | [`File::Info`] | `{"id": id}`; an error without an id | any other object |
///
/// `content_base64` is the file content already encoded in standard Base64 without a
/// `data:` prefix; [`File::upload`] encodes bytes for you.
///
/// ```
/// use bitrix24_wire::File;
///
/// let upload = File::upload("hello.txt", b"hello");
/// assert_eq!(
///     serde_json::to_string(&upload).unwrap(),
///     r#"{"fileData":["hello.txt","aGVsbG8="]}"#
/// );
///
/// let read: File = serde_json::from_str(
///     r#"{"id": 774, "showUrl": "/bitrix/show?id=774", "downloadUrl": "/rest/download?id=774"}"#,
/// ).unwrap();
/// let File::Info(info) = &read else { panic!("expected file info") };
/// assert_eq!(info.id, Some(774));
/// // Written back, a file read from the portal keeps that file.
/// assert_eq!(serde_json::to_string(&read).unwrap(), r#"{"id":774}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum File {
    /// A new file: its name (with extension) and its content in standard Base64.
    Upload {
        /// File name with extension, e.g. `"contract.pdf"`.
        name: String,
        /// File content in standard Base64 (no `data:...;base64,` prefix).
        content_base64: String,
    },
    /// An existing file by its id.
    Existing(u64),
    /// Clears a single-value file field (writes `""`).
    Remove,
    /// A file as a portal describes it in a response.
    Info(FileInfo),
}

/// A file as described in a response.
///
/// `show_url` is read from `showUrl` (or `url`), the address that opens the file in a
/// browser session; `download_url` from `downloadUrl` (or `urlMachine`, `DOWNLOAD_URL`), the
/// address for programs. The id is read from `id` or `ID`. All other keys are kept in
/// `extra`. Download addresses may carry an auth token: do not log them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileInfo {
    /// The file id (`id` / `ID`).
    pub id: Option<u64>,
    /// Address to show the file in a browser (`showUrl` / `url`).
    pub show_url: Option<String>,
    /// Address to download the file (`downloadUrl` / `urlMachine` / `DOWNLOAD_URL`).
    pub download_url: Option<String>,
    /// Every other key of the object, as sent.
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl File {
    /// A new file from its name and raw bytes, encoded to standard Base64 here.
    pub fn upload(name: impl Into<String>, bytes: &[u8]) -> Self {
        File::Upload {
            name: name.into(),
            content_base64: base64_encode(bytes),
        }
    }

    /// The file id, if this value names an existing file.
    pub fn id(&self) -> Option<u64> {
        match self {
            File::Existing(id) => Some(*id),
            File::Info(info) => info.id,
            File::Upload { .. } | File::Remove => None,
        }
    }
}

/// Standard Base64 with padding (RFC 4648 §4).
fn base64_encode(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sym = |n: u32| char::from(TABLE[(n & 63) as usize]);
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(sym(n >> 18));
        out.push(sym(n >> 12));
        out.push(if chunk.len() > 1 { sym(n >> 6) } else { '=' });
        out.push(if chunk.len() > 2 { sym(n) } else { '=' });
    }
    out
}

impl Serialize for File {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let id = match self {
            File::Upload {
                name,
                content_base64,
            } => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("fileData", &[name, content_base64])?;
                return map.end();
            }
            File::Remove => return s.serialize_str(""),
            File::Existing(id) => *id,
            File::Info(info) => info
                .id
                .ok_or_else(|| S::Error::custom("a file read without an id cannot be written"))?,
        };
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry("id", &id)?;
        map.end()
    }
}

/// Reads a file; `lenient` maps nothing (`null`, `""`, `false`, `[]`) to `None`.
struct FileVisitor;

const EXPECTED_FILE: &str = "a file (an object describing it, or a file id)";

impl<'de> Visitor<'de> for FileVisitor {
    type Value = Option<File>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECTED_FILE)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(File::Existing(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        match u64::try_from(v) {
            Ok(v) => Ok(Some(File::Existing(v))),
            Err(_) => Err(E::invalid_value(Unexpected::Signed(v), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let t = v.trim();
        if t.is_empty() {
            return Ok(None);
        }
        match t.parse::<u64>() {
            Ok(id) if t.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(File::Existing(id))),
            _ => Err(E::invalid_type(Unexpected::Str(v), &self)),
        }
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if v {
            Err(E::invalid_type(Unexpected::Bool(v), &self))
        } else {
            Ok(None)
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        if seq.next_element::<de::IgnoredAny>()?.is_none() {
            Ok(None)
        } else {
            Err(de::Error::invalid_type(Unexpected::Seq, &self))
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut info = FileInfo::default();
        let mut file_data: Option<Vec<String>> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "id" | "ID" => info.id = map.next_value_seed(LenientSeed::new())?,
                "showUrl" | "url" if info.show_url.is_none() => {
                    info.show_url = map.next_value_seed(LenientSeed::new())?;
                }
                "downloadUrl" | "urlMachine" | "DOWNLOAD_URL" if info.download_url.is_none() => {
                    info.download_url = map.next_value_seed(LenientSeed::new())?;
                }
                "fileData" => file_data = map.next_value_seed(LenientSeed::new())?,
                _ => {
                    let value: serde_json::Value = map.next_value()?;
                    info.extra.insert(key, value);
                }
            }
        }
        if let Some(data) = file_data {
            let only_file_data = info == FileInfo::default();
            match <[String; 2]>::try_from(data) {
                Ok([name, content_base64]) if only_file_data => {
                    return Ok(Some(File::Upload {
                        name,
                        content_base64,
                    }));
                }
                Ok([name, content]) => {
                    info.extra
                        .insert("fileData".to_owned(), serde_json::json!([name, content]));
                }
                Err(other) => {
                    info.extra
                        .insert("fileData".to_owned(), serde_json::json!(other));
                }
            }
        }
        Ok(Some(File::Info(info)))
    }

    nothing_cases!();
}

impl<'de> Deserialize<'de> for File {
    /// Like [`Lenient`], but nothing is an error.
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_any(FileVisitor)?
            .ok_or_else(|| de::Error::custom(format_args!("expected {EXPECTED_FILE}")))
    }
}

/// A number or numeric string is [`File::Existing`], an object [`File::Info`] (or
/// [`File::Upload`] for a lone `fileData`); `null`, `""`, `false` and `[]` are nothing.
impl Lenient for File {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Self>, D::Error> {
        de.deserialize_any(FileVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::base64_encode;

    #[test]
    fn base64_rfc4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, want) in cases {
            assert_eq!(base64_encode(input.as_bytes()), want, "{input:?}");
        }
        assert_eq!(base64_encode(&[0xfb, 0xff, 0xfe]), "+//+");
    }
}
