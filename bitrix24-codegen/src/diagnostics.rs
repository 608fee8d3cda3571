//! Spec errors: each names the file, the key path, and the line and column.

use std::fmt;
use std::path::{Path, PathBuf};

use marked_yaml::Span;

/// One problem in one spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file, as given to the loader.
    pub file: PathBuf,
    /// 1-based line and column, when the parser gave one.
    pub location: Option<(usize, usize)>,
    /// The key path (`methods.crm.deal.add.params.fields.type`), empty for the whole file.
    pub path: String,
    /// What is wrong, and what would be right.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, column)) = self.location {
            write!(f, ":{line}:{column}")?;
        }
        if !self.path.is_empty() {
            write!(f, ": {}", self.path)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found in a run; generation writes nothing when this is not empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpecErrors(pub Vec<SpecError>);

impl SpecErrors {
    /// Record a problem at `span` (blank spans give no location).
    pub(crate) fn push(&mut self, file: &Path, span: &Span, path: String, message: String) {
        self.0.push(SpecError {
            file: file.to_owned(),
            location: span.start().map(|m| (m.line(), m.column())),
            path,
            message,
        });
    }

    /// Whether nothing went wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sort by file and position so the report reads top to bottom.
    pub(crate) fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.file, a.location, &a.path, &a.message)
                .cmp(&(&b.file, b.location, &b.path, &b.message))
        });
    }
}

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for error in &self.0 {
            writeln!(f, "error: {error}")?;
        }
        write!(
            f,
            "{} error{} in the specs; nothing was written",
            self.0.len(),
            if self.0.len() == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for SpecErrors {}

/// The closest candidate to `wanted`, when one is close enough to be a likely typo.
pub(crate) fn closest<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(wanted, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, candidate)| candidate)
}

/// `; did you mean `X`?` or nothing.
pub(crate) fn suggestion<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    closest(wanted, candidates)
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}
