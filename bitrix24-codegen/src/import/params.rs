//! Where a page lists its parameters when no table sits right under a `## ... Parameters`
//! heading: the page builder would otherwise write a method that cannot name its
//! arguments (`crm.deal.productrows.set` without `id` and `rows`).
//!
//! In order:
//! - **alternatives**: tables under numbered sub-headings of the parameters section
//!   (`### 1. By Attached Poll ID`, `### 2. By Poll Element`) are ways to call the method;
//!   their rows together are the parameters, none required (each way needs only its own);
//! - **the introduction**: the first table before any section (right under the title, as
//!   on `crm.deal.productrows.set`, `sale.payment.list`).

use super::markdown::Heading;
use super::page::{FieldTable, Row};

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

    /// The parameter table, adding the merged alternatives to `tables` when there are
    /// several.
    pub(crate) fn choose(self, tables: &mut Vec<FieldTable>) -> Option<usize> {
        match self.alternatives.as_slice() {
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
