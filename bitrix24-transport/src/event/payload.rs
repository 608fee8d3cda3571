//! [`EventPayload`]: the trait of an event's typed `data`, implemented by one generated
//! type per documented event.

use serde::de::DeserializeOwned;

/// The `data` of one event type, e.g. the payload of `ONCRMDEALADD`.
///
/// Implementations are generated from the event specs. Payload types decode leniently
/// (real portals send form-encoded bodies, where every scalar is a string).
pub trait EventPayload: DeserializeOwned {
    /// The event code as Bitrix24 sends it in `event`, upper case (`ONCRMDEALADD`).
    const CODE: &'static str;
    /// The permission scope a handler needs to bind to the event (`crm`, `task`, ...).
    const SCOPE: Option<&'static str>;
}
