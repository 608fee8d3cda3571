//! A record's JSON text as the portal sent it, kept in the reply it came in.
//!
//! A list page arrives as one reply of many records. Copying each record's text out of the
//! reply (a `Box<RawValue>` each) cost an allocation and a copy per record, a tenth of an
//! export's CPU; a [`RawRecord`] is instead a range of the reply's body, which the records
//! of one reply share. The body is the text the reply's one validating pass read, so a
//! record is valid JSON without being read again.
//!
//! The reply's decoder learns which body it reads through [`sharing`]: serde hands a
//! visitor borrowed text but no way to pass it the buffer that text lies in, so the body
//! is set aside for the length of one decoding, on this thread, and a record whose text
//! lies in it becomes a range of it. Text from anywhere else is copied into a record of
//! its own, so a record is right whoever decodes it.

use std::cell::RefCell;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

/// One record's JSON text, as the portal sent it: the pass-through record of an export
/// (`list(record = RawRecord, ..)`), written out as it came without being parsed again.
///
/// The records of one reply share its body: a record is a range of it, not a copy, so
/// keeping one record keeps the whole reply in memory. To keep a few records of many
/// pages, keep their text ([`RawRecord::get`]`.to_owned()`) instead.
///
/// Decoded on its own (`serde_json::from_str::<RawRecord>`), a record is the value's text,
/// checked as JSON and copied.
///
/// ```
/// use bitrix24_transport::RawRecord;
///
/// let record: RawRecord = serde_json::from_str(r#"{"ID": "7", "TITLE": "a"}"#).unwrap();
/// assert_eq!(record.get(), r#"{"ID": "7", "TITLE": "a"}"#);
/// ```
#[derive(Clone)]
pub struct RawRecord {
    /// The reply's body, or the record's own text.
    text: Arc<String>,
    /// Where the record lies in `text`; on char boundaries (checked when made).
    range: Range<usize>,
}

impl RawRecord {
    /// The record's JSON text, exactly as sent.
    pub fn get(&self) -> &str {
        &self.text[self.range.clone()]
    }

    /// A record of its own text (a copy).
    fn owned(text: &str) -> Self {
        Self {
            range: 0..text.len(),
            text: Arc::new(text.to_owned()),
        }
    }

    /// The record whose text is `raw`: a range of `body` when the text lies in it, else a
    /// copy. `body` is what [`shared_body`] gave.
    pub(crate) fn within(body: Option<&Arc<String>>, raw: &RawValue) -> Self {
        let text = raw.get();
        if let Some(body) = body {
            // Where the text lies, from the addresses of the two: only compared, never
            // followed. A text starting in the body and within its length on char
            // boundaries is that part of it (a `&str` is never a copy of itself), so the
            // check takes no look at the text.
            let base = body.as_ptr() as usize;
            let at = text.as_ptr() as usize;
            if let Some(start) = at.checked_sub(base) {
                let range = start..start + text.len();
                if body.get(range.clone()).is_some() {
                    return Self {
                        text: Arc::clone(body),
                        range,
                    };
                }
            }
        }
        Self::owned(text)
    }

    /// Whether the record is a range of `body` rather than a copy.
    #[cfg(test)]
    pub(crate) fn lies_in(&self, body: &Arc<String>) -> bool {
        Arc::ptr_eq(&self.text, body)
    }
}

impl fmt::Debug for RawRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RawRecord").field(&self.get()).finish()
    }
}

impl PartialEq for RawRecord {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Eq for RawRecord {}

impl<'de> Deserialize<'de> for RawRecord {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        // Any deserializer, borrowing or not: the value's text, checked and copied.
        let raw = Box::<RawValue>::deserialize(de)?;
        let text = String::from(Box::<str>::from(raw));
        Ok(Self {
            range: 0..text.len(),
            text: Arc::new(text),
        })
    }
}

thread_local! {
    /// The body being decoded on this thread (see [`sharing`]).
    static SHARED_BODY: RefCell<Option<Arc<String>>> = const { RefCell::new(None) };
}

/// Run `decode` with `body` set aside as the body records are ranges of (restored after,
/// on panic too). `decode` must read `body` itself for its records to share it.
pub(crate) fn sharing<R>(body: &Arc<String>, decode: impl FnOnce() -> R) -> R {
    struct Restore(Option<Arc<String>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            SHARED_BODY.with(|shared| *shared.borrow_mut() = previous);
        }
    }
    let previous = SHARED_BODY.with(|shared| shared.replace(Some(Arc::clone(body))));
    let _restore = Restore(previous);
    decode()
}

/// The body being decoded on this thread, if one is set aside (see [`sharing`]).
pub(crate) fn shared_body() -> Option<Arc<String>> {
    SHARED_BODY.with(|shared| shared.borrow().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_in_the_body_share_it_and_others_are_copied() {
        let body = Arc::new(r#"[{"ID": "1"}, {"ID": "é"}]"#.to_owned());
        let items: Vec<&RawValue> = serde_json::from_str(&body).unwrap();
        let records: Vec<RawRecord> = sharing(&body, || {
            let shared = shared_body();
            items
                .iter()
                .map(|raw| RawRecord::within(shared.as_ref(), raw))
                .collect()
        });
        assert!(shared_body().is_none(), "set aside for the decoding only");
        assert_eq!(records[1].get(), r#"{"ID": "é"}"#);
        assert!(records.iter().all(|r| r.lies_in(&body)));
        // Text from elsewhere is copied, with the body set aside or not.
        let other: Box<RawValue> = serde_json::from_str(r#"{"ID": "1"}"#).unwrap();
        let copied = sharing(&body, || RawRecord::within(shared_body().as_ref(), &other));
        assert!(!copied.lies_in(&body));
        assert_eq!(copied, records[0]);
        assert_eq!(format!("{copied:?}"), r#"RawRecord("{\"ID\": \"1\"}")"#);
        let decoded: Vec<RawRecord> = serde_json::from_str(&body).unwrap();
        assert_eq!(decoded, records);
        assert!(serde_json::from_str::<RawRecord>("{").is_err());
    }
}
