//! Results the docs leave unclear: a reply with no data, a result shown without its
//! envelope, a reply like another page's, and the convention of the verb for pages that
//! show no reply (`tests/docs-results/`).

use std::collections::BTreeMap;
use std::path::Path;

use bitrix24_codegen::import;
use bitrix24_codegen::spec::SpecFile;

/// The imported spec files, each loaded, keyed by method: (file, result type).
fn results() -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/docs-results");
    let report = import::import_docs(&docs);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    import::build_model(&report.files).unwrap_or_else(|errors| panic!("{errors}"));
    let mut results = BTreeMap::new();
    for (path, text) in &report.files {
        let spec: SpecFile = bitrix24_codegen::load::parse(Path::new(path), text)
            .unwrap_or_else(|errors| panic!("{path} does not load:\n{errors}\n{text}"));
        for (name, method) in &spec.methods {
            results.insert(
                name.as_str().to_owned(),
                method.result.ty.as_str().to_owned(),
            );
        }
    }
    let notes = report
        .notes
        .iter()
        .map(|note| (note.page.clone(), note.message.clone()))
        .collect();
    (results, notes)
}

#[test]
fn a_reply_shown_as_null_carries_no_data_but_a_reading_empty_list_is_a_list() {
    let (results, _) = results();
    assert_eq!(results["crm.gizmo.pin"], "none");
    assert_ne!(results["crm.gizmo.list"], "none");
}

#[test]
fn a_result_shown_without_its_envelope_is_typed_but_an_envelope_missing_result_is_not() {
    let (results, _) = results();
    let get = &results["crm.gizmo.get"];
    assert!(!get.starts_with("raw"), "crm.gizmo.get: {get}");
    assert_eq!(results["crm.gizmo.count"], "raw");
}

#[test]
fn a_reply_like_another_pages_takes_its_type() {
    let (results, notes) = results();
    assert_eq!(results["crm.gizmo.add"], results["crm.gizmo.get"]);
    let note = notes
        .values()
        .find(|message| message.starts_with("crm.gizmo.add.result"))
        .expect("a note says where the result came from");
    assert!(note.contains("crm.gizmo.get"), "{note}");
}

#[test]
fn a_page_without_a_reply_follows_the_documented_methods_of_its_verb() {
    let (results, notes) = results();
    assert_eq!(results["crm.alpha.delete"], "boolean");
    assert_eq!(results["crm.relic.delete"], "boolean");
    let note = &notes["api-reference/crm/relic/crm-relic-delete.md"];
    assert!(note.contains("the 5 documented `delete` methods"), "{note}");
    // No documented `bury` says what one returns.
    assert_eq!(results["crm.relic.bury"], "raw");
}

/// Every imported type's fields: type name -> field -> type expression.
fn types() -> BTreeMap<String, BTreeMap<String, String>> {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/docs-results");
    let report = import::import_docs(&docs);
    let mut types: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (path, text) in &report.files {
        let spec: SpecFile = bitrix24_codegen::load::parse(Path::new(path), text)
            .unwrap_or_else(|errors| panic!("{path} does not load:\n{errors}\n{text}"));
        for (name, ty) in &spec.types {
            let fields = ty
                .fields
                .iter()
                .flatten()
                .map(|(field, f)| (field.as_str().to_owned(), f.ty.as_str().to_owned()))
                .collect();
            types.insert(name.as_str().to_owned(), fields);
        }
    }
    types
}

#[test]
fn a_field_the_example_leaves_null_takes_the_type_the_familys_fields_reply_describes() {
    let types = types();
    let gadget = types
        .values()
        .find(|fields| fields.contains_key("UNDESCRIBED"))
        .expect("a type for the gadget");
    assert_eq!(gadget["NOTE"], "string");
    assert_eq!(gadget["TAGS"], "string[]");
    // Money, whatever number type describes it.
    assert_eq!(gadget["AMOUNT"], "decimal");
    // A field the description does not list stays raw.
    assert_eq!(gadget["UNDESCRIBED"], "raw");
}

#[test]
fn a_reply_object_whose_fields_another_page_lists_is_typed_by_that_table_and_its_example() {
    let types = types();
    let item = types
        .values()
        .find(|fields| fields.contains_key("startPlan"))
        .expect("a type for the widget");
    // The table types what the example leaves `null` or empty.
    assert_eq!(item["startPlan"], "datetime");
    assert_eq!(item["inPin"], "integer[]");
    assert_eq!(item["id"], "id");
    // A field the example shows and the table lacks is kept, typed by its value.
    assert_eq!(item["forumTopicId"], "integer");
}

#[test]
fn a_result_shown_holding_its_record_under_a_key_is_that_holder_and_the_record_is_the_entity() {
    let (results, _) = results();
    let types = types();
    let holder = &types[&results["crm.sprocket.get"]];
    // The docs say the result is the sprocket; the reply holds it under `sprocket`.
    assert_eq!(holder.len(), 1, "{holder:?}");
    assert_eq!(
        holder["sprocket"], "Sprocket",
        "the entity's record takes its name"
    );
    assert_eq!(types["Sprocket"]["TEETH"], "integer");
    // A list of them under a key: the holder holds the list.
    let list = &types[&results["crm.sprocket.list"]];
    assert_eq!(list.len(), 1, "{list:?}");
    let held = list.get("sprockets").expect("the key the reply shows");
    assert!(held.ends_with("[]"), "{held}");
    assert_eq!(types[held.trim_end_matches("[]")]["TEETH"], "integer");
}

