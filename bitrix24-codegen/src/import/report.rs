//! What an import produced and counted: the spec and fixture files, and the problems,
//! fallbacks and notes a person reviews (`target/import-report.txt`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Something the importer could not read, or left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The page, relative to the docs root.
    pub page: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What happened.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.page, self.message),
            None => write!(f, "{}: {}", self.page, self.message),
        }
    }
}

/// A place that became `raw` JSON because the docs leave its type unclear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFallback {
    /// The page, relative to the docs root.
    pub page: String,
    /// Where in the spec (`crm.deal.add.params.fields`, `CrmDealAddFields.TYPE`).
    pub at: String,
    /// Why.
    pub reason: String,
}

impl fmt::Display for RawFallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.page, self.at, self.reason)
    }
}

/// What a method's docs page says, for the checks that compare a spec with its docs
/// (`crate::accuracy`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MethodFacts {
    /// The page, relative to the docs root.
    pub page: String,
    /// The rows of its parameter table: (name, required).
    pub params: Vec<(String, bool)>,
    /// The parameters its cURL samples send.
    pub sample_params: Vec<String>,
    /// The methods its code samples call.
    pub sample_methods: Vec<String>,
    /// The title's method name, when the samples call another (the method is named
    /// after the samples).
    pub title_method: Option<String>,
}

/// What an import produced and counted.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// Spec files by path relative to the spec root (`crm/deals.yaml`) -> YAML text.
    pub files: BTreeMap<String, String>,
    /// The docs' reply examples that are whole JSON replies, by fixture path (see
    /// [`FIXTURES_DIR`](super::FIXTURES_DIR)) -> the JSON as the docs write it.
    pub fixtures: BTreeMap<String, String>,
    /// Documented methods (one per name and API generation) by scope (`common` for pages
    /// without a scope line).
    pub documented: BTreeMap<String, usize>,
    /// Markdown pages read.
    pub pages_read: usize,
    /// Pages recognised as method pages.
    pub method_pages: usize,
    /// Methods written.
    pub methods_written: usize,
    /// Of those, deprecated.
    pub deprecated: usize,
    /// Of those, REST 3.0.
    pub v3: usize,
    /// Of those, REST 3.0 twins of a classic method of the same name (in `_v3` files).
    pub v3_twin_methods: usize,
    /// Named types written.
    pub types_written: usize,
    /// Pages recognised as event pages.
    pub event_pages: usize,
    /// Events written.
    pub events_written: usize,
    /// Of those, deprecated.
    pub events_deprecated: usize,
    /// Of [`ImportReport::raw_fallbacks`], those on event pages.
    pub event_raw_fallbacks: usize,
    /// Tables (or table rows) that could not be read, on method pages.
    pub unparsed_tables: Vec<Problem>,
    /// Parameters, fields and results that became `raw`.
    pub raw_fallbacks: Vec<RawFallback>,
    /// Everything else left out or decided by a rule: pages without a scope, duplicate
    /// pages, fields dropped because their names clash.
    pub notes: Vec<Problem>,
    /// Overlay files applied (relative paths).
    pub overlays: Vec<String>,
    /// Per method written, by (name, REST 3.0): what its page says.
    pub facts: BTreeMap<(String, bool), MethodFacts>,
    /// Date-named fields kept as documented (text, raw), with the example or docs type
    /// that shows they are no dates (`"10-09"`, a Unix time, a serialized object).
    pub dates_kept: Vec<RawFallback>,
    /// Pages with a `> Scope:` line that document no REST method (browser calls such
    /// as `BX24.*`, guides, examples), with the reason each is left out.
    pub not_methods: Vec<Problem>,
    /// Errors that stopped part of the import (an unreadable docs root or page).
    pub errors: Vec<String>,
}

impl ImportReport {
    /// The counts, one line each.
    pub fn summary(&self) -> String {
        let pages: BTreeSet<&str> = self
            .unparsed_tables
            .iter()
            .map(|p| p.page.as_str())
            .collect();
        format!(
            "pages read:       {}\n\
             method pages:     {}\n\
             methods written:  {} ({} deprecated, {} REST 3.0, {} of them twins of a classic method)\n\
             named types:      {}\n\
             event pages:      {}\n\
             events written:   {} ({} deprecated; {} raw fallbacks in their data)\n\
             spec files:       {}\n\
             unparsed tables:  {} (on {} pages)\n\
             raw fallbacks:    {}\n\
             notes:            {}\n\
             overlays applied: {}\n\
             errors:           {}",
            self.pages_read,
            self.method_pages,
            self.methods_written,
            self.deprecated,
            self.v3,
            self.v3_twin_methods,
            self.types_written,
            self.event_pages,
            self.events_written,
            self.events_deprecated,
            self.event_raw_fallbacks,
            self.files.len(),
            self.unparsed_tables.len(),
            pages.len(),
            self.raw_fallbacks.len(),
            self.notes.len(),
            self.overlays.len(),
            self.errors.len(),
        )
    }
}
