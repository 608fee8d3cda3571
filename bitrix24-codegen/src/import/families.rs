//! One record type per entity, across the pages of its method family.
//!
//! The docs describe an entity on several pages (`crm.lead.get`, `crm.lead.list`, ...),
//! and each page built alone gives it a type of its own. This pass, run once every page is
//! built, joins them: the record the family's `*.get` returns is the entity's record type;
//! it takes the entity's name (`crm.lead` -> `Lead`; the scope joins the name where two
//! families share their last word: `sale.status` -> `SaleStatus`). The writes take it
//! first (see `writes`), so that fields only they list join it; then the family's `*.list`
//! returns it too when its own records are raw or read as a subset of its fields (a list
//! page that refers to the get page for the record, as `crm.lead.list` does), the record
//! adopting what only the list types (a field it left raw, a few it lacks). A family with
//! no get that lists and writes its records takes the listed record. A list's own record
//! type that nothing uses any more is dropped.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;

use super::adoption::joins_record;
use super::emit_yaml::Yaml;
use super::field_access::Writable;
use super::records::{drop_unused, is_within, rename, type_fields};
use super::render::FileTree;
use super::replies::share_with_replies;
use super::report::Problem;
use super::result::ENVELOPE_ROWS;
use super::writes;
use crate::naming;

/// Joins the record types of method families in `files` (see the module docs); `used`
/// holds every name the model derives besides the files' types (request types);
/// `writable`, the fields each family's `*.fields` method shows as writable.
pub(super) fn unify(
    files: &mut BTreeMap<String, FileTree>,
    used: &BTreeSet<String>,
    writable: &Writable,
    notes: &mut Vec<Problem>,
) {
    let Found {
        mut records,
        listed,
        whole,
    } = get_records(files);
    let names = entity_names(&records, &whole, files, used);
    // A listed record stands for its entity only under the entity's name: one the writes
    // would take as `CatalogDocumentElementListDocumentElements` is no better than theirs.
    records.retain(|family, _| !listed.contains(family) || names.contains_key(family));
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    let mut dropped: BTreeSet<String> = BTreeSet::new();
    for (family, record) in &records {
        if let Some(name) = names.get(family) {
            renames.insert(record.clone(), name.clone());
        }
        // The writes first: fields only a write page lists (a company's `PHONE`) join
        // the record, and a list that shows them is then within it.
        let none = BTreeSet::new();
        let family_writable = writable.get(family).unwrap_or(&none);
        dropped.extend(writes::share_with_writes(
            files,
            family,
            record,
            family_writable,
            notes,
        ));
        let fields = type_fields(files, record);
        for list in ["list", "getlist", "getList"] {
            let method = format!("{family}.{list}");
            let shared = share_with_list(files, &method, record, &fields)
                .or_else(|| share_with_keyed_list(files, &method, record, &fields));
            if let Some(replaced) = shared {
                notes.push(Problem {
                    page: method.clone(),
                    line: None,
                    message: format!("records typed as `{family}.get` returns them (`{record}`)"),
                });
                dropped.extend(replaced);
            }
        }
        let shared = share_with_replies(files, family, record);
        if !shared.is_empty() {
            notes.push(Problem {
                page: family.clone(),
                line: None,
                message: format!(
                    "replies typed as `{family}.get` returns the record (`{record}`): {}",
                    shared.iter().cloned().collect::<Vec<_>>().join(", ")
                ),
            });
            dropped.extend(shared);
        }
        // The one record a family's `*.current` returns (`user.current`).
        let method = format!("{family}.current");
        if let Some(replaced) = share_with_one(files, &method, record, &fields) {
            notes.push(Problem {
                page: method.clone(),
                line: None,
                message: format!("record typed as `{family}.get` returns it (`{record}`)"),
            });
            dropped.insert(replaced);
        }
    }
    drop_unused(files, &dropped);
    rename(files, &renames);
}

/// Makes `method` (one record: `user.current`) return `record` when its own record type
/// holds a subset of `record`'s fields; the replaced record type, if any.
fn share_with_one(
    files: &mut BTreeMap<String, FileTree>,
    method: &str,
    record: &str,
    fields: &BTreeMap<String, String>,
) -> Option<String> {
    let own = files
        .values()
        .find_map(|file| file.methods.get(method)?.get("result")?.as_str())?
        .to_owned();
    let own_fields = type_fields(files, &own);
    if own == record || !is_within(files, &own_fields, fields) {
        return None;
    }
    for file in files.values_mut() {
        if let Some(result) = file
            .methods
            .get_mut(method)
            .and_then(|entry| entry.get_mut("result"))
        {
            *result = Yaml::str(record);
        }
    }
    Some(own)
}

