//! An entity's `add` and `update` take its record.
//!
//! Each write page documents its `fields` parameter as a type of its own
//! (`CrmContactAddParameterFields`), so a contact read with `get` could not be changed
//! and sent back without copying it field by field. This pass, run with the family join
//! (see `families`), makes the `fields` of `FAMILY.add` and `FAMILY.update` the family's
//! record when the two describe the same entity: every field both name reads alike, and
//! most of the write's fields are the record's. Fields only a write takes (`TRACE`,
//! `COMPANY_IDS`) join the record; the record's fields no write takes (`ID`,
//! `DATE_CREATE`) become read-only, so a record sent back never carries them, unless the
//! family's `*.fields` reply shows them writable (`field_access`). Older methods spell the
//! parameter `FIELDS`; a write that uploads a `file` where the record reads a file's
//! description types the field `file`; one that takes a label as one text where the
//! record reads a text per language types it `localized`; one that documents values of
//! what the record reads as text, a number or a `Y`/`N` flag types it by those values.
//! What a write's page requires, the record (read too) cannot: the parameter lists it
//! (`requires`), for `Method::REQUIRED`.

use std::collections::{BTreeMap, BTreeSet};

use super::adoption::{nested_adoptions, retype};
use super::emit_yaml::Yaml;
use super::records::{NUMBERS, TEXTS, field_entries, field_type, reads_as, type_fields};
use super::render::FileTree;
use super::report::Problem;
use crate::naming;

/// The write methods of a family that take the record as `fields`.
const WRITES: [&str; 2] = ["add", "update"];

