//! The docs importer against small pages written in the docs' format (`tests/docs/`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bitrix24_codegen::import::{self, ImportReport};
use bitrix24_codegen::spec::SpecFile;

fn docs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/docs")
}

fn overlays() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/docs-overlays")
}

fn spec(files: &BTreeMap<String, String>, path: &str) -> SpecFile {
    let text = files
        .get(path)
        .unwrap_or_else(|| panic!("no {path} in {:?}", files.keys()));
    bitrix24_codegen::load::parse(Path::new(path), text)
        .unwrap_or_else(|errors| panic!("{path} does not load:\n{errors}\n{text}"))
}

fn param<'a>(spec: &'a SpecFile, method: &str, name: &str) -> &'a bitrix24_codegen::spec::FieldDef {
    let method = spec
        .methods
        .iter()
        .find(|(k, _)| k.as_str() == method)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no method {method}"));
    method
        .params
        .iter()
        .find(|(k, _)| k.as_str() == name)
        .map(|(_, v)| &**v)
        .unwrap_or_else(|| panic!("no param {name}"))
}

fn field<'a>(spec: &'a SpecFile, ty: &str, name: &str) -> &'a bitrix24_codegen::spec::FieldDef {
    let def = spec
        .types
        .iter()
        .find(|(k, _)| k.as_str() == ty)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no type {ty}"));
    def.fields
        .as_ref()
        .and_then(|fields| fields.iter().find(|(k, _)| k.as_str() == name))
        .map(|(_, v)| &**v)
        .unwrap_or_else(|| panic!("no field {ty}.{name}"))
}

fn method<'a>(spec: &'a SpecFile, name: &str) -> &'a bitrix24_codegen::spec::MethodDef {
    spec.methods
        .iter()
        .find(|(k, _)| k.as_str() == name)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no method {name}"))
}

fn report() -> ImportReport {
    let report = import::import_docs(&docs());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report
}

#[test]
fn counts_pages_methods_and_problems() {
    let report = report();
    assert_eq!(report.pages_read, 17);
    assert_eq!(
        report.method_pages, 9,
        "overviews and events are not methods"
    );
    assert_eq!(report.methods_written, 9);
    assert_eq!(report.deprecated, 2);
    assert_eq!(report.v3, 2);
    assert_eq!(report.v3_twin_methods, 1);
    assert_eq!(
        report.files.keys().collect::<Vec<_>>(),
        [
            "crm/widgets.yaml",
            "events.yaml",
            "events_crm.yaml",
            "tasks.yaml",
            "tasks_common.yaml",
            "tasks_tasks.yaml",
            "tasks_v3.yaml"
        ]
    );
}

fn event<'a>(spec: &'a SpecFile, code: &str) -> &'a bitrix24_codegen::spec::EventDef {
    spec.events
        .iter()
        .find(|(k, _)| k.as_str() == code)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no event {code} in {:?}", spec.events.keys()))
}

#[test]
fn event_pages_are_counted_and_overviews_are_not_events() {
    let report = report();
    // on-crm-widget-add, on-crm-widget-old, on-gadget-update, events/on-widget-add; not
    // index.md, the family page `formats.md` (two codes) or the JS event `button-click.md`.
    assert_eq!(report.event_pages, 4);
    assert_eq!(report.events_written, 4);
    assert_eq!(report.events_deprecated, 1);
    assert_eq!(report.event_raw_fallbacks, 4);
    let summary = report.summary();
    assert!(summary.contains("event pages:      4"), "{summary}");
    assert!(
        summary.contains("events written:   4 (1 deprecated; 4 raw fallbacks in their data)"),
        "{summary}"
    );
}

