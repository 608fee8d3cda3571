//! The page builder's types for tables on other pages: the table a row links
//! ([`super::linked::Linked`]), shared by every page of the scope that links it, and the record of a
//! data-types entity (`sale_order`). They go to the scope's file of linked types.

use super::builder::PageBuilder;
use super::page::{self, MethodPage};
use super::typing::SharedFile;
use crate::naming;

use heck::ToUpperCamelCase;

impl<'a> PageBuilder<'a> {
    /// The type of a table on another page that `row` links ([`super::linked::Linked`]), built once per
    /// scope and table and named after the first row that links it (`TasksTaskAddFields`).
    pub(super) fn linked_type(
        &mut self,
        row: &page::Row,
        response: bool,
    ) -> Result<String, String> {
        let (page, table) = self.linked.table_for(&self.page.path, row)?;
        Ok(self.linked_table(page, table, &row.name, response))
    }

    /// The reply record type of table `table` on `page`, shared by every page of the
    /// scope that links it; `key` names it when it is new.
    pub(super) fn linked_table_type(
        &mut self,
        page: &'a MethodPage,
        table: usize,
        key: &str,
    ) -> String {
        self.linked_table(page, table, key, true)
    }

    /// A reply's `object` (or `array`, `object[]`) row whose fields a table on another
    /// page lists ([`Linked`]): `tasks.task.get` (REST 3.0) `item` -> the task object of
    /// `fields-rest-v3.md`. The table types every field the reply's example leaves
    /// `null`; the example, where it shows a record, still corrects the table's types.
    /// Fields the example shows and the table lacks are kept, typed by their values.
    /// `None` when the row links no such table or its example is no record.
    pub(super) fn linked_reply(&mut self, row: &page::Row) -> Option<String> {
        let doc = row
            .types
            .first()
            .map(|(text, _)| text.trim().to_ascii_lowercase());
        if !matches!(doc.as_deref(), Some("object" | "array" | "object[]")) {
            return None;
        }
        let example = self.example_of(&row.name);
        let list = match &example {
            None | Some(serde_json::Value::Null) => doc.as_deref() == Some("object[]"),
            Some(serde_json::Value::Object(_)) => false,
            Some(serde_json::Value::Array(items)) if items.iter().all(|v| v.is_object()) => true,
            Some(_) => return None,
        };
        if list && doc.as_deref() == Some("object") {
            return None;
        }
        let (page, table) = self.linked.table_for(&self.page.path, row).ok()?;
        let record = self.example_record(&row.name);
        let named = self.linked_table_with(page, table, &row.name, true, record);
        Some(if list { format!("{named}[]") } else { named })
    }

    fn linked_table(
        &mut self,
        page: &'a MethodPage,
        table: usize,
        key_name: &str,
        response: bool,
    ) -> String {
        self.linked_table_with(page, table, key_name, response, None)
    }

    /// [`Self::linked_table`], with the reply example that shows the table's records.
    fn linked_table_with(
        &mut self,
        page: &'a MethodPage,
        table: usize,
        key_name: &str,
        response: bool,
        example: Option<serde_json::Value>,
    ) -> String {
        let key = (
            self.scope.clone(),
            format!("{}#{table}", page.path),
            response,
        );
        if let Some(name) = self.shared.linked.get(&key) {
            return name.clone();
        }
        let name = self.unique_name(key_name);
        // Registered before it is built: a table that links back to it reuses the name.
        self.shared.linked.insert(key, name.clone());
        let shown_fields = example.is_some();
        self.build_shared(page, table, &name, response, example, shown_fields);
        name
    }

    /// Builds table `table` of `page` as the type `name` into the scope's file of linked
    /// types: they are shared by the pages that link them, and no other file is used by
    /// that file. `example` shows the table's records; with `shown_fields`, the fields it
    /// shows and the table lacks are kept.
    fn build_shared(
        &mut self,
        page: &'a MethodPage,
        table: usize,
        name: &str,
        response: bool,
        example: Option<serde_json::Value>,
        shown_fields: bool,
    ) {
        let mut sub = PageBuilder::new(
            page,
            self.prefix.clone(),
            &mut *self.used,
            &mut *self.shared,
            self.linked,
        );
        sub.scope = self.scope.clone();
        if !response {
            sub.sent_body = self.sent_body.or(self.page.samples.body.as_ref());
        }
        if let Some(record) = example {
            sub.table_examples.insert(table, record);
            sub.shown_fields = shown_fields;
        }
        sub.build_named(table, response, name.to_owned());
        let built = sub.finish();
        self.shared
            .files
            .entry((self.scope.clone(), SharedFile::Linked))
            .or_default()
            .extend(built.types);
        self.raws.extend(built.raws);
        self.notes.extend(built.notes);
    }

    /// The record type of the entity whose docs type is `entity` (`sale_order` ->
    /// `SaleOrder`), built once per scope from its table on the data-types page and
    /// shared by every reply that carries the entity.
    pub(super) fn entity_type(&mut self, row: &page::Row, entity: &str) -> String {
        let Some((page, table)) = self.linked.entity_table(&self.page.path, row, entity) else {
            return self.raw(&row.name, format!("no structure of `{entity}` found"));
        };
        let key = (self.scope.clone(), format!("{}#{table}", page.path), true);
        if let Some(name) = self.shared.linked.get(&key) {
            return name.clone();
        }
        let plain = entity.to_upper_camel_case();
        let name = if naming::is_type_name(&plain) && self.used.insert(plain.clone()) {
            plain
        } else {
            self.unique_name(entity)
        };
        self.shared.linked.insert(key, name.clone());
        let record = self.example_record(&row.name);
        self.build_shared(page, table, &name, true, record, false);
        name
    }
}
