//! A list's records take the fields its `select` offers.
//!
//! A list page often documents the fields one may select (`bizproc.workflow.template.list`:
//! a table of fourteen, `MODULE_ID` to `SYSTEM_CODE`), which the importer reads as the
//! `select` parameter's object type, while its reply example selects a few (`ID`, `NAME`,
//! `SYSTEM_CODE`, `USER_ID`), which become the records' type. A record selected whole
//! carries every selectable field, so when each field the example shows is a selectable
//! one reading alike, the records' type adopts the rest as the table types them. Run
//! before the families join, so that the record a family shares is the whole one.

use std::collections::BTreeMap;

use super::emit_yaml::Yaml;
use super::records::{field_entries, field_type, is_within, type_fields};
use super::render::FileTree;
use super::report::Problem;
use crate::naming;

/// The names a list's select parameter goes by.
const SELECT: [&str; 2] = ["select", "SELECT"];

/// Makes each list's records adopt the fields its `select` offers (see the module docs).
pub(super) fn adopt_selectable(files: &mut BTreeMap<String, FileTree>, notes: &mut Vec<Problem>) {
    let mut adoptions: Vec<(String, Vec<(String, Yaml)>)> = Vec::new();
    for (key, file) in files.iter() {
        for (method, entry) in &file.methods {
            let Some((record, offered)) = records_and_offer(entry) else {
                continue;
            };
            if !(file.types.contains_key(&record) && file.types.contains_key(&offered)) {
                // Only within one file: what the offer's fields use, its file uses already;
                // another file's would make the two files' modules use each other.
                continue;
            }
            let own = type_fields(files, &record);
            let entries = field_entries(files, &offered);
            let offer: BTreeMap<String, String> = entries
                .iter()
                .map(|(name, field)| (name.clone(), field_type(field).to_owned()))
                .collect();
            // In the order the table lists them.
            let lacking: Vec<(String, Yaml)> = entries
                .into_iter()
                .filter(|(name, _)| !own.contains_key(name))
                .collect();
            if lacking.is_empty() || !is_within(files, &own, &offer) {
                continue;
            }
            notes.push(Problem {
                page: method.clone(),
                line: None,
                message: format!(
                    "records take the {} more fields `select` offers ({key})",
                    lacking.len()
                ),
            });
            adoptions.push((record, lacking));
        }
    }
    for (record, lacking) in adoptions {
        if let Some(Yaml::Map(fields)) = files
            .values_mut()
            .find_map(|file| file.types.get_mut(&record))
            .and_then(|ty| ty.get_mut("fields"))
        {
            fields.extend(lacking);
        }
    }
}

/// A list method's record type (`R` of a result `R[]`) and the object type its `select`
/// parameter takes, when it has both.
fn records_and_offer(entry: &Yaml) -> Option<(String, String)> {
    let record = field_type(entry.get("result")?).strip_suffix("[]")?;
    let params = entry.get("params")?;
    let offered = SELECT
        .iter()
        .find_map(|name| params.get(name))
        .map(field_type)?;
    (naming::is_type_name(record) && naming::is_type_name(offered) && record != offered)
        .then(|| (record.to_owned(), offered.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::test_trees::{method_with, record, tree};

    fn list_files(shown: &[(&str, &str)]) -> BTreeMap<String, FileTree> {
        let result = Yaml::Map(vec![("type".to_owned(), Yaml::str("TemplateRecord[]"))]);
        BTreeMap::from([(
            "bizproc/template.yaml".to_owned(),
            tree(
                vec![
                    ("TemplateRecord", record(shown)),
                    (
                        "TemplateFields",
                        record(&[
                            ("ID", "id"),
                            ("MODULE_ID", "string"),
                            ("NAME", "string"),
                            ("MODIFIED", "datetime"),
                        ]),
                    ),
                ],
                vec![(
                    "bizproc.workflow.template.list",
                    method_with(
                        &[("SELECT", "TemplateFields"), ("start", "integer")],
                        result,
                    ),
                )],
            ),
        )])
    }

    #[test]
    fn records_shown_in_part_take_every_field_select_offers_in_its_order() {
        let mut files = list_files(&[("NAME", "string"), ("ID", "id")]);
        adopt_selectable(&mut files, &mut Vec::new());
        let fields: Vec<String> = field_entries(&files, "TemplateRecord")
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(fields, ["NAME", "ID", "MODULE_ID", "MODIFIED"]);
    }

    #[test]
    fn records_showing_what_select_does_not_offer_are_left_as_they_are() {
        for shown in [
            // A field the table does not list: another shape of record.
            [("NAME", "string"), ("COLOUR", "string")],
            // A field read otherwise than the table types it.
            [("NAME", "string"), ("MODIFIED", "TemplateFields")],
        ] {
            let mut files = list_files(&shown);
            adopt_selectable(&mut files, &mut Vec::new());
            assert_eq!(type_fields(&files, "TemplateRecord").len(), 2);
        }
    }
}
