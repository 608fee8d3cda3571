//! The `result` shapes of REST 3.0's unified response format (`api-reference/rest-v3.md`).
//!
//! Every REST 3.0 method wraps its data the same way: one record as `{"item": {...}}`, a
//! list as `{"items": [...]}`, the outcome of an operation as `{"result": true}`. A
//! [`Method`](crate::Method) with [`ApiVersion::V3`](crate::ApiVersion::V3) names one of
//! these as its `Response`. Errors come as `{"error": {"code", "message", "validation"}}`
//! and are read into [`ApiError`](crate::ApiError) like classic ones.
//!
//! ```
//! use bitrix24_transport::v3::{Flag, Item};
//! use bitrix24_transport::{ApiVersion, CallKind, Method, decode_response};
//!
//! #[derive(serde::Serialize)]
//! struct TaskDelete { id: u64 }
//! impl Method for TaskDelete {
//!     const NAME: &'static str = "tasks.task.delete";
//!     const SCOPE: Option<&'static str> = Some("task");
//!     const KIND: CallKind = CallKind::IdempotentWrite;
//!     const API: ApiVersion = ApiVersion::V3;
//!     type Response = Flag;
//! }
//!
//! let reply = decode_response::<TaskDelete>(br#"{"result":{"result":true}}"#, Some(200)).unwrap();
//! assert!(reply.result.result);
//! let item: Item<serde_json::Value> = serde_json::from_str(r#"{"item":{"id":42}}"#).unwrap();
//! assert_eq!(item.item["id"], 42);
//! ```

use serde::{Deserialize, Serialize};

/// One record: `{"item": {...}}` (`*.get`, `*.add`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item<T> {
    /// The record.
    pub item: T,
}

/// A list: `{"items": [...]}` (`*.list`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Items<T> {
    /// The records; absent is read as none.
    #[serde(default = "Vec::new")]
    pub items: Vec<T>,
}

/// The outcome of an operation: `{"result": true}` (`*.update`, `*.delete`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    /// Whether the operation succeeded.
    pub result: bool,
}

impl<R> crate::method::IntoRecords<R> for Items<R> {
    fn into_records(self) -> Vec<R> {
        self.items
    }
}