/// The records [`get_records`] finds.
struct Found {
    /// Family (`crm.lead`) -> the named record type its `*.get` returns (or, with no get,
    /// its `*.list` lists).
    records: BTreeMap<String, String>,
    /// The families whose record is the listed one.
    listed: BTreeSet<String>,
    /// The families whose `*.get` returns the record itself, not a list, a map or a
    /// holder of it: a plural name says what the one record holds (`voximplant.tts.voices`).
    whole: BTreeSet<String>,
}

fn get_records(files: &BTreeMap<String, FileTree>) -> Found {
    let defined = defined_structs(files);
    let mut out = BTreeMap::new();
    let mut listed = BTreeSet::new();
    let mut whole = BTreeSet::new();
    for file in files.values() {
        for (method, entry) in &file.methods {
            let Some(family) = method.strip_suffix(".get") else {
                continue;
            };
            // A get that returns a list (`user.get`, `department.get`) or a map by ID
            // (`task.stages.get`) names the record of its elements.
            let Some(result) = entry
                .get("result")
                .and_then(|result| result.as_str().or_else(|| result.get("type")?.as_str()))
            else {
                continue;
            };
            let whole_result = result;
            let result = result
                .strip_suffix("[]")
                .or_else(|| result.strip_prefix("map<")?.strip_suffix('>'))
                .unwrap_or(result);
            if defined.contains(result) {
                let held = held_record(files, &defined, result);
                if held.is_none() && defined.contains(whole_result) {
                    whole.insert(family.to_owned());
                }
                out.insert(family.to_owned(), held.unwrap_or(result).to_owned());
            }
        }
    }
    // A family with no `*.get` that lists its records and writes them (`crm.address`):
    // the listed record is the entity, for the writes to share.
    for file in files.values() {
        for (method, entry) in &file.methods {
            let Some(family) = method.strip_suffix(".list") else {
                continue;
            };
            let writes = ["add", "update"]
                .iter()
                .any(|verb| file.methods.contains_key(&format!("{family}.{verb}")));
            if out.contains_key(family) || !writes {
                continue;
            }
            let records = entry
                .get("result")
                .and_then(|result| result.get("type"))
                .and_then(Yaml::as_str)
                .and_then(|ty| ty.strip_suffix("[]"));
            if let Some(record) = records.filter(|record| defined.contains(*record)) {
                out.insert(family.to_owned(), record.to_owned());
                listed.insert(family.to_owned());
            }
        }
    }
    Found {
        records: out,
        listed,
        whole,
    }
}

/// The one record a reply type holds, where the reply is only its holder (`sale.order.get`
/// replies `{"order": {...}}`): the record is the entity, not its holder.
fn held_record<'a>(
    files: &'a BTreeMap<String, FileTree>,
    defined: &BTreeSet<String>,
    reply: &str,
) -> Option<&'a str> {
    let fields = files
        .values()
        .find_map(|file| file.types.get(reply))?
        .get("fields")?;
    let Yaml::Map(fields) = fields else {
        return None;
    };
    let [(_, field)] = fields.as_slice() else {
        return None;
    };
    let ty = field.as_str().or_else(|| field.get("type")?.as_str())?;
    defined.contains(ty).then_some(ty)
}

/// The names of the types that are records (maps with `fields`).
fn defined_structs(files: &BTreeMap<String, FileTree>) -> BTreeSet<String> {
    files
        .values()
        .flat_map(|file| &file.types)
        .filter(|(_, ty)| ty.get("fields").is_some())
        .map(|(name, _)| name.clone())
        .collect()
}

