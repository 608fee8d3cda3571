//! Record types across the imported spec trees: their fields, whether one reads as
//! another, and which types anything still refers to. Used by the passes that join types
//! once every page is built (`families`, `writes`, `lists`).

use std::collections::{BTreeMap, BTreeSet};

use super::emit_yaml::Yaml;
use super::render::FileTree;
use crate::naming;

/// A record type's fields: wire name -> type expression.
pub(super) fn type_fields(
    files: &BTreeMap<String, FileTree>,
    name: &str,
) -> BTreeMap<String, String> {
    field_entries(files, name)
        .iter()
        .map(|(wire, field)| (wire.clone(), field_type(field).to_owned()))
        .collect()
}

/// A record type's field entries as written (`string`, or `{type, required, ...}`).
pub(super) fn field_entries(files: &BTreeMap<String, FileTree>, name: &str) -> Vec<(String, Yaml)> {
    match files
        .values()
        .find_map(|file| file.types.get(name))
        .and_then(|ty| ty.get("fields"))
    {
        Some(Yaml::Map(fields)) => fields.clone(),
        _ => Vec::new(),
    }
}

/// A field or parameter entry's type expression (`string`, or `{type: string, ...}`).
pub(super) fn field_type(field: &Yaml) -> &str {
    field
        .as_str()
        .or_else(|| field.get("type")?.as_str())
        .unwrap_or_default()
}

/// Whether a record with `own` fields reads as one with `fields`: each of its fields is
/// there and reads as the same type (see [`reads_as`]). Same names are not enough: a user
/// field's `EDIT_FORM_LABEL` is one text in a list and a map per language in `get`.
pub(super) fn is_within(
    files: &BTreeMap<String, FileTree>,
    own: &BTreeMap<String, String>,
    fields: &BTreeMap<String, String>,
) -> bool {
    !own.is_empty()
        && own.iter().all(|(name, ty)| {
            fields
                .get(name)
                .is_some_and(|target| reads_as(files, ty, target, 0))
        })
}

/// Spec types of text, which reads any scalar a portal sends (`ORIGIN_ID`: digits on one
/// page, an external ID on another; `STATUS_ID`: a `Y` one page calls a char).
pub(super) const TEXTS: [&str; 2] = ["string", "text"];

/// Spec types of numbers (a portal also takes them as text).
pub(super) const NUMBERS: [&str; 3] = ["integer", "double", "decimal"];

/// Spec types of numbers, which read a number of their own kind or narrower. Not text:
/// what one page calls text may be no number (`xmlId`: `"marketing_department"`).
const NUMBERS_READING: [(&str, &[&str]); 3] = [
    ("integer", &["integer"]),
    ("double", &["integer", "double", "decimal"]),
    ("decimal", &["integer", "double", "decimal"]),
];

/// Spec types of dates.
const DATES: [&str; 2] = ["date", "datetime"];

/// Spec types of the scalars (not IDs: a record that reads its ID as text would take a
/// list off the fast path, which pages by a numeric ID).
const SCALARS: [&str; 9] = [
    "string", "text", "char", "boolean", "integer", "double", "decimal", "date", "datetime",
];

/// Spec types of flags: both read `Y`/`N`, `true`/`false` and `1`/`0` alike.
const FLAGS: [&str; 2] = ["char", "boolean"];

/// Whether a scalar documented as `own` on one page decodes as the record's `target`
/// scalar: text reads any scalar; a number its own kind and narrower numbers; a flag
/// (`char`, `boolean`) the other; a date and a
/// date-time each other (`wire::DateTime` reads `2024-08-30`, a date reads a full
/// date-time: a quote's `BEGINDATE` is a date on its add page, a date-time on its get);
/// a `Y`/`N` char and a user's ID what one page calls text; an open enum (`TYPE_ID`: `2`
/// or `"2"`) any text, char or number.
fn scalar_reads_as(files: &BTreeMap<String, FileTree>, own: &str, target: &str) -> bool {
    if !SCALARS.contains(&own) {
        return false;
    }
    if TEXTS.contains(&target) {
        return true;
    }
    if DATES.contains(&target) {
        return DATES.contains(&own);
    }
    if let Some((_, read)) = NUMBERS_READING.iter().find(|(ty, _)| *ty == target) {
        return read.contains(&own);
    }
    if FLAGS.contains(&target) && FLAGS.contains(&own) {
        return true;
    }
    // A user's ID a page shows as text (`lockedBy`: `"1"`).
    if target == "char" || target == "user" {
        return TEXTS.contains(&own);
    }
    !own.starts_with("date") && is_value_set(files, target)
}

