//! The export's page parameters and chained batches, built without a portal.

use super::*;

/// A list whose records sit under `items` with a lower-case `id` (as `crm.item.list`).
#[derive(Serialize)]
struct ItemList {
    #[serde(rename = "entityTypeId")]
    entity_type_id: u32,
    filter: Value,
    select: Vec<String>,
}

impl Method for ItemList {
    const NAME: &'static str = "crm.item.list";
    const SCOPE: Option<&'static str> = Some("crm");
    const KIND: CallKind = CallKind::Read;
    const API: ApiVersion = ApiVersion::Classic;
    type Response = Value;
}

impl ListMethod for ItemList {
    type Record = Value;
    const RECORDS: Records = Records::Key("items");
    const ID_FIELD: &'static str = "id";
    const FAST_PATH: bool = true;
    fn set_start(&mut self, _: Option<i64>) {}
}

#[test]
fn chained_pages_reference_the_last_id_under_the_records_key() {
    let client = Client::webhook("https://example.bitrix24.com/rest/1/secret/").unwrap();
    let request = ItemList {
        entity_type_id: 2,
        filter: json!({">id": 7, "<=id": 9000, "stageId": "NEW"}),
        select: vec!["title".into()],
    };
    let shared = Shared::<ItemList>::new(&client, &request).unwrap();
    assert_eq!((shared.floor, shared.ceiling), (7, Some(9000)));
    let (batch, probe, cmds) = chain_batch(&shared, 120, Some(5000), 3, Some(true)).unwrap();
    assert_eq!(batch.len(), 4);
    assert_eq!(
        batch.command_text(probe.unwrap()).unwrap(),
        "crm.item.list?entityTypeId=2&filter[%3C%3Did]=9000&filter[%3Eid]=120\
         &filter[stageId]=NEW&order[id]=DESC&select[0]=id&start=0"
    );
    assert_eq!(
        batch.command_text(cmds[0]).unwrap(),
        "crm.item.list?entityTypeId=2&filter[%3C%3Did]=5000&filter[%3Eid]=120\
         &filter[stageId]=NEW&order[id]=ASC&select[0]=title&select[1]=id&start=-1"
    );
    assert_eq!(
        batch.command_text(cmds[2]).unwrap(),
        "crm.item.list?entityTypeId=2&filter[%3C%3Did]=5000\
         &filter[%3Eid]=$result[c2][items][49][id]&filter[stageId]=NEW&order[id]=ASC\
         &select[0]=title&select[1]=id&start=-1"
    );
}

/// A list filtered by `ID` whose records carry `id` under `tasks`, always counted
/// (as the classic `tasks.task.list`).
#[derive(Serialize)]
struct TaskList {
    filter: Value,
    select: Vec<String>,
}

impl Method for TaskList {
    const NAME: &'static str = "tasks.task.list";
    const SCOPE: Option<&'static str> = Some("task");
    const KIND: CallKind = CallKind::Read;
    const API: ApiVersion = ApiVersion::Classic;
    type Response = Value;
}

impl ListMethod for TaskList {
    type Record = Value;
    const RECORDS: Records = Records::Key("tasks");
    const ID_FIELD: &'static str = "id";
    const ID_PARAM: &'static str = "ID";
    const FAST_PATH: bool = true;
    const COUNTED: bool = true;
    fn set_start(&mut self, _: Option<i64>) {}
}

#[test]
fn a_counted_list_filtered_by_another_name_pages_by_id_with_start_0() {
    let client = Client::webhook("https://example.bitrix24.com/rest/1/secret/").unwrap();
    let request = TaskList {
        filter: json!({">ID": 3, "RESPONSIBLE_ID": 1}),
        select: vec!["TITLE".into()],
    };
    let shared = Shared::<TaskList>::new(&client, &request).unwrap();
    assert_eq!(shared.floor, 3);
    let (batch, _, cmds) = chain_batch(&shared, 3, None, 2, None).unwrap();
    assert_eq!(
        batch.command_text(cmds[1]).unwrap(),
        "tasks.task.list?filter[%3EID]=$result[c0][tasks][49][id]&filter[RESPONSIBLE_ID]=1\
         &order[ID]=ASC&select[0]=TITLE&select[1]=ID&start=0"
    );
    // An explicit `id` in the select is the ID already, whatever its case.
    let request = TaskList {
        filter: json!({}),
        select: vec!["id".into()],
    };
    let shared = Shared::<TaskList>::new(&client, &request).unwrap();
    assert_eq!(shared.base["select"], json!(["id"]));
}

/// A list taking its filter and order by other names (as the classic
/// `entity.item.get`: `FILTER`, `SORT`), and no `select`.
#[derive(Serialize)]
struct StoredItems {
    #[serde(rename = "ENTITY")]
    entity: &'static str,
    #[serde(rename = "FILTER", skip_serializing_if = "Option::is_none")]
    filter: Option<Value>,
    #[serde(rename = "SORT", skip_serializing_if = "Option::is_none")]
    sort: Option<Value>,
}

impl Method for StoredItems {
    const NAME: &'static str = "entity.item.get";
    const SCOPE: Option<&'static str> = Some("entity");
    const KIND: CallKind = CallKind::Read;
    const API: ApiVersion = ApiVersion::Classic;
    type Response = Vec<Value>;
}

impl ListMethod for StoredItems {
    type Record = Value;
    const RECORDS: Records = Records::Result;
    const ID_FIELD: &'static str = "ID";
    const FAST_PATH: bool = true;
    const FILTER_PARAM: &'static str = "FILTER";
    const ORDER_PARAM: &'static str = "SORT";
    fn set_start(&mut self, _: Option<i64>) {}
}

#[test]
fn the_fast_path_writes_its_filter_and_order_under_the_methods_own_names() {
    let client = Client::webhook("https://example.bitrix24.com/rest/1/secret/").unwrap();
    let request = StoredItems {
        entity: "dish",
        filter: Some(json!({">ID": 10, "ACTIVE": "Y"})),
        sort: Some(json!({"NAME": "ASC"})),
    };
    let shared = Shared::<StoredItems>::new(&client, &request).unwrap();
    assert_eq!(shared.floor, 10);
    assert!(!shared.base.contains_key("filter") && !shared.base.contains_key("order"));
    let (batch, _, cmds) = chain_batch(&shared, 10, None, 2, None).unwrap();
    assert_eq!(
        batch.command_text(cmds[1]).unwrap(),
        "entity.item.get?ENTITY=dish&FILTER[%3EID]=$result[c0][49][ID]&FILTER[ACTIVE]=Y\
         &SORT[ID]=ASC&start=-1"
    );
    // Without a filter of its own, the fast path's goes under the same name.
    let request = StoredItems {
        entity: "dish",
        filter: None,
        sort: None,
    };
    let shared = Shared::<StoredItems>::new(&client, &request).unwrap();
    assert_eq!(shared.base["FILTER"], json!({}));
    assert_eq!(shared.base["SORT"], json!({"ID": "ASC"}));
}

#[test]
fn requests_that_cannot_be_exported_are_refused() {
    let client = Client::webhook("https://example.bitrix24.com/rest/1/secret/").unwrap();
    let bad_cursor = ItemList {
        entity_type_id: 2,
        filter: json!({">id": "seven"}),
        select: Vec::new(),
    };
    assert!(matches!(
        Shared::<ItemList>::new(&client, &bad_cursor),
        Err(Error::Encode { .. })
    ));
    let bad_filter = ItemList {
        entity_type_id: 2,
        filter: json!("x"),
        select: Vec::new(),
    };
    assert!(Shared::<ItemList>::new(&client, &bad_filter).is_err());
}