/// The entity name of each family whose name is free: its last word, or the whole path
/// where another family ends in the same word (`Lead`, `SaleStatus`).
fn entity_names(
    records: &BTreeMap<String, String>,
    whole: &BTreeSet<String>,
    files: &BTreeMap<String, FileTree>,
    used: &BTreeSet<String>,
) -> BTreeMap<String, String> {
    let mut by_word: BTreeMap<String, usize> = BTreeMap::new();
    for family in records.keys() {
        *by_word.entry(last_word(family)).or_default() += 1;
    }
    let mut taken: BTreeSet<String> = files
        .values()
        .flat_map(|file| file.types.keys().cloned())
        .chain(used.iter().cloned())
        .collect();
    let mut out = BTreeMap::new();
    // Families named by a singular word first: `user` is `User` before the plural
    // `timeman.timecontrol.reports.users` may take it.
    let (singulars, plurals): (Vec<_>, Vec<_>) = records.iter().partition(|(family, _)| {
        let word = last_word(family);
        singular(&word) == word
    });
    for (family, record) in singulars.into_iter().chain(plurals) {
        let word = last_word(family);
        // One record of `task.stages` is a `Stage`; the word as it is when that is taken,
        // or when the get returns the record whole (`voximplant.tts.voices`: the voices).
        let candidates = if by_word[&word] == 1 && whole.contains(family) {
            vec![word.to_upper_camel_case()]
        } else if by_word[&word] == 1 {
            vec![
                singular(&word).to_upper_camel_case(),
                word.to_upper_camel_case(),
            ]
        } else {
            vec![family.replace('.', " ").to_upper_camel_case()]
        };
        // A record two families share (a linked entity type) keeps its name.
        let shared = records.values().filter(|r| *r == record).count() > 1;
        let free = candidates
            .into_iter()
            .find(|name| naming::is_type_name(name) && !taken.contains(name));
        let Some(name) = free.filter(|_| !shared) else {
            continue;
        };
        taken.insert(name.clone());
        out.insert(family.clone(), name);
    }
    out
}

/// The singular of a family's plural last word (`stages`, `basketproperties`,
/// `localizations`); other words as they are (`status`, `address`, `element`).
fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        return format!("{stem}y");
    }
    if word.ends_with("sses") || word.ends_with("xes") {
        return word[..word.len() - 2].to_owned();
    }
    if ["ss", "us", "is"].iter().any(|end| word.ends_with(end)) {
        return word.to_owned();
    }
    word.strip_suffix('s').unwrap_or(word).to_owned()
}

/// `crm.lead` -> `lead`, `tasks.task` -> `task`.
fn last_word(family: &str) -> String {
    family.rsplit('.').next().unwrap_or(family).to_owned()
}

/// Makes `method` (a paginated list) return `record`s when its own records are raw or a
/// subset of `record`'s fields; the replaced record type, if any.
fn share_with_list(
    files: &mut BTreeMap<String, FileTree>,
    method: &str,
    record: &str,
    fields: &BTreeMap<String, String>,
) -> Option<Option<String>> {
    let own = files.values().find_map(|file| {
        let result = file.methods.get(method)?.get("result")?;
        let records = match result {
            Yaml::Str(ty) => ty.clone(),
            other => other.get("type")?.as_str()?.to_owned(),
        };
        Some((records, matches!(result, Yaml::Map(_))))
    });
    let (records, declared) = own?;
    if records != "raw" && !records.ends_with("[]") {
        // One record, not a list of them (a page whose reply wraps the records in a key
        // it does not document as a list): sharing would make it a list it is not.
        return None;
    }
    let element = records.strip_suffix("[]").unwrap_or(&records).to_owned();
    let replaced = match element.as_str() {
        "raw" => None,
        _ if element == record => return None,
        _ if joins_record(files, record, &element, fields) => Some(element),
        _ => return None,
    };
    let paginated = declared || has_start(files, method);
    if !paginated && records == "raw" {
        // Not known to be a list of records.
        return None;
    }
    let id_field = (!fields.contains_key("ID") && fields.contains_key("id")).then_some("id");
    for file in files.values_mut() {
        let Some(entry) = file.methods.get_mut(method) else {
            continue;
        };
        let Some(result) = entry.get_mut("result") else {
            continue;
        };
        let ty = Yaml::Str(format!("{record}[]"));
        match result {
            Yaml::Map(entries) => {
                for (key, value) in entries.iter_mut() {
                    if key == "type" {
                        *value = ty.clone();
                    }
                }
            }
            _ if paginated => {
                let mut list = Vec::new();
                if let Some(id) = id_field {
                    list.push(("id_field".to_owned(), Yaml::str(id)));
                }
                *result = Yaml::Map(vec![
                    ("type".to_owned(), ty),
                    ("list".to_owned(), Yaml::Map(list)),
                ]);
            }
            _ => *result = ty,
        }
    }
    Some(replaced)
}

