//! Bad specs: every problem is reported with file, line:column and key path, and
//! nothing is written.

use std::fs;
use std::path::{Path, PathBuf};

use bitrix24_codegen::{SpecError, generate, load, model};

fn specs(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/specs")
        .join(dir)
}

/// Load and build one bad file; return its errors as `line:col: path: message` lines.
fn errors_of(file: &str) -> Vec<String> {
    let path = specs("bad").join(file);
    let text = fs::read_to_string(&path).unwrap();
    let loaded = match load::parse(&path, &text) {
        Ok(spec) => vec![load::LoadedSpec {
            relative: file.to_owned(),
            path: path.clone(),
            spec,
        }],
        Err(errors) => return errors.0.iter().map(short).collect(),
    };
    match model::build(&loaded) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.0.iter().map(short).collect(),
    }
}

fn short(error: &SpecError) -> String {
    let location = error
        .location
        .map(|(l, c)| format!("{l}:{c}"))
        .unwrap_or_else(|| "-".into());
    format!("{location}: {}: {}", error.path, error.message)
}

#[test]
fn every_error_is_reported_with_its_location_and_key_path() {
    let errors = errors_of("broken.yaml");
    let expected = [
        "5:16: types.Thing.fields.TYPE_ID.type: unknown type `Strin`; did you mean `string`?",
        "6:7: types.Thing.fields.typeId: `typeId` and `TYPE_ID` both become the Rust field `type_id`; rename one in the spec",
        "7:14: types.Thing.fields.OWNER.type: unknown type `Widgit`",
        "8:3: types.lowercase: type names are UpperCamelCase (`Lowercase`)",
        "13:11: methods.crm.thing.get.kind: unknown kind `reed`: expected `read`, `idempotent` or `write`; did you mean `read`?",
        "17:3: methods.crm.thing.list.params: a list method needs an optional `start: integer` parameter for pagination",
        "20:13: methods.crm.thing.list.result.type: a list method's result type is its records list (`Thing[]`)",
        "27:13: methods.crm.thing.search.result.list.counted: `counted` changes how the fast path pages; without `fast_path: true` pages are counted anyway: remove it or add `fast_path: true`",
        "32:11: methods.crm.thing.delete.params.id.type: `none` (a reply with no data) is a method's result type, not a field's",
        "33:13: methods.crm.thing.delete.result.type: `none` (a reply with no data) is a method's result type, not a field's",
    ];
    assert_eq!(errors, expected, "got:\n{}", errors.join("\n"));
}

#[test]
fn unknown_keys_name_the_key_and_the_allowed_ones() {
    let errors = errors_of("unknown_key.yaml");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("5:5: methods.crm.thing.delete.reslut: "),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("reslut"), "{}", errors[0]);
    assert!(errors[0].contains("result"), "{}", errors[0]);
}

#[test]
fn invalid_yaml_is_located() {
    let errors = errors_of("not_yaml.yaml");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("4:1: : invalid YAML"),
        "{}",
        errors[0]
    );
}

#[test]
fn the_display_form_names_the_file() {
    let root = specs("bad");
    let errors = generate(&root).unwrap_err();
    let text = errors.to_string();
    assert!(
        text.contains("broken.yaml:5:16: types.Thing.fields.TYPE_ID.type: unknown type `Strin`"),
        "{text}"
    );
    assert!(text.contains("unknown_key.yaml:5:5"), "{text}");
    assert!(text.contains("not_yaml.yaml:4:1"), "{text}");
    assert!(text.ends_with("nothing was written"), "{text}");
}

#[test]
fn a_bad_spec_writes_nothing() {
    let out = tempdir("bad-writes-nothing");
    fs::write(out.join("mod.rs"), "// previous output\n").unwrap();
    let result = bitrix24_codegen::regenerate(&specs("bad"), &out);
    assert!(result.is_err());
    assert_eq!(
        fs::read_to_string(out.join("mod.rs")).unwrap(),
        "// previous output\n"
    );
    assert_eq!(fs::read_dir(&out).unwrap().count(), 1);
}