/// Whether `name` is a value set (an open enum: `values`, no `fields`).
/// The wire values of value set `name`; `None` for another type.
fn values(files: &BTreeMap<String, FileTree>, name: &str) -> Option<BTreeSet<String>> {
    match files
        .values()
        .find_map(|file| file.types.get(name))?
        .get("values")?
    {
        Yaml::Map(values) => Some(values.iter().map(|(value, _)| value.clone()).collect()),
        _ => None,
    }
}

fn is_value_set(files: &BTreeMap<String, FileTree>, name: &str) -> bool {
    files
        .values()
        .find_map(|file| file.types.get(name))
        .is_some_and(|ty| ty.get("values").is_some())
}

/// The fields of `crm_multifield` (`wire::Multifield`).
const MULTIFIELD_FIELDS: [&str; 4] = ["ID", "TYPE_ID", "VALUE", "VALUE_TYPE"];

/// Whether a value of spec type `own` (as one page documents it) decodes as `target` (as
/// the entity's own page does): the same type; `raw` (anything does); an ID documented
/// as `user` or `integer`; a scalar the target scalar reads ([`scalar_reads_as`]); lists
/// of such; or an object type whose fields all read as the target object's (a list
/// page's `EMAIL` item type and the entity's `crm_multifield`).
pub(super) fn reads_as(
    files: &BTreeMap<String, FileTree>,
    own: &str,
    target: &str,
    depth: usize,
) -> bool {
    reads(files, own, target, depth, true)
}

/// [`reads_as`] without the scalars one reads as another (`integer` as `string`): for
/// namesakes, which agree on a type only when each page says the same.
pub(super) fn reads_as_exactly(
    files: &BTreeMap<String, FileTree>,
    own: &str,
    target: &str,
) -> bool {
    reads(files, own, target, 0, false)
}

fn reads(
    files: &BTreeMap<String, FileTree>,
    own: &str,
    target: &str,
    depth: usize,
    scalars: bool,
) -> bool {
    const IDS: [&str; 3] = ["integer", "user", "id"];
    let same_kind = |kind: &[&str]| kind.contains(&own) && kind.contains(&target);
    if own == target || own == "raw" || same_kind(&IDS) || same_kind(&TEXTS) {
        return true;
    }
    if scalars && scalar_reads_as(files, own, target) {
        return true;
    }
    // `wire::Localized` reads one text or a text per language (a user field's
    // `EDIT_FORM_LABEL`: the one in a list, the other in `get`).
    if scalars && target == "localized" {
        return TEXTS.contains(&own) || own == "map<string>";
    }
    if let (Some(own), Some(target)) = (own.strip_suffix("[]"), target.strip_suffix("[]")) {
        return reads(files, own, target, depth, scalars);
    }
    // Named object types nest; the depth bound ends a cycle through them.
    if depth > 4 || !naming::is_type_name(own) {
        return false;
    }
    let own_fields = type_fields(files, own);
    if target == "crm_multifield" {
        return !own_fields.is_empty()
            && own_fields
                .keys()
                .all(|name| MULTIFIELD_FIELDS.contains(&name.as_str()));
    }
    // `wire::File` reads any object that names its file (`{id, url}` on a list page).
    if target == "file" {
        return own_fields.contains_key("id") || own_fields.contains_key("ID");
    }
    if !naming::is_type_name(target) {
        return false;
    }
    // Two pages' value sets of one field (`AUTO_EXECUTE`: 0 to 3 on the add page and on
    // the list page, each naming them its own way): the values are what the wire carries.
    if let (Some(own_values), Some(target_values)) = (values(files, own), values(files, target)) {
        return own_values.is_subset(&target_values);
    }
    let target_fields = type_fields(files, target);
    !own_fields.is_empty()
        && own_fields.iter().all(|(name, ty)| {
            target_fields
                .get(name)
                .is_some_and(|t| reads(files, ty, t, depth + 1, scalars))
        })
}

