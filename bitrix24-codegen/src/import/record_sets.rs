//! Reply rows that hold many records: an object keyed by data (IDs, codes) rather than by
//! field names, which is a map of the records its sub-table describes, and an `array`
//! whose description links the table of its elements.

use super::builder::PageBuilder;
use super::infer::{self, Shape};
use super::page;

impl<'a> PageBuilder<'a> {
    /// The one row of a table that describes an object by a placeholder for its keys
    /// (`<messageId>`: "message object", and the message's own table): the object is a
    /// map of what the row describes.
    pub(super) fn keyed_table(&self, table: usize) -> Option<&'a page::Row> {
        match self.page.tables[table].rows.as_slice() {
            [only] if only.name.contains('<') => Some(only),
            _ => None,
        }
    }

    /// `map<T>` for `row`, whose sub-table `table` describes its values by one placeholder
    /// row ([`PageBuilder::keyed_table`]); `T` is typed from that row and the values the
    /// example shows, merged.
    pub(super) fn keyed_values(
        &mut self,
        row: &page::Row,
        table: usize,
        response: bool,
        at: &str,
    ) -> String {
        let Some(only) = self.keyed_table(table) else {
            return self.raw(at, "no placeholder row");
        };
        let mut shown = serde_json::Map::new();
        let values = self.example_of(&row.name).and_then(|value| match value {
            serde_json::Value::Object(map) => infer::merge_all(map.values()),
            _ => None,
        });
        if let Some(values) = values.filter(|_| response) {
            shown.insert(only.name.clone(), values);
        }
        let ty = self.row_type_in(table, only, serde_json::Value::Object(shown), response, at);
        format!("map<{ty}>")
    }

    /// The record (and whether each key holds a list of them) when the example shows
    /// `row`'s object keyed by data (IDs, codes), not by field names, and its values are
    /// the records sub-table `table` describes (`{"57": {"id": "57", ...}}`): a map of them.
    pub(super) fn keyed_example(
        &self,
        row: &page::Row,
        table: usize,
    ) -> Option<(serde_json::Value, bool)> {
        let Shape::Map(value) = infer::shape(&row.name, &self.example_of(&row.name)?) else {
            return None;
        };
        let (record, listed) = match value {
            serde_json::Value::Array(items) => (infer::merge_all(items.iter())?, true),
            record => (record, false),
        };
        let rows = &self.page.tables[table].rows;
        let fields = record.as_object()?;
        fields
            .keys()
            .any(|key| rows.iter().any(|row| row.name == *key))
            .then_some((record, listed))
    }

    /// `R[]` for a reply's `array` row whose description links the sub-table of its
    /// elements (`numerators`: "list of numerators (detailed description)", linking
    /// "Numerators Array Element"), unless its example shows something other than records.
    pub(super) fn listed_records(&mut self, row: &page::Row, doc: Option<&str>) -> Option<String> {
        let [(_, Some(link))] = row.types.as_slice() else {
            return None;
        };
        if doc != Some("array") {
            return None;
        }
        let table = self.sub_table(row, Some(link), "array").ok()?;
        let records = |value: &serde_json::Value| {
            value
                .as_array()
                .is_some_and(|items| items.iter().all(serde_json::Value::is_object))
        };
        if self.building.contains(&table) || !self.example_of(&row.name).is_none_or(|v| records(&v))
        {
            return None;
        }
        self.note_table_example(row, table, true);
        Some(format!("{}[]", self.named(table, true)))
    }
}