/// Makes the list a paginated `method` holds under one key of its result
/// (`rpa.type.list`: `{"types": [{}, {}]}`) a list of `record`, when its own records are
/// raw or a subset of `record`'s fields; the replaced record type, if any.
/// [`crate::import::lists`] then declares it a keyed list.
fn share_with_keyed_list(
    files: &mut BTreeMap<String, FileTree>,
    method: &str,
    record: &str,
    fields: &BTreeMap<String, String>,
) -> Option<Option<String>> {
    if !has_start(files, method) {
        return None;
    }
    let holder = files
        .values()
        .find_map(|file| file.methods.get(method)?.get("result")?.as_str())?
        .to_owned();
    let mut content = type_fields(files, &holder)
        .into_iter()
        .filter(|(key, _)| !ENVELOPE_ROWS.contains(&key.as_str()));
    let (Some((key, records)), None) = (content.next(), content.next()) else {
        return None;
    };
    let element = records.strip_suffix("[]")?;
    let replaced = match element {
        "raw" => None,
        _ if element == record => return None,
        _ if joins_record(files, record, element, fields) => Some(element.to_owned()),
        _ => return None,
    };
    let entry = files
        .values_mut()
        .find_map(|file| file.types.get_mut(&holder))
        .and_then(|ty| ty.get_mut("fields"))
        .and_then(|fields| fields.get_mut(&key))?;
    match entry {
        Yaml::Map(entries) => {
            for (name, value) in entries.iter_mut() {
                if name == "type" {
                    *value = Yaml::Str(format!("{record}[]"));
                }
            }
        }
        other => *other = Yaml::Str(format!("{record}[]")),
    }
    Some(replaced)
}

