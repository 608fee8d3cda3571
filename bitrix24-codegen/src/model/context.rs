//! What the pass over one spec file needs at every item: the file, its scope and module,
//! the resolver, and the facts every item states the same way (docs links, deprecations).

use super::items::DOCS_BASE;
use super::resolve::Resolver;
use crate::diagnostics::SpecErrors;
use crate::load::LoadedSpec;
use crate::spec::{Deprecation, Text};

/// One spec file being built.
pub(super) struct FileContext<'a> {
    pub(super) resolver: &'a Resolver<'a>,
    pub(super) file: &'a LoadedSpec,
    /// The file's scope (`crm`).
    pub(super) scope: &'a str,
    /// The file's module (`deals`).
    pub(super) module: String,
}

impl FileContext<'_> {
    /// The link of a `docs` page path; an error unless it is a relative `.md` path.
    pub(super) fn docs_url(
        &self,
        docs: &Option<Text>,
        key: &str,
        errors: &mut SpecErrors,
    ) -> Option<String> {
        let docs = docs.as_ref()?;
        let (page, anchor) = match docs.as_str().split_once('#') {
            Some((page, anchor)) => (page, Some(anchor)),
            None => (docs.as_str(), None),
        };
        let Some(stem) = page
            .strip_suffix(".md")
            .filter(|s| !s.is_empty() && !s.starts_with('/'))
        else {
            errors.push(
                &self.file.path,
                docs.span(),
                format!("{key}.docs"),
                format!(
                    "`{}` must be a docs page path relative to the docs root, ending in `.md`",
                    docs.as_str()
                ),
            );
            return None;
        };
        Some(match anchor {
            Some(anchor) => format!("{DOCS_BASE}{stem}.html#{anchor}"),
            None => format!("{DOCS_BASE}{stem}.html"),
        })
    }
}

/// `Some(replacement)` when deprecated.
pub(super) fn deprecation(dep: &Option<Deprecation>) -> Option<Option<String>> {
    dep.as_ref()
        .map(|d| d.replacement.as_ref().map(|r| r.as_str().to_owned()))
}
