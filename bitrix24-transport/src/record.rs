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
use std::ops::{Deref, Range};
use std::sync::{Arc, Mutex, PoisonError};

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
    text: Arc<Body>,
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
            text: Arc::new(Body::from(text.to_owned())),
        }
    }

    /// The record whose text is `raw`: a range of `body` when the text lies in it, else a
    /// copy. `body` is what [`shared_body`] gave.
    pub(crate) fn within(body: Option<&Arc<Body>>, raw: &RawValue) -> Self {
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
    pub(crate) fn lies_in(&self, body: &Arc<Body>) -> bool {
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
            text: Arc::new(Body::from(text)),
        })
    }
}

/// A reply's body as text, which the records read from it share. When the last of them
/// drops it, its buffer goes back to the client's [`Spares`] for a later reply to be read
/// into: a fresh buffer of a few megabytes a reply cost the kernel's work of handing the
/// process new pages (about a tenth of an export's CPU), a reused one none.
pub(crate) struct Body {
    text: String,
    spares: Option<Arc<Spares>>,
}

impl Body {
    /// A body whose buffer goes back to `spares` once dropped.
    pub(crate) fn returned_to(text: String, spares: &Arc<Spares>) -> Self {
        Self {
            text,
            spares: Some(Arc::clone(spares)),
        }
    }
}

impl From<String> for Body {
    fn from(text: String) -> Self {
        Self { text, spares: None }
    }
}

impl Deref for Body {
    type Target = String;
    fn deref(&self) -> &String {
        &self.text
    }
}

impl Drop for Body {
    fn drop(&mut self) {
        if let Some(spares) = &self.spares {
            spares.give(std::mem::take(&mut self.text).into_bytes());
        }
    }
}

/// The buffers of bodies no longer used, emptied, for later replies of one client. An
/// export has a reply a batch call in flight and one or two delivered at once, so a few
/// are kept; small ones cost little to allocate and are not, nor more than a bound in
/// all. They go with the client (and the last body read through it).
#[derive(Default)]
pub(crate) struct Spares(Mutex<Vec<Vec<u8>>>);

/// A buffer of this size is kept (smaller ones cost little to allocate afresh).
const SPARE_SIZES: std::ops::RangeInclusive<usize> = (64 << 10)..=(16 << 20);
/// At most this many bytes of buffers are kept.
const SPARE_TOTAL: usize = 32 << 20;

impl Spares {
    /// An empty buffer to read a reply of about `capacity` bytes into: a spare as large
    /// when there is one, else a new one with room to spare. The replies of a list grow
    /// by a few bytes a page (its IDs grow longer), and a buffer of exactly one reply's
    /// size would be too small for the next; the room costs no memory until written.
    pub(crate) fn take(&self, capacity: usize) -> Vec<u8> {
        let mut spares = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match spares.iter().position(|spare| spare.capacity() >= capacity) {
            Some(at) => spares.swap_remove(at),
            None => Vec::with_capacity(capacity.saturating_add(capacity / 8)),
        }
    }

    /// Keep `buffer` for a later reply when it is worth it and there is room. Its bytes
    /// stay in memory, unread, until a later reply overwrites them (as they would in
    /// memory freed): nothing gives a spare's old content out.
    fn give(&self, mut buffer: Vec<u8>) {
        if !SPARE_SIZES.contains(&buffer.capacity()) {
            return;
        }
        buffer.clear();
        let mut spares = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let kept: usize = spares.iter().map(Vec::capacity).sum();
        if kept + buffer.capacity() <= SPARE_TOTAL {
            spares.push(buffer);
        }
    }
}

impl fmt::Debug for Spares {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Their number only: a spare's old bytes are never shown.
        let count = self.0.lock().map_or(0, |spares| spares.len());
        f.debug_struct("Spares").field("count", &count).finish()
    }
}

thread_local! {
    /// The body being decoded on this thread (see [`sharing`]).
    static SHARED_BODY: RefCell<Option<Arc<Body>>> = const { RefCell::new(None) };
}

/// Run `decode` with `body` set aside as the body records are ranges of (restored after,
/// on panic too). `decode` must read `body` itself for its records to share it.
pub(crate) fn sharing<R>(body: &Arc<Body>, decode: impl FnOnce() -> R) -> R {
    struct Restore(Option<Arc<Body>>);
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
pub(crate) fn shared_body() -> Option<Arc<Body>> {
    SHARED_BODY.with(|shared| shared.borrow().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_in_the_body_share_it_and_others_are_copied() {
        let body = Arc::new(Body::from(r#"[{"ID": "1"}, {"ID": "é"}]"#.to_owned()));
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

    #[test]
    fn a_large_body_s_buffer_is_reused_once_its_records_are_dropped() {
        let spares = Arc::new(Spares::default());
        let size = *SPARE_SIZES.start();
        let mut buffer = spares.take(size);
        assert!(buffer.capacity() >= size);
        buffer.extend_from_slice(b"[1]");
        let at = buffer.as_ptr();
        let body = Arc::new(Body::returned_to(
            String::from_utf8(buffer).unwrap(),
            &spares,
        ));
        let record = {
            let raw: Vec<&RawValue> = serde_json::from_str(&body).unwrap();
            RawRecord::within(Some(&body), raw[0])
        };
        assert!(record.lies_in(&body));
        drop(body);
        // A record holds the body: no buffer to reuse yet.
        let other = spares.take(16);
        assert_ne!(other.as_ptr(), at);
        drop(record);
        let reused = spares.take(16);
        assert_eq!((reused.as_ptr(), reused.len()), (at, 0));
        // A small body is not kept, nor more than the bound in all.
        drop(Body::returned_to("[]".to_owned(), &spares));
        for _ in 0..3 {
            drop(Body::returned_to(
                String::with_capacity(*SPARE_SIZES.end()),
                &spares,
            ));
        }
        let kept = spares.0.lock().unwrap().len();
        assert_eq!(kept, SPARE_TOTAL / *SPARE_SIZES.end());
        assert_eq!(format!("{spares:?}"), format!("Spares {{ count: {kept} }}"));
    }
}
