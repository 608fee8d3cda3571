//! Incoming events: what Bitrix24 POSTs to an application's handler URL.
//!
//! An event request carries `event` (the code, e.g. `ONCRMDEALADD`), `event_handler_id`,
//! `data` (the event's payload), `ts` and an `auth` block whose `application_token`
//! proves the request came from the portal the application was installed on.
//!
//! [`EventPayload`] is implemented by one type per documented event (generated from the
//! event specs, behind the same scope features as the methods) and describes its `data`.

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
