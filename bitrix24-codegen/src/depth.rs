//! `cargo xtask coverage`, second table: how deep the types go, per scope. What a caller
//! gets back from each method (raw JSON, or a named record with no raw JSON anywhere in
//! it), how much of the named types reachable from methods is still raw, and whether
//! each paginated method declares its list so that `list`, `stream` and `export` work.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::coverage::is_raw;
use crate::model::{Builtin, MethodModel, Model, Shape, TypeModel, TypeRef};

/// The figures of one scope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeDepth {
    /// Methods in the specs.
    pub methods: usize,
    /// Methods whose result is `raw` or `raw[]`.
    pub raw_results: usize,
    /// Methods whose result is (a list or map of) named records with no raw field
    /// anywhere inside, recursively.
    pub clean_records: usize,
    /// Fields of the named object types reachable from this scope's methods (each
    /// type counted once, in the scope that defines it).
    pub reachable_fields: usize,
    /// Of those, typed raw JSON.
    pub reachable_raw: usize,
    /// Methods that page: a `start` parameter or list metadata.
    pub paginated: usize,
    /// Of those, declaring their list (`result: {type, list}`).
    pub declared: usize,
    /// Of the declared, with typed records (not `raw`).
    pub typed_records: usize,
    /// Of the declared, taking the fast path (`>ID` + `start=-1`).
    pub fast_path: usize,
}

/// Every scope's figures, by scope name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Depth {
    /// By scope, sorted.
    pub scopes: BTreeMap<String, ScopeDepth>,
    /// The raw fields counted in `reachable_raw`, as `scope/module Type.field`, sorted:
    /// the work list for whoever types them next (`cargo xtask coverage --raw-fields`).
    pub raw_fields: Vec<String>,
}

/// The model's types by (scope, module, name).
struct Types<'a>(BTreeMap<(&'a str, &'a str, &'a str), &'a TypeModel>);

impl<'a> Types<'a> {
    fn of(model: &'a Model) -> Self {
        let mut types = BTreeMap::new();
        for (scope_name, scope) in &model.scopes {
            for (module_name, module) in &scope.modules {
                for ty in &module.types {
                    types.insert(
                        (scope_name.as_str(), module_name.as_str(), ty.name.as_str()),
                        ty,
                    );
                }
            }
        }
        Self(types)
    }

    fn get(&self, scope: &str, module: &str, name: &str) -> Option<&'a TypeModel> {
        self.0.get(&(scope, module, name)).copied()
    }

    /// Whether `ty` holds raw JSON anywhere, following named types (`seen` breaks cycles:
    /// a type already on the path adds nothing new).
    fn holds_raw(&self, ty: &TypeRef, seen: &mut BTreeSet<(String, String, String)>) -> bool {
        match ty {
            TypeRef::Builtin(builtin) => *builtin == Builtin::Raw,
            // Checked select/order/filter: field names, never raw.
            TypeRef::Query(..) => false,
            TypeRef::List(inner) | TypeRef::Map(inner) => self.holds_raw(inner, seen),
            TypeRef::Named {
                scope,
                module,
                name,
            } => {
                if !seen.insert((scope.clone(), module.clone(), name.clone())) {
                    return false;
                }
                let Some(model) = self.get(scope, module, name) else {
                    return false;
                };
                match &model.shape {
                    Shape::Object(fields) => fields.iter().any(|f| self.holds_raw(&f.ty, seen)),
                    Shape::Enum(_) => false,
                }
            }
        }
    }

    /// Every named type `ty` reaches, `ty`'s own included.
    fn reach(&self, ty: &TypeRef, out: &mut BTreeSet<(String, String, String)>) {
        match ty {
            TypeRef::Builtin(_) | TypeRef::Query(..) => {}
            TypeRef::List(inner) | TypeRef::Map(inner) => self.reach(inner, out),
            TypeRef::Named {
                scope,
                module,
                name,
            } => {
                if !out.insert((scope.clone(), module.clone(), name.clone())) {
                    return;
                }
                if let Some(TypeModel {
                    shape: Shape::Object(fields),
                    ..
                }) = self.get(scope, module, name)
                {
                    for field in fields {
                        self.reach(&field.ty, out);
                    }
                }
            }
        }
    }
}

/// `raw` or `raw[]`: the caller reads the result by hand.
fn is_raw_result(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Builtin(builtin) => *builtin == Builtin::Raw,
        TypeRef::List(inner) => matches!(**inner, TypeRef::Builtin(Builtin::Raw)),
        _ => false,
    }
}

