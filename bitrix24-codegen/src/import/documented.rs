//! What the docs' tables state of a field by its name: the type a reply table's row gives
//! it, on the page or anywhere in its module (`api-reference/crm/...`), for a field a
//! reply example leaves `null` or empty.
//!
//! Only types a row states without a doubt count (`integer`, `string[]`; `array` and
//! `object` say nothing of what they hold), and only when every row of that name agrees:
//! one name used for two things (`type`, `value`) types nothing.

use std::collections::BTreeMap;

use super::page::MethodPage;
use super::table::Row;
use super::types::{Mapped, map_doc_type};

/// The types a row states without a doubt.
const SCALARS: &[&str] = &[
    "integer", "double", "decimal", "string", "boolean", "char", "date", "datetime",
];

/// The type `row` states without a doubt: a scalar, or a list of one (`string[]`).
fn row_type(row: &Row) -> Option<String> {
    let [(text, _)] = row.types.as_slice() else {
        return None;
    };
    match map_doc_type(text) {
        Mapped::Spec(spec) if SCALARS.contains(&spec.strip_suffix("[]").unwrap_or(&spec)) => {
            Some(spec)
        }
        _ => None,
    }
}

/// Records that a row of `key` states `ty`: the first row's type holds while the others
/// agree; a row that states none, or another, leaves `None` (no agreement).
fn agree<K: Ord>(by_key: &mut BTreeMap<K, Option<String>>, key: K, ty: Option<String>) {
    match by_key.get(&key) {
        None => {
            by_key.insert(key, ty);
        }
        Some(seen) if *seen != ty => {
            by_key.insert(key, None);
        }
        Some(_) => {}
    }
}

/// Field name -> the type every row of that name among some rows states (`None` where
/// they do not agree): a page's reply tables, read once per page.
#[derive(Debug, Default)]
pub(crate) struct RowTypes {
    by_name: BTreeMap<String, Option<String>>,
}

impl RowTypes {
    pub(crate) fn of<'r>(rows: impl IntoIterator<Item = &'r Row>) -> Self {
        let mut by_name = BTreeMap::new();
        for row in rows {
            agree(&mut by_name, row.name.clone(), row_type(row));
        }
        Self { by_name }
    }

    /// The type every row named `name` states, when they agree.
    pub(crate) fn agreed(&self, name: &str) -> Option<&str> {
        self.by_name.get(name)?.as_deref()
    }
}

/// The docs' module of a page: `crm` for `api-reference/crm/deals/crm-deal-get.md`.
fn module(path: &str) -> &str {
    let rest = path.strip_prefix("api-reference/").unwrap_or(path);
    rest.split('/').next().unwrap_or_default()
}

/// (module, field name) -> the type every row of that name in the module's tables states,
/// or `None` where they do not agree.
#[derive(Debug, Default)]
pub(crate) struct ModuleRows {
    by_name: BTreeMap<(String, String), Option<String>>,
}

impl ModuleRows {
    /// The rows of every table of `pages`.
    pub(crate) fn of<'p>(pages: impl IntoIterator<Item = &'p MethodPage>) -> Self {
        let mut by_name = BTreeMap::new();
        for page in pages {
            let module = module(&page.path);
            for row in page.tables.iter().flat_map(|table| &table.rows) {
                agree(
                    &mut by_name,
                    (module.to_owned(), row.name.clone()),
                    row_type(row),
                );
            }
        }
        Self { by_name }
    }

    /// The type the rows named `name` in the module of the page at `path` agree on.
    pub(crate) fn agreed(&self, path: &str, name: &str) -> Option<&str> {
        self.by_name
            .get(&(module(path).to_owned(), name.to_owned()))?
            .as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, ty: &str) -> Row {
        Row {
            name: name.to_owned(),
            required: false,
            types: vec![(ty.to_owned(), None)],
            description: String::new(),
        }
    }

    #[test]
    fn rows_agree_or_type_nothing() {
        let rows = [
            row("EXTENSIONS", "string[]"),
            row("EXTENSIONS", "string[]"),
            row("type", "string"),
            row("type", "integer"),
            row("SETTINGS", "object"),
        ];
        let types = RowTypes::of(&rows);
        assert_eq!(types.agreed("EXTENSIONS"), Some("string[]"));
        assert_eq!(types.agreed("type"), None, "two types for one name");
        assert_eq!(types.agreed("SETTINGS"), None, "an object says nothing");
        assert_eq!(types.agreed("absent"), None);
    }

    #[test]
    fn modules_are_the_first_folder() {
        assert_eq!(module("api-reference/crm/deals/crm-deal-get.md"), "crm");
        assert_eq!(module("api-reference/chats/im-dialog-get.md"), "chats");
    }
}
