//! Where a page lists its parameters when no table sits right under a `## ... Parameters`
//! heading: the page builder would otherwise write a method that cannot name its
//! arguments (`crm.deal.productrows.set` without `id` and `rows`).
//!
//! In order:
//! - **alternatives**: tables under numbered sub-headings of the parameters section
//!   (`### 1. By Attached Poll ID`, `### 2. By Poll Element`) are ways to call the method;
//!   their rows together are the parameters, none required (each way needs only its own);
//! - **the introduction**: the first table before any section (right under the title, as
//!   on `crm.deal.productrows.set`, `sale.payment.list`);
//! - **the samples**: a page with no table whose cURL sample sends a JSON body (the list
//!   methods that point to the shared description of `select`, `filter`, `order`): the
//!   body's keys, none required, each typed by the value the sample sends (a number, a
//!   string, an object, a list of strings, ...).

use serde_json::Value;

use super::markdown::Heading;
use super::table::{FieldTable, Row};

/// Tables that may list the parameters, seen while a page is read.
#[derive(Debug, Default)]
pub(crate) struct ParamCandidates {
    /// The first table before any section.
    intro: Option<usize>,
    /// Tables under numbered sub-headings of the parameters section.
    alternatives: Vec<usize>,
    /// Numbered sub-headings that already had their table.
    counted: Vec<String>,
}

impl ParamCandidates {
    /// Note table `index`, read under section `h2` (lowercase) and `heading`.
    pub(crate) fn see(&mut self, h2: Option<&str>, heading: Option<&Heading>, index: usize) {
        match (h2, heading) {
            (None, _) => {
                self.intro.get_or_insert(index);
            }
            (Some(section), Some(h)) if section.contains("parameters") && h.level == 3 => {
                let numbered = h
                    .text
                    .split_once('.')
                    .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
                if numbered && !self.counted.contains(&h.text) {
                    self.counted.push(h.text.clone());
                    self.alternatives.push(index);
                }
            }
            _ => {}
        }
    }

    /// The parameter table, adding the merged alternatives (or the sample's parameters)
    /// to `tables` when they make one.
    pub(crate) fn choose(
        self,
        tables: &mut Vec<FieldTable>,
        sample: Option<&serde_json::Map<String, Value>>,
    ) -> Option<usize> {
        match self.alternatives.as_slice() {
            [] if self.intro.is_none() => {
                let rows = sample?
                    .iter()
                    .map(|(name, value)| Row {
                        name: name.clone(),
                        required: false,
                        types: docs_type_of(value)
                            .map(|ty| vec![(ty, None)])
                            .unwrap_or_default(),
                        description: String::new(),
                    })
                    .collect();
                tables.push(FieldTable {
                    line: 0,
                    key: None,
                    rows,
                });
                Some(tables.len() - 1)
            }
            [] => self.intro,
            [one] => Some(*one),
            several => {
                let mut rows: Vec<Row> = Vec::new();
                for index in several {
                    for row in &tables[*index].rows {
                        if !rows.iter().any(|r| r.name == row.name) {
                            rows.push(Row {
                                required: false,
                                ..row.clone()
                            });
                        }
                    }
                }
                let line = tables[several[0]].line;
                tables.push(FieldTable {
                    line,
                    key: None,
                    rows,
                });
                Some(tables.len() - 1)
            }
        }
    }
}

/// The docs type a sample's value shows: `integer` (also for digits in a string, as
/// samples write identifiers), `double`, `string`, `boolean`, `object`, `T[]` of the first
/// item, `array` for an empty list; nothing for `null`.
fn docs_type_of(value: &Value) -> Option<String> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(_) => "boolean".to_owned(),
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer".to_owned(),
        Value::Number(_) => "double".to_owned(),
        Value::String(text) if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) => {
            "integer".to_owned()
        }
        Value::String(_) => "string".to_owned(),
        Value::Object(_) => "object".to_owned(),
        Value::Array(items) => match items.first().and_then(docs_type_of) {
            Some(item) if !item.ends_with("[]") => format!("{item}[]"),
            _ => "array".to_owned(),
        },
    })
}
