//! Whole files: a spec file's module (prelude and items), a scope's `mod.rs` and the
//! root `mod.rs`.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::context::{Context, TypeIndex};
use super::enumeration::enum_tokens;
use super::field_enum::field_enum_tokens;
use super::imports::{Import, Imports, Site, ident};
use super::method::method_tokens;
use super::object::object_tokens;
use crate::model::{COMMON_SCOPE, Module, Scope, Shape};

/// A spec file's module: its prelude, types, list records' field enums and methods.
pub fn module_tokens(index: &TypeIndex<'_>, scope: &Scope, module: &Module) -> TokenStream {
    let site = Site {
        scope: &scope.name,
        module: &module.name,
    };
    let mut cx = Context::new(site, index);
    let types: Vec<TokenStream> = module
        .types
        .iter()
        .map(|ty| match &ty.shape {
            Shape::Object(fields) => {
                let event = module.events.iter().find(|e| e.type_name == ty.name);
                object_tokens(&mut cx, ty, fields, event)
            }
            Shape::Enum(variants) => enum_tokens(&mut cx, ty, variants),
        })
        .collect();
    let field_enums: Vec<TokenStream> = module
        .field_enums
        .iter()
        .map(|fields| field_enum_tokens(&mut cx, fields))
        .collect();
    let methods: Vec<TokenStream> = module
        .methods
        .iter()
        .map(|method| method_tokens(&mut cx, method))
        .collect();
    let any_deprecated = module.methods.iter().any(|m| m.deprecated.is_some())
        || module.events.iter().any(|e| e.deprecated.is_some())
        || module.types.iter().any(|t| match &t.shape {
            Shape::Object(fields) => fields.iter().any(|f| f.deprecated.is_some()),
            Shape::Enum(_) => false,
        });
    // Code derived inside the module (serde impls reading deprecated fields, the
    // `Method` impls of deprecated requests) must not warn; the application's own uses do.
    let allow = if any_deprecated {
        quote!(#![allow(deprecated)])
    } else {
        TokenStream::new()
    };
    let prelude = cx.imports.tokens(site);
    quote! {
        #allow
        #prelude
        #(#types)*
        #(#field_enums)*
        #(#methods)*
    }
}

/// The scope's `mod.rs`: one private module per spec file, re-exported flat.
pub fn scope_mod_tokens(scope: &Scope) -> TokenStream {
    let modules: Vec<Ident> = scope.modules.keys().map(|m| ident(m)).collect();
    let declarations = scope.modules.keys().map(|module| {
        let name = ident(module);
        // Reason for the allow: modules are named after their spec files (`crm.yaml` of
        // scope `crm`), are private and re-exported flat, so the name never shows.
        let allow = (*module == scope.name).then(|| quote!(#[allow(clippy::module_inception)]));
        quote!(#allow mod #name;)
    });
    let doc = format!(" Bindings for the `{}` scope.", scope.name);
    let methods: Vec<Ident> = scope
        .modules
        .values()
        .flat_map(|module| module.methods.iter())
        .map(|method| ident(&method.type_name))
        .collect();
    let events: Vec<Ident> = scope
        .modules
        .values()
        .flat_map(|module| module.events.iter())
        .map(|event| ident(&event.type_name))
        .collect();
    let for_each_method = visitor_fn(
        "for_each_method",
        "MethodVisitor",
        &format!("method of the `{}` scope", scope.name),
        &methods,
    );
    let for_each_event = visitor_fn(
        "for_each_event",
        "EventVisitor",
        &format!("event of the `{}` scope", scope.name),
        &events,
    );
    let prelude = visitor_prelude();
    quote! {
        #![doc = #doc]
        #prelude
        #(#declarations)*
        #(pub use self::#modules::*;)*
        #for_each_method
        #for_each_event
    }
}

/// `pub fn NAME<V: VISITOR>(visitor: &mut V)` calling `visit` once per one of `items`
/// (each a `what`); a scope without any leaves the visitor unused.
fn visitor_fn(name: &str, visitor_trait: &str, what: &str, items: &[Ident]) -> TokenStream {
    let name = ident(name);
    let bound = ident(visitor_trait);
    let doc = format!(" Calls [`{visitor_trait}::visit`] once per {what}.");
    let visitor = if items.is_empty() {
        quote!(_visitor)
    } else {
        quote!(visitor)
    };
    quote! {
        #[doc = #doc]
        #[allow(deprecated)]
        pub fn #name<V: #bound>(#visitor: &mut V) {
            #(visitor.visit::<#items>();)*
        }
    }
}

/// The root `mod.rs`: one module per scope, each behind its cargo feature.
pub fn root_mod_tokens(scopes: &[&Scope]) -> TokenStream {
    let gate = |scope: &Scope, item: TokenStream| {
        if scope.name == COMMON_SCOPE {
            item
        } else {
            let feature = &scope.name;
            quote! {
                #[cfg(feature = #feature)]
                #item
            }
        }
    };
    let items = scopes.iter().map(|scope| {
        let name = ident(&scope.name);
        gate(scope, quote!(pub mod #name;))
    });
    let visits = scopes.iter().map(|scope| {
        let name = ident(&scope.name);
        gate(scope, quote!(#name::for_each_method(visitor);))
    });
    let event_visits = scopes.iter().map(|scope| {
        let name = ident(&scope.name);
        gate(scope, quote!(#name::for_each_event(visitor);))
    });
    // With every scope feature off and no `common` scope, nothing uses the visitor.
    let always_used = scopes
        .iter()
        .any(|scope| scope.name == COMMON_SCOPE)
        .then(TokenStream::new)
        .unwrap_or_else(|| quote!(let _ = visitor;));
    let prelude = visitor_prelude();
    quote! {
        #![doc = " Generated bindings, one module per scope."]
        #prelude
        #(#items)*

        /// Calls [`MethodVisitor::visit`] once per generated method of every enabled scope.
        pub fn for_each_method<V: MethodVisitor>(visitor: &mut V) {
            #always_used
            #(#visits)*
        }

        /// Calls [`EventVisitor::visit`] once per generated event of every enabled scope.
        pub fn for_each_event<V: EventVisitor>(visitor: &mut V) {
            #always_used
            #(#event_visits)*
        }
    }
}

/// A `mod.rs`'s prelude: the two visitor traits.
fn visitor_prelude() -> TokenStream {
    let mut imports = Imports::default();
    imports.add(Import::EventVisitor);
    imports.add(Import::MethodVisitor);
    // No generated types are imported: the site does not matter.
    imports.tokens(Site {
        scope: "",
        module: "",
    })
}
