//! `#[bitrix_method]` applied to real structs: the trait consts and behaviour it yields.

use bitrix24_types::{
    ApiVersion, CallKind, IntoRecords, ListMethod, Method, Records, bitrix_method,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, PartialEq, Deserialize)]
struct Deal {
    #[serde(rename = "ID")]
    id: String,
}

#[bitrix_method("crm.deal.add", scope = "crm", response = i64)]
#[derive(Debug, Serialize)]
struct CrmDealAdd {
    fields: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    params: Option<serde_json::Value>,
}

#[test]
fn method_consts_and_defaults() {
    assert_eq!(<CrmDealAdd as Method>::NAME, "crm.deal.add");
    assert_eq!(<CrmDealAdd as Method>::SCOPE, Some("crm"));
    // The safe defaults: never retried blindly, classic API.
    assert_eq!(<CrmDealAdd as Method>::KIND, CallKind::Write);
    assert_eq!(<CrmDealAdd as Method>::API, ApiVersion::Classic);
    let response: <CrmDealAdd as Method>::Response = serde_json::from_value(json!(42)).unwrap();
    assert_eq!(response, 42_i64);
}

#[bitrix_method(
    "crm.quote.add",
    scope = "crm",
    response = u64,
    requires = ["fields.TITLE", "fields.COMPANY_ID"]
)]
#[derive(Debug, Serialize)]
struct CrmQuoteAdd {
    fields: serde_json::Value,
}

#[test]
fn required_paths_are_the_methods_and_none_by_default() {
    assert_eq!(
        <CrmQuoteAdd as Method>::REQUIRED,
        ["fields.TITLE", "fields.COMPANY_ID"]
    );
    assert!(<CrmDealAdd as Method>::REQUIRED.is_empty());
}

#[test]
fn the_struct_is_left_as_written() {
    let request = CrmDealAdd {
        fields: json!({"TITLE": "New Deal"}),
        params: None,
    };
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"fields": {"TITLE": "New Deal"}})
    );
}

#[bitrix_method("user.current", kind = read, api = v3, response = serde_json::Value)]
#[derive(Debug, Serialize)]
struct UserCurrent;

#[test]
fn unit_struct_is_a_method_without_parameters() {
    assert_eq!(UserCurrent::NAME, "user.current");
    assert_eq!(UserCurrent::SCOPE, None);
    assert_eq!(UserCurrent::KIND, CallKind::Read);
    assert_eq!(UserCurrent::API, ApiVersion::V3);
    assert_eq!(serde_json::to_value(UserCurrent).unwrap(), json!(null));
}

#[bitrix_method("crm.deal.update", kind = idempotent, response = bool)]
#[derive(Debug, Serialize)]
struct CrmDealUpdate(#[serde(rename = "id")] i64);

#[test]
fn tuple_struct_and_idempotent_kind() {
    assert_eq!(CrmDealUpdate::KIND, CallKind::IdempotentWrite);
    assert!(CrmDealUpdate::KIND.is_retry_safe());
    assert_eq!(serde_json::to_value(CrmDealUpdate(7)).unwrap(), json!(7));
}

#[bitrix_method(
    "crm.deal.list",
    scope = "crm",
    kind = read,
    response = Vec<Deal>,
    list(record = Deal, fast_path),
)]
#[derive(Debug, Default, Serialize)]
struct CrmDealList {
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<i64>,
    select: Vec<String>,
}

#[test]
fn list_method_defaults_and_set_start() {
    assert_eq!(CrmDealList::RECORDS, Records::Result);
    assert_eq!(CrmDealList::ID_FIELD, "ID");
    // Unless given, the ID's parameter name is the field's and pages skip counting.
    assert_eq!(CrmDealList::ID_PARAM, "ID");
    const { assert!(CrmDealList::FAST_PATH && !CrmDealList::COUNTED) };

    let mut request = CrmDealList::default();
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"select": []})
    );
    request.set_start(Some(-1));
    assert_eq!(request.start, Some(-1));
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"start": -1, "select": []})
    );
    request.set_start(None);
    assert_eq!(request.start, None);
}

#[test]
fn list_method_into_records_from_result() {
    let result: Vec<Deal> = serde_json::from_value(json!([{"ID": "1"}, {"ID": "2"}])).unwrap();
    let records = CrmDealList::into_records(result);
    assert_eq!(records, [Deal { id: "1".into() }, Deal { id: "2".into() }]);
}

#[derive(Debug, PartialEq, Deserialize)]
struct Task {
    id: String,
}

#[derive(Debug, Deserialize)]
struct TaskPage {
    tasks: Vec<Task>,
}

impl IntoRecords<Task> for TaskPage {
    fn into_records(self) -> Vec<Task> {
        self.tasks
    }
}

#[bitrix_method(
    "tasks.task.list",
    scope = "task",
    kind = read,
    response = TaskPage,
    list(record = Task, records = "tasks", id = "id", id_param = "ID", fast_path, counted),
)]
#[derive(Debug, Default, Serialize)]
struct TasksTaskList {
    start: Option<i64>,
}

#[test]
fn list_method_with_records_under_a_key() {
    assert_eq!(TasksTaskList::RECORDS, Records::Key("tasks"));
    assert_eq!(TasksTaskList::ID_FIELD, "id");
    assert_eq!(TasksTaskList::ID_PARAM, "ID");
    const { assert!(TasksTaskList::FAST_PATH && TasksTaskList::COUNTED) };

    let page: TaskPage = serde_json::from_value(json!({"tasks": [{"id": "5"}]})).unwrap();
    assert_eq!(TasksTaskList::into_records(page), [Task { id: "5".into() }]);

    let mut request = TasksTaskList::default();
    request.set_start(Some(100));
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"start": 100})
    );
}