/// Shares `record` with `family`'s writes (see the module docs); `writable` holds the
/// fields the family's `*.fields` method shows as writable, which stay so though no write
/// page lists them. The write types it replaced, for the caller to drop when nothing else
/// uses them.
pub(super) fn share_with_writes(
    files: &mut BTreeMap<String, FileTree>,
    family: &str,
    record: &str,
    writable: &BTreeSet<String>,
    notes: &mut Vec<Problem>,
) -> BTreeSet<String> {
    let record_fields = type_fields(files, record);
    let mut replaced = BTreeSet::new();
    if record_fields.is_empty() {
        return replaced;
    }
    let mut written: BTreeMap<String, Yaml> = BTreeMap::new();
    // Record fields typed raw (what the reply examples could not settle) that a write
    // types: the write's type is the better one.
    let mut upgraded: BTreeMap<String, Yaml> = BTreeMap::new();
    // Each write and the fields its own page requires, which the record (read too) has
    // optional: the parameter says so (`requires`).
    let mut methods: Vec<(String, Vec<Yaml>)> = Vec::new();
    // The record's object types and the keys they adopt from the writes.
    let mut adopted: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for action in WRITES {
        let method = format!("{family}.{action}");
        let Some(own) = fields_param_type(files, &method) else {
            continue;
        };
        if own == record || !naming::is_type_name(&own) {
            continue;
        }
        // A write page that lost a camelCase name's capitals (`productid` in a table whose
        // samples send `productId`) means the record's field: the portal's names are what
        // its replies carry. Not an upper-case name: that is another convention
        // (`TITLE` of a document's generation options beside the document's `title`).
        let spelled = |name: String| {
            if name.bytes().any(|b| b.is_ascii_uppercase()) {
                return name;
            }
            record_fields
                .keys()
                .find(|field| **field != name && field.eq_ignore_ascii_case(&name))
                .cloned()
                .unwrap_or(name)
        };
        let mut own_fields: BTreeMap<String, String> = type_fields(files, &own)
            .into_iter()
            .map(|(name, ty)| (spelled(name), ty))
            .collect();
        let all_own = own_fields.len();
        let common = own_fields
            .keys()
            .filter(|name| record_fields.contains_key(*name))
            .count();
        // Objects inside (a user field's `SETTINGS`, its `LIST` items) whose keys the
        // write and the record each show some of: the record's adopts the write's.
        let nested = nested_adoptions(files, &mut own_fields, &record_fields, &writes_as);
        let alike = own_fields.iter().all(|(name, ty)| {
            record_fields
                .get(name)
                .is_none_or(|target| writes_as(files, ty, target))
        });
        if all_own == 0 || !alike || common * 2 < all_own {
            continue;
        }
        for (object, typed) in nested {
            adopted.entry(object).or_default().extend(typed);
        }
        let mut requires = Vec::new();
        for (name, field) in field_entries(files, &own) {
            let name = spelled(name);
            if field.get("required") == Some(&Yaml::Bool(true)) {
                requires.push(Yaml::str(&name));
            }
            let own_type = field_type(&field);
            if let Some(target) = record_fields.get(&name) {
                if upgrades(own_type, target)
                    || names_values(files, own_type, target)
                    || uploads(files, own_type, target)
                {
                    upgraded.entry(name.clone()).or_insert(field.clone());
                } else if labels(own_type, target) {
                    upgraded
                        .entry(name.clone())
                        .or_insert(Yaml::str("localized"));
                }
            }
            written.entry(name).or_insert(field);
        }
        notes.push(Problem {
            page: method.clone(),
            line: None,
            message: format!("`fields` typed as `{family}.get` returns the record (`{record}`)"),
        });
        methods.push((method, requires));
        replaced.insert(own);
    }
    if methods.is_empty() {
        return replaced;
    }
    for (object, typed) in &adopted {
        retype(files, object, typed);
    }
    if let Some(Yaml::Map(fields)) = files
        .values_mut()
        .find_map(|file| file.types.get_mut(record))
        .and_then(|ty| ty.get_mut("fields"))
    {
        for (name, field) in fields.iter_mut() {
            if let Some(typed) = upgraded.get(name) {
                *field = without_required(typed);
            } else if !written.contains_key(name) && !writable.contains(name) {
                mark_read_only(field);
            }
        }
        for (name, field) in &written {
            if !fields.iter().any(|(k, _)| k == name) {
                fields.push((name.clone(), without_required(field)));
            }
        }
    }
    for (method, requires) in methods {
        if let Some(param) = files
            .values_mut()
            .find_map(|file| file.methods.get_mut(&method))
            .and_then(|entry| entry.get_mut("params"))
            .and_then(fields_param_mut)
        {
            retype_param(param, record, requires);
        }
    }
    replaced
}

/// Whether a write's field of spec type `own` and the record's of type `target` are the
/// same field: they read alike either way (text reads a number the write sends, a `Y`/`N`
/// flag a boolean: [`reads_as`]); or the write's type replaces the record's
/// ([`upgrades`]); or the write calls text what the record reads as an ID (a list item's `ID`
/// on the contact user field's update page): the ID is written as the number it is.
fn writes_as(files: &BTreeMap<String, FileTree>, own: &str, target: &str) -> bool {
    reads_as(files, own, target, 0)
        || reads_as(files, target, own, 0)
        || upgrades(own, target)
        || names_values(files, own, target)
        || uploads(files, own, target)
        || labels(own, target)
        || (TEXTS.contains(&own) && target == "id")
}

/// A label the write and the record each document in one of its forms: the write takes
/// one text where the record reads a text per language (a requisite user field's
/// `EDIT_FORM_LABEL`), or either form where the record reads one. `localized`, which
/// reads and writes both, types the field.
fn labels(own: &str, target: &str) -> bool {
    let one_form = |ty: &str| TEXTS.contains(&ty) || ty == "map<string>";
    (own == "localized" && one_form(target)) || (TEXTS.contains(&own) && target == "map<string>")
}

/// The keys of a file as replies describe it, all of which `wire::File` reads.
const FILE_KEYS: [&str; 7] = [
    "id",
    "ID",
    "url",
    "urlMachine",
    "showUrl",
    "downloadUrl",
    "DOWNLOAD_URL",
];

