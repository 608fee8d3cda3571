//! `cargo xtask coverage` counts, over the test specs and their committed generated tree.

use std::collections::BTreeMap;
use std::path::Path;

use bitrix24_codegen::coverage::Coverage;

#[test]
fn counts_methods_per_scope_and_raw_fields() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let (loaded, errors) = bitrix24_codegen::load::load_dir(&root.join("specs/ok"));
    assert!(errors.is_empty(), "{errors}");
    let model = bitrix24_codegen::model::build(&loaded).unwrap();
    let documented = BTreeMap::from([("crm".to_owned(), 9), ("im".to_owned(), 2)]);
    let coverage =
        Coverage::measure(&model, &root.join("fixtures/generated"), Some(&documented)).unwrap();
    println!("{coverage}");
    let crm = &coverage.scopes["crm"];
    assert_eq!(crm.documented, Some(9));
    assert!(crm.specced > 0);
    // The committed tree is generated from these specs: every method is in it.
    assert_eq!(crm.generated, crm.specced);
    // widget.yaml types one field `raw` (`META`); its list's `filter: map<raw>` is a
    // checked filter over the widget's fields, no raw JSON.
    assert_eq!(crm.raw, 1, "{crm:?}");
    // A scope only the docs know shows up with nothing specced.
    let im = &coverage.scopes["im"];
    assert_eq!((im.documented, im.specced, im.generated), (Some(2), 0, 0));
    let total = coverage.total();
    assert_eq!(total.documented, Some(11));
    assert_eq!(
        total.specced,
        coverage.scopes.values().map(|s| s.specced).sum::<usize>()
    );
    let table = coverage.to_string();
    assert!(table.starts_with("scope "));
    assert!(table.lines().last().unwrap().starts_with("total "));
}

#[test]
fn without_docs_the_documented_column_is_empty() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let (loaded, _) = bitrix24_codegen::load::load_dir(&root.join("specs/ok"));
    let model = bitrix24_codegen::model::build(&loaded).unwrap();
    let coverage = Coverage::measure(&model, &root.join("fixtures/generated"), None).unwrap();
    assert!(coverage.scopes.values().all(|s| s.documented.is_none()));
    assert!(coverage.to_string().contains(" - "));
}

#[test]
fn accuracy_figures_over_an_import() {
    use bitrix24_codegen::accuracy::Accuracy;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let report = bitrix24_codegen::import::import_docs_with_overlays(
        &root.join("docs"),
        &root.join("docs-overlays"),
    )
    .unwrap();
    let (loaded, errors) = bitrix24_codegen::load::load_texts(&report.files);
    assert!(errors.is_empty(), "{errors}");
    let accuracy = Accuracy::measure(&loaded, Some(&report));
    println!("{accuracy}");
    assert_eq!(accuracy.methods, report.methods_written);
    assert!(
        accuracy.params_missing.is_empty(),
        "{:?}",
        accuracy.params_missing
    );
    assert!(accuracy.reads_marked_write.is_empty());
    // The test overlay keys crm.widget.add: a decision with its reason.
    assert_eq!(
        accuracy.kind_decisions.len(),
        1,
        "{:?}",
        accuracy.kind_decisions
    );
    assert!(accuracy.money > 0 && accuracy.money_not_decimal.is_empty());
    assert!(accuracy.documented_unspecced.is_empty());
    let text = accuracy.to_string();
    assert!(text.starts_with("accuracy ("));
    assert!(text.contains("money fields typed decimal"));
    // Without the docs, only what the specs say is counted.
    let alone = Accuracy::measure(&loaded, None);
    assert!(alone.params_missing.is_empty() && alone.documented_unspecced.is_empty());
    assert_eq!(alone.money, accuracy.money);
}

#[test]
fn typed_depth_figures_follow_named_types_and_lists() {
    use bitrix24_codegen::depth::Depth;
    let spec = r#"
scope: crm
types:
  Gadget:
    fields:
      ID: id
      NAME: string
      PART: Part
  Part:
    fields:
      SIZE: integer
      BLOB: raw
  Plain:
    fields:
      ID: id
methods:
  crm.gadget.get:
    kind: read
    params:
      id: { type: id, required: true }
    result: Gadget
  crm.plain.get:
    kind: read
    result: Plain
  crm.gadget.list:
    kind: read
    params:
      filter: "map<raw>"
      order: "map<string>"
      start: integer
    result: { type: "Plain[]", list: { fast_path: true } }
  crm.gadget.getpage:
    kind: read
    params:
      start: integer
    result: "raw[]"
  crm.gadget.getstats:
    kind: read
    result: raw
"#;
    let files = BTreeMap::from([("crm/gadgets.yaml".to_owned(), spec.to_owned())]);
    let (loaded, errors) = bitrix24_codegen::load::load_texts(&files);
    assert!(errors.is_empty(), "{errors}");
    let model = bitrix24_codegen::model::build(&loaded).unwrap();
    let depth = Depth::measure(&model);
    println!("{depth}");
    let crm = &depth.scopes["crm"];
    assert_eq!(crm.methods, 5);
    // `raw[]` and `raw` results.
    assert_eq!(crm.raw_results, 2);
    // Gadget holds raw JSON two levels down (Part.BLOB); Plain and Plain[] do not.
    assert_eq!(crm.clean_records, 2);
    // Gadget (3), Part (2), Plain (1); one raw field (BLOB).
    assert_eq!((crm.reachable_fields, crm.reachable_raw), (6, 1));
    // crm.gadget.list and crm.gadget.getpage page; only the first declares its list.
    assert_eq!(
        (
            crm.paginated,
            crm.declared,
            crm.typed_records,
            crm.fast_path
        ),
        (2, 1, 1, 1)
    );
    assert_eq!(depth.total(), *crm);
    assert!(depth.to_string().contains("\ntotal "));
}