#[bitrix_method(
    "sonet_group.get",
    kind = read,
    response = Vec<Deal>,
    list(record = Deal, filter_param = "FILTER", order_param = "ORDER", fast_path),
)]
#[derive(Debug, Default, Serialize)]
struct SonetGroupGet {
    start: Option<i64>,
}

#[test]
fn list_method_taking_its_filter_and_order_by_other_names() {
    assert_eq!(SonetGroupGet::FILTER_PARAM, "FILTER");
    assert_eq!(SonetGroupGet::ORDER_PARAM, "ORDER");
    // What is not given keeps the trait's default.
    assert_eq!(SonetGroupGet::SELECT_PARAM, "select");
    assert_eq!(CrmDealList::FILTER_PARAM, "filter");
    assert_eq!(SonetGroupGet::SORT_PARAM, None);
}

#[bitrix_method(
    "user.get",
    kind = read,
    response = Vec<Deal>,
    list(record = Deal, filter_param = "FILTER", sort_param = "sort", fast_path),
)]
#[derive(Debug, Default, Serialize)]
struct UserGet {
    start: Option<i64>,
}

#[test]
fn list_method_sorting_by_the_field_one_parameter_names() {
    assert_eq!(UserGet::SORT_PARAM, Some("sort"));
    // The direction goes alone in the order parameter.
    assert_eq!(UserGet::ORDER_PARAM, "order");
}

/// Generic parameters pass through; the impls carry the bounds serde needs, so the
/// struct itself does not have to repeat them.
#[bitrix_method("entity.item.get", kind = read, response = Vec<R>, list(record = R))]
#[derive(Debug, Serialize)]
struct EntityItemGet<F, R> {
    filter: F,
    start: Option<i64>,
    #[serde(skip)]
    _record: std::marker::PhantomData<R>,
}

fn name_of<M: Method>(_: &M) -> &'static str {
    M::NAME
}

#[test]
fn generic_struct() {
    let mut request = EntityItemGet::<_, Deal> {
        filter: json!({"ENTITY": "x"}),
        start: None,
        _record: std::marker::PhantomData,
    };
    assert_eq!(name_of(&request), "entity.item.get");
    request.set_start(Some(50));
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"filter": {"ENTITY": "x"}, "start": 50})
    );
    let records =
        EntityItemGet::<serde_json::Value, Deal>::into_records(vec![Deal { id: "9".into() }]);
    assert_eq!(records.len(), 1);
}

#[bitrix_method("entity.get", response = serde_json::Value)]
#[derive(Debug, Serialize)]
struct Borrowed<'a> {
    entity: &'a str,
}

#[test]
fn lifetime_generic_struct() {
    let request = Borrowed { entity: "x" };
    assert_eq!(name_of(&request), "entity.get");
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"entity": "x"})
    );
}

/// `crate = ...` names where `bitrix24_types` is, for code that reaches it under another
/// path. The path must lead to `__private`; a glob re-export carries it along.
mod alias {
    pub(crate) use bitrix24_types::*;
}

mod uses_alias {
    use super::*;

    #[bitrix_method("profile", crate = crate::alias, response = serde_json::Value)]
    #[derive(Debug, Serialize)]
    pub(super) struct Profile;

    #[bitrix_method("crm.item.list", crate = ::bitrix24_types, response = Vec<Deal>, list(record = Deal))]
    #[derive(Debug, Default, Serialize)]
    pub(super) struct CrmItemList {
        pub(super) start: Option<i64>,
    }
}

#[test]
fn crate_path_override() {
    assert_eq!(uses_alias::Profile::NAME, "profile");
    let mut request = uses_alias::CrmItemList::default();
    request.set_start(Some(1));
    assert_eq!(request.start, Some(1));
}

#[bitrix_method("imopenlines.crm.chat.getLastId", response = i64)]
#[derive(Debug, Serialize)]
struct ImopenlinesCrmChatGetLastId;

#[bitrix_method("batch", response = serde_json::Value)]
#[derive(Debug, Serialize)]
struct Batch;

#[test]
fn method_names_with_mixed_case_and_single_segment() {
    assert_eq!(
        ImopenlinesCrmChatGetLastId::NAME,
        "imopenlines.crm.chat.getLastId"
    );
    assert_eq!(Batch::NAME, "batch");
}

/// A deprecated method: the impls the macro writes name the struct, but only the
/// application's own uses of it should warn (`deny` turns a leak into a build failure).
#[deny(deprecated)]
mod deprecated_method {
    use super::*;

    #[deprecated(note = "use crm.item.list")]
    #[bitrix_method("crm.deal.list", kind = read, response = Vec<Deal>, list(record = Deal))]
    #[derive(Debug, Default, Serialize)]
    pub(super) struct OldList {
        pub(super) start: Option<i64>,
    }
}

#[test]
#[allow(deprecated)]
fn deprecated_struct_does_not_warn_through_the_impls() {
    assert_eq!(deprecated_method::OldList::NAME, "crm.deal.list");
    let mut request = deprecated_method::OldList::default();
    request.set_start(Some(3));
    assert_eq!(request.start, Some(3));
}
