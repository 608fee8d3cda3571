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
pub(super) fn row_type(row: &Row) -> Option<String> {
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

/// The type every row named `name` in `rows` states, when they agree; `None` when one
/// states none or two disagree.
pub(super) fn agreed<'r>(rows: impl IntoIterator<Item = &'r Row>, name: &str) -> Option<String> {
    let mut types = rows
        .into_iter()
        .filter(|row| row.name == name)
        .map(row_type);
    let first = types.next()??;
    types.all(|ty| ty.as_ref() == Some(&first)).then_some(first)
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
        let mut by_name: BTreeMap<(String, String), Option<String>> = BTreeMap::new();
        for page in pages {
            let module = module(&page.path);
            for row in page.tables.iter().flat_map(|table| &table.rows) {
                let ty = row_type(row);
                let key = (module.to_owned(), row.name.clone());
                match by_name.get(&key) {
                    None => {
                        by_name.insert(key, ty);
                    }
                    Some(seen) if *seen != ty => {
                        by_name.insert(key, None);
                    }
                    Some(_) => {}
                }
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
        assert_eq!(agreed(&rows, "EXTENSIONS").as_deref(), Some("string[]"));
        assert_eq!(agreed(&rows, "type"), None, "two types for one name");
        assert_eq!(agreed(&rows, "SETTINGS"), None, "an object says nothing");
        assert_eq!(agreed(&rows, "absent"), None);
    }

    #[test]
    fn modules_are_the_first_folder() {
        assert_eq!(module("api-reference/crm/deals/crm-deal-get.md"), "crm");
        assert_eq!(module("api-reference/chats/im-dialog-get.md"), "chats");
    }
}
