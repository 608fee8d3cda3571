//! REST 3.0 replies: `{"error": {"code", "message", "validation"}}` with the documented
//! `BITRIX_REST_V3_EXCEPTION_*` codes and statuses, and a reply with its extra headers.

use serde_json::{Map, Value, json};

/// A REST 3.0 error reply.
#[derive(Debug, Clone)]
pub(crate) struct V3Error {
    pub(crate) status: u16,
    pub(super) code: String,
    message: String,
    validation: Vec<(String, String)>,
}

impl V3Error {
    /// `BITRIX_REST_V3_EXCEPTION_{suffix}`.
    pub(crate) fn new(status: u16, suffix: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: format!("BITRIX_REST_V3_EXCEPTION_{suffix}"),
            message: message.into(),
            validation: Vec::new(),
        }
    }

    /// 404 `ERROR_METHOD_NOT_FOUND` for a method this portal does not serve at `/rest/api/`.
    pub(crate) fn method_not_found(method: &str) -> Self {
        Self {
            status: 404,
            code: "ERROR_METHOD_NOT_FOUND".into(),
            message: format!("Method not found! ({method})"),
            validation: Vec::new(),
        }
    }

    /// 400 `..._INVALIDJSONEXCEPTION`: the body is not a JSON object.
    pub(crate) fn invalid_json() -> Self {
        Self::new(
            400,
            "INVALIDJSONEXCEPTION",
            "Invalid JSON in the request body",
        )
    }

    /// 400 request validation with one entry per field.
    pub(super) fn validation(issues: Vec<(String, String)>) -> Self {
        Self {
            validation: issues,
            ..Self::new(
                400,
                "VALIDATION_REQUESTVALIDATIONEXCEPTION",
                "Error validating request object",
            )
        }
    }

    pub(super) fn field(field: &str, message: impl Into<String>) -> Self {
        Self::validation(vec![(field.to_owned(), message.into())])
    }

    pub(super) fn required(field: &str) -> Self {
        Self::field(field, format!("Required field `{field}` is not specified"))
    }

    pub(super) fn wrong_type(field: &str, expected: &str) -> Self {
        Self::field(
            field,
            format!("Field `{field}` requires data type `{expected}` for this request"),
        )
    }

    pub(super) fn access_denied() -> Self {
        Self::new(403, "ACCESSDENIEDEXCEPTION", "Access denied")
    }

    pub(super) fn unknown_property(field: &str, entity: &str) -> Self {
        Self::new(
            400,
            "UNKNOWNDTOPROPERTYEXCEPTION",
            format!("Unknown field `{field}` for entity `{entity}`"),
        )
    }

    /// `{"error": {"code", "message", "validation"?}}`.
    pub(crate) fn body(&self) -> Value {
        let mut error = Map::new();
        error.insert("code".into(), json!(self.code));
        error.insert("message".into(), json!(self.message));
        if !self.validation.is_empty() {
            let issues: Vec<Value> = self
                .validation
                .iter()
                .map(|(field, message)| json!({"message": message, "field": field}))
                .collect();
            error.insert("validation".into(), Value::Array(issues));
        }
        json!({ "error": error })
    }
}

/// A REST 3.0 reply: status, body (`result` or `error`; the server adds `time`) and
/// extra headers.
#[derive(Debug)]
pub(crate) struct V3Reply {
    pub(crate) status: u16,
    pub(crate) body: Value,
    pub(crate) headers: Vec<(&'static str, String)>,
}

impl V3Reply {
    pub(crate) fn error(err: &V3Error) -> Self {
        Self {
            status: err.status,
            body: err.body(),
            headers: Vec::new(),
        }
    }
}
