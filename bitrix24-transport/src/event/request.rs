//! Reading an incoming event request: the body as Bitrix24 POSTs it, checked against the
//! application's token, then its `data` decoded into a payload type.
//!
//! Three steps, each a type: [`UnverifiedEvent::parse`] reads the body (nothing in it is
//! trusted yet; only what is needed to find the right token is exposed),
//! [`UnverifiedEvent::verify`] checks `auth[application_token]` and gives a [`RawEvent`]
//! to dispatch on by code, and [`RawEvent::decode`] gives the typed [`Event`].

use serde_json::{Map, Value};

use super::auth::{EventAuth, token_matches};
use super::error::EventError;
use super::payload::EventPayload;
use crate::auth::Secret;
use bitrix24_wire::scalar::{self as lenient, Integer};

/// The longest event code accepted (real codes are well under 64 characters).
const MAX_CODE_LEN: usize = 128;

/// How many characters of a foreign event code an error message keeps.
const CODE_IN_ERRORS: usize = 64;

/// An event request as read from the body, before its token is checked.
///
/// Only what a multi-portal application needs to find the right application token is
/// visible: the code, `member_id` and `domain`. Everything else waits for
/// [`UnverifiedEvent::verify`].
#[derive(Debug, Clone)]
pub struct UnverifiedEvent {
    event: RawEvent,
}

impl UnverifiedEvent {
    /// Read an event request body.
    ///
    /// `content_type` is the request's `Content-Type` header: `application/json` (or
    /// `*+json`) is JSON, `application/x-www-form-urlencoded` the PHP-style form Bitrix24
    /// sends (`data[FIELDS][ID]=5`); when it is absent, `text/plain` or
    /// `application/octet-stream`, a body starting with `{` is JSON and anything else a
    /// form. Never panics, whatever the body; limit the body's size before calling.
    pub fn parse(content_type: Option<&str>, body: &[u8]) -> Result<Self, EventError> {
        let fields = match body_format(content_type, body)? {
            BodyFormat::Json => match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(map)) => map,
                Ok(_) => {
                    return Err(EventError::MalformedBody {
                        reason: "the JSON body is not an object".into(),
                    });
                }
                Err(err) => {
                    return Err(EventError::MalformedBody {
                        // serde_json's message names the line and column, not the text.
                        reason: format!("the body is not valid JSON: {err}"),
                    });
                }
            },
            BodyFormat::Form => match bitrix24_wire::form::parse(&String::from_utf8_lossy(body)) {
                Value::Object(map) => map,
                _ => Map::new(),
            },
        };
        Ok(Self {
            event: RawEvent::read(fields)?,
        })
    }

    /// The event code, upper case (`ONCRMDEALADD`). Not yet verified.
    pub fn code(&self) -> &str {
        &self.event.code
    }

    /// `auth[member_id]`: which portal the request claims to come from. Not yet
    /// verified: use it only to look up that portal's application token.
    pub fn member_id(&self) -> Option<&str> {
        self.event.auth.member_id.as_deref()
    }

    /// `auth[domain]`, as claimed. Not yet verified.
    pub fn domain(&self) -> Option<&str> {
        self.event.auth.domain.as_deref()
    }

    /// Check `auth[application_token]` against the application's token (in constant
    /// time); a mismatch is [`EventError::TokenMismatch`], which echoes neither token.
    pub fn verify(self, application_token: &Secret) -> Result<RawEvent, EventError> {
        if token_matches(&self.event.auth.application_token, application_token) {
            Ok(self.event)
        } else {
            Err(EventError::TokenMismatch)
        }
    }
}

