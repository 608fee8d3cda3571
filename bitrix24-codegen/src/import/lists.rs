//! Every paginated method declares its list, and the lists that can take the fast path
//! say so.
//!
//! Run once every page is built and the families joined. A method pages when it takes
//! `start`. Its result becomes `{type: "R[]", list: {...}}` when it is the records
//! themselves (`R[]`) or an object holding one list of records beside the envelope
//! (`{"products": [...]}`, a keyed list: `list.key`). The records' ID field is read from
//! their type (`ID`, or `id` for the camelCase APIs).
//!
//! The fast path (order by ID, `>ID` filter, `start=-1`; settings/performance/huge-data.md)
//! is declared where the method takes `start`, a filter and an order (a map of fields to
//! directions) by those names in any case (`FILTER` and `SORT` on `entity.item.get`; the
//! generator tells the transport which), and the records carry an integer ID to order by.

use std::collections::{BTreeMap, BTreeSet};

use super::emit_yaml::Yaml;
use super::records::{drop_unused, field_type, type_fields};
use super::render::FileTree;
use super::report::Problem;
use super::result::ENVELOPE_ROWS;

/// Spec types an ID to order by may have.
const INTEGER_IDS: &[&str] = &["integer", "id", "user"];

/// Declares the lists of `files` (see the module docs); a note per method changed.
pub(super) fn declare(files: &mut BTreeMap<String, FileTree>, notes: &mut Vec<Problem>) {
    let mut dropped = BTreeSet::new();
    let methods: Vec<(String, String)> = files
        .iter()
        .flat_map(|(path, file)| file.methods.keys().map(|m| (path.clone(), m.clone())))
        .collect();
    for (path, method) in methods {
        let Some(entry) = files[&path].methods.get(&method) else {
            continue;
        };
        let params: BTreeMap<String, String> = match entry.get("params") {
            Some(Yaml::Map(params)) => params
                .iter()
                .map(|(name, param)| (name.clone(), field_type(param).to_owned()))
                .collect(),
            _ => BTreeMap::new(),
        };
        if !params.contains_key("start") {
            continue;
        }
        let Some(result) = entry.get("result") else {
            continue;
        };
        // Records keyed by ID sit at no index a chained page could refer to.
        let mut mapped = false;
        let (records, mut list) = match result {
            Yaml::Str(ty) => {
                let Some((records, key, by_key)) = list_shape(files, ty) else {
                    continue;
                };
                if key.is_some() {
                    // The wrapper the keyed list replaces (the generator makes its own).
                    dropped.insert(ty.clone());
                }
                mapped = by_key;
                let list = key.map(|k| ("key".to_owned(), Yaml::str(k)));
                (records, list.into_iter().collect::<Vec<_>>())
            }
            Yaml::Map(_) => match (result.get("type"), result.get("list")) {
                (Some(Yaml::Str(ty)), Some(Yaml::Map(list))) => (ty.clone(), list.clone()),
                _ => continue,
            },
            _ => continue,
        };
        let Some(element) = records.strip_suffix("[]") else {
            continue;
        };
        let fields = type_fields(files, element);
        let id_field = match list.iter().find(|(k, _)| k == "id_field") {
            Some((_, Yaml::Str(id))) => Some(id.clone()),
            _ if fields.contains_key("ID") => Some("ID".to_owned()),
            _ if fields.contains_key("id") => {
                list.push(("id_field".to_owned(), Yaml::str("id")));
                Some("id".to_owned())
            }
            _ => None,
        };
        let orderable = id_field
            .as_ref()
            .and_then(|id| fields.get(id))
            .is_some_and(|ty| INTEGER_IDS.contains(&ty.as_str()));
        let declared = list.iter().any(|(k, _)| k == "fast_path");
        let fast = !declared
            && !mapped
            && orderable
            && takes(files, &params, &["filter"])
            && takes(files, &params, &["order", "sort"]);
        if fast {
            list.push(("fast_path".to_owned(), Yaml::Bool(true)));
        }
        let was_declared = matches!(result, Yaml::Map(_));
        if was_declared && !fast && list.len() == list_len(result) {
            continue;
        }
        notes.push(Problem {
            page: method.clone(),
            line: None,
            message: match (was_declared, fast) {
                (false, true) => format!("declared a list of `{element}` on the fast path"),
                (false, false) => format!("declared a list of `{element}`"),
                (true, _) => format!("the list of `{element}` takes the fast path"),
            },
        });
        let declared = Yaml::Map(vec![
            ("type".to_owned(), Yaml::Str(records)),
            ("list".to_owned(), Yaml::Map(list)),
        ]);
        let Some(entry) = files
            .get_mut(&path)
            .and_then(|file| file.methods.get_mut(&method))
        else {
            continue;
        };
        if let Some(result) = entry.get_mut("result") {
            *result = declared;
        }
        // An offset, whatever a page's table calls it (`catalog.product.list`: string).
        if let Some(start) = entry.get_mut("params").and_then(|p| p.get_mut("start")) {
            if start.as_str() == Some("string") {
                *start = Yaml::str("integer");
            }
        }
    }
    drop_unused(files, &dropped);
}