/// The write uploads a `file` where the record reads a file's description
/// (`previewPicture`: `{id, url, urlMachine}`): `file`, which reads the one and writes the
/// other, types both.
fn uploads(files: &BTreeMap<String, FileTree>, own: &str, target: &str) -> bool {
    let described = type_fields(files, target);
    own == "file"
        && !described.is_empty()
        && described
            .keys()
            .all(|key| FILE_KEYS.contains(&key.as_str()))
}

/// The write documents the values (`UTM_MEDIUM`: an enum of `TYPE`, `EMAIL`, ...) of what
/// the record reads as text, or the numbered values (`TYPE_ID`: `1` meeting, `2` call) of
/// what it reads as a number, or values besides `Y` and `N` of what it reads as a flag (a
/// user field's `SHOW_FILTER`: `N`, `I`, `E`, `S`): the enum, which reads any such value
/// too, types both.
fn names_values(files: &BTreeMap<String, FileTree>, own: &str, target: &str) -> bool {
    let Some(Yaml::Map(values)) = files
        .values()
        .find_map(|file| file.types.get(own))
        .and_then(|ty| ty.get("values"))
    else {
        return false;
    };
    let numbered =
        || !values.is_empty() && values.iter().all(|(value, _)| value.parse::<i64>().is_ok());
    let flags = || values.iter().all(|(value, _)| value == "Y" || value == "N");
    target == "string"
        || (NUMBERS.contains(&target) && numbered())
        || (target == "char" && !flags())
}

/// Whether the write's type `own` replaces the record's `target`: the record's is raw
/// (the reply examples could not settle it) and the write's no scalar (an offer's
/// `parentId` is written as a number and read as an object), or a number where the write
/// documents text (`ORIGIN_ID`: an external ID the examples happened to show as digits).
fn upgrades(own: &str, target: &str) -> bool {
    const SCALARS: [&str; 11] = [
        "string", "text", "char", "boolean", "integer", "double", "decimal", "id", "user", "date",
        "datetime",
    ];
    own != "raw"
        && ((target == "raw" && !SCALARS.contains(&own))
            || (own == "string" && NUMBERS.contains(&target)))
}

/// Whether a parameter is the record a write takes: `fields`, or `FIELDS` as the older
/// methods spell it (`task.checklistitem.add`).
fn is_fields(name: &str) -> bool {
    name.eq_ignore_ascii_case("fields")
}

/// The named type of `method`'s `fields` parameter.
fn fields_param_type(files: &BTreeMap<String, FileTree>, method: &str) -> Option<String> {
    let Yaml::Map(params) = files
        .values()
        .find_map(|file| file.methods.get(method))?
        .get("params")?
    else {
        return None;
    };
    let (_, param) = params.iter().find(|(name, _)| is_fields(name))?;
    Some(field_type(param).to_owned()).filter(|ty| !ty.is_empty())
}

/// A method's `fields` parameter, as [`fields_param_type`] finds it.
fn fields_param_mut(params: &mut Yaml) -> Option<&mut Yaml> {
    let Yaml::Map(params) = params else {
        return None;
    };
    params
        .iter_mut()
        .find(|(name, _)| is_fields(name))
        .map(|(_, param)| param)
}

/// Makes a write's `fields` parameter the `record`, with the fields it `requires`.
fn retype_param(param: &mut Yaml, record: &str, requires: Vec<Yaml>) {
    let mut entries = match std::mem::replace(param, Yaml::Null) {
        Yaml::Map(entries) => entries,
        _ => Vec::new(),
    };
    entries.retain(|(key, _)| key != "type" && key != "requires");
    entries.insert(0, ("type".to_owned(), Yaml::str(record)));
    if !requires.is_empty() {
        entries.push(("requires".to_owned(), Yaml::Seq(requires)));
    }
    *param = match entries.as_slice() {
        [(_, ty)] => ty.clone(),
        _ => Yaml::Map(entries),
    };
}

