//! Tables on other pages: a parameter documented as an `object` (or `array`) whose
//! fields are listed on another page it links (`tasks.task.add` `fields` -> `./fields.md`,
//! `crm.dealcategory.add` `fields` -> `./crm-deal-category-fields.md`, `imbot.command.answer`
//! `KEYBOARD` -> `chats/messages/keyboards.md`) takes its type from that table.
//!
//! The table is the one the link's `#anchor` names; without an anchor, the first field
//! table of a page that documents no method (`tasks/fields.md`), or the Returned Data table
//! (else the first table besides the parameters) of a `*.fields` / `*.getFields` method
//! page when it lists fields (not a `result` row).
//! A row that links several such tables stays raw: the report says which.

use std::collections::BTreeMap;

use super::documented::ModuleRows;
use super::markdown;
use super::page::{MethodPage, join, page_link};
use super::table::Row;

/// Every page that may hold a linked table, by path relative to the docs root.
#[derive(Debug, Default)]
pub(crate) struct Linked<'p> {
    pages: BTreeMap<&'p str, &'p MethodPage>,
    /// What every module's tables state of each field name, read on first use.
    module_rows: std::cell::OnceCell<ModuleRows>,
}

impl<'p> Linked<'p> {
    /// The method pages and the pages that document no method (their `method` empty).
    pub(crate) fn new(pages: impl IntoIterator<Item = &'p MethodPage>) -> Self {
        Self {
            pages: pages.into_iter().map(|p| (p.path.as_str(), p)).collect(),
            module_rows: std::cell::OnceCell::new(),
        }
    }

    /// The type every table row named `name` in the docs module of the page at `path`
    /// states (see [`super::documented`]).
    pub(crate) fn module_type(&self, path: &str, name: &str) -> Option<&str> {
        self.module_rows
            .get_or_init(|| ModuleRows::of(self.pages.values().copied()))
            .agreed(path, name)
    }

    /// The one table on another page that `row` (on the page at `from`) links for its
    /// fields; `Err` with the reason when there is none or more than one.
    pub(crate) fn table_for(
        &self,
        from: &str,
        row: &Row,
    ) -> Result<(&'p MethodPage, usize), String> {
        let mut found: Vec<(&'p MethodPage, usize)> = Vec::new();
        let links = row.types.iter().filter_map(|(_, link)| link.clone()).chain(
            markdown::links(&row.description)
                .into_iter()
                .map(|(_, t)| t),
        );
        for target in links {
            if let Some((page, table)) = self.resolve(from, &target) {
                if !found
                    .iter()
                    .any(|(p, t)| p.path == page.path && *t == table)
                {
                    found.push((page, table));
                }
            }
        }
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err("no field table on this page or a page it links".to_owned()),
            several => Err(format!(
                "the description links {} field tables on other pages",
                several.len()
            )),
        }
    }

    /// The field table of the family's `*.fields` page (`crm.product.fields` for
    /// `crm.product.get`): the entity's fields, for a page that documents no record.
    /// The `*.fields` page of `method`'s family (`crm.company.get` -> `crm.company.fields`).
    pub(crate) fn fields_page(&self, method: &str) -> Option<&'p MethodPage> {
        let (family, _) = method.rsplit_once('.')?;
        let wanted = format!("{family}.fields");
        self.pages
            .values()
            .find(|page| page.method.eq_ignore_ascii_case(&wanted))
            .copied()
    }

    pub(crate) fn family_fields(&self, method: &str) -> Option<(&'p MethodPage, usize)> {
        let page = self.fields_page(method)?;
        let table = page
            .returned
            .or_else(|| (0..page.tables.len()).find(|t| Some(*t) != page.params))?;
        let rows = &page.tables[table].rows;
        // A field list: several rows, none of them the envelope's `result`.
        (rows.len() > 2 && !rows.iter().any(|r| r.name == "result")).then_some((page, table))
    }

    /// The table under the heading `entity` (`sale_order`) of a data-types page that
    /// `row`'s type links: the structure of the object the entity's docs type names.
    pub(crate) fn entity_table(
        &self,
        from: &str,
        row: &Row,
        entity: &str,
    ) -> Option<(&'p MethodPage, usize)> {
        let anchor = entity.to_ascii_lowercase();
        row.types
            .iter()
            .filter_map(|(_, link)| link.as_deref())
            .filter_map(|target| target.split('#').next())
            .filter(|file| file.ends_with("data-types.md") && !file.contains("://"))
            .find_map(|file| {
                let page = self.pages.get(join(from, file)?.as_str())?;
                let table = *page.anchors.get(&anchor)?;
                (!page.tables[table].rows.is_empty()).then_some((*page, table))
            })
    }

    /// The field table a link names, if it names one on another page.
    fn resolve(&self, from: &str, target: &str) -> Option<(&'p MethodPage, usize)> {
        let (file, anchor) = page_link(target)?;
        let page = self.pages.get(join(from, file)?.as_str())?;
        if let Some(anchor) = anchor {
            return page.anchors.get(anchor).map(|table| (*page, *table));
        }
        let lists_fields =
            |table: usize| !page.tables[table].rows.iter().any(|r| r.name == "result");
        if page.method.is_empty() {
            return (!page.tables.is_empty()).then_some((*page, 0));
        }
        let last = page.method.rsplit('.').next().unwrap_or_default();
        let fields_method =
            last.eq_ignore_ascii_case("fields") || last.eq_ignore_ascii_case("getfields");
        if !fields_method {
            return None;
        }
        page.returned
            .or_else(|| (0..page.tables.len()).find(|t| Some(*t) != page.params))
            .filter(|table| lists_fields(*table))
            .map(|table| (*page, table))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_relative_to_the_page() {
        assert_eq!(
            join("api-reference/tasks/tasks-task-add.md", "./fields.md").as_deref(),
            Some("api-reference/tasks/fields.md")
        );
        assert_eq!(
            join(
                "api-reference/chat-bots/outdated/commands/x.md",
                "../../../chats/messages/keyboards.md"
            )
            .as_deref(),
            Some("api-reference/chats/messages/keyboards.md")
        );
    }
}
