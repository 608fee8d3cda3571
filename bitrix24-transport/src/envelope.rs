//! The envelope every Bitrix24 reply is wrapped in, and decoding it.

use std::sync::Arc;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::decode::decode_at;
use crate::error::{ApiError, ApiErrorCode, DecodeError};
use crate::method::Method;

/// The `time` object of a reply: how long the call took and how much of the method's
/// operating-time budget it used (see the operation limit in the docs' `limits.md`).
///
/// Every field is optional: its composition varies by method and environment.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct Time {
    /// Unix time (seconds, fractional) the request started.
    #[serde(deserialize_with = "bitrix24_wire::lenient")]
    pub start: Option<f64>,
    /// Unix time (seconds, fractional) the request finished.
    #[serde(deserialize_with = "bitrix24_wire::lenient")]
    pub finish: Option<f64>,
    /// `finish - start`, in seconds.
    #[serde(deserialize_with = "bitrix24_wire::lenient")]
    pub duration: Option<f64>,
    /// Time spent processing, in seconds.
    #[serde(deserialize_with = "bitrix24_wire::lenient")]
    pub processing: Option<f64>,
    /// The start as text with the portal's offset.
    #[serde(deserialize_with = "bitrix24_wire::lenient")]
    pub date_start: Option<String>,
    /// The finish as text with the portal's offset.
    #[serde(deserialize_with = "bitrix24_wire::lenient")]
    pub date_finish: Option<String>,
    /// Unix time when part of the method's operating-time budget is released.
    #[serde(deserialize_with = "bitrix24_wire::lenient")]
    pub operating_reset_at: Option<f64>,
    /// The method's accumulated execution time in the current window, in seconds.
    #[serde(deserialize_with = "bitrix24_wire::lenient")]
    pub operating: Option<f64>,
}

/// A successful reply: the decoded `result` plus the envelope around it.
#[derive(Debug, Clone, PartialEq)]
pub struct Response<T> {
    /// The method's result.
    pub result: T,
    /// For list methods: how many records match in all.
    pub total: Option<u64>,
    /// For list methods: the `start` of the next page, absent on the last page.
    pub next: Option<u64>,
    /// Timing and operating-budget information.
    pub time: Option<Time>,
}

/// The envelope as it arrives, with `result` as `R`: left undecoded (`&RawValue`) to
/// look at the error first, or decoded at once.
#[derive(Deserialize)]
#[serde(bound(deserialize = "R: Deserialize<'de>"))]
struct Envelope<R> {
    // `"result": null` is a result (documented for some deletes), not a missing key.
    #[serde(default = "Option::default", deserialize_with = "present")]
    result: Option<R>,
    // `total`/`next` arrive as numbers, but some portals send them as strings.
    #[serde(default, deserialize_with = "bitrix24_wire::scalar::informational")]
    total: Option<u64>,
    #[serde(default, deserialize_with = "bitrix24_wire::scalar::informational")]
    next: Option<u64>,
    #[serde(default, deserialize_with = "lenient_time")]
    time: Option<Time>,
    #[serde(default)]
    error: Option<serde_json::Value>,
    #[serde(default)]
    error_description: Option<serde_json::Value>,
}

/// Decode a whole reply body for method `M`.
///
/// An error envelope becomes `Err(Ok(ApiError))`; a body that is not the documented
/// shape (HTML, empty, wrong types) becomes `Err(Err(DecodeError))` naming the JSON path.
///
/// ```
/// use bitrix24_transport::{decode_response, Method, CallKind, ApiVersion};
///
/// #[derive(serde::Serialize)]
/// struct Delete { id: u64 }
/// impl Method for Delete {
///     const NAME: &'static str = "crm.deal.delete";
///     const SCOPE: Option<&'static str> = Some("crm");
///     const KIND: CallKind = CallKind::IdempotentWrite;
///     const API: ApiVersion = ApiVersion::Classic;
///     type Response = bool;
/// }
///
/// let reply = decode_response::<Delete>(br#"{"result":true,"time":{"start":1.5}}"#, None).unwrap();
/// assert!(reply.result);
/// assert_eq!(reply.time.unwrap().start, Some(1.5));
/// ```
pub fn decode_response<M: Method>(
    body: &[u8],
    status: Option<u16>,
) -> Result<Response<M::Response>, Result<ApiError, DecodeError>> {
    decode_named::<M::Response>(M::NAME, body, status)
}