#[test]
fn generation_writes_deletes_stale_files_and_then_checks_clean() {
    let out = tempdir("regenerate");
    fs::create_dir_all(out.join("gone")).unwrap();
    fs::write(out.join("gone/old.rs"), "// stale\n").unwrap();
    let report = bitrix24_codegen::regenerate(&specs("ok"), &out).unwrap();
    assert_eq!(report.deleted, vec!["gone/old.rs".to_owned()]);
    assert!(!out.join("gone").exists(), "empty directories are removed");
    assert!(report.written.contains(&"crm/widget.rs".to_owned()));
    let files = generate(&specs("ok")).unwrap();
    assert!(bitrix24_codegen::check(&out, &files).unwrap().is_empty());

    // Touch one file: the check names it, and a second run restores it.
    fs::write(out.join("crm/widget.rs"), "// edited by hand\n").unwrap();
    let stale = bitrix24_codegen::check(&out, &files).unwrap();
    assert_eq!(
        stale,
        vec![bitrix24_codegen::output::Stale::Changed(
            "crm/widget.rs".into()
        )]
    );
    let again = bitrix24_codegen::regenerate(&specs("ok"), &out).unwrap();
    assert_eq!(again.written, vec!["crm/widget.rs".to_owned()]);
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bitrix24-codegen-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn bad_events_are_reported_with_their_key_paths() {
    let errors = errors_of("events.yaml");
    let expected = [
        "13:11: events.ONTHINGUPDATE.data: `Payload` is already the data of event `ONTHINGADD`; each event has a type of its own",
        "14:3: events.onThingDelete: event codes are upper-case letters, digits and `_`, in dot-separated segments (`ONTHINGDELETE`)",
        "15:11: events.onThingDelete.data: unknown type `Paylod`: an event's `data` is a named object type of this file; did you mean `Payload`?",
        "17:11: events.ONTHINGKIND.data: `Kind` is an enumeration; an event's `data` is an object type (`fields`)",
        "18:11: events.ONTHINGKIND.docs: `/thing.md` must be a docs page path relative to the docs root, ending in `.md`",
    ];
    assert_eq!(errors, expected, "got:\n{}", errors.join("\n"));
}

#[test]
fn an_event_is_specified_once_and_its_data_type_lives_in_its_file() {
    let deals = "scope: crm\ntypes:\n  DealAdded:\n    fields:\n      ID: id\nevents:\n  ONCRMDEALADD:\n    data: DealAdded\n";
    let other = "scope: crm\nevents:\n  ONCRMDEALADD:\n    data: DealAdded\n  ONCRMDEALUPDATE:\n    data: DealAdded\n";
    let loaded: Vec<load::LoadedSpec> = [("crm/deals.yaml", deals), ("crm/other.yaml", other)]
        .into_iter()
        .map(|(relative, text)| load::LoadedSpec {
            relative: relative.to_owned(),
            path: PathBuf::from(relative),
            spec: load::parse(Path::new(relative), text).unwrap(),
        })
        .collect();
    let errors: Vec<String> = model::build(&loaded)
        .unwrap_err()
        .0
        .iter()
        .map(|e| format!("{}:{}", e.file.display(), short(e)))
        .collect();
    assert_eq!(
        errors,
        [
            "crm/other.yaml:3:3: events.ONCRMDEALADD: event `ONCRMDEALADD` is already specified in `crm/deals.yaml`",
            "crm/other.yaml:4:11: events.ONCRMDEALADD.data: `DealAdded` is defined in `crm/deals.yaml`; an event's `data` is a named object type of the event's own file",
            "crm/other.yaml:6:11: events.ONCRMDEALUPDATE.data: `DealAdded` is defined in `crm/deals.yaml`; an event's `data` is a named object type of the event's own file",
        ],
        "got:\n{}",
        errors.join("\n")
    );
}

#[test]
fn an_unknown_key_in_an_event_is_located() {
    let text =
        "scope: crm\ntypes:\n  A:\n    fields: {}\nevents:\n  ONA:\n    data: A\n    payload: A\n";
    let errors = load::parse(Path::new("a.yaml"), text).unwrap_err();
    let errors: Vec<String> = errors.0.iter().map(short).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("8:5: events.ONA.payload: "),
        "{}",
        errors[0]
    );
}