#[test]
fn an_event_page_gives_a_data_type_from_its_data_rows_and_sub_tables() {
    let files = report().files;
    let crm = spec(&files, "crm/widgets.yaml");
    // Events sit in the spec file of the folder holding `events/`, next to the methods.
    let add = event(&crm, "ONCRMWIDGETADD");
    assert_eq!(add.data.as_str(), "OnCrmWidgetAdd");
    assert_eq!(
        add.docs.as_ref().unwrap().as_str(),
        "api-reference/crm/widgets/events/on-crm-widget-add.md"
    );
    assert!(add.deprecated.is_none());
    // `data.FIELDS` links `#fields`; `data.OWNER.ID` is nested, not a field of `data`.
    let data = crm
        .types
        .iter()
        .find(|(k, _)| k.as_str() == "OnCrmWidgetAdd")
        .map(|(_, v)| v)
        .unwrap();
    let names: Vec<&str> = data
        .fields
        .as_ref()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(names, ["FIELDS", "SOURCE"]);
    assert_eq!(
        field(&crm, "OnCrmWidgetAdd", "FIELDS").ty.as_str(),
        "OnCrmWidgetAddFields"
    );
    // Doc types kept (form strings are read leniently), a record's own `ID` an `id`;
    // nothing required.
    for (name, ty) in [("ID", "id"), ("ACTIVE", "char"), ("OPTIONS", "raw")] {
        let def = field(&crm, "OnCrmWidgetAddFields", name);
        assert_eq!(def.ty.as_str(), ty, "{name}");
        assert!(!def.required, "{name}: the portal sends what it has");
    }
}

#[test]
fn events_from_titles_sub_tables_and_parameter_tables() {
    let files = report().files;
    let crm = spec(&files, "crm/widgets.yaml");
    // Code from the title; "development has been halted" in the note's header.
    let old = event(&crm, "ONCRMWIDGETOLD");
    assert_eq!(old.data.as_str(), "OnCrmWidgetOld");
    assert!(old.deprecated.is_some());
    assert_eq!(field(&crm, "OnCrmWidgetOld", "FIELDS").ty.as_str(), "raw");

    // The `data` row links `#data`; no scope line: scope `common`, in a file of its own.
    let tasks = spec(&files, "tasks_common.yaml");
    assert_eq!(tasks.scope.as_str(), "common");
    let update = event(&tasks, "ONGADGETUPDATE");
    assert_eq!(update.data.as_str(), "OnGadgetUpdate");
    assert_eq!(
        field(&tasks, "OnGadgetUpdate", "GADGET_ID").ty.as_str(),
        "integer"
    );
    assert_eq!(
        field(&tasks, "OnGadgetUpdate", "FIELDS_AFTER").ty.as_str(),
        "OnGadgetUpdateFieldsAfter"
    );
    assert_eq!(
        field(&tasks, "OnGadgetUpdate", "FIELDS_BEFORE").ty.as_str(),
        "raw"
    );
    assert_eq!(
        field(&tasks, "OnGadgetUpdateFieldsAfter", "TITLE")
            .ty
            .as_str(),
        "string"
    );

    // A dotted code; a top-level events folder is its own home.
    let events = spec(&files, "events_crm.yaml");
    assert_eq!(
        event(&events, "CRM.WIDGET.ON.ADD").data.as_str(),
        "OnWidgetAdd"
    );
}

#[test]
fn unclear_event_data_is_raw_and_reported() {
    let report = report();
    let raws: Vec<String> = report
        .raw_fallbacks
        .iter()
        .filter(|r| r.page.contains("events"))
        .map(|r| format!("{}: {}", r.at, r.reason))
        .collect();
    assert_eq!(
        raws,
        [
            "OnCrmWidgetAddFields.OPTIONS: docs type `any`",
            "ONCRMWIDGETOLD.data.FIELDS: docs type `array`",
            "CRM.WIDGET.ON.ADD.data.FIELDS: docs type `object` has no sub-table on the page",
            // `undefined | object`: the object, which no sub-table describes.
            "ONGADGETUPDATE.data.FIELDS_BEFORE: docs type `object` has no sub-table on the page",
        ]
    );
    assert!(report.notes.iter().any(|n| {
        n.page.ends_with("on-gadget-update.md")
            && n.message
                .contains("event `ONGADGETUPDATE` goes to scope `common`")
    }));
}