/// `ty` -> `{type: ty, read_only: true}`.
fn mark_read_only(field: &mut Yaml) {
    match field {
        Yaml::Str(ty) => {
            *field = Yaml::Map(vec![
                ("type".to_owned(), Yaml::Str(std::mem::take(ty))),
                ("read_only".to_owned(), Yaml::Bool(true)),
            ]);
        }
        Yaml::Map(entries) => {
            entries.retain(|(key, _)| key != "required" && key != "read_only");
            entries.push(("read_only".to_owned(), Yaml::Bool(true)));
        }
        _ => {}
    }
}

/// A write's field as a record field: required on a write is not required in a record
/// that is also read.
fn without_required(field: &Yaml) -> Yaml {
    match field {
        Yaml::Map(entries) => {
            let entries: Vec<(String, Yaml)> = entries
                .iter()
                .filter(|(key, _)| key != "required")
                .cloned()
                .collect();
            match entries.as_slice() {
                [(key, ty)] if key == "type" => ty.clone(),
                _ => Yaml::Map(entries),
            }
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::test_trees::{method_with, record, tree};

    #[test]
    fn add_and_update_take_the_record_with_write_only_fields_and_read_only_ones_marked() {
        let mut files = BTreeMap::new();
        files.insert(
            "crm/contacts.yaml".to_owned(),
            tree(
                vec![
                    (
                        "Contact",
                        record(&[
                            ("ID", "integer"),
                            ("NAME", "text"),
                            ("PHONE", "crm_multifield[]"),
                            ("PHOTO", "raw"),
                            ("OPENED", "char"),
                            ("sourceId", "integer"),
                            ("title", "string"),
                            ("parentId", "raw"),
                        ]),
                    ),
                    (
                        "CrmContactAddFields",
                        record(&[
                            ("NAME", "string"),
                            ("PHONE", "crm_multifield[]"),
                            ("PHOTO", "file"),
                            ("TRACE", "string"),
                            ("sourceid", "integer"),
                            ("TITLE", "string"),
                            ("parentId", "integer"),
                        ]),
                    ),
                    ("CrmContactUpdateFields", record(&[("NAME", "string")])),
                    // Mostly fields the record does not have: another entity's shape.
                    (
                        "CrmContactMergeFields",
                        record(&[("NAME", "string"), ("A", "string"), ("B", "string")]),
                    ),
                ],
                vec![
                    (
                        "crm.contact.add",
                        method_with(&[("fields", "CrmContactAddFields")], Yaml::str("id")),
                    ),
                    (
                        "crm.contact.update",
                        method_with(
                            &[("fields", "CrmContactUpdateFields")],
                            Yaml::str("boolean"),
                        ),
                    ),
                    (
                        "crm.contact.merge",
                        method_with(&[("fields", "CrmContactMergeFields")], Yaml::str("boolean")),
                    ),
                ],
            ),
        );
        let mut notes = Vec::new();
        // No write page lists `OPENED`; the family's `*.fields` shows it writable.
        let writable = BTreeSet::from(["OPENED".to_owned()]);
        let replaced =
            share_with_writes(&mut files, "crm.contact", "Contact", &writable, &mut notes);
        assert_eq!(
            replaced.into_iter().collect::<Vec<_>>(),
            ["CrmContactAddFields", "CrmContactUpdateFields"]
        );
        assert_eq!(notes.len(), 2);
        let file = &files["crm/contacts.yaml"];
        let fields_param = |method: &str| {
            file.methods[method]
                .get("params")
                .and_then(|p| p.get("fields"))
                .cloned()
        };
        assert_eq!(fields_param("crm.contact.add"), Some(Yaml::str("Contact")));
        assert_eq!(
            fields_param("crm.contact.update"),
            Some(Yaml::str("Contact"))
        );
        assert_eq!(
            fields_param("crm.contact.merge"),
            Some(Yaml::str("CrmContactMergeFields"))
        );
        let contact = &file.types["Contact"];
        let field = |name: &str| contact.get("fields").and_then(|f| f.get(name)).cloned();
        assert_eq!(
            field("ID"),
            Some(Yaml::Map(vec![
                ("type".to_owned(), Yaml::str("integer")),
                ("read_only".to_owned(), Yaml::Bool(true)),
            ]))
        );
        assert_eq!(field("NAME"), Some(Yaml::str("text")));
        assert_eq!(field("OPENED"), Some(Yaml::str("char")), "not read-only");
        // A name that lost its capitals is the record's; an upper-case one is another.
        assert_eq!(field("sourceId"), Some(Yaml::str("integer")), "written");
        assert_eq!(field("sourceid"), None);
        assert_eq!(field("TITLE"), Some(Yaml::str("string")));
        assert_eq!(
            field("title"),
            Some(Yaml::Map(vec![
                ("type".to_owned(), Yaml::str("string")),
                ("read_only".to_owned(), Yaml::Bool(true)),
            ]))
        );
        assert_eq!(field("TRACE"), Some(Yaml::str("string")));
        // A number written may read as an object: raw stays raw for a scalar write.
        assert_eq!(field("parentId"), Some(Yaml::str("raw")));
        // What the reply examples left raw, the write types.
        assert_eq!(field("PHOTO"), Some(Yaml::str("file")));
    }

    #[test]
    fn a_user_fields_flags_and_labels_are_written_as_its_record_reads_them() {
        let mut files = BTreeMap::from([(
            "crm/deals.yaml".to_owned(),
            tree(
                vec![
                    (
                        "DealUserfield",
                        record(&[
                            ("ID", "id"),
                            ("MULTIPLE", "char"),
                            ("EDIT_FORM_LABEL", "map<string>"),
                            ("HELP_MESSAGE", "map<string>"),
                            ("SHOW_FILTER", "char"),
                            ("SORT", "integer"),
                            ("SETTINGS", "DealUserfieldSettings"),
                            ("LIST", "DealUserfieldEnum[]"),
                        ]),
                    ),
                    ("DealUserfieldSettings", record(&[("ROWS", "integer")])),
                    (
                        "DealUserfieldEnum",
                        record(&[("ID", "id"), ("VALUE", "string")]),
                    ),
                    (
                        "DealUserfieldAddSettings",
                        record(&[("ROWS", "integer"), ("DEFAULT_VALUE", "string")]),
                    ),
                    (
                        "DealUserfieldAddEnum",
                        record(&[("ID", "string"), ("VALUE", "string"), ("DEL", "boolean")]),
                    ),
                    (
                        "DealUserfieldAddFields",
                        record(&[
                            ("MULTIPLE", "boolean"),
                            ("EDIT_FORM_LABEL", "localized"),
                            ("HELP_MESSAGE", "string"),
                            ("SHOW_FILTER", "ShowFilter"),
                            ("SORT", "integer"),
                            ("SETTINGS", "DealUserfieldAddSettings"),
                            ("LIST", "DealUserfieldAddEnum[]"),
                        ]),
                    ),
                    (
                        "ShowFilter",
                        Yaml::Map(vec![(
                            "values".to_owned(),
                            Yaml::Map(vec![
                                ("N".to_owned(), Yaml::str("do_not_show")),
                                ("I".to_owned(), Yaml::str("exact_match")),
                            ]),
                        )]),
                    ),
                ],
                vec![(
                    "crm.deal.userfield.add",
                    method_with(&[("fields", "DealUserfieldAddFields")], Yaml::str("id")),
                )],
            ),
        )]);
        // The add page requires `SORT` (as it does `FIELD_NAME`): the record has it optional.
        let add_fields = files
            .get_mut("crm/deals.yaml")
            .and_then(|file| file.types.get_mut("DealUserfieldAddFields"))
            .and_then(|ty| ty.get_mut("fields"))
            .and_then(|fields| fields.get_mut("SORT"))
            .unwrap();
        *add_fields = Yaml::Map(vec![
            ("type".to_owned(), Yaml::str("integer")),
            ("required".to_owned(), Yaml::Bool(true)),
        ]);
        let replaced = share_with_writes(
            &mut files,
            "crm.deal.userfield",
            "DealUserfield",
            &BTreeSet::new(),
            &mut Vec::new(),
        );
        assert_eq!(replaced.len(), 1);
        let file = &files["crm/deals.yaml"];
        assert_eq!(
            file.methods["crm.deal.userfield.add"]
                .get("params")
                .and_then(|params| params.get("fields")),
            Some(&Yaml::Map(vec![
                ("type".to_owned(), Yaml::str("DealUserfield")),
                ("requires".to_owned(), Yaml::Seq(vec![Yaml::str("SORT")])),
            ]))
        );
        assert_eq!(
            file.types["DealUserfield"]
                .get("fields")
                .and_then(|f| f.get("SORT")),
            Some(&Yaml::str("integer")),
            "not required in the record"
        );
        let record = &files["crm/deals.yaml"].types["DealUserfield"];
        let field = |name: &str| record.get("fields").and_then(|f| f.get(name)).cloned();
        // Documented `boolean` with the values Y and N: the record's char writes those.
        assert_eq!(field("MULTIPLE"), Some(Yaml::str("char")));
        // One text or one per language is written; `get` reads the second.
        assert_eq!(field("EDIT_FORM_LABEL"), Some(Yaml::str("localized")));
        assert_eq!(field("HELP_MESSAGE"), Some(Yaml::str("localized")));
        // Values besides Y and N: no flag reads them, the write's enum does.
        assert_eq!(field("SHOW_FILTER"), Some(Yaml::str("ShowFilter")));
        // The objects inside keep their types and adopt the keys only the write shows; an
        // ID the write calls text stays an ID.
        assert_eq!(field("SETTINGS"), Some(Yaml::str("DealUserfieldSettings")));
        let settings = type_fields(&files, "DealUserfieldSettings");
        assert_eq!(
            settings.get("DEFAULT_VALUE").map(String::as_str),
            Some("string")
        );
        let item = type_fields(&files, "DealUserfieldEnum");
        assert_eq!(item.get("DEL").map(String::as_str), Some("boolean"));
        assert_eq!(item.get("ID").map(String::as_str), Some("id"));
    }

    #[test]
    fn an_upper_case_fields_parameter_takes_the_record_too() {
        let mut files = BTreeMap::from([(
            "tasks/item.yaml".to_owned(),
            tree(
                vec![
                    (
                        "Checklistitem",
                        record(&[("ID", "string"), ("TITLE", "string")]),
                    ),
                    ("TaskChecklistitemAddFields", record(&[("TITLE", "string")])),
                ],
                vec![(
                    "task.checklistitem.add",
                    method_with(
                        &[
                            ("TASKID", "integer"),
                            ("FIELDS", "TaskChecklistitemAddFields"),
                        ],
                        Yaml::str("id"),
                    ),
                )],
            ),
        )]);
        let replaced = share_with_writes(
            &mut files,
            "task.checklistitem",
            "Checklistitem",
            &BTreeSet::new(),
            &mut Vec::new(),
        );
        assert_eq!(
            replaced.into_iter().collect::<Vec<_>>(),
            ["TaskChecklistitemAddFields"]
        );
        let params = files["tasks/item.yaml"].methods["task.checklistitem.add"]
            .get("params")
            .cloned();
        assert_eq!(
            params.as_ref().and_then(|p| p.get("FIELDS")),
            Some(&Yaml::str("Checklistitem"))
        );
    }
}