/// A named type, or a list or map of one.
fn is_named(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named { .. } => true,
        TypeRef::List(inner) | TypeRef::Map(inner) => is_named(inner),
        TypeRef::Builtin(_) | TypeRef::Query(..) => false,
    }
}

fn is_paginated(method: &MethodModel) -> bool {
    method.list.is_some() || method.params.iter().any(|p| p.wire == "start")
}

impl Depth {
    /// Measure the model of `specs/`.
    pub fn measure(model: &Model) -> Self {
        let types = Types::of(model);
        let mut scopes: BTreeMap<String, ScopeDepth> = BTreeMap::new();
        let mut reachable = BTreeSet::new();
        for (scope_name, scope) in &model.scopes {
            let row = scopes.entry(scope_name.clone()).or_default();
            for method in scope.modules.values().flat_map(|m| &m.methods) {
                row.methods += 1;
                row.raw_results += usize::from(is_raw_result(&method.response));
                if is_named(&method.response)
                    && !types.holds_raw(&method.response, &mut BTreeSet::new())
                {
                    row.clean_records += 1;
                }
                for ty in method.params.iter().map(|p| &p.ty) {
                    types.reach(ty, &mut reachable);
                }
                types.reach(&method.response, &mut reachable);
                if is_paginated(method) {
                    row.paginated += 1;
                    if let Some(list) = &method.list {
                        row.declared += 1;
                        row.typed_records += usize::from(!is_raw_result(&list.record));
                        row.fast_path += usize::from(list.fast_path);
                    }
                }
            }
        }
        let mut raw_fields = Vec::new();
        for (scope, module, name) in &reachable {
            let Some(TypeModel {
                shape: Shape::Object(fields),
                ..
            }) = types.get(scope, module, name)
            else {
                continue;
            };
            let row = scopes.entry(scope.clone()).or_default();
            row.reachable_fields += fields.len();
            for field in fields.iter().filter(|f| is_raw(&f.ty)) {
                row.reachable_raw += 1;
                raw_fields.push(format!("{scope}/{module} {name}.{}", field.wire));
            }
        }
        Self { scopes, raw_fields }
    }

    /// The sum over all scopes.
    pub fn total(&self) -> ScopeDepth {
        let mut total = ScopeDepth::default();
        for row in self.scopes.values() {
            total.methods += row.methods;
            total.raw_results += row.raw_results;
            total.clean_records += row.clean_records;
            total.reachable_fields += row.reachable_fields;
            total.reachable_raw += row.reachable_raw;
            total.paginated += row.paginated;
            total.declared += row.declared;
            total.typed_records += row.typed_records;
            total.fast_path += row.fast_path;
        }
        total
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

impl fmt::Display for Depth {
    /// An aligned table, one row per scope and a total row, then the definitions.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let row = |f: &mut fmt::Formatter<'_>, name: &str, d: &ScopeDepth| {
            writeln!(
                f,
                "{name:<24} {:>7} {:>6} {:>5.1}% {:>7} {:>9} {:>6} {:>5.1}% {:>5} {:>8} {:>6} {:>5}",
                d.methods,
                d.raw_results,
                percent(d.raw_results, d.methods),
                d.clean_records,
                d.reachable_fields,
                d.reachable_raw,
                percent(d.reachable_raw, d.reachable_fields),
                d.paginated,
                d.declared,
                d.typed_records,
                d.fast_path,
            )
        };
        writeln!(
            f,
            "{:<24} {:>7} {:>6} {:>6} {:>7} {:>9} {:>6} {:>6} {:>5} {:>8} {:>6} {:>5}",
            "scope",
            "methods",
            "raw",
            "raw %",
            "records",
            "reachable",
            "raw",
            "raw %",
            "paged",
            "declared",
            "typed",
            "fast",
        )?;
        for (name, depth) in &self.scopes {
            row(f, name, depth)?;
        }
        row(f, "total", &self.total())?;
        writeln!(
            f,
            "raw: results typed `raw`/`raw[]`. records: results that are named records (or \
             lists/maps of them) with no raw JSON inside, recursively.\nreachable: fields of \
             named types reachable from methods, and how many are raw. paged: methods with a \
             `start` parameter or list metadata; declared: with list metadata; typed: with \
             typed records; fast: on the `>ID` + `start=-1` fast path."
        )
    }
}