#[test]
fn required_markers_and_docs_types() {
    let files = report().files;
    let crm = spec(&files, "crm/widgets.yaml");
    assert_eq!(crm.scope.as_str(), "crm");
    let fields = param(&crm, "crm.widget.add", "fields");
    assert_eq!(fields.ty.as_str(), "CrmWidgetAddFields");
    assert!(fields.required);
    assert!(!param(&crm, "crm.widget.add", "params").required);
    assert!(field(&crm, "CrmWidgetAddFields", "TITLE").required);
    for (name, ty) in [
        ("STAGE_ID", "string"),
        ("CATEGORY_ID", "integer"),
        ("CONTACT_IDS", "id[]"),
        ("PHONE", "crm_multifield[]"),
        ("OPENED", "char"),
        ("AMOUNT", "decimal"),
        ("COMMENTS", "text"),
        ("BEGINDATE", "date"),
        ("ASSIGNED_BY_ID", "user"),
        ("STATE", "raw"),
        ("EXTRA_DATA", "raw"),
    ] {
        let def = field(&crm, "CrmWidgetAddFields", name);
        assert_eq!(def.ty.as_str(), ty, "{name}");
        assert!(!def.required, "{name}");
    }
    // `**size**^*^` in a nested table.
    assert!(field(&crm, "CrmWidgetAddSettings", "size").required);
    let get = method(&crm, "crm.widget.get");
    assert!(param(&crm, "crm.widget.get", "id").required);
    assert_eq!(get.kind.as_str(), "read");
}

#[test]
fn nested_sub_tables_become_named_types() {
    let report = report();
    let crm = spec(&report.files, "crm/widgets.yaml");
    // `[below](#fields)` -> a type; `[the settings](#settings)` -> a nested type.
    assert_eq!(
        field(&crm, "CrmWidgetAddFields", "SETTINGS").ty.as_str(),
        "CrmWidgetAddSettings"
    );
    // `### Parameter params` without an anchor names the parameter.
    assert_eq!(
        param(&crm, "crm.widget.add", "params").ty.as_str(),
        "CrmWidgetAddParams"
    );
    // A response type never requires fields; a type that contains itself stays raw.
    assert!(!field(&crm, "Widget", "ID").required);
    assert_eq!(field(&crm, "Widget", "PARENT").ty.as_str(), "raw");
    assert_eq!(method(&crm, "crm.widget.get").result.ty.as_str(), "Widget");
    // Placeholders (`UF_CRM_...`) are left to `extra` and noted.
    let text = &report.files["crm/widgets.yaml"];
    assert!(!text.contains("UF_CRM"), "{text}");
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.message.contains("UF_CRM_...")),
        "{:?}",
        report.notes
    );
    // The value table nested in a cell is not a row of the outer table.
    assert!(!text.contains("WON"));
}

#[test]
fn deprecation_with_and_without_a_replacement() {
    let files = report().files;
    let crm = spec(&files, "crm/widgets.yaml");
    let add = method(&crm, "crm.widget.add");
    let replacement = add
        .deprecated
        .as_ref()
        .and_then(|d| d.replacement.as_ref())
        .map(|r| r.as_str());
    assert_eq!(replacement, Some("crm.item.add"));
    // Two candidate replacements: deprecated, no replacement named.
    let get = method(&crm, "crm.widget.get");
    assert!(
        get.deprecated
            .as_ref()
            .is_some_and(|d| d.replacement.is_none())
    );
    assert!(method(&crm, "crm.widget.list").deprecated.is_none());
    assert_eq!(add.result.ty.as_str(), "id", "integer result of an add");
    assert_eq!(add.kind.as_str(), "write");
}

#[test]
fn rest_v3_pages_and_twins() {
    let report = report();
    let twins = spec(&report.files, "tasks_v3.yaml");
    assert_eq!(twins.scope.as_str(), "tasks");
    let v3 = method(&twins, "tasks.gadget.get");
    assert_eq!(v3.api.as_ref().map(|a| a.as_str()), Some("v3"));
    assert!(param(&twins, "tasks.gadget.get", "id").required);
    let classic = spec(&report.files, "tasks.yaml");
    let get = method(&classic, "tasks.gadget.get");
    assert!(get.api.is_none());
    assert!(param(&classic, "tasks.gadget.get", "gadgetId").required);
    // A v3-only method stays in the main root, in its own scope's file.
    let only = spec(&report.files, "tasks_tasks.yaml");
    let send = method(&only, "tasks.gadget.chat.send");
    assert_eq!(send.api.as_ref().map(|a| a.as_str()), Some("v3"));
    // No Returned Data table: the reply's example gives the record.
    assert_eq!(send.result.ty.as_str(), "TasksGadgetChatSendResult");
    // The record's own `id`, shown as a number, is an `id` (as an `add` returns).
    assert_eq!(
        field(&only, "TasksGadgetChatSendResult", "id").ty.as_str(),
        "id"
    );
}

