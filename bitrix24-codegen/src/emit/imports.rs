//! The `use` prelude of a generated file and the short names its code is written with.
//!
//! Emitted code names everything short (`Deserialize`, `wire::Decimal`, `BTreeMap`,
//! `Deal`); each short name is recorded while the code is emitted ([`Imports::add`]),
//! and the file's prelude imports exactly those. The prelude names `bitrix24_types` by
//! absolute path (`::bitrix24_types::wire`), so a file compiles wherever the generated
//! tree is mounted: inside the crate (which declares `extern crate self as
//! bitrix24_types`) or in an application that generates bindings from its own specs.
//! Other generated types are imported by relative path (`super::Deal`,
//! `super::super::common::FieldDescription`).
//!
//! serde's derives take `crate = "self::serde"`: they expand into a `const _: () = { ...
//! }` block of the same module, where `self::serde` is the prelude's import, so an
//! application needs no serde dependency of its own. String paths in serde attributes
//! (`deserialize_with = "wire::lenient"`) resolve in that block the same way.
//!
//! Short names cannot clash with generated types: modules (`wire`, `serde`) are lower
//! case, and the model rejects spec types named like an imported type
//! ([`PRELUDE_TYPES`]).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// The type and trait names generated code imports (or finds in Rust's prelude) and
/// writes unqualified; the model rejects spec types of these names.
pub const PRELUDE_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "String",
    "Vec",
    "Result",
    "Ok",
    "Err",
    "Box",
    "BTreeMap",
    "Deserialize",
    "LenientDeserialize",
    "Serialize",
    "EventPayload",
    "IntoRecords",
    "MethodVisitor",
    "EventVisitor",
];

/// Where emitted code sits: used to write paths to other generated types.
#[derive(Debug, Clone, Copy)]
pub(super) struct Site<'a> {
    /// Scope of the module being emitted.
    pub(super) scope: &'a str,
    /// Module being emitted.
    pub(super) module: &'a str,
}

/// A name a generated file imports, in prelude order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Import {
    /// `std::collections::BTreeMap`.
    BTreeMap,
    /// The serde crate itself, as `serde` (through `bitrix24_types::__private`).
    Serde,
    /// serde's `Deserialize` (trait and derive).
    Deserialize,
    /// serde's `Serialize` (trait and derive).
    Serialize,
    /// `__private::EventPayload`.
    EventPayload,
    /// `__private::IntoRecords`.
    IntoRecords,
    /// The `#[bitrix_method]` attribute.
    BitrixMethod,
    /// The `chrono` crate (through `bitrix24_types`).
    Chrono,
    /// `bitrix24_types::EventVisitor`.
    EventVisitor,
    /// `bitrix24_types::LenientDeserialize` (the derive).
    LenientDeserialize,
    /// `bitrix24_types::MethodVisitor`.
    MethodVisitor,
    /// `bitrix24_types::query`: checked `select`, `order` and `filter`.
    Query,
    /// The `serde_json` crate (through `bitrix24_types`).
    SerdeJson,
    /// `bitrix24_types::wire`.
    Wire,
    /// A generated type of another module.
    Named {
        /// Its scope.
        scope: String,
        /// Its module.
        module: String,
        /// Its name.
        name: String,
    },
}

/// The imports a file's code has used so far.
#[derive(Debug, Default)]
pub(super) struct Imports(BTreeSet<Import>);

/// `name` as an identifier of the emitted code.
pub(super) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

impl Imports {
    /// Record that the code uses `import`.
    pub(super) fn add(&mut self, import: Import) {
        self.0.insert(import);
    }

    /// The prelude: one `use` per crate path, the serde names grouped, other generated
    /// types grouped by the module they are reached through.
    pub(super) fn tokens(&self, site: Site<'_>) -> TokenStream {
        let has = |import: &Import| self.0.contains(import);
        let mut out = TokenStream::new();
        if has(&Import::BTreeMap) {
            out.extend(quote!(
                use std::collections::BTreeMap;
            ));
        }
        let present = |names: &[(Import, &str)]| -> Vec<Ident> {
            names
                .iter()
                .filter(|(import, _)| has(import))
                .map(|(_, name)| ident(name))
                .collect()
        };
        let traits = present(&[
            (Import::Deserialize, "Deserialize"),
            (Import::Serialize, "Serialize"),
        ]);
        match (has(&Import::Serde), traits.is_empty()) {
            (false, true) => {}
            (true, true) => out.extend(quote!(
                use ::bitrix24_types::__private::serde;
            )),
            (true, false) => {
                out.extend(quote!(use ::bitrix24_types::__private::serde::{self, #(#traits),*};));
            }
            (false, false) => {
                out.extend(quote!(use ::bitrix24_types::__private::serde::{#(#traits),*};));
            }
        }
        let private = present(&[
            (Import::EventPayload, "EventPayload"),
            (Import::IntoRecords, "IntoRecords"),
        ]);
        if !private.is_empty() {
            out.extend(quote!(use ::bitrix24_types::__private::{#(#private),*};));
        }
        // One line each: the crate's root, unlike a module, is no place to group from.
        for (import, name) in [
            (Import::BitrixMethod, "bitrix_method"),
            (Import::Chrono, "chrono"),
            (Import::EventVisitor, "EventVisitor"),
            (Import::LenientDeserialize, "LenientDeserialize"),
            (Import::MethodVisitor, "MethodVisitor"),
            (Import::Query, "query"),
            (Import::SerdeJson, "serde_json"),
            (Import::Wire, "wire"),
        ] {
            if has(&import) {
                let name = ident(name);
                out.extend(quote!(use ::bitrix24_types::#name;));
            }
        }
        // Other generated types, by scope (by module within the site's own scope), sorted.
        let mut named: BTreeMap<(&str, Option<&str>), BTreeSet<&str>> = BTreeMap::new();
        for import in &self.0 {
            if let Import::Named {
                scope,
                module,
                name,
            } = import
            {
                let module = (scope == site.scope).then_some(module.as_str());
                named.entry((scope, module)).or_default().insert(name);
            }
        }
        for ((scope, module), names) in named {
            let path = match module {
                // A sibling module, named directly: never through the scope's module,
                // which re-exports every file (the files would import each other).
                Some(module) => {
                    let (parent, module) = (quote!(super), ident(module));
                    quote!(#parent::#module)
                }
                None => parent_path(site, scope),
            };
            let names: Vec<Ident> = names.into_iter().map(ident).collect();
            out.extend(match names.as_slice() {
                [one] => quote!(use #path::#one;),
                _ => quote!(use #path::{#(#names),*};),
            });
        }
        out
    }
}

/// The module generated types of another scope are reached through from `site`: that
/// scope's module re-exports each file's items flat (`super::super::common`).
fn parent_path(site: Site<'_>, scope: &str) -> TokenStream {
    let parent = quote!(super);
    if scope == site.scope {
        parent
    } else {
        let scope = ident(scope);
        quote!(#parent::#parent::#scope)
    }
}
