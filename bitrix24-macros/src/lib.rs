//! The `#[bitrix_method]` attribute: turns a request struct into a callable Bitrix24
//! REST method by implementing `Method` (and `ListMethod`) for it.
//!
//! Use it through `bitrix24_types::bitrix_method`; the emitted code names everything
//! through `bitrix24_types::__private`, so an application needs no other dependency.

mod args;
mod diag;
mod expand;
mod record;

use proc_macro::TokenStream;

/// Implement `Method` (and, with `list(...)`, `ListMethod`) for a request struct.
///
/// ```
/// use bitrix24_types::{CallKind, ListMethod, Method, Records, bitrix_method};
///
/// #[derive(Debug, serde::Deserialize)]
/// pub struct Deal {
///     #[serde(rename = "ID")]
///     pub id: String,
/// }
///
/// #[bitrix_method(
///     "crm.deal.list",              // required, first: the REST method name
///     scope = "crm",                // optional: the permission scope (default: none)
///     kind = read,                  // optional: read | idempotent | write (default: write)
///     api = classic,                // optional: classic | v3 (default: classic)
///     response = Vec<Deal>,         // required: what the envelope's `result` decodes into
///     list(record = Deal, records = result, id = "ID", fast_path), // optional, see below
///     crate = ::bitrix24_types,     // optional: where `bitrix24_types` is (default shown)
/// )]
/// #[derive(Debug, Default, serde::Serialize)]
/// pub struct CrmDealList {
///     #[serde(skip_serializing_if = "Option::is_none")]
///     pub start: Option<i64>,
/// }
///
/// assert_eq!(CrmDealList::NAME, "crm.deal.list");
/// assert_eq!(CrmDealList::SCOPE, Some("crm"));
/// assert_eq!(CrmDealList::KIND, CallKind::Read);
/// assert_eq!(CrmDealList::RECORDS, Records::Result);
///
/// let mut request = CrmDealList::default();
/// request.set_start(Some(50));
/// assert_eq!(request.start, Some(50));
/// ```
///
/// # Arguments
///
/// - **method name** (required, first): a string literal of dot-separated segments of
///   ASCII letters, digits and `_` (`"batch"`, `"user.get"`,
///   `"imopenlines.crm.chat.getLastId"`).
/// - `scope = "crm"`: `Method::SCOPE` becomes `Some("crm")`; without it, `None`.
/// - `kind = read | idempotent | write`: `Method::KIND`, which decides whether the
///   transport may repeat a call whose fate is unknown. Defaults to `write`, which is
///   never repeated: forgetting `kind` can cost a retry, never a duplicate deal.
/// - `api = classic | v3`: `Method::API`; defaults to `classic`.
/// - `response = Type` (required): `Method::Response`.
/// - `list(...)`: also implement `ListMethod`. Inside:
///   - `record = Type` (required): `ListMethod::Record`;
///   - `records = result` (default) or `records = "key"`: where the records sit in
///     `result` (`Records::Result` / `Records::Key("key")`); with a key, the response type
///     must implement `IntoRecords<Record>`;
///   - `id = "ID"`: the record's ID field on the wire (default `"ID"`);
///   - `id_param = "ID"`: the ID's name in `filter`, `order` and `select` when it is not
///     the record's (`tasks.task.list` filters by `ID` and returns `id`; default: `id`'s);
///   - `filter_param = "FILTER"`, `order_param = "SORT"`, `select_param = "SELECT"`: the
///     names the method takes its filter, order and select by, where they are not
///     `filter`, `order` and `select` (`entity.item.get`); the fast path writes there;
///   - `sort_param = "sort"`: the list sorts by the one field named in this parameter and
///     takes the direction alone in its order parameter (`user.get`: `sort: "ID"`,
///     `order: "ASC"`), where the fast path sorts by ID;
///   - `fast_path`: a bare flag, the documented fast path applies (default: off);
///   - `counted`: a bare flag, the list's pages are always counted (`start=-1` is not
///     documented for it), so the fast path sends `start=0` (default: off).
///
///   `set_start` assigns `self.start`, so the struct needs a field `start: Option<i64>`.
/// - `requires = ["fields.TITLE", ...]`: `Method::REQUIRED`, dotted paths of wire names
///   the request must carry though its type lets them be unset (a record its reads and
///   writes share); the client refuses to send the request without them.
/// - `crate = path`: where the `bitrix24_types` crate (or a module re-exporting all of
///   it, including its hidden `__private` module) is; defaults to `::bitrix24_types`.
///
/// The struct itself must implement `serde::Serialize` (derive it): its output is the
/// method's parameters. Named-field, tuple and unit structs are accepted (a unit struct is
/// a method without parameters), generics included. Every problem in the attribute is
/// reported at once, each at the tokens it is about.
#[proc_macro_attribute]
pub fn bitrix_method(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::bitrix_method(args.into(), item.into()).into()
}

/// serde's `Deserialize` for a generated record, reading each field leniently through
/// `wire::Lenient` (a missing key or "nothing" is `None` for an `Option` field, the error
/// `missing field` / `a value is required here` for another), and keeping the keys the
/// struct does not list in its `#[serde(flatten)]` map (`extra`).
///
/// Unlike serde's derive with `flatten`, known keys are read straight into their fields
/// and only unknown ones are kept, in one pass: no buffering of the whole record. It
/// reads the struct's `rename_all` and the fields' `rename` and `flatten` from their
/// `#[serde(...)]` attributes (which `Serialize` shares); the expansion names
/// `::bitrix24_types`.
///
/// ```
/// use std::collections::BTreeMap;
/// use bitrix24_types::LenientDeserialize;
///
/// #[derive(Debug, LenientDeserialize)]
/// #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
/// struct Deal {
///     id: u64,
///     #[serde(rename = "OPPORTUNITY")]
///     amount: Option<f64>,
///     title: Option<String>,
///     #[serde(flatten)]
///     extra: BTreeMap<String, serde_json::Value>,
/// }
///
/// let deal: Deal = serde_json::from_str(
///     r#"{"ID": "7", "OPPORTUNITY": "10.50", "TITLE": "", "UF_CRM_1": [1]}"#,
/// )?;
/// assert_eq!((deal.id, deal.amount, deal.title), (7, Some(10.5), None));
/// assert_eq!(deal.extra["UF_CRM_1"], serde_json::json!([1]));
/// let err = serde_json::from_str::<Deal>(r#"{"TITLE": "x"}"#).unwrap_err();
/// assert!(err.to_string().contains("missing field `ID`"), "{err}");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[proc_macro_derive(LenientDeserialize, attributes(serde))]
pub fn lenient_deserialize(item: TokenStream) -> TokenStream {
    record::derive(item.into()).into()
}
