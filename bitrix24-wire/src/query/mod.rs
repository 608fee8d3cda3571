//! Checked `select`, `order` and `filter` of list methods.
//!
//! A list method's records have a field enum ([`RecordField`]; the generator writes one
//! per record type, `DealField`), and the list's `select`, `order` and `filter` take
//! those fields, so a misspelled field name is a compile error rather than a filter the
//! portal ignores. A portal's own fields (`UF_CRM_*`), which no spec can list, go through
//! [`CustomField`].
//!
//! Each serialises to what the portal reads: [`Select`] to `["ID","TITLE"]`, [`Order`] to
//! `{"ID":"ASC"}`, [`Filter`] to `{"=STAGE_ID":"NEW",">ID":100}`, with the operators of
//! crm-deal-list.md and crm-item-list.md.
//!
//! ```
//! use bitrix24_wire::query::{Filter, Order, RecordField, Select, CustomField};
//!
//! #[derive(Debug, Clone, Copy, PartialEq, Eq)]
//! enum DealField { Id, StageId, Title }
//! impl RecordField for DealField {
//!     fn name(&self) -> &'static str {
//!         match self { Self::Id => "ID", Self::StageId => "STAGE_ID", Self::Title => "TITLE" }
//!     }
//! }
//!
//! let select = Select::new([DealField::Id, DealField::Title]).and(CustomField::new("UF_CRM_1"));
//! let order = Order::new().desc(DealField::Id);
//! let filter = Filter::new().eq(DealField::StageId, "NEW").gt(DealField::Id, 100);
//! assert_eq!(serde_json::to_value(&select).unwrap(), serde_json::json!(["ID", "TITLE", "UF_CRM_1"]));
//! assert_eq!(serde_json::to_value(&order).unwrap(), serde_json::json!({"ID": "DESC"}));
//! assert_eq!(
//!     serde_json::to_value(&filter).unwrap(),
//!     serde_json::json!({"=STAGE_ID": "NEW", ">ID": 100})
//! );
//! ```

mod field;
mod filter;
mod order;
mod select;

pub use field::{CustomField, Field, RecordField};
pub use filter::{Filter, Op};
pub use order::{Direction, Order};
pub use select::Select;