/// Whether `params` has one of `names` (in any case: `FILTER`, `SORT` on the classic
/// `entity.item.get`) as a map or an object type, not a scalar or a value set
/// (`user.get`'s and `voximplant.statistic.get`'s `order` is a direction).
fn takes(
    files: &BTreeMap<String, FileTree>,
    params: &BTreeMap<String, String>,
    names: &[&str],
) -> bool {
    params.iter().any(|(name, ty)| {
        let object = ty.starts_with("map<") || !type_fields(files, ty).is_empty();
        names.contains(&name.to_ascii_lowercase().as_str()) && object
    })
}

/// How many entries a declared result's `list` has.
fn list_len(result: &Yaml) -> usize {
    match result.get("list") {
        Some(Yaml::Map(list)) => list.len(),
        _ => 0,
    }
}

/// A result type as a list of records: `R[]` itself, or a named object whose one
/// non-envelope field is `R[]` or `map<R>` (the key records sit under; and whether they
/// are keyed by ID there, in a map).
fn list_shape(
    files: &BTreeMap<String, FileTree>,
    ty: &str,
) -> Option<(String, Option<String>, bool)> {
    if ty.ends_with("[]") && ty != "raw[]" {
        return Some((ty.to_owned(), None, false));
    }
    let fields = type_fields(files, ty);
    let mut content = fields
        .iter()
        .filter(|(name, _)| !ENVELOPE_ROWS.contains(&name.as_str()));
    let (key, records) = content.next()?;
    // Records keyed by their IDs (`{"templates": {"57": {...}}}`) page as a list: the
    // lenient list reader takes an object's values in order.
    let (records, by_key) = match records
        .strip_prefix("map<")
        .and_then(|r| r.strip_suffix('>'))
    {
        Some(record) => (format!("{record}[]"), true),
        None => (records.clone(), false),
    };
    if content.next().is_some() || !records.ends_with("[]") || records.starts_with("raw") {
        return None;
    }
    Some((records, Some(key.clone()), by_key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::test_trees::{method_with, record, tree};

    const PAGED: &[(&str, &str)] = &[
        ("filter", "map<raw>"),
        ("order", "map<string>"),
        ("start", "string"),
    ];

    fn result<'a>(files: &'a BTreeMap<String, FileTree>, method: &str) -> &'a Yaml {
        files["sale.yaml"].methods[method].get("result").unwrap()
    }

    /// `{type: records, list: {entries}}`.
    fn list(records: &str, entries: &[(&str, Yaml)]) -> Yaml {
        let entries = entries
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        Yaml::Map(vec![
            ("type".to_owned(), Yaml::str(records)),
            ("list".to_owned(), Yaml::Map(entries)),
        ])
    }

    #[test]
    fn a_keyed_wrapper_becomes_a_list_on_the_fast_path_when_records_have_an_integer_id() {
        let mut files = BTreeMap::new();
        files.insert(
            "sale.yaml".to_owned(),
            tree(
                vec![
                    ("SaleOrderListResult", record(&[("orders", "SaleOrder[]")])),
                    (
                        "SaleOrder",
                        record(&[("id", "integer"), ("title", "string")]),
                    ),
                    (
                        "SaleStatusListResult",
                        record(&[("statuses", "SaleStatus[]")]),
                    ),
                    ("SaleStatus", record(&[("id", "string")])),
                    ("SaleLogRecord", record(&[("id", "integer")])),
                    (
                        "SaleTemplateListResult",
                        record(&[("templates", "map<SaleTemplate>")]),
                    ),
                    ("SaleTemplate", record(&[("id", "integer")])),
                    ("SaleStored", record(&[("ID", "integer")])),
                ],
                vec![
                    (
                        "sale.order.list",
                        method_with(PAGED, Yaml::str("SaleOrderListResult")),
                    ),
                    (
                        "sale.status.list",
                        method_with(PAGED, Yaml::str("SaleStatusListResult")),
                    ),
                    (
                        "sale.log.list",
                        method_with(&[("start", "integer")], Yaml::str("SaleLogRecord[]")),
                    ),
                    (
                        "sale.log.get",
                        method_with(&[], Yaml::str("SaleLogRecord[]")),
                    ),
                    (
                        "sale.template.list",
                        method_with(PAGED, Yaml::str("SaleTemplateListResult")),
                    ),
                    (
                        "sale.stored.get",
                        method_with(
                            &[
                                ("FILTER", "SaleStored"),
                                ("SORT", "map<string>"),
                                ("start", "integer"),
                            ],
                            Yaml::str("SaleStored[]"),
                        ),
                    ),
                    (
                        "sale.call.get",
                        method_with(
                            &[
                                ("FILTER", "map<raw>"),
                                ("ORDER", "string"),
                                ("start", "integer"),
                            ],
                            Yaml::str("SaleStored[]"),
                        ),
                    ),
                ],
            ),
        );
        let mut notes = Vec::new();
        declare(&mut files, &mut notes);
        let (key, id) = (("key", Yaml::str("orders")), ("id_field", Yaml::str("id")));
        let fast = ("fast_path", Yaml::Bool(true));
        assert_eq!(
            result(&files, "sale.order.list"),
            &list("SaleOrder[]", &[key, id.clone(), fast])
        );
        // A text ID cannot be paged by `>ID`; no `order` parameter, no fast path either.
        let key = ("key", Yaml::str("statuses"));
        assert_eq!(
            result(&files, "sale.status.list"),
            &list("SaleStatus[]", &[key, id.clone()])
        );
        assert_eq!(
            result(&files, "sale.log.list"),
            &list("SaleLogRecord[]", &[id])
        );
        // Records keyed by ID page as a list, but not by ID: no index to chain pages by.
        let key = ("key", Yaml::str("templates"));
        assert_eq!(
            result(&files, "sale.template.list"),
            &list("SaleTemplate[]", &[key, ("id_field", Yaml::str("id"))])
        );
        // The filter and order by other names: an object and a map, or a direction.
        assert_eq!(
            result(&files, "sale.stored.get"),
            &list("SaleStored[]", &[("fast_path", Yaml::Bool(true))])
        );
        assert_eq!(result(&files, "sale.call.get"), &list("SaleStored[]", &[]));
        // Without `start` a method does not page.
        assert_eq!(
            result(&files, "sale.log.get"),
            &Yaml::str("SaleLogRecord[]")
        );
        let types: Vec<&str> = files["sale.yaml"]
            .types
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            types,
            [
                "SaleLogRecord",
                "SaleOrder",
                "SaleStatus",
                "SaleStored",
                "SaleTemplate"
            ]
        );
        let start = files["sale.yaml"].methods["sale.order.list"]
            .get("params")
            .and_then(|p| p.get("start"));
        assert_eq!(start, Some(&Yaml::str("integer")));
        assert_eq!(notes.len(), 6);
    }
}