#[test]
fn a_field_the_example_leaves_empty_takes_the_reply_tables_type_or_the_samples() {
    let types = types();
    // A record typed from its example: the reply table types what it leaves `null`,
    // and a number the example sends as text.
    let chat = types
        .values()
        .find(|fields| fields.contains_key("mute_list"))
        .expect("a type for the cog's chat");
    assert_eq!(chat["background_id"], "integer");
    assert_eq!(
        chat["owner"], "integer",
        "\"12\" where the table says integer"
    );
    assert_eq!(chat["title"], "string");
    // `array` in the table; the sample's TypeScript says `number[]`.
    assert_eq!(chat["mute_list"], "integer[]");
    // A record built from a table, nested: the declaration is read at its place.
    let gear = types
        .values()
        .find(|fields| fields.contains_key("teethList"))
        .expect("a type for the cog's gear");
    assert_eq!(gear["teethList"], "integer[]");
}

#[test]
fn a_union_of_one_or_a_list_is_a_list_and_a_namesake_says_what_texts_are_localized() {
    let (results, _) = results();
    let types = types();
    // `string | array` read: the lenient list reader takes one value as a list of one,
    // and the example's one value does not make it text.
    assert_eq!(types[&results["crm.sprocket.add"]]["LABELS"], "string[]");
    // `Name` is `string | object` like the sprocket's `NAME`, which the page describes as
    // localized texts; `Default` has no such namesake.
    let properties = types
        .values()
        .find(|fields| fields.contains_key("Default"))
        .expect("the properties' type");
    assert_eq!(properties["Name"], "localized");
    assert_eq!(properties["Default"], "raw");
}

#[test]
fn a_reply_shown_as_a_bare_list_is_a_list_of_the_records_its_table_describes() {
    let (results, _) = results();
    let types = types();
    // The page lists the records' fields beside a `result` row and shows the records
    // without their envelope: a list of them, not one.
    let records = results["crm.spindle.list"]
        .strip_suffix("[]")
        .unwrap_or_else(|| panic!("a list: {}", results["crm.spindle.list"]));
    let record = &types[records];
    assert_eq!(record["id"], "id");
    assert_eq!(record["name"], "string");
    // A number the example sends as text (or leaves null) keeps the table's type.
    assert_eq!(record["turns"], "integer");
    assert!(!record.contains_key("result"), "{record:?}");
}

#[test]
fn objects_keyed_by_ids_are_maps_of_records_and_a_list_of_them_pages_without_the_fast_path() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/docs-results");
    let report = import::import_docs(&docs);
    let (path, text) = report
        .files
        .iter()
        .find(|(_, text)| text.contains("crm.bobbin.list:"))
        .expect("the bobbins' file");
    let spec: SpecFile = bitrix24_codegen::load::parse(Path::new(path), text)
        .unwrap_or_else(|errors| panic!("{errors}"));
    let list = &spec
        .methods
        .iter()
        .find(|(method, _)| method.as_str() == "crm.bobbin.list")
        .expect("crm.bobbin.list")
        .1
        .result;
    let records = list
        .ty
        .as_str()
        .strip_suffix("[]")
        .expect("a list of records");
    let paging = list.list.as_ref().expect("the list is declared");
    assert_eq!(paging.key.as_ref().map(|k| k.as_str()), Some("bobbins"));
    // `{"7": {...}}` has no index for a chained page to refer to.
    assert!(!paging.fast_path, "{text}");
    let types = types();
    let record = &types[records];
    assert_eq!(record["color"], "string");
    // A table that names its one row by a placeholder describes a map's values.
    let thread = record["threads"]
        .strip_prefix("map<")
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or_else(|| panic!("a map: {}", record["threads"]));
    assert_eq!(types[thread]["length"], "integer");
    assert_eq!(types[thread]["fibre"], "string");
}

#[test]
fn an_array_result_whose_records_fields_the_table_lists_beside_it_is_a_list_of_them() {
    let (results, _) = results();
    // The example does not parse: the table alone says what a record holds.
    let records = results["crm.reel.get"]
        .strip_suffix("[]")
        .unwrap_or_else(|| panic!("a list: {}", results["crm.reel.get"]));
    let record = &types()[records];
    assert_eq!(record["NAME"], "string");
    assert_eq!(record["LENGTH"], "double");
}

#[test]
fn a_reply_example_that_reads_as_json_once_mended_is_kept_as_a_fixture() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/docs-results");
    let report = import::import_docs(&docs);
    // The page's reply has a `// comment`: the fixture is what it reads as, strict JSON.
    let text = &report.fixtures["crm.bobbin.list/1.json"];
    let reply: serde_json::Value = serde_json::from_str(text).expect("strict JSON");
    assert_eq!(reply["result"]["bobbins"]["7"]["color"], "red");
    assert_eq!(reply["total"], 2);
    // An example that does not read as JSON even so is not a fixture.
    assert!(
        !report
            .fixtures
            .keys()
            .any(|path| path.starts_with("crm.reel.get/"))
    );
}

#[test]
fn a_result_whose_fields_another_page_lists_is_that_pages_record() {
    let (results, _) = results();
    // The example misses a comma: only the linked table says what the record holds.
    let record = &types()[&results["crm.spool.get"]];
    assert_eq!(record["THREAD"], "string");
    assert_eq!(record["TURNS"], "integer");
}
