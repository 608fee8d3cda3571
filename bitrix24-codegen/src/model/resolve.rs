//! Type expressions (`Deal`, `id[]`, `map<FieldDescription>`) resolved to [`TypeRef`]s
//! against the builtins and the named types of all specs.

use super::items::{BUILTINS, Builtin, COMMON_SCOPE, TypeRef};

/// The spec name of [`Builtin::Nothing`].
const NOTHING: &str = "none";
use super::namespace::Names;
use crate::diagnostics::suggestion;

/// Resolves type expressions; built once, after pass 1.
pub(super) struct Resolver<'a> {
    pub(super) names: &'a Names<'a>,
    /// Every name a type expression may use, for suggestions.
    known: Vec<&'a str>,
}

impl<'a> Resolver<'a> {
    pub(super) fn new(names: &'a Names<'a>) -> Self {
        let known = BUILTINS
            .iter()
            .map(|(name, _)| *name)
            .chain(names.sites.keys().map(String::as_str))
            .collect();
        Self { names, known }
    }

    /// Resolve a method's result type: what [`Self::resolve`] takes, or `none` alone.
    pub(super) fn resolve_result(&self, expr: &str, from_scope: &str) -> Result<TypeRef, String> {
        if expr.trim() == NOTHING {
            return Ok(TypeRef::Builtin(Builtin::Nothing));
        }
        self.resolve(expr, from_scope)
    }

    /// Parse and resolve `expr` as used from `from_scope`.
    pub(super) fn resolve(&self, expr: &str, from_scope: &str) -> Result<TypeRef, String> {
        let expr = expr.trim();
        if expr == NOTHING {
            // A field or parameter that is never there is no field: only a whole reply
            // can carry nothing.
            return Err(format!(
                "`{NOTHING}` (a reply with no data) is a method's result type, not a field's"
            ));
        }
        if let Some(inner) = expr.strip_suffix("[]") {
            return Ok(TypeRef::List(Box::new(self.resolve(inner, from_scope)?)));
        }
        if let Some(inner) = expr
            .strip_prefix("map<")
            .and_then(|rest| rest.strip_suffix('>'))
        {
            return Ok(TypeRef::Map(Box::new(self.resolve(inner, from_scope)?)));
        }
        if let Some((_, builtin)) = BUILTINS.iter().find(|(name, _)| *name == expr) {
            return Ok(TypeRef::Builtin(*builtin));
        }
        if let Some(site) = self.names.sites.get(expr) {
            if site.scope != from_scope && site.scope != COMMON_SCOPE {
                return Err(format!(
                    "type `{expr}` belongs to scope `{}` and cannot be used from scope `{from_scope}`; \
                     move it to a spec with `scope: {COMMON_SCOPE}`",
                    site.scope
                ));
            }
            return Ok(TypeRef::Named {
                scope: site.scope.clone(),
                module: site.module.clone(),
                name: expr.to_owned(),
            });
        }
        if expr.is_empty() {
            return Err("the type is empty".to_owned());
        }
        Err(format!(
            "unknown type `{expr}`{}",
            suggestion(expr, self.known.iter().copied())
        ))
    }
}
