//! The names the specs take: pass 1 registers every spec file's scope, module, named
//! types, methods and events (a name taken twice is an error), and once every item is
//! built, [`check_namespaces`] checks the Rust names each scope re-exports flat.

use std::collections::{BTreeMap, BTreeSet};

use marked_yaml::Span;

use super::items::Model;
use crate::diagnostics::SpecErrors;
use crate::load::LoadedSpec;
use crate::naming;

/// Where a named type is defined.
pub(super) struct TypeSite<'a> {
    pub(super) scope: String,
    pub(super) module: String,
    pub(super) file: &'a LoadedSpec,
}

/// The names every spec file takes, as pass 2 needs them.
pub(super) struct Names<'a> {
    /// Named types by name.
    pub(super) sites: BTreeMap<String, TypeSite<'a>>,
    /// REST 3.0 methods that share their name with a classic method.
    pub(super) v3_twins: BTreeSet<String>,
}

/// Pass 1: scopes, modules and the global namespace of type, method and event names.
pub(super) fn register<'a>(specs: &'a [LoadedSpec], errors: &mut SpecErrors) -> Names<'a> {
    let mut sites: BTreeMap<String, TypeSite<'a>> = BTreeMap::new();
    let mut module_sources: BTreeMap<(String, String), &str> = BTreeMap::new();
    let mut method_sources: BTreeMap<(&str, bool), &str> = BTreeMap::new();
    let mut event_sources: BTreeMap<&str, &str> = BTreeMap::new();
    for file in specs {
        let scope = file.spec.scope.as_str();
        let valid_scope = !scope.is_empty()
            && scope.starts_with(|c: char| c.is_ascii_lowercase())
            && scope
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid_scope {
            errors.push(
                &file.path,
                file.spec.scope.span(),
                "scope".into(),
                format!("scope `{scope}` must be lowercase letters, digits and `_` (it becomes a cargo feature)"),
            );
        }
        let module = naming::spec_module_name(&file.relative);
        if let Some(other) =
            module_sources.insert((scope.to_owned(), module.clone()), &file.relative)
        {
            errors.push(
                &file.path,
                &Span::new_blank(),
                String::new(),
                format!(
                    "module `{scope}::{module}` is also generated from `{other}`; rename one file"
                ),
            );
        }
        for name in file.spec.types.keys() {
            if let Some(previous) = sites.get(name.as_str()) {
                errors.push(
                    &file.path,
                    name.span(),
                    format!("types.{}", name.as_str()),
                    format!(
                        "type `{}` is already defined in `{}`",
                        name.as_str(),
                        previous.file.relative
                    ),
                );
                continue;
            }
            sites.insert(
                name.as_str().to_owned(),
                TypeSite {
                    scope: scope.to_owned(),
                    module: module.clone(),
                    file,
                },
            );
        }
        for (name, def) in &file.spec.methods {
            // A method may be documented in both API generations: the pair is one name
            // with two `api` values, and only a second spec of the same pair is an error.
            let is_v3 = def.api.as_ref().is_some_and(|api| api.as_str() == "v3");
            if let Some(previous) = method_sources.insert((name.as_str(), is_v3), &file.relative) {
                errors.push(
                    &file.path,
                    name.span(),
                    format!("methods.{}", name.as_str()),
                    format!(
                        "method `{}` is already specified in `{previous}`",
                        name.as_str()
                    ),
                );
            }
        }
        for code in file.spec.events.keys() {
            if let Some(previous) = event_sources.insert(code.as_str(), &file.relative) {
                errors.push(
                    &file.path,
                    code.span(),
                    format!("events.{}", code.as_str()),
                    format!(
                        "event `{}` is already specified in `{previous}`",
                        code.as_str()
                    ),
                );
            }
        }
    }
    let v3_twins = method_sources
        .keys()
        .filter(|(name, is_v3)| *is_v3 && method_sources.contains_key(&(*name, false)))
        .map(|(name, _)| (*name).to_owned())
        .collect();
    Names { sites, v3_twins }
}

/// Types and method request types share one flat namespace per scope (the scope module
/// re-exports every file's items), so a clash is a spec error, not a compile error.
pub(super) fn check_namespaces(model: &Model, specs: &[LoadedSpec], errors: &mut SpecErrors) {
    for scope in model.scopes.values() {
        let mut names: BTreeMap<&str, &str> = BTreeMap::new();
        for module in scope.modules.values() {
            let items = module
                .types
                .iter()
                .map(|t| t.name.as_str())
                .chain(module.methods.iter().map(|m| m.type_name.as_str()));
            for item in items {
                if let Some(other) = names.insert(item, &module.source) {
                    let path = specs
                        .iter()
                        .find(|s| s.relative == module.source)
                        .map(|s| s.path.clone())
                        .unwrap_or_default();
                    errors.push(
                        &path,
                        &Span::new_blank(),
                        String::new(),
                        format!(
                            "the Rust name `{item}` is generated twice in scope `{}` (also from `{other}`)",
                            scope.name
                        ),
                    );
                }
            }
        }
    }
}