/// A verified event whose `data` is not decoded yet: dispatch on [`RawEvent::code`],
/// then [`RawEvent::decode`] into the payload type of that event.
///
/// ```
/// use bitrix24_transport::auth::Secret;
/// use bitrix24_transport::event::{EventPayload, RawEvent};
///
/// #[derive(Debug, serde::Deserialize)]
/// struct DealAdded {
///     #[serde(rename = "FIELDS")]
///     fields: serde_json::Map<String, serde_json::Value>,
/// }
/// impl EventPayload for DealAdded {
///     const CODE: &'static str = "ONCRMDEALADD";
///     const SCOPE: Option<&'static str> = Some("crm");
/// }
///
/// let token = Secret::new("51856fefc120afa4b628cc82d3935cce");
/// let body = "event=ONCRMDEALADD&event_handler_id=185&data%5BFIELDS%5D%5BID%5D=7405\
///             &ts=1766047124&auth%5Bdomain%5D=example.bitrix24.com\
///             &auth%5Bapplication_token%5D=51856fefc120afa4b628cc82d3935cce";
/// let event = RawEvent::parse_verified(
///     Some("application/x-www-form-urlencoded"),
///     body.as_bytes(),
///     &token,
/// )?;
/// match event.code() {
///     DealAdded::CODE => {
///         let added = event.decode::<DealAdded>()?;
///         assert_eq!(added.data.fields["ID"], "7405");
///         assert_eq!(added.handler_id, Some(185));
///     }
///     other => println!("not handled: {other}"),
/// }
/// # Ok::<(), bitrix24_transport::event::EventError>(())
/// ```
#[derive(Debug, Clone)]
pub struct RawEvent {
    code: String,
    handler_id: Option<u64>,
    ts: Option<i64>,
    data: Value,
    auth: EventAuth,
}

impl RawEvent {
    /// [`UnverifiedEvent::parse`] then [`UnverifiedEvent::verify`]: for an application
    /// installed on one portal, or whose token does not depend on the portal.
    pub fn parse_verified(
        content_type: Option<&str>,
        body: &[u8],
        application_token: &Secret,
    ) -> Result<Self, EventError> {
        UnverifiedEvent::parse(content_type, body)?.verify(application_token)
    }

    /// The event code, upper case (`ONCRMDEALADD`).
    pub fn code(&self) -> &str {
        &self.code
    }

    /// `event_handler_id`: the binding that delivered the event (absent for some
    /// system events).
    pub fn handler_id(&self) -> Option<u64> {
        self.handler_id
    }

    /// `ts`: when the queue sent the event, Unix seconds.
    pub fn ts(&self) -> Option<i64> {
        self.ts
    }

    /// `data` as it came (every scalar a string when the body was a form). Absent or
    /// `[]` (PHP's empty array) is an empty object.
    pub fn data(&self) -> &Value {
        &self.data
    }

    /// The `auth` block.
    pub fn auth(&self) -> &EventAuth {
        &self.auth
    }

    /// Whether this is the event `P` describes (codes compare case-insensitively).
    pub fn is<P: EventPayload>(&self) -> bool {
        self.code.eq_ignore_ascii_case(P::CODE)
    }

    /// Decode `data` as `P`'s payload: [`EventError::CodeMismatch`] when this is another
    /// event, [`EventError::Payload`] naming the JSON path when `data` does not fit.
    pub fn decode<P: EventPayload>(&self) -> Result<Event<P>, EventError> {
        Ok(Event {
            code: self.code.clone(),
            handler_id: self.handler_id,
            ts: self.ts,
            data: decode_payload::<P>(&self.code, &self.data)?,
            auth: self.auth.clone(),
        })
    }

    /// Read the fields every event request has.
    fn read(mut fields: Map<String, Value>) -> Result<Self, EventError> {
        let code = match fields.get("event") {
            None | Some(Value::Null) => return Err(EventError::MissingField { field: "event" }),
            Some(Value::String(code)) if code.trim().is_empty() => {
                return Err(EventError::MissingField { field: "event" });
            }
            Some(Value::String(code)) if code.len() > MAX_CODE_LEN => {
                return Err(EventError::InvalidField {
                    field: "event",
                    reason: "is too long for an event code",
                });
            }
            Some(Value::String(code)) => code.trim().to_ascii_uppercase(),
            Some(_) => {
                return Err(EventError::InvalidField {
                    field: "event",
                    reason: "is not a string",
                });
            }
        };
        let handler_id = match lenient::integer::<u64>(fields.get("event_handler_id")) {
            Integer::Nothing => None,
            Integer::Value(id) => Some(id),
            Integer::Invalid => {
                return Err(EventError::InvalidField {
                    field: "event_handler_id",
                    reason: "is not an unsigned integer",
                });
            }
        };
        let ts = match lenient::integer::<i64>(fields.get("ts")) {
            Integer::Nothing => None,
            Integer::Value(ts) => Some(ts),
            Integer::Invalid => {
                return Err(EventError::InvalidField {
                    field: "ts",
                    reason: "is not a Unix timestamp",
                });
            }
        };
        let auth = match fields.get("auth") {
            None | Some(Value::Null) => return Err(EventError::MissingField { field: "auth" }),
            Some(Value::Object(auth)) => EventAuth::read(auth)?,
            // PHP's empty array: an `auth` block without anything in it.
            Some(Value::Array(items)) if items.is_empty() => {
                return Err(EventError::MissingField {
                    field: "auth[application_token]",
                });
            }
            Some(_) => {
                return Err(EventError::InvalidField {
                    field: "auth",
                    reason: "is not an object",
                });
            }
        };
        let data = match fields.remove("data") {
            None | Some(Value::Null) => Value::Object(Map::new()),
            Some(Value::Array(items)) if items.is_empty() => Value::Object(Map::new()),
            Some(data) => data,
        };
        Ok(Self {
            code,
            handler_id,
            ts,
            data,
            auth,
        })
    }
}

