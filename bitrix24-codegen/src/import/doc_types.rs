//! The docs' own types: what `catalog_product.id`, `sale_status.id`, `crm_currency.CURRENCY`
//! or `crm_enum_activitytype` mean, read from the data-types pages
//! (`api-reference/data-types.md`, `crm/data-types.md`, `sale/data-types.md`,
//! `catalog/data-types.md`).
//!
//! Those pages have a "Data Types" table (`` `sale_order` `` | "Integer identifier of the
//! order ..."), enumeration tables (`` `crm_enum_activitytype` `` | "`1` — meeting, ..."),
//! and an "Object Structure" section with one field table per object (`### sale_status`,
//! its `id` a `string`). A type that names another entity's field is that field's type
//! (`sale_status.id` is `string`, `catalog_measure.code` is `integer`); an `id`/`ID` field
//! typed `integer` is an `id`. A bare type the table calls an integer identifier is an
//! `id`, a character or string identifier a `string`; an enumeration type is its values.

use std::collections::BTreeMap;

use super::markdown::{self, Block};
use super::table::{Row, field_table};
use super::types::{Mapped, map_doc_type};
use super::values::{ValueSet, value_set};

/// What a bare docs type stands for, as its Data Types row says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ident {
    /// "Integer identifier of ...".
    Integer,
    /// "Character identifier", "String identifier", "String code".
    Text,
}

/// The docs' own types, from every data-types page read.
#[derive(Debug, Default)]
pub(crate) struct DocTypes {
    /// Lowercase type -> what its identifier is.
    idents: BTreeMap<String, Ident>,
    /// Lowercase type -> its listed values (`crm_enum_activitytype`).
    value_sets: BTreeMap<String, ValueSet>,
    /// Lowercase object name -> its fields.
    objects: BTreeMap<String, Vec<Row>>,
}

/// A docs type resolved through the data-types pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// A spec type expression.
    Spec(String),
    /// An enumeration type: its values.
    Values(ValueSet),
}

/// Whether a page is a data-types page.
pub(crate) fn is_data_types_page(relative: &str) -> bool {
    relative.ends_with("/data-types.md")
}

impl DocTypes {
    /// Read one data-types page.
    pub(crate) fn add_page(&mut self, page: &markdown::Page) {
        let mut heading: Option<String> = None;
        for block in &page.blocks {
            match block {
                Block::Heading(h) => {
                    heading = h
                        .anchor
                        .clone()
                        .or_else(|| h.text.split_whitespace().last().map(str::to_owned))
                        .map(|key| key.to_ascii_lowercase());
                }
                Block::Table(Ok(table)) => {
                    let header = table
                        .rows
                        .first()
                        .map(|row| row.join(" ").to_ascii_lowercase());
                    if header.is_some_and(|h| h.contains("**type**")) {
                        self.add_type_rows(&table.rows[1..]);
                    } else if let (Some(name), Some((fields, _))) =
                        (heading.as_ref(), field_table(table))
                    {
                        self.objects.entry(name.clone()).or_insert(fields.rows);
                    }
                }
                _ => {}
            }
        }
    }

    /// Rows `` `type` `` | description.
    fn add_type_rows(&mut self, rows: &[Vec<String>]) {
        for row in rows {
            let [first, description, ..] = row.as_slice() else {
                continue;
            };
            let Some((name, _)) = markdown::code_spans(first).into_iter().next() else {
                continue;
            };
            let name = name.to_ascii_lowercase();
            let lower = description.to_ascii_lowercase();
            if lower.starts_with("integer identifier") {
                self.idents.insert(name.clone(), Ident::Integer);
            } else if lower.starts_with("character identifier")
                || lower.starts_with("string identifier")
                || lower.starts_with("string code")
            {
                self.idents.insert(name.clone(), Ident::Text);
            }
            if let Some(values) = value_set(&name, description) {
                self.value_sets.insert(name, values);
            }
        }
    }

    /// What the docs type `doc` (`catalog_product.id`, `crm_enum_activitytype`) resolves
    /// to, if the data-types pages say.
    pub(crate) fn resolve(&self, doc: &str) -> Option<Resolved> {
        let lower = doc.trim().to_ascii_lowercase();
        if let Some((entity, field)) = lower.split_once('.') {
            let row = self
                .objects
                .get(entity)
                .and_then(|rows| rows.iter().find(|r| r.name.eq_ignore_ascii_case(field)));
            let id_field = field == "id";
            if let Some(row) = row {
                let [(text, _)] = row.types.as_slice() else {
                    return None;
                };
                return match map_doc_type(text) {
                    Mapped::Spec(spec) if id_field && spec == "integer" => {
                        Some(Resolved::Spec("id".to_owned()))
                    }
                    Mapped::Spec(spec) => Some(Resolved::Spec(spec)),
                    _ => None,
                };
            }
            return match (id_field, self.idents.get(entity)) {
                (true, Some(Ident::Text)) => Some(Resolved::Spec("string".to_owned())),
                (true, _) => Some(Resolved::Spec("id".to_owned())),
                (false, _) => None,
            };
        }
        if let Some(values) = self.value_sets.get(&lower) {
            return Some(Resolved::Values(values.clone()));
        }
        match self.idents.get(&lower)? {
            Ident::Integer => Some(Resolved::Spec("id".to_owned())),
            Ident::Text => Some(Resolved::Spec("string".to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "# Data Types\n\n## Data Types\n\n#|\n|| **Type** | **Description** ||\n\
|| [`sale_order`](#sale_order) | Integer identifier of the order (e.g., `1`) ||\n\
|| [`sale_status`](#sale_status) | Character identifier of the status (e.g., `DN`) ||\n\
|| `crm_enum_activitypriority` | Importance: `1` — low, `2` — medium, `3` — high. ||\n|#\n\n\
## Object Structure\n\n### sale_status\n\n#|\n|| **Value**\n`type` | **Description** ||\n\
|| **id**\n[`string`](x.md) | Character identifier ||\n|#\n\n\
### catalog_measure\n\n#|\n|| **Value**\n`type` | **Description** ||\n\
|| **id**\n[`integer`](x.md) | Identifier ||\n|| **code**\n[`integer`](x.md) | Code ||\n|#\n";

    fn doc_types() -> DocTypes {
        let mut types = DocTypes::default();
        types.add_page(&markdown::parse_page(PAGE));
        types
    }

    fn spec(s: &str) -> Option<Resolved> {
        Some(Resolved::Spec(s.to_owned()))
    }

    #[test]
    fn fields_of_other_entities() {
        let types = doc_types();
        assert_eq!(types.resolve("sale_status.id"), spec("string"));
        assert_eq!(types.resolve("catalog_measure.id"), spec("id"));
        assert_eq!(types.resolve("catalog_measure.code"), spec("integer"));
        assert_eq!(types.resolve("catalog_product.id"), spec("id"));
        assert_eq!(types.resolve("sale_paysystem.ID"), spec("id"));
        assert_eq!(types.resolve("sale_paysystem.CODE"), None);
    }

    #[test]
    fn bare_types() {
        let types = doc_types();
        assert_eq!(types.resolve("sale_order"), spec("id"));
        assert_eq!(types.resolve("sale_status"), spec("string"));
        assert!(matches!(
            types.resolve("crm_enum_activitypriority"),
            Some(Resolved::Values(ValueSet::Values(values))) if values.len() == 3
        ));
        assert_eq!(types.resolve("deal"), None);
    }
}
