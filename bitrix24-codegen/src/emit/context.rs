//! What emitting one generated file needs: where it sits, the model's named types (the
//! facts a field's doc states about its type), and the imports its code has used.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::imports::{Import, Imports, Site, ident};
use crate::model::{Builtin, Model, QueryParam, Shape, TypeModel, TypeRef};

/// Every named type of the model, by name (names are global).
#[derive(Debug)]
pub struct TypeIndex<'a>(BTreeMap<&'a str, &'a TypeModel>);

impl<'a> TypeIndex<'a> {
    /// Index `model`.
    pub fn new(model: &'a Model) -> Self {
        let types = model
            .scopes
            .values()
            .flat_map(|scope| scope.modules.values())
            .flat_map(|module| module.types.iter())
            .map(|ty| (ty.name.as_str(), ty))
            .collect();
        Self(types)
    }

    /// The wire values of the enumeration `name`; `None` for an object type.
    pub(super) fn enum_values(&self, name: &str) -> Option<Vec<&'a str>> {
        match &self.0.get(name)?.shape {
            Shape::Enum(variants) => Some(variants.iter().map(|(wire, _)| wire.as_str()).collect()),
            Shape::Object(_) => None,
        }
    }
}

/// One file being emitted.
#[derive(Debug)]
pub(super) struct Context<'a> {
    /// Where the file sits.
    pub(super) site: Site<'a>,
    /// The model's named types.
    pub(super) index: &'a TypeIndex<'a>,
    /// What the file's code has used so far.
    pub(super) imports: Imports,
}

impl<'a> Context<'a> {
    /// A file at `site`, nothing imported yet.
    pub(super) fn new(site: Site<'a>, index: &'a TypeIndex<'a>) -> Self {
        Self {
            site,
            index,
            imports: Imports::default(),
        }
    }

    /// Record that the code uses `import`.
    pub(super) fn uses(&mut self, import: Import) {
        self.imports.add(import);
    }

    /// The Rust type of a type expression, written with short names.
    pub(super) fn rust_type(&mut self, ty: &TypeRef) -> TokenStream {
        match ty {
            TypeRef::Builtin(builtin) => self.builtin_type(*builtin),
            TypeRef::Named {
                scope,
                module,
                name,
            } => {
                if scope != self.site.scope || module != self.site.module {
                    self.uses(Import::Named {
                        scope: scope.clone(),
                        module: module.clone(),
                        name: name.clone(),
                    });
                }
                let name = ident(name);
                quote!(#name)
            }
            TypeRef::List(inner) => {
                let inner = self.rust_type(inner);
                quote!(Vec<#inner>)
            }
            TypeRef::Map(inner) => {
                let inner = self.rust_type(inner);
                self.uses(Import::BTreeMap);
                quote!(BTreeMap<String, #inner>)
            }
            TypeRef::Query(param, fields) => {
                let fields = self.rust_type(fields);
                self.uses(Import::Query);
                match param {
                    QueryParam::Select => quote!(query::Select<#fields>),
                    QueryParam::Order => quote!(query::Order<#fields>),
                    QueryParam::Filter => quote!(query::Filter<#fields>),
                }
            }
        }
    }

    fn builtin_type(&mut self, builtin: Builtin) -> TokenStream {
        let (import, tokens) = match builtin {
            Builtin::String => return quote!(String),
            Builtin::Integer | Builtin::Timestamp => return quote!(i64),
            Builtin::Id => return quote!(u64),
            Builtin::Double => return quote!(f64),
            Builtin::Char | Builtin::Boolean => return quote!(bool),
            Builtin::Decimal => (Import::Wire, quote!(wire::Decimal)),
            Builtin::Date => (Import::Chrono, quote!(chrono::NaiveDate)),
            Builtin::DateTime => (Import::Wire, quote!(wire::DateTime)),
            Builtin::File => (Import::Wire, quote!(wire::File)),
            Builtin::Multifield => (Import::Wire, quote!(wire::Multifield)),
            Builtin::Localized => (Import::Wire, quote!(wire::Localized)),
            Builtin::Raw => (Import::SerdeJson, quote!(serde_json::Value)),
            Builtin::Nothing => (Import::Wire, quote!(wire::NoData)),
        };
        self.uses(import);
        tokens
    }

    /// The map every object keeps unknown fields in.
    pub(super) fn extra_type(&mut self) -> TokenStream {
        self.uses(Import::BTreeMap);
        self.uses(Import::SerdeJson);
        quote!(BTreeMap<String, serde_json::Value>)
    }
}