/// Drops the types in `candidates` (and what only they used) that nothing refers to.
pub(super) fn drop_unused(files: &mut BTreeMap<String, FileTree>, candidates: &BTreeSet<String>) {
    if candidates.is_empty() {
        return;
    }
    let mut pending: Vec<String> = candidates.iter().cloned().collect();
    while let Some(name) = pending.pop() {
        if is_referenced(files, &name) {
            continue;
        }
        let mut removed = None;
        for file in files.values_mut() {
            if let Some(ty) = file.types.remove(&name) {
                removed = Some(ty);
            }
        }
        if let Some(ty) = removed {
            let mut inner = BTreeSet::new();
            type_refs(&ty, &mut inner);
            pending.extend(inner);
        }
    }
}

/// Whether any method, event or type of `files` refers to type `name`.
pub(super) fn is_referenced(files: &BTreeMap<String, FileTree>, name: &str) -> bool {
    files.values().any(|file| {
        let mut refs = BTreeSet::new();
        for value in file
            .methods
            .values()
            .chain(file.events.values())
            .chain(file.types.values())
        {
            type_refs(value, &mut refs);
        }
        refs.contains(name)
    })
}

/// Every type name a spec value refers to (`Foo`, `Foo[]`, `map<Foo>`, `{type: Foo}`).
pub(super) fn type_refs(value: &Yaml, out: &mut BTreeSet<String>) {
    match value {
        Yaml::Str(text) => {
            if is_type_expr(text) {
                out.extend(
                    text.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                        .filter(|word| word.starts_with(|c: char| c.is_ascii_uppercase()))
                        .map(str::to_owned),
                );
            }
        }
        Yaml::Map(entries) => {
            for (key, value) in entries {
                if key != "docs" {
                    type_refs(value, out);
                }
            }
        }
        // Lists hold field names (`requires`), never types.
        Yaml::Bool(_) | Yaml::Null | Yaml::Seq(_) => {}
    }
}

/// Renames types (keys and every reference) by `renames`.
pub(super) fn rename(files: &mut BTreeMap<String, FileTree>, renames: &BTreeMap<String, String>) {
    if renames.is_empty() {
        return;
    }
    for file in files.values_mut() {
        let types = std::mem::take(&mut file.types);
        file.types = types
            .into_iter()
            .map(|(name, mut ty)| {
                rename_refs(&mut ty, renames);
                (renames.get(&name).cloned().unwrap_or(name), ty)
            })
            .collect();
        for value in file.methods.values_mut().chain(file.events.values_mut()) {
            rename_refs(value, renames);
        }
    }
}

fn rename_refs(value: &mut Yaml, renames: &BTreeMap<String, String>) {
    match value {
        Yaml::Str(text) if is_type_expr(text) => {
            let mut out = String::with_capacity(text.len());
            let mut word = String::new();
            for c in text.chars().chain(std::iter::once(' ')) {
                if c.is_ascii_alphanumeric() || c == '_' {
                    word.push(c);
                    continue;
                }
                out.push_str(renames.get(&word).map_or(word.as_str(), String::as_str));
                word.clear();
                if c != ' ' {
                    out.push(c);
                }
            }
            *text = out;
        }
        Yaml::Map(entries) => {
            for (key, value) in entries {
                if key != "docs" {
                    rename_refs(value, renames);
                }
            }
        }
        _ => {}
    }
}