#[test]
fn list_methods() {
    let files = report().files;
    let crm = spec(&files, "crm/widgets.yaml");
    let list = method(&crm, "crm.widget.list");
    // The family's one record: what `crm.widget.get` returns, named for the entity.
    assert_eq!(list.result.ty.as_str(), "Widget[]");
    let pagination = list.result.list.as_ref().expect("a paginated list");
    assert!(pagination.key.is_none());
    assert_eq!(
        param(&crm, "crm.widget.list", "start").ty.as_str(),
        "integer"
    );
    // The list parameter rule: a filter maps fields to values of any shape.
    assert_eq!(
        param(&crm, "crm.widget.list", "filter").ty.as_str(),
        "map<raw>"
    );
    let tasks = spec(&files, "tasks.yaml");
    let keyed = method(&tasks, "tasks.gadget.list");
    assert_eq!(keyed.result.ty.as_str(), "TasksGadgetListGadget[]");
    let key = keyed.result.list.as_ref().and_then(|l| l.key.as_ref());
    assert_eq!(key.map(|k| k.as_str()), Some("gadgets"));
}

#[test]
fn a_malformed_table_is_reported_not_fatal() {
    let report = report();
    let problem = report
        .unparsed_tables
        .iter()
        .find(|p| p.page.ends_with("crm-widget-update.md"))
        .unwrap_or_else(|| panic!("{:?}", report.unparsed_tables));
    assert!(problem.message.contains("not closed"), "{problem}");
    let crm = spec(&report.files, "crm/widgets.yaml");
    let update = method(&crm, "crm.widget.update");
    assert!(update.params.is_empty());
    assert_eq!(
        update.result.ty.as_str(),
        "boolean",
        "from the JSON example"
    );
    assert_eq!(update.kind.as_str(), "idempotent");
}

#[test]
fn raw_fallbacks_are_listed_with_reasons() {
    let report = report();
    let at: Vec<&str> = report.raw_fallbacks.iter().map(|r| r.at.as_str()).collect();
    for expected in [
        "CrmWidgetAddFields.STATE",
        "CrmWidgetAddFields.EXTRA_DATA",
        "CrmWidgetGetWidget.PARENT",
        "crm.widget.list.params.filter",
    ] {
        assert!(at.contains(&expected), "{expected} not in {at:?}");
    }
    assert!(report.raw_fallbacks.iter().all(|r| !r.reason.is_empty()));
}

#[test]
fn the_import_builds_a_model_without_errors() {
    let report = report();
    let model = import::build_model(&report.files).unwrap_or_else(|errors| panic!("{errors}"));
    // Both generations of `tasks.gadget.get` are in the model; the REST 3.0 one carries `V3`.
    let names: Vec<&str> = model
        .scopes
        .values()
        .flat_map(|scope| scope.modules.values())
        .flat_map(|module| module.methods.iter())
        .filter(|method| method.name == "tasks.gadget.get")
        .map(|method| method.type_name.as_str())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"TasksGadgetGet") && names.contains(&"TasksGadgetGetV3"));
    let rendered = bitrix24_codegen::output::render(&model, "specs");
    assert!(rendered.is_ok(), "{:?}", rendered.err());
}

#[test]
fn importing_twice_gives_the_same_bytes() {
    let first = report();
    let second = report();
    assert_eq!(first.files, second.files);
    assert_eq!(first.raw_fallbacks, second.raw_fallbacks);
    assert_eq!(first.notes, second.notes);
}

