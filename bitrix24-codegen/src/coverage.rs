//! `cargo xtask coverage`: per scope, how many methods the docs document, the specs
//! define, the generated bindings hold, and how many fields are still raw JSON.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use crate::model::{Builtin, Model, Shape, TypeRef};

/// The counts of one scope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeCoverage {
    /// Methods on docs pages of this scope (`None` when no docs were read).
    pub documented: Option<usize>,
    /// Methods in `specs/`.
    pub specced: usize,
    /// Methods in the committed generated bindings.
    pub generated: usize,
    /// Fields, parameters and results in this scope's specs.
    pub fields: usize,
    /// Of those, typed `raw` (or a list or map of `raw`): JSON the caller reads by hand.
    pub raw: usize,
}

/// Every scope's counts, by scope name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// By scope, sorted.
    pub scopes: BTreeMap<String, ScopeCoverage>,
}

impl Coverage {
    /// Count from the model of `specs/`, the generated tree under `generated`, and the
    /// importer's per-scope counts of documented methods when the docs were read.
    pub fn measure(
        model: &Model,
        generated: &Path,
        documented: Option<&BTreeMap<String, usize>>,
    ) -> std::io::Result<Self> {
        let mut scopes: BTreeMap<String, ScopeCoverage> = BTreeMap::new();
        for (name, scope) in &model.scopes {
            let row = scopes.entry(name.clone()).or_default();
            for module in scope.modules.values() {
                for method in &module.methods {
                    row.specced += 1;
                    row.fields += method.params.len() + 1;
                    row.raw += method.params.iter().filter(|p| is_raw(&p.ty)).count();
                    row.raw += usize::from(is_raw(&method.response));
                }
                for ty in &module.types {
                    if let Shape::Object(fields) = &ty.shape {
                        row.fields += fields.len();
                        row.raw += fields.iter().filter(|f| is_raw(&f.ty)).count();
                    }
                }
            }
        }
        for (path, file) in crate::tree::files_under(generated, "rs")? {
            let Some((scope, _)) = path.split_once('/') else {
                continue;
            };
            let text = std::fs::read_to_string(file)?;
            let methods = text.matches("#[bitrix_method(").count();
            scopes.entry(scope.to_owned()).or_default().generated += methods;
        }
        if let Some(documented) = documented {
            for row in scopes.values_mut() {
                row.documented = Some(0);
            }
            for (scope, count) in documented {
                scopes.entry(scope.clone()).or_default().documented = Some(*count);
            }
        }
        Ok(Self { scopes })
    }

    /// The sum over all scopes.
    pub fn total(&self) -> ScopeCoverage {
        let mut total = ScopeCoverage::default();
        for row in self.scopes.values() {
            total.documented = match (total.documented, row.documented) {
                (None, None) => None,
                (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
            };
            total.specced += row.specced;
            total.generated += row.generated;
            total.fields += row.fields;
            total.raw += row.raw;
        }
        total
    }
}

/// `raw`, `raw[]`, `map<raw>`: the value is untyped JSON (named types it refers to are
/// counted on their own).
pub(crate) fn is_raw(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Builtin(builtin) => *builtin == Builtin::Raw,
        TypeRef::List(inner) | TypeRef::Map(inner) => is_raw(inner),
        TypeRef::Named { .. } | TypeRef::Query(..) => false,
    }
}

impl fmt::Display for Coverage {
    /// An aligned table, one row per scope and a total row.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let row = |f: &mut fmt::Formatter<'_>, name: &str, c: &ScopeCoverage| {
            let documented = c.documented.map_or("-".to_owned(), |n| n.to_string());
            let share = if c.fields == 0 {
                0.0
            } else {
                100.0 * c.raw as f64 / c.fields as f64
            };
            writeln!(
                f,
                "{name:<24} {documented:>10} {:>8} {:>9} {:>7} {:>6} {share:>5.1}%",
                c.specced, c.generated, c.fields, c.raw
            )
        };
        writeln!(
            f,
            "{:<24} {:>10} {:>8} {:>9} {:>7} {:>6} {:>6}",
            "scope", "documented", "specced", "generated", "fields", "raw", "raw %"
        )?;
        for (name, coverage) in &self.scopes {
            row(f, name, coverage)?;
        }
        row(f, "total", &self.total())
    }
}