/// [`decode_response`] for a method known only by name (the untyped call path).
pub fn decode_named<T: DeserializeOwned>(
    method: &str,
    body: &[u8],
    status: Option<u16>,
) -> Result<Response<T>, Result<ApiError, DecodeError>> {
    let decode_error = |path: String, reason: String| {
        Err(DecodeError {
            method: method.to_owned(),
            path,
            reason,
        })
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(decode_error(".".into(), "the body is empty".into()));
    }
    // Nearly every reply is a result of the right shape: read in one pass. Anything else
    // (an error, a wrong shape, no JSON) is read again in two, to say which and where.
    if let Some(response) = whole(serde_json::from_slice::<Envelope<T>>(body)) {
        return Ok(response);
    }
    decode_again(method, body, status)
}

/// [`decode_named`] of a body known to be UTF-8, read as text: the records a list result
/// keeps as they came ([`RawRecord`](crate::RawRecord)) are ranges of `body`, neither
/// copied out nor checked as UTF-8 a second time.
pub(crate) fn decode_shared<T: DeserializeOwned>(
    method: &str,
    body: &Arc<crate::record::Body>,
    status: Option<u16>,
) -> Result<Response<T>, Result<ApiError, DecodeError>> {
    crate::record::sharing(body, || {
        match whole(serde_json::from_str::<Envelope<T>>(body)) {
            Some(response) => Ok(response),
            // Empty, an error or a wrong shape: read again as any reply, to say which.
            None if body.trim_ascii().is_empty() => decode_named(method, body.as_bytes(), status),
            None => decode_again(method, body.as_bytes(), status),
        }
    })
}

/// The reply of the one pass, when it is a result of the right shape.
fn whole<T>(envelope: serde_json::Result<Envelope<T>>) -> Option<Response<T>> {
    match envelope {
        Ok(Envelope {
            result: Some(result),
            error: None,
            total,
            next,
            time,
            ..
        }) => Some(Response {
            result,
            total,
            next,
            time,
        }),
        _ => None,
    }
}

/// A reply that is not a result of the right shape, read again: which error it holds, or
/// where it is wrong.
fn decode_again<T: DeserializeOwned>(
    method: &str,
    body: &[u8],
    status: Option<u16>,
) -> Result<Response<T>, Result<ApiError, DecodeError>> {
    let decode_error = |path: String, reason: String| {
        Err(DecodeError {
            method: method.to_owned(),
            path,
            reason,
        })
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let envelope: Envelope<&RawValue> = match serde_path_to_error::deserialize(&mut de) {
        Ok(envelope) => envelope,
        Err(err) => {
            let path = err.path().to_string();
            return Err(decode_error(path, describe_body_error(body, err.inner())));
        }
    };
    if let Some(error) = envelope.error {
        let (code, description) = match &error {
            // REST 3.0 (rest-v3.md): `{"error": {"code", "message", "validation"}}`.
            serde_json::Value::Object(map) => v3_error(map),
            // Classic: `{"error": CODE, "error_description": TEXT}`.
            other => (
                json_text(other),
                envelope.error_description.map(|text| json_text(&text)),
            ),
        };
        return Err(Ok(ApiError {
            method: method.to_owned(),
            code: ApiErrorCode::from_wire(&code),
            description: description.filter(|text| !text.is_empty()),
            status,
        }));
    }
    let Some(raw) = envelope.result else {
        return Err(decode_error(
            ".".into(),
            "the reply has neither `result` nor `error`".into(),
        ));
    };
    let result = decode_at(method, raw.get(), || "result".to_owned()).map_err(Err)?;
    Ok(Response {
        result,
        total: envelope.total,
        next: envelope.next,
        time: envelope.time,
    })
}

/// The code and the description of a REST 3.0 error object. The description is the
/// `message`, followed by each `validation` entry as `` `field`: message `` so that the
/// error names the parameter at fault (`Error validating request object: `id`: Required
/// field `id` is not specified`).
fn v3_error(map: &serde_json::Map<String, serde_json::Value>) -> (String, Option<String>) {
    let code = map.get("code").map(json_text).unwrap_or_default();
    let mut description = map.get("message").map(json_text).unwrap_or_default();
    let issues = map
        .get("validation")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten();
    for (i, issue) in issues.enumerate() {
        let text = |key: &str| issue.get(key).map(json_text).unwrap_or_default();
        let (field, message) = match issue {
            serde_json::Value::Object(_) => (text("field"), text("message")),
            other => (String::new(), json_text(other)),
        };
        description.push_str(if i == 0 && !description.is_empty() {
            ": "
        } else if i == 0 {
            ""
        } else {
            "; "
        });
        if !field.is_empty() {
            description.push_str(&format!("`{field}`: "));
        }
        description.push_str(&message);
    }
    (code, Some(description))
}

/// An error code or description as text, whatever JSON type the portal used.
fn json_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Explain a body that is not a JSON envelope, without echoing it (it may hold secrets).
fn describe_body_error(body: &[u8], err: &serde_json::Error) -> String {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map(|i| body[i])
        .unwrap_or(b' ');
    if start == b'<' {
        "the body is an HTML or XML page, not JSON".to_owned()
    } else {
        format!("the body is not a JSON envelope: {err}")
    }
}

/// A key that is there, whatever its value (`null` included).
fn present<'de, D: serde::Deserializer<'de>, R: Deserialize<'de>>(
    de: D,
) -> Result<Option<R>, D::Error> {
    R::deserialize(de).map(Some)
}