/// A string that can be a type expression (no spaces, paths or sentences).
pub(super) fn is_type_expr(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '<' | '>' | '[' | ']' | ','))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::test_trees::{record, tree};

    fn value_set(values: &[(&str, &str)]) -> Yaml {
        let values = values
            .iter()
            .map(|(value, name)| ((*value).to_owned(), Yaml::str(*name)))
            .collect();
        Yaml::Map(vec![("values".to_owned(), Yaml::Map(values))])
    }

    #[test]
    fn a_value_set_reads_as_another_holding_its_values_whatever_it_names_them() {
        let files = BTreeMap::from([(
            "values/bizproc_values.yaml".to_owned(),
            tree(
                vec![
                    ("AddRun", value_set(&[("0", "never"), ("1", "on_creation")])),
                    (
                        "ListRun",
                        value_set(&[("0", "no_run"), ("1", "on_add"), ("2", "on_change")]),
                    ),
                    ("Other", record(&[("0", "string")])),
                ],
                Vec::new(),
            ),
        )]);
        let reads = |own: &str, target: &str| reads_as(&files, own, target, 0);
        assert!(reads("AddRun", "ListRun"));
        // The list shows a value the add's set lacks.
        assert!(!reads("ListRun", "AddRun"));
        // An object keyed like the values is no value set.
        assert!(!reads("AddRun", "Other"));
    }

    #[test]
    fn a_scalar_reads_as_the_records_scalar_when_its_decoder_takes_it() {
        let values = Yaml::Map(vec![(
            "values".to_owned(),
            Yaml::Map(vec![("1".to_owned(), Yaml::str("meeting"))]),
        )]);
        let files = BTreeMap::from([(
            "crm/activity.yaml".to_owned(),
            tree(
                vec![
                    ("ActivityType", values),
                    ("Picture", record(&[("id", "id"), ("src", "string")])),
                ],
                Vec::new(),
            ),
        )]);
        let reads = |own: &str, target: &str| reads_as(&files, own, target, 0);
        // Text reads any scalar; numbers read narrower numbers, not text.
        assert!(reads("integer", "string"));
        assert!(reads("char", "string"));
        assert!(reads("datetime", "string"));
        assert!(reads("integer", "double"));
        assert!(!reads("string", "integer"));
        assert!(!reads("double", "integer"));
        // A char and a user's ID read what a page calls text; an open enum text and numbers.
        assert!(reads("string", "char"));
        assert!(!reads("integer", "char"));
        assert!(reads("string", "user"));
        assert!(reads("integer", "ActivityType"));
        assert!(reads("string", "ActivityType"));
        assert!(!reads("datetime", "ActivityType"));
        // An ID stays an ID (the fast path pages by it); an object is not a scalar.
        assert!(!reads("id", "string"));
        assert!(!reads("string", "Picture"));
        assert!(!reads("Picture", "string"));
    }

    #[test]
    fn dates_labels_and_file_descriptions_read_as_their_lenient_decoders() {
        let files = BTreeMap::from([(
            "catalog/store.yaml".to_owned(),
            tree(
                vec![
                    ("Image", record(&[("id", "id"), ("url", "string")])),
                    ("Point", record(&[("x", "double"), ("y", "double")])),
                ],
                Vec::new(),
            ),
        )]);
        let reads = |own: &str, target: &str| reads_as(&files, own, target, 0);
        // `wire::DateTime` reads a date, a date a full date-time; text no date.
        assert!(reads("date", "datetime"));
        assert!(reads("datetime", "date"));
        assert!(!reads("string", "datetime"));
        // A `Y`/`N` flag and a boolean read alike; text reads a boolean.
        assert!(reads("boolean", "char"));
        assert!(reads("char", "boolean"));
        assert!(reads("boolean", "string"));
        assert!(!reads("integer", "boolean"));
        // `wire::Localized` reads one text or a text per language, nothing else.
        assert!(reads("string", "localized"));
        assert!(reads("map<string>", "localized"));
        assert!(!reads("integer", "localized"));
        assert!(!reads("localized", "map<string>"));
        // `wire::File` reads an object that names its file, not any object.
        assert!(reads("Image", "file"));
        assert!(!reads("Point", "file"));
        // Namesakes still agree only on the same type.
        assert!(!reads_as_exactly(&files, "date", "datetime"));
        assert!(!reads_as_exactly(&files, "string", "localized"));
    }
}