#[test]
fn overlays_survive_a_reimport() {
    let report = import::import_docs_with_overlays(&docs(), &overlays()).expect("overlays load");
    assert_eq!(
        report.overlays,
        ["common/shared.yaml", "crm/widgets.yaml"],
        "applied overlays"
    );
    let crm = spec(&report.files, "crm/widgets.yaml");
    // A scalar replaces: the kind, and a field's type.
    assert_eq!(method(&crm, "crm.widget.add").kind.as_str(), "idempotent");
    assert_eq!(method(&crm, "crm.widget.get").kind.as_str(), "read");
    assert_eq!(
        field(&crm, "CrmWidgetAddFields", "AMOUNT").ty.as_str(),
        "decimal"
    );
    // Merging keeps what the overlay does not mention.
    assert!(field(&crm, "CrmWidgetAddFields", "TITLE").required);
    // `~` deletes; `$replace` replaces a map whole.
    let list = method(&crm, "crm.widget.list");
    assert!(!list.params.iter().any(|(k, _)| k.as_str() == "select"));
    assert_eq!(
        param(&crm, "crm.widget.list", "filter").ty.as_str(),
        "map<raw>"
    );
    let get = method(&crm, "crm.widget.get");
    assert_eq!(get.params.len(), 1);
    assert_eq!(param(&crm, "crm.widget.get", "id").ty.as_str(), "id");
    // A key the import lacks is added.
    let update = method(&crm, "crm.widget.update");
    assert!(param(&crm, "crm.widget.update", "id").required);
    assert_eq!(update.params.len(), 2);
    // New types, and a whole hand-written file.
    assert!(crm.types.iter().any(|(k, _)| k.as_str() == "WidgetStage"));
    assert_eq!(
        field(&crm, "CrmWidgetAddFields", "STAGE_ID").ty.as_str(),
        "WidgetStage"
    );
    let shared = spec(&report.files, "common/shared.yaml");
    assert_eq!(shared.scope.as_str(), "common");
    assert!(report.files["crm/widgets.yaml"].contains("merged from the overlay"));
    // The merged tree still builds, and a re-import with the same overlays is identical.
    import::build_model(&report.files).unwrap_or_else(|errors| panic!("{errors}"));
    let again = import::import_docs_with_overlays(&docs(), &overlays()).expect("overlays load");
    assert_eq!(report.files, again.files);
}

#[test]
fn broken_overlays_are_errors() {
    let dir = scratch("broken-overlay");
    std::fs::create_dir_all(&dir).expect("mkdir");
    // Not YAML: the list is not closed.
    std::fs::write(dir.join("x.yaml"), "a: [1, 2\n").expect("write");
    let errors = import::import_docs_with_overlays(&docs(), &dir)
        .expect_err("unreadable overlays are refused");
    assert!(errors[0].contains("x.yaml"), "{errors:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("bitrix24-import-{name}-{}", std::process::id()))
}

#[test]
fn write_then_check() {
    let report = report();
    let out = scratch("write");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(out.join("old")).expect("mkdir");
    std::fs::write(out.join("old/stale.yaml"), "scope: x\n").expect("write");
    let written = import::write_specs(&out, &report.files).expect("write");
    assert_eq!(written.written.len(), report.files.len());
    assert_eq!(written.deleted, ["old/stale.yaml"]);
    assert!(
        import::check_specs(&out, &report.files)
            .expect("check")
            .is_empty()
    );
    std::fs::write(out.join("events.yaml"), "scope: common\n").expect("write");
    let stale = import::check_specs(&out, &report.files).expect("check");
    assert_eq!(stale.len(), 1);
    assert!(stale[0].to_string().contains("events.yaml"), "{}", stale[0]);
    let again = import::write_specs(&out, &report.files).expect("write");
    assert_eq!(again.written, ["events.yaml"]);
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn a_missing_docs_root_is_an_error_not_a_panic() {
    let report = import::import_docs(Path::new("/nonexistent/docs"));
    assert_eq!(report.errors.len(), 1);
    assert!(report.files.is_empty());
}

/// The real docs, when they are next to the workspace (`../shared/b24restdocs`):
/// `cargo test -p bitrix24-codegen --test import -- --ignored`.
#[test]
#[ignore = "needs the docs snapshot at ../shared/b24restdocs"]
fn the_real_docs_import_and_build() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/b24restdocs");
    let report = import::import_docs(&root);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(report.methods_written > 1500, "{}", report.summary());
    assert!(report.events_written > 180, "{}", report.summary());
    let model = import::build_model(&report.files).unwrap_or_else(|errors| panic!("{errors}"));
    bitrix24_codegen::output::render(&model, "specs").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(import::import_docs(&root).files, report.files);
}
