//! A method for the batch tests: `x.y` with whatever parameters it is given.

use serde::Serialize;
use serde_json::Value;

use crate::method::{ApiVersion, CallKind, Method};

#[derive(Serialize)]
pub(super) struct Raw(pub(super) Value);

impl Method for Raw {
    const NAME: &'static str = "x.y";
    const SCOPE: Option<&'static str> = None;
    const KIND: CallKind = CallKind::Read;
    const API: ApiVersion = ApiVersion::Classic;
    type Response = Value;
}
