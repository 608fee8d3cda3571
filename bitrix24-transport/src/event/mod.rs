//! Incoming events: what Bitrix24 POSTs to an application's handler URL, and the offline
//! event queue.
//!
//! An event request carries `event` (the code, e.g. `ONCRMDEALADD`), `event_handler_id`,
//! `data` (the event's payload), `ts` and an `auth` block whose `application_token`
//! proves the request came from the portal the application was installed on
//! (api-reference/events/index.md, safe-event-handlers.md).
//!
//! - [`EventPayload`] is implemented by one type per documented event (generated from
//!   the event specs, behind the same scope features as the methods) and describes its
//!   `data`.
//! - [`UnverifiedEvent::parse`] reads a request body (the PHP-style form Bitrix24 sends,
//!   or JSON); [`UnverifiedEvent::verify`] checks the token in constant time and gives a
//!   [`RawEvent`]; [`RawEvent::decode`] gives the typed [`Event`]. Every refusal is an
//!   [`EventError`] that echoes no token.
//! - [`offline::OfflineDrain`] drains the offline queue (`event.offline.*`).
//!
//! ```
//! use bitrix24_transport::auth::Secret;
//! use bitrix24_transport::event::{Event, EventPayload};
//!
//! #[derive(Debug, serde::Deserialize)]
//! struct DealAdded {
//!     #[serde(rename = "FIELDS")]
//!     fields: DealId,
//! }
//! #[derive(Debug, serde::Deserialize)]
//! struct DealId {
//!     #[serde(rename = "ID")]
//!     id: String,
//! }
//! impl EventPayload for DealAdded {
//!     const CODE: &'static str = "ONCRMDEALADD";
//!     const SCOPE: Option<&'static str> = Some("crm");
//! }
//!
//! let token = Secret::new("51856fefc120afa4b628cc82d3935cce");
//! let body = br#"{"event": "ONCRMDEALADD", "data": {"FIELDS": {"ID": "7405"}},
//!     "ts": "1766047124", "auth": {"application_token": "51856fefc120afa4b628cc82d3935cce"}}"#;
//! let event = Event::<DealAdded>::parse_verified(Some("application/json"), body, &token)?;
//! assert_eq!(event.data.fields.id, "7405");
//! assert_eq!(event.ts, Some(1766047124));
//!
//! let forged = String::from_utf8_lossy(body).replace("51856fefc", "00000000f");
//! let refused = Event::<DealAdded>::parse_verified(None, forged.as_bytes(), &token);
//! assert!(refused.unwrap_err().to_string().contains("does not match"));
//! # Ok::<(), bitrix24_transport::event::EventError>(())
//! ```

mod auth;
mod error;
pub mod offline;
mod payload;
mod request;

pub use auth::EventAuth;
pub use error::EventError;
pub use payload::EventPayload;
pub use request::{Event, RawEvent, UnverifiedEvent};
