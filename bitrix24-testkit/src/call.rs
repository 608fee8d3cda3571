//! What a method call gives back: its result or its error reply, and who called it.

use serde_json::{Value, json};

use crate::payload::Payload;

/// A method's successful result.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub(crate) result: Payload,
    pub(crate) total: Option<u64>,
    pub(crate) next: Option<u64>,
    /// The call changed the portal (counted in `Stats::executed_writes`).
    pub(crate) write: bool,
}

impl Outcome {
    pub(crate) fn read(result: impl Into<Payload>) -> Self {
        Self {
            result: result.into(),
            total: None,
            next: None,
            write: false,
        }
    }

    pub(crate) fn write(result: impl Into<Payload>) -> Self {
        Self {
            write: true,
            ..Self::read(result)
        }
    }
}

/// A method's error reply: `{"error": code, "error_description": description}`.
#[derive(Debug, Clone)]
pub(crate) struct CallError {
    pub(crate) status: u16,
    pub(crate) code: String,
    pub(crate) description: String,
}

impl CallError {
    pub(crate) fn new(status: u16, code: &str, description: &str) -> Self {
        Self {
            status,
            code: code.to_owned(),
            description: description.to_owned(),
        }
    }

    /// 400 with an empty code: how the classic CRM methods refuse a call (`ID is not
    /// defined or invalid.`, `Not found`).
    pub(crate) fn crm(description: &str) -> Self {
        Self::new(400, "", description)
    }

    pub(crate) fn method_not_found(method: &str) -> Self {
        Self::new(
            404,
            "ERROR_METHOD_NOT_FOUND",
            &format!("Method not found! ({method})"),
        )
    }

    pub(crate) fn body(&self) -> Value {
        json!({"error": self.code, "error_description": self.description})
    }
}

/// What running one method gives.
pub(crate) type CallResult = Result<Outcome, CallError>;

/// Who is calling: the user of the webhook or of the token.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caller {
    pub(crate) user_id: u64,
}

/// The reply object of an outcome: `result` and the extra fields (`total`, `next`).
pub(crate) fn success_body(outcome: Outcome) -> Vec<(String, Payload)> {
    let mut body = vec![("result".to_owned(), outcome.result)];
    if let Some(total) = outcome.total {
        body.push(("total".into(), json!(total).into()));
    }
    if let Some(next) = outcome.next {
        body.push(("next".into(), json!(next).into()));
    }
    body
}