#[test]
fn the_linter_names_kinds_money_and_dates() {
    let errors = errors_of("lint.yaml");
    let expected = [
        "6:14: types.Row.fields.PRICE.type: `PRICE` names money: type it `decimal` (`double` rounds or cuts it)",
        "14:11: methods.crm.row.add.kind: kind `idempotent` departs from the kind rule, which gives `write` (the name creates); follow the rule, or say in `kind_reason` what the docs say the method does",
        "16:20: methods.crm.row.add.params.OPPORTUNITY.type: `OPPORTUNITY` names money: type it `decimal` (`integer` rounds or cuts it)",
        "19:11: methods.user.current.kind: kind `write` departs from the kind rule, which gives `read` (the name reads); follow the rule, or say in `kind_reason` what the docs say the method does",
        "27:18: methods.crm.row.get.kind_reason: kind `read` is the rule's: remove the `kind_reason`",
    ];
    assert_eq!(errors, expected, "got:\n{}", errors.join("\n"));
}

#[test]
fn the_linter_warns_of_text_typed_money_and_dates() {
    let path = specs("bad").join("lint.yaml");
    let text = fs::read_to_string(&path).unwrap();
    let loaded = vec![load::LoadedSpec {
        relative: "lint.yaml".to_owned(),
        path: path.clone(),
        spec: load::parse(&path, &text).unwrap(),
    }];
    let warnings: Vec<String> = model::lint(&loaded).warnings.iter().map(short).collect();
    assert_eq!(
        warnings,
        [
            "9:20: types.Row.fields.DATE_CREATE.type: `DATE_CREATE` names a date but is typed `string`",
            "10:19: types.Row.fields.RESULT_SUM.type: `RESULT_SUM` names money but is typed `string`",
        ]
    );
}

#[test]
fn a_parameters_requires_names_writable_fields_of_its_record() {
    let errors = errors_of("requires.yaml");
    let expected = [
        "8:40: types.Quote.fields.CLOSED.requires: `requires` belongs on a method's parameter of a record type",
        "14:64: methods.crm.quote.add.params.fields.requires: `TITEL` is no field of `Quote`; did you mean `TITLE`?",
        "14:71: methods.crm.quote.add.params.fields.requires: `ID` is a read-only field of `Quote`: no request carries it",
        "15:34: methods.crm.quote.add.params.id.requires: `requires` names fields of a record; `id` is `id`, no record type",
    ];
    assert_eq!(errors, expected, "got:\n{}", errors.join("\n"));
}

#[test]
fn sent_names_take_one_rule_and_only_on_objects() {
    let errors = errors_of("sent_names.yaml");
    let expected = [
        "5:17: types.Gadget.sent_names: `sent_names` takes `upper_snake`, not `lower`",
        "9:17: types.Size.sent_names: `sent_names` renames an object's fields; an enumeration has none",
    ];
    assert_eq!(errors, expected, "got:\n{}", errors.join("\n"));
}

#[test]
fn a_lists_sort_param_names_a_scalar_parameter() {
    let errors = errors_of("sort_param.yaml");
    let expected = [
        "16:44: methods.user.get.result.list.sort_param: `sort` is no parameter of the method naming a field (a scalar)",
    ];
    assert_eq!(errors, expected, "got:\n{}", errors.join("\n"));
}