/// A verified event with its `data` decoded as `P`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Event<P> {
    /// The event code, upper case (`ONCRMDEALADD`).
    pub code: String,
    /// `event_handler_id`: the binding that delivered the event.
    pub handler_id: Option<u64>,
    /// `ts`: when the queue sent the event, Unix seconds.
    pub ts: Option<i64>,
    /// The event's payload.
    pub data: P,
    /// The `auth` block (its `application_token` already checked).
    pub auth: EventAuth,
}

impl<P: EventPayload> Event<P> {
    /// Parse, verify and decode in one step, for a handler URL that receives one event.
    pub fn parse_verified(
        content_type: Option<&str>,
        body: &[u8],
        application_token: &Secret,
    ) -> Result<Self, EventError> {
        RawEvent::parse_verified(content_type, body, application_token)?.decode()
    }
}

/// Decode an event's `data` (or an offline record's `EVENT_DATA`) as `P`'s payload.
pub(super) fn decode_payload<P: EventPayload>(code: &str, data: &Value) -> Result<P, EventError> {
    if !code.eq_ignore_ascii_case(P::CODE) {
        return Err(EventError::CodeMismatch {
            expected: P::CODE,
            found: code.chars().take(CODE_IN_ERRORS).collect(),
        });
    }
    serde_path_to_error::deserialize(data).map_err(|err| {
        let path = err.path().to_string();
        EventError::Payload {
            code: P::CODE.to_owned(),
            path: if path == "." {
                "data".to_owned()
            } else {
                format!("data.{path}")
            },
            reason: err.into_inner().to_string(),
        }
    })
}

/// How an event body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyFormat {
    Form,
    Json,
}

fn body_format(content_type: Option<&str>, body: &[u8]) -> Result<BodyFormat, EventError> {
    let mime = content_type
        .and_then(|value| value.split(';').next())
        .map(|mime| mime.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match mime.as_str() {
        "application/x-www-form-urlencoded" => Ok(BodyFormat::Form),
        "application/json" | "text/json" => Ok(BodyFormat::Json),
        mime if mime.ends_with("+json") => Ok(BodyFormat::Json),
        "" | "text/plain" | "application/octet-stream" => {
            let first = body.iter().find(|byte| !byte.is_ascii_whitespace());
            Ok(if first == Some(&b'{') {
                BodyFormat::Json
            } else {
                BodyFormat::Form
            })
        }
        _ => Err(EventError::MalformedBody {
            reason: "the content type is neither a form nor JSON".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_content_type_or_sniffing() {
        let form = Some("application/x-www-form-urlencoded; charset=UTF-8");
        assert_eq!(body_format(form, b"{}").unwrap(), BodyFormat::Form);
        assert_eq!(
            body_format(Some("Application/JSON"), b"a=1").unwrap(),
            BodyFormat::Json
        );
        assert_eq!(
            body_format(Some("application/vnd.api+json"), b"").unwrap(),
            BodyFormat::Json
        );
        assert_eq!(
            body_format(None, b"  \n{\"a\":1}").unwrap(),
            BodyFormat::Json
        );
        assert_eq!(body_format(None, b"event=X").unwrap(), BodyFormat::Form);
        assert_eq!(
            body_format(Some("text/plain"), b"{").unwrap(),
            BodyFormat::Json
        );
        assert!(matches!(
            body_format(Some("multipart/form-data; boundary=x"), b""),
            Err(EventError::MalformedBody { .. })
        ));
    }
}