/// `time.operating_reset_at` of a reply whose body is otherwise unread (an error reply),
/// if it has one.
pub(crate) fn operating_reset_at(body: &[u8]) -> Option<f64> {
    #[derive(Deserialize)]
    struct Reply {
        #[serde(default, deserialize_with = "lenient_time")]
        time: Option<Time>,
    }
    serde_json::from_slice::<Reply>(body)
        .ok()?
        .time?
        .operating_reset_at
}

/// A `time` object that is malformed is dropped rather than failing the whole call:
/// it is informative, and the call itself succeeded.
fn lenient_time<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Option<Time>, D::Error> {
    let value = serde_json::Value::deserialize(de)?;
    Ok(serde_json::from_value(value).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(body: &str) -> ApiError {
        match decode_named::<serde_json::Value>("tasks.task.add", body.as_bytes(), Some(400)) {
            Err(Ok(error)) => error,
            other => panic!("expected an API error, got {other:?}"),
        }
    }

    #[test]
    fn rest_v3_errors_name_the_code_message_and_fields() {
        let error = error_of(
            r#"{"error":{"code":"BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
                "message":"Error validating request object",
                "validation":[{"message":"Required field `title` is not specified","field":"title"},
                              {"message":"Field `deadline` requires data type `DateTime`","field":"deadline"}]}}"#,
        );
        assert_eq!(
            error.code.as_wire(),
            "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION"
        );
        assert_eq!(
            error.description.as_deref(),
            Some(
                "Error validating request object: `title`: Required field `title` is not specified; \
                 `deadline`: Field `deadline` requires data type `DateTime`"
            )
        );
        assert_eq!(error.status, Some(400));
        assert!(
            error
                .to_string()
                .starts_with("tasks.task.add: BITRIX_REST_V3_")
        );

        let error = error_of(r#"{"error":{"code":"ERROR_METHOD_NOT_FOUND","message":""}}"#);
        assert_eq!(error.code, ApiErrorCode::MethodNotFound);
        assert_eq!(error.description, None);
        let error = error_of(r#"{"error":{"validation":["odd", 5]}}"#);
        assert_eq!(error.code.as_wire(), "");
        assert_eq!(error.description.as_deref(), Some("odd; 5"));
    }

    #[test]
    fn classic_errors_are_unchanged() {
        let error = error_of(r#"{"error":"ACCESS_DENIED","error_description":"no"}"#);
        assert_eq!(error.code, ApiErrorCode::AccessDenied);
        assert_eq!(error.description.as_deref(), Some("no"));
    }
}
