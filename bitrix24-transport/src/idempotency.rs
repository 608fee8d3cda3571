//! REST 3.0 idempotency keys: a write sent with an `Idempotency-Key` header runs once.
//!
//! The portal stores the reply of a successful call for 24 hours under its key (per
//! webhook or application, user and method); a repeat with the same key and the same
//! body does not run the method again but returns the stored reply with
//! `Idempotent-Replayed: true`. The same key with a different body is refused with
//! `BITRIX_REST_V3_EXCEPTION_IDEMPOTENCYKEYREUSEDEXCEPTION` (422). An error reply is not
//! stored: a repeat runs the method again. The classic API ignores the header
//! (`api-reference/rest-v3.md`, "Repeated calls without duplicates").
//!
//! The [`Client`](crate::Client) sends one key per logical call and the same key on every
//! retry of that call, so a REST 3.0 write whose reply was lost is retried instead of
//! ending in [`Error::FateUnknown`](crate::Error::FateUnknown); see [`Idempotency`].

use std::fmt;

/// The longest key the portal accepts, in characters.
pub const MAX_KEY_LEN: usize = 255;

/// An `Idempotency-Key` value: 1 to 255 printable ASCII characters, without leading or
/// trailing spaces (an HTTP header value would lose them).
///
/// Fixed-size so that [`CallOptions`](crate::CallOptions) stays `Copy`. Not a secret.
///
/// ```
/// use bitrix24_transport::idempotency::IdempotencyKey;
///
/// let key = IdempotencyKey::new("invoice-2026-0042").unwrap();
/// assert_eq!(key.as_str(), "invoice-2026-0042");
/// assert!(IdempotencyKey::new("").is_err());
/// assert_eq!(IdempotencyKey::generate().as_str().len(), 36); // a random UUID
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct IdempotencyKey {
    bytes: [u8; MAX_KEY_LEN],
    len: u8,
}

/// Why a text cannot be an [`IdempotencyKey`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "an idempotency key is 1 to {MAX_KEY_LEN} printable ASCII characters without surrounding spaces ({reason})"
)]
pub struct InvalidIdempotencyKey {
    reason: &'static str,
}

impl IdempotencyKey {
    /// A key from text chosen by the caller (an order number, a UUID kept in a database),
    /// for repeating a call after the process restarted.
    pub fn new(key: &str) -> Result<Self, InvalidIdempotencyKey> {
        let invalid = |reason| Err(InvalidIdempotencyKey { reason });
        if key.is_empty() {
            return invalid("it is empty");
        }
        if key.len() > MAX_KEY_LEN {
            return invalid("it is too long");
        }
        if !key.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
            return invalid("it has a character that is not printable ASCII");
        }
        if key.starts_with(' ') || key.ends_with(' ') {
            return invalid("it starts or ends with a space");
        }
        let mut bytes = [0u8; MAX_KEY_LEN];
        bytes[..key.len()].copy_from_slice(key.as_bytes());
        Ok(Self {
            bytes,
            // Checked above: at most 255.
            len: key.len() as u8,
        })
    }

    /// A fresh random key, formatted as a version-4 UUID.
    pub fn generate() -> Self {
        let mut bits = fastrand::u128(..);
        // Version 4, variant 10xx (RFC 9562).
        bits = (bits & !(0xf << 76)) | (0x4 << 76);
        bits = (bits & !(0x3 << 62)) | (0x2 << 62);
        let hex = format!("{bits:032x}");
        let text = format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        );
        match Self::new(&text) {
            Ok(key) => key,
            // Reason: 36 lowercase hex digits and dashes always form a valid key.
            Err(_) => unreachable!("a UUID is a valid idempotency key"),
        }
    }

    /// The key as sent in the header.
    pub fn as_str(&self) -> &str {
        // Only printable ASCII is ever stored, so this never fails.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IdempotencyKey")
            .field(&self.as_str())
            .finish()
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for IdempotencyKey {
    type Err = InvalidIdempotencyKey;
    fn from_str(key: &str) -> Result<Self, Self::Err> {
        Self::new(key)
    }
}

/// Whether a call carries an `Idempotency-Key`, set in
/// [`CallOptions::idempotency`](crate::CallOptions::idempotency).
///
/// With a key, a REST 3.0 write ([`CallKind::Write`](crate::CallKind::Write) or
/// [`CallKind::IdempotentWrite`](crate::CallKind::IdempotentWrite)) is retried after a
/// timeout, a dropped connection or a 5xx page like a read: the portal answers the
/// repeat with the stored reply instead of running the method twice. One exception: a
/// timeout shorter than the portal's 60-second execution limit ends a keyed `Write` in
/// [`Error::FateUnknown`](crate::Error::FateUnknown) as before, because the first attempt
/// may still be running, and two requests with one key in flight at once may both run.
/// The default timeout (70 s) is long enough.
// Reason: the key is inline so that `CallOptions` stays `Copy` (callers pass it by value
// to every call of a batch or an export); copying 256 bytes per call costs nothing next
// to an HTTP request.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Idempotency {
    /// REST 3.0 writes get a fresh random key per call, reused on each retry of it;
    /// reads and classic calls get none.
    #[default]
    Auto,
    /// Send this key (REST 3.0 calls only: a classic call with a key is refused, since
    /// the classic API would ignore it). Keep it to repeat the call later, for example
    /// after [`Error::FateUnknown`](crate::Error::FateUnknown) or a restart; a repeat
    /// with the same key and parameters returns the first call's reply.
    Key(IdempotencyKey),
    /// Send no key: REST 3.0 writes are retried like classic ones.
    Off,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked() {
        assert!(IdempotencyKey::new(&"k".repeat(MAX_KEY_LEN)).is_ok());
        for bad in [
            String::new(),
            "k".repeat(MAX_KEY_LEN + 1),
            "tab\there".into(),
            "ключ".into(),
            " padded".into(),
            "padded ".into(),
            "line\n".into(),
        ] {
            let err = IdempotencyKey::new(&bad).unwrap_err();
            assert!(err.to_string().contains("printable ASCII"), "{err}");
        }
        let key: IdempotencyKey = "a b~!".parse().unwrap();
        assert_eq!(key.to_string(), "a b~!");
        assert_eq!(format!("{key:?}"), "IdempotencyKey(\"a b~!\")");
    }

    #[test]
    fn generated_keys_are_uuids_and_differ() {
        let a = IdempotencyKey::generate();
        let b = IdempotencyKey::generate();
        assert_ne!(a, b);
        let text = a.as_str();
        let groups: Vec<usize> = text.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert_eq!(&text[14..15], "4");
        assert!(matches!(&text[19..20], "8" | "9" | "a" | "b"), "{text}");
    }
}