/// Whether `method` takes a `start` (the classic page offset).
fn has_start(files: &BTreeMap<String, FileTree>, method: &str) -> bool {
    files.values().any(|file| {
        file.methods
            .get(method)
            .and_then(|entry| entry.get("params"))
            .and_then(|params| params.get("start"))
            .is_some()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::records::field_type;
    use crate::import::test_trees::{method, method_with, record, tree};

    #[test]
    fn a_list_held_under_a_key_returns_the_entity_when_its_records_say_nothing_else() {
        let mut files = BTreeMap::new();
        files.insert(
            "rpa/type.yaml".to_owned(),
            tree(
                vec![
                    (
                        "RpaTypeGetResult",
                        record(&[("ID", "id"), ("TITLE", "string")]),
                    ),
                    ("RpaTypeListResult", record(&[("types", "raw[]")])),
                    ("RpaStageListResult", record(&[("stages", "raw[]")])),
                    (
                        "RpaKindListResult",
                        record(&[("kinds", "RpaKind[]"), ("more", "boolean")]),
                    ),
                    ("RpaKind", record(&[("ID", "id"), ("CODE", "string")])),
                ],
                vec![
                    ("rpa.type.get", method(Yaml::str("RpaTypeGetResult"), false)),
                    (
                        "rpa.type.list",
                        method(Yaml::str("RpaTypeListResult"), true),
                    ),
                    // Not paginated: nothing says its raw records are the entity's.
                    (
                        "rpa.stage.get",
                        method(Yaml::str("RpaTypeGetResult"), false),
                    ),
                    (
                        "rpa.stage.list",
                        method(Yaml::str("RpaStageListResult"), false),
                    ),
                    ("rpa.kind.get", method(Yaml::str("RpaTypeGetResult"), false)),
                    (
                        "rpa.kind.list",
                        method(Yaml::str("RpaKindListResult"), true),
                    ),
                ],
            ),
        );
        let mut notes = Vec::new();
        unify(&mut files, &BTreeSet::new(), &Writable::new(), &mut notes);
        let file = &files["rpa/type.yaml"];
        let held =
            |holder: &str, key: &str| file.types[holder].get("fields").unwrap().get(key).cloned();
        let entity = file.methods["rpa.type.get"]
            .get("result")
            .unwrap()
            .as_str()
            .unwrap();
        assert_eq!(
            held("RpaTypeListResult", "types"),
            Some(Yaml::Str(format!("{entity}[]")))
        );
        assert_eq!(
            held("RpaStageListResult", "stages"),
            Some(Yaml::str("raw[]"))
        );
        // Two fields besides the envelope: not a list held under one key.
        assert_eq!(
            held("RpaKindListResult", "kinds"),
            Some(Yaml::str("RpaKind[]"))
        );
    }

    #[test]
    fn a_list_held_under_a_key_fills_in_the_record_like_a_bare_list() {
        let mut files = BTreeMap::from([(
            "crm/documents.yaml".to_owned(),
            tree(
                vec![
                    (
                        "CrmDocumentGetResult",
                        record(&[
                            ("id", "id"),
                            ("title", "string"),
                            ("number", "integer"),
                            ("pdfUrl", "raw"),
                        ]),
                    ),
                    (
                        "CrmDocumentListResult",
                        record(&[("documents", "CrmDocumentListItem[]")]),
                    ),
                    (
                        "CrmDocumentListItem",
                        record(&[
                            ("id", "id"),
                            ("title", "string"),
                            ("number", "string"),
                            ("pdfUrl", "string"),
                            ("stampsEnabled", "boolean"),
                        ]),
                    ),
                ],
                vec![
                    (
                        "crm.document.get",
                        method(Yaml::str("CrmDocumentGetResult"), false),
                    ),
                    (
                        "crm.document.list",
                        method(Yaml::str("CrmDocumentListResult"), true),
                    ),
                ],
            ),
        )]);
        unify(
            &mut files,
            &BTreeSet::new(),
            &Writable::new(),
            &mut Vec::new(),
        );
        let file = &files["crm/documents.yaml"];
        let entity = file.methods["crm.document.get"]
            .get("result")
            .and_then(Yaml::as_str)
            .unwrap();
        assert_eq!(
            file.types["CrmDocumentListResult"]
                .get("fields")
                .and_then(|fields| fields.get("documents")),
            Some(&Yaml::Str(format!("{entity}[]")))
        );
        assert!(!file.types.contains_key("CrmDocumentListItem"), "dropped");
        let fields = type_fields(&files, entity);
        // What the record left raw the list types; a number it shows as text widens to
        // text; one field only it shows (of five) joins.
        assert_eq!(fields["pdfUrl"], "string");
        assert_eq!(fields["number"], "string");
        assert_eq!(fields["stampsEnabled"], "boolean");
    }

    #[test]
    fn a_plural_family_names_one_record_in_the_singular() {
        assert_eq!(singular("stages"), "stage");
        assert_eq!(singular("basketproperties"), "basketproperty");
        assert_eq!(singular("addresses"), "address");
        assert_eq!(singular("status"), "status");
        assert_eq!(singular("address"), "address");
        assert_eq!(singular("element"), "element");
    }

    #[test]
    fn the_get_record_is_the_entity_and_the_list_returns_it() {
        let mut files = BTreeMap::new();
        files.insert(
            "crm/leads.yaml".to_owned(),
            tree(
                vec![
                    (
                        "CrmLeadGetResult",
                        record(&[("ID", "id"), ("PHONE", "CrmLeadGetPhone[]")]),
                    ),
                    ("CrmLeadGetPhone", record(&[("VALUE", "string")])),
                    ("CrmLeadListRecord", record(&[("ID", "id")])),
                ],
                vec![
                    ("crm.lead.get", method(Yaml::str("CrmLeadGetResult"), false)),
                    (
                        "crm.lead.list",
                        method(
                            Yaml::Map(vec![
                                ("type".to_owned(), Yaml::str("CrmLeadListRecord[]")),
                                ("list".to_owned(), Yaml::Map(vec![])),
                            ]),
                            true,
                        ),
                    ),
                    ("crm.contact.get", method(Yaml::str("raw"), false)),
                    ("crm.contact.list", method(Yaml::str("raw"), true)),
                ],
            ),
        );
        let mut notes = Vec::new();
        unify(&mut files, &BTreeSet::new(), &Writable::new(), &mut notes);
        let file = &files["crm/leads.yaml"];
        let names: Vec<&str> = file.types.keys().map(String::as_str).collect();
        assert_eq!(names, ["CrmLeadGetPhone", "Lead"]);
        assert_eq!(
            file.methods["crm.lead.get"].get("result"),
            Some(&Yaml::str("Lead"))
        );
        let list = file.methods["crm.lead.list"].get("result").unwrap();
        assert_eq!(list.get("type"), Some(&Yaml::str("Lead[]")));
        assert_eq!(
            file.types["Lead"].get("fields").unwrap().get("PHONE"),
            Some(&Yaml::str("CrmLeadGetPhone[]"))
        );
        // Nothing to share: the contact's methods stay as they were.
        assert_eq!(
            file.methods["crm.contact.list"].get("result"),
            Some(&Yaml::str("raw"))
        );
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn a_taken_name_is_not_reused_and_a_raw_list_gets_list_facts() {
        let mut files = BTreeMap::new();
        files.insert(
            "x.yaml".to_owned(),
            tree(
                vec![("XItemGetResult", record(&[("id", "integer")]))],
                vec![
                    ("x.item.get", method(Yaml::str("XItemGetResult"), false)),
                    ("x.item.list", method(Yaml::str("raw"), true)),
                ],
            ),
        );
        let used = BTreeSet::from(["Item".to_owned()]);
        unify(&mut files, &used, &Writable::new(), &mut Vec::new());
        let file = &files["x.yaml"];
        assert!(file.types.contains_key("XItemGetResult"));
        let list = file.methods["x.item.list"].get("result").unwrap();
        assert_eq!(list.get("type"), Some(&Yaml::str("XItemGetResult[]")));
        assert_eq!(
            list.get("list").unwrap().get("id_field"),
            Some(&Yaml::str("id"))
        );
    }

    #[test]
    fn a_list_record_shares_when_its_fields_read_as_the_entitys() {
        let mut files = BTreeMap::new();
        let list = |records: &str| {
            Yaml::Map(vec![
                ("type".to_owned(), Yaml::str(format!("{records}[]"))),
                ("list".to_owned(), Yaml::Map(vec![])),
            ])
        };
        files.insert(
            "crm/contacts.yaml".to_owned(),
            tree(
                vec![
                    (
                        "CrmContactGetResult",
                        record(&[("ASSIGNED_BY_ID", "user"), ("EMAIL", "crm_multifield[]")]),
                    ),
                    (
                        "CrmContactListRecord",
                        record(&[
                            ("ASSIGNED_BY_ID", "integer"),
                            ("EMAIL", "CrmContactListEmailItem[]"),
                        ]),
                    ),
                    (
                        "CrmContactListEmailItem",
                        record(&[("ID", "integer"), ("VALUE", "string")]),
                    ),
                    (
                        "CrmCompanyGetResult",
                        record(&[("EMAIL", "crm_multifield[]")]),
                    ),
                    (
                        "CrmCompanyListRecord",
                        record(&[("EMAIL", "CrmCompanyListEmailItem[]")]),
                    ),
                    // A field a multifield does not have: not the same shape.
                    (
                        "CrmCompanyListEmailItem",
                        record(&[("ID", "integer"), ("LABEL", "string")]),
                    ),
                ],
                vec![
                    (
                        "crm.contact.get",
                        method(Yaml::str("CrmContactGetResult"), false),
                    ),
                    (
                        "crm.contact.list",
                        method(list("CrmContactListRecord"), true),
                    ),
                    (
                        "crm.company.get",
                        method(Yaml::str("CrmCompanyGetResult"), false),
                    ),
                    (
                        "crm.company.list",
                        method(list("CrmCompanyListRecord"), true),
                    ),
                ],
            ),
        );
        unify(
            &mut files,
            &BTreeSet::new(),
            &Writable::new(),
            &mut Vec::new(),
        );
        let file = &files["crm/contacts.yaml"];
        assert_eq!(
            file.methods["crm.contact.list"].get("result"),
            Some(&list("Contact"))
        );
        assert_eq!(
            file.methods["crm.company.list"].get("result"),
            Some(&list("CrmCompanyListRecord"))
        );
        let names: Vec<&str> = file.types.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "Company",
                "Contact",
                "CrmCompanyListEmailItem",
                "CrmCompanyListRecord"
            ]
        );
    }

    #[test]
    fn a_list_showing_what_only_the_writes_and_itself_type_returns_the_record() {
        // The get page shows neither `PHONE` nor `COMMUNICATIONS`; the add page lists
        // `PHONE` and leaves `COMMUNICATIONS` raw; the list types both, calls `SORT` text
        // where the record says a number (the record widens it), and alone shows
        // `OWNER_ID`, which joins the record.
        let mut files = BTreeMap::from([(
            "crm/activity.yaml".to_owned(),
            tree(
                vec![
                    (
                        "CrmActivityGetResult",
                        record(&[("ID", "id"), ("SORT", "integer"), ("SUBJECT", "string")]),
                    ),
                    (
                        "CrmActivityAddFields",
                        record(&[
                            ("SORT", "integer"),
                            ("SUBJECT", "string"),
                            ("PHONE", "crm_multifield[]"),
                            ("COMMUNICATIONS", "raw"),
                        ]),
                    ),
                    (
                        "CrmActivityListRecord",
                        record(&[
                            ("ID", "id"),
                            ("SORT", "string"),
                            ("PHONE", "CrmActivityListPhone[]"),
                            ("COMMUNICATIONS", "CrmActivityListCommunication[]"),
                            ("OWNER_ID", "integer"),
                        ]),
                    ),
                    (
                        "CrmActivityListPhone",
                        record(&[("VALUE", "string"), ("VALUE_TYPE", "string")]),
                    ),
                    (
                        "CrmActivityListCommunication",
                        record(&[("VALUE", "string"), ("ENTITY_ID", "integer")]),
                    ),
                ],
                vec![
                    (
                        "crm.activity.get",
                        method(Yaml::str("CrmActivityGetResult"), false),
                    ),
                    (
                        "crm.activity.add",
                        method_with(&[("fields", "CrmActivityAddFields")], Yaml::str("id")),
                    ),
                    (
                        "crm.activity.list",
                        method(Yaml::str("CrmActivityListRecord[]"), true),
                    ),
                ],
            ),
        )]);
        unify(
            &mut files,
            &BTreeSet::new(),
            &Writable::new(),
            &mut Vec::new(),
        );
        let file = &files["crm/activity.yaml"];
        let listed = file.methods["crm.activity.list"].get("result").unwrap();
        assert_eq!(
            listed.get("type").and_then(Yaml::as_str),
            Some("Activity[]")
        );
        assert!(!file.types.contains_key("CrmActivityListRecord"));
        assert!(!file.types.contains_key("CrmActivityListPhone"));
        let field = |name: &str| {
            file.types["Activity"]
                .get("fields")
                .and_then(|fields| fields.get(name))
                .map(|field| field_type(field).to_owned())
        };
        assert_eq!(field("PHONE").as_deref(), Some("crm_multifield[]"));
        assert_eq!(field("SORT").as_deref(), Some("string"));
        assert_eq!(
            field("COMMUNICATIONS").as_deref(),
            Some("CrmActivityListCommunication[]"),
            "the list types what the record left raw"
        );
        assert_eq!(field("OWNER_ID").as_deref(), Some("integer"), "only listed");
    }

    #[test]
    fn with_no_get_the_listed_record_is_the_entity_the_writes_take() {
        let mut files = BTreeMap::from([(
            "crm/address.yaml".to_owned(),
            tree(
                vec![
                    (
                        "CrmAddressListRecord",
                        record(&[
                            ("TYPE_ID", "integer"),
                            ("CITY", "string"),
                            ("ANCHOR_ID", "integer"),
                        ]),
                    ),
                    (
                        "CrmAddressAddFields",
                        record(&[("TYPE_ID", "integer"), ("CITY", "string")]),
                    ),
                ],
                vec![
                    (
                        "crm.address.list",
                        method(
                            Yaml::Map(vec![
                                ("type".to_owned(), Yaml::str("CrmAddressListRecord[]")),
                                ("list".to_owned(), Yaml::Map(vec![])),
                            ]),
                            true,
                        ),
                    ),
                    (
                        "crm.address.add",
                        method_with(&[("fields", "CrmAddressAddFields")], Yaml::str("boolean")),
                    ),
                ],
            ),
        )]);
        unify(
            &mut files,
            &BTreeSet::new(),
            &Writable::new(),
            &mut Vec::new(),
        );
        let file = &files["crm/address.yaml"];
        assert_eq!(
            file.methods["crm.address.add"]
                .get("params")
                .and_then(|params| params.get("fields"))
                .map(field_type),
            Some("Address")
        );
        let listed = file.methods["crm.address.list"].get("result").unwrap();
        assert_eq!(listed.get("type").and_then(Yaml::as_str), Some("Address[]"));
        assert!(!file.types.contains_key("CrmAddressAddFields"));
        let anchor = file.types["Address"]
            .get("fields")
            .unwrap()
            .get("ANCHOR_ID");
        assert_eq!(
            anchor.and_then(|field| field.get("read_only")),
            Some(&Yaml::Bool(true)),
            "no write takes it"
        );
    }
}
