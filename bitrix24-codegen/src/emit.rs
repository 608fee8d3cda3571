//! From the model to Rust tokens, one module at a time.
//!
//! Emitted code names everything by absolute path through `::bitrix24_types` (the crate
//! declares `extern crate self as bitrix24_types`), and other generated types by
//! relative path (`super::Name`, `super::super::common::Name`), so a module compiles
//! wherever the generated tree is mounted. Doc comments name the REST method, its scope
//! and link the official page; no prose is copied from the docs. Prelude names
//! (`Option`, `String`, `Vec`, `Result`) are written bare: the model rejects spec types
//! that would shadow them.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::model::{
    Api, Builtin, EventModel, FieldModel, Kind, MethodModel, Module, Scope, Shape, TypeModel,
    TypeRef,
};

/// Where emitted code sits: used to write paths to other generated types.
#[derive(Debug, Clone, Copy)]
pub struct Site<'a> {
    /// Scope of the module being emitted.
    pub scope: &'a str,
    /// Module being emitted.
    pub module: &'a str,
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type of a type expression, as seen from `site`.
pub fn rust_type(ty: &TypeRef, site: Site<'_>) -> TokenStream {
    match ty {
        TypeRef::Builtin(builtin) => builtin_type(*builtin),
        TypeRef::Named {
            scope,
            module,
            name,
        } => {
            let name = ident(name);
            if scope == site.scope && module == site.module {
                quote!(#name)
            } else if scope == site.scope {
                quote!(super::#name)
            } else {
                let scope = ident(scope);
                quote!(super::super::#scope::#name)
            }
        }
        TypeRef::List(inner) => {
            let inner = rust_type(inner, site);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(inner, site);
            quote!(::std::collections::BTreeMap<String, #inner>)
        }
    }
}

fn builtin_type(builtin: Builtin) -> TokenStream {
    match builtin {
        Builtin::String => quote!(String),
        Builtin::Integer | Builtin::Timestamp => quote!(i64),
        Builtin::Id => quote!(u64),
        Builtin::Double => quote!(f64),
        Builtin::Decimal => quote!(::bitrix24_types::wire::Decimal),
        Builtin::Char | Builtin::Boolean => quote!(bool),
        Builtin::Date => quote!(::bitrix24_types::chrono::NaiveDate),
        Builtin::DateTime => quote!(::bitrix24_types::wire::DateTime),
        Builtin::File => quote!(::bitrix24_types::wire::File),
        Builtin::Multifield => quote!(::bitrix24_types::wire::Multifield),
        Builtin::Raw => quote!(::bitrix24_types::serde_json::Value),
    }
}

/// Doc lines as `#[doc]` attributes.
fn docs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|line| format!(" {line}"));
    quote!(#(#[doc = #lines])*)
}

fn deprecated_attr(deprecated: &Option<Option<String>>, what: &str) -> TokenStream {
    match deprecated {
        None => TokenStream::new(),
        Some(Some(replacement)) => {
            let note = format!("Bitrix24 deprecated {what}; use `{replacement}` instead");
            quote!(#[deprecated(note = #note)])
        }
        Some(None) => {
            let note = format!("Bitrix24 deprecated {what}");
            quote!(#[deprecated(note = #note)])
        }
    }
}

/// Which serde traits an emitted struct derives.
#[derive(Debug, Clone, Copy)]
struct Directions {
    sent: bool,
    received: bool,
}

/// One struct field with its serde attributes.
fn field_tokens(field: &FieldModel, dirs: Directions, site: Site<'_>) -> TokenStream {
    let name = ident(&field.name.ident);
    let ty = rust_type(&field.ty, site);
    let optional = !field.required;
    let ty = if optional { quote!(Option<#ty>) } else { ty };

    let mut serde_args: Vec<TokenStream> = Vec::new();
    if field.name.renamed {
        let wire = &field.wire;
        serde_args.push(quote!(rename = #wire));
    }
    if dirs.received {
        if optional {
            serde_args.push(quote!(
                default,
                deserialize_with = "::bitrix24_types::wire::lenient"
            ));
        } else {
            serde_args.push(quote!(
                deserialize_with = "::bitrix24_types::wire::required"
            ));
        }
    }
    if dirs.sent {
        if field.read_only {
            serde_args.push(quote!(skip_serializing));
        } else {
            if optional {
                serde_args.push(quote!(skip_serializing_if = "Option::is_none"));
            }
            if field.ty == TypeRef::Builtin(Builtin::Char) {
                let with = if optional {
                    "::bitrix24_types::wire::yes_no::serialize_opt"
                } else {
                    "::bitrix24_types::wire::yes_no::serialize"
                };
                serde_args.push(quote!(serialize_with = #with));
            }
        }
    }
    let serde_attr = if serde_args.is_empty() {
        TokenStream::new()
    } else {
        quote!(#[serde(#(#serde_args),*)])
    };

    let mut doc = format!("`{}`", field.wire);
    if field.read_only {
        doc.push_str(" (read-only: filled by the portal, never sent)");
    }
    let mut lines = vec![doc];
    if !field.doc.is_empty() {
        lines.push(String::new());
        lines.extend(field.doc.iter().cloned());
    }
    let doc = docs(&lines);
    let deprecated = deprecated_attr(&field.deprecated, &format!("the field `{}`", field.wire));
    quote! {
        #doc
        #deprecated
        #serde_attr
        pub #name: #ty,
    }
}

fn derives(dirs: Directions, default: bool) -> TokenStream {
    let mut list = vec![quote!(Debug), quote!(Clone), quote!(PartialEq)];
    if default {
        list.push(quote!(Default));
    }
    if dirs.sent {
        list.push(quote!(::bitrix24_types::__private::serde::Serialize));
    }
    if dirs.received {
        list.push(quote!(::bitrix24_types::__private::serde::Deserialize));
    }
    let serde_crate = if dirs.sent || dirs.received {
        quote!(#[serde(crate = "::bitrix24_types::__private::serde")])
    } else {
        TokenStream::new()
    };
    quote! {
        #[derive(#(#list),*)]
        #serde_crate
    }
}

fn lenient_impl(name: &Ident, helper: &str) -> TokenStream {
    let helper = format_ident!("{}", helper);
    quote! {
        impl ::bitrix24_types::wire::Lenient for #name {
            fn deserialize_lenient<'de, D>(de: D) -> Result<Option<Self>, D::Error>
            where
                D: ::bitrix24_types::__private::serde::Deserializer<'de>,
            {
                ::bitrix24_types::wire::#helper(de)
            }
        }
    }
}

/// A named type: struct or open enum, with its trait impls; `event` when the type is
/// the `data` of that event (its docs name the event, and it implements `EventPayload`).
pub fn type_tokens(ty: &TypeModel, event: Option<&EventModel>, site: Site<'_>) -> TokenStream {
    let name = ident(&ty.name);
    let mut doc = vec![format!("`{}`", ty.name)];
    let mut docs_url = ty.docs_url.as_ref();
    if let Some(event) = event {
        doc = vec![format!(
            "The `data` of the event `{}`: scope `{}`.",
            event.code, event.scope
        )];
        docs_url = event.docs_url.as_ref().or(docs_url);
    }
    if let Some(url) = docs_url {
        doc.push(String::new());
        doc.push(format!("[Official documentation]({url})"));
    }
    let deprecated = event
        .map(|event| deprecated_attr(&event.deprecated, &format!("the event `{}`", event.code)));
    let payload = event.map(|event| event_payload_impl(&name, event));
    match &ty.shape {
        Shape::Object(fields) => {
            let dirs = Directions {
                sent: ty.sent,
                received: ty.received,
            };
            let default = fields.iter().all(|f| !f.required);
            let derive = derives(dirs, default);
            let fields = fields.iter().map(|f| field_tokens(f, dirs, site));
            let doc = docs(&doc);
            let lenient = if ty.received {
                lenient_impl(&name, "object_or_nothing")
            } else {
                TokenStream::new()
            };
            let into_records = ty.records_of.as_ref().map(|(field, record)| {
                let field = ident(field);
                let record = rust_type(record, site);
                quote! {
                    impl ::bitrix24_types::__private::IntoRecords<#record> for #name {
                        fn into_records(self) -> Vec<#record> {
                            self.#field.unwrap_or_default()
                        }
                    }
                }
            });
            quote! {
                #doc
                #deprecated
                #derive
                pub struct #name {
                    #(#fields)*
                    /// Fields this spec does not list: the portal's user fields (`UF_*`)
                    /// and fields added after the spec was written.
                    #[serde(flatten)]
                    pub extra: ::std::collections::BTreeMap<String, ::bitrix24_types::serde_json::Value>,
                }
                #lenient
                #into_records
                #payload
            }
        }
        Shape::Enum(variants) => {
            let doc = docs(&doc);
            let names: Vec<Ident> = variants.iter().map(|(_, v)| ident(v)).collect();
            let wires: Vec<&String> = variants.iter().map(|(w, _)| w).collect();
            let variant_docs = wires.iter().map(|w| format!(" `{w}`"));
            let lenient = lenient_impl(&name, "enum_or_nothing");
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, Eq, Hash)]
                pub enum #name {
                    #(#[doc = #variant_docs] #names,)*
                    /// A value this spec does not list, kept as sent.
                    Unknown(String),
                }
                impl ::bitrix24_types::wire::WireEnum for #name {
                    fn from_wire(value: &str) -> Self {
                        match value {
                            #(#wires => Self::#names,)*
                            other => Self::Unknown(other.to_owned()),
                        }
                    }
                    fn as_wire(&self) -> &str {
                        match self {
                            #(Self::#names => #wires,)*
                            Self::Unknown(value) => value,
                        }
                    }
                }
                impl ::bitrix24_types::__private::serde::Serialize for #name {
                    fn serialize<S>(&self, serializer: S) -> Result<S::Ok, S::Error>
                    where
                        S: ::bitrix24_types::__private::serde::Serializer,
                    {
                        ::bitrix24_types::wire::serialize_enum(self, serializer)
                    }
                }
                impl<'de> ::bitrix24_types::__private::serde::Deserialize<'de> for #name {
                    fn deserialize<D>(deserializer: D) -> Result<Self, D::Error>
                    where
                        D: ::bitrix24_types::__private::serde::Deserializer<'de>,
                    {
                        ::bitrix24_types::wire::deserialize_enum(deserializer)
                    }
                }
                #lenient
            }
        }
    }
}

/// `EventPayload` for an event's data type.
fn event_payload_impl(name: &Ident, event: &EventModel) -> TokenStream {
    let code = &event.code;
    // As for methods: `common` is this project's scope, not a Bitrix24 permission.
    let scope = if event.scope == crate::model::COMMON_SCOPE {
        quote!(None)
    } else {
        let scope = &event.scope;
        quote!(Some(#scope))
    };
    quote! {
        impl ::bitrix24_types::__private::EventPayload for #name {
            const CODE: &'static str = #code;
            const SCOPE: Option<&'static str> = #scope;
        }
    }
}

/// A method's request struct, its `#[bitrix_method]` attribute and constructor.
pub fn method_tokens(method: &MethodModel, site: Site<'_>) -> TokenStream {
    let name = ident(&method.type_name);
    let rest_name = &method.name;
    // `common` is this project's scope for what every scope shares (and for methods the
    // docs give no scope, such as `event.bind`): it is no Bitrix24 permission, so the
    // method's `SCOPE` is `None` rather than a name a portal would not know.
    let scope = (method.scope != crate::model::COMMON_SCOPE).then(|| {
        let scope = &method.scope;
        quote!(, scope = #scope)
    });
    let kind = match method.kind {
        Kind::Read => quote!(read),
        Kind::Idempotent => quote!(idempotent),
        Kind::Write => quote!(write),
    };
    let api = match method.api {
        Api::Classic => TokenStream::new(),
        Api::V3 => quote!(, api = v3),
    };
    let response = rust_type(&method.response, site);
    let list = method.list.as_ref().map(|list| {
        let record = rust_type(&list.record, site);
        let records = match &list.key {
            None => quote!(result),
            Some(key) => {
                let key = Literal::string(key);
                quote!(#key)
            }
        };
        let id = &list.id_field;
        let id_param = match &list.id_param {
            Some(name) => quote!(, id_param = #name),
            None => TokenStream::new(),
        };
        let flag = |on: bool, name: &str| {
            let name = proc_macro2::Ident::new(name, proc_macro2::Span::call_site());
            if on {
                quote!(, #name)
            } else {
                TokenStream::new()
            }
        };
        let fast_path = flag(list.fast_path, "fast_path");
        let counted = flag(list.counted, "counted");
        quote!(, list(record = #record, records = #records, id = #id #id_param #fast_path #counted))
    });

    let kind_text = match method.kind {
        Kind::Read => "reads only",
        Kind::Idempotent => "writes idempotently",
        Kind::Write => "writes (not idempotent: never repeated blindly)",
    };
    let mut doc = vec![format!(
        "`{rest_name}`: scope `{}`; {kind_text}.",
        method.scope
    )];
    if let Some(url) = &method.docs_url {
        doc.push(String::new());
        doc.push(format!("[Official documentation]({url})"));
    }
    let doc = docs(&doc);
    let deprecated = deprecated_attr(&method.deprecated, &format!("`{rest_name}`"));
    let dirs = Directions {
        sent: true,
        received: false,
    };
    let fields = method.params.iter().map(|f| field_tokens(f, dirs, site));
    let has_required = method.params.iter().any(|p| p.required);
    let derive = derives(dirs, !has_required);

    let constructor = has_required.then(|| {
        let args = method.params.iter().filter(|p| p.required).map(|p| {
            let arg = ident(&p.name.ident);
            let ty = rust_type(&p.ty, site);
            quote!(#arg: #ty)
        });
        let inits = method.params.iter().map(|p| {
            let field = ident(&p.name.ident);
            if p.required {
                quote!(#field)
            } else {
                quote!(#field: None)
            }
        });
        let doc =
            format!(" A `{rest_name}` call with the required parameters; optional ones unset.");
        quote! {
            impl #name {
                #[doc = #doc]
                pub fn new(#(#args),*) -> Self {
                    Self { #(#inits),* }
                }
            }
        }
    });

    let body = if method.params.is_empty() {
        quote!(;)
    } else {
        quote!({ #(#fields)* })
    };
    quote! {
        #doc
        #deprecated
        #[::bitrix24_types::bitrix_method(#rest_name #scope, kind = #kind #api, response = #response #list)]
        #derive
        pub struct #name #body
        #constructor
    }
}

/// A whole module: its types and methods.
pub fn module_tokens(scope: &Scope, module: &Module) -> TokenStream {
    let site = Site {
        scope: &scope.name,
        module: &module.name,
    };
    let types = module.types.iter().map(|t| {
        let event = module.events.iter().find(|e| e.type_name == t.name);
        type_tokens(t, event, site)
    });
    let methods = module.methods.iter().map(|m| method_tokens(m, site));
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
    quote! {
        #allow
        #(#types)*
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
    // A scope of types only visits nothing.
    let visitor = if methods.is_empty() {
        quote!(_visitor)
    } else {
        quote!(visitor)
    };
    let visit_doc = format!(
        " Calls [`MethodVisitor::visit`](bitrix24_types::MethodVisitor::visit) once per method of the `{}` scope.",
        scope.name
    );
    let events: Vec<Ident> = scope
        .modules
        .values()
        .flat_map(|module| module.events.iter())
        .map(|event| ident(&event.type_name))
        .collect();
    let event_visitor = if events.is_empty() {
        quote!(_visitor)
    } else {
        quote!(visitor)
    };
    let event_doc = format!(
        " Calls [`EventVisitor::visit`](bitrix24_types::EventVisitor::visit) once per event of the `{}` scope.",
        scope.name
    );
    quote! {
        #![doc = #doc]
        #(#declarations)*
        #(pub use self::#modules::*;)*

        #[doc = #visit_doc]
        #[allow(deprecated)]
        pub fn for_each_method<V: ::bitrix24_types::MethodVisitor>(#visitor: &mut V) {
            #(visitor.visit::<#methods>();)*
        }

        #[doc = #event_doc]
        #[allow(deprecated)]
        pub fn for_each_event<V: ::bitrix24_types::EventVisitor>(#event_visitor: &mut V) {
            #(visitor.visit::<#events>();)*
        }
    }
}

/// The root `mod.rs`: one module per scope, each behind its cargo feature.
pub fn root_mod_tokens(scopes: &[&Scope]) -> TokenStream {
    let items = scopes.iter().map(|scope| {
        let name = ident(&scope.name);
        if scope.name == crate::model::COMMON_SCOPE {
            quote!(pub mod #name;)
        } else {
            let feature = &scope.name;
            quote! {
                #[cfg(feature = #feature)]
                pub mod #name;
            }
        }
    });
    let visits = scopes.iter().map(|scope| {
        let name = ident(&scope.name);
        if scope.name == crate::model::COMMON_SCOPE {
            quote!(#name::for_each_method(visitor);)
        } else {
            let feature = &scope.name;
            quote! {
                #[cfg(feature = #feature)]
                #name::for_each_method(visitor);
            }
        }
    });
    let event_visits = scopes.iter().map(|scope| {
        let name = ident(&scope.name);
        if scope.name == crate::model::COMMON_SCOPE {
            quote!(#name::for_each_event(visitor);)
        } else {
            let feature = &scope.name;
            quote! {
                #[cfg(feature = #feature)]
                #name::for_each_event(visitor);
            }
        }
    });
    // With every scope feature off and no `common` scope, nothing uses the visitor.
    let always_used = scopes
        .iter()
        .any(|scope| scope.name == crate::model::COMMON_SCOPE)
        .then(TokenStream::new)
        .unwrap_or_else(|| quote!(let _ = visitor;));
    quote! {
        #![doc = " Generated bindings, one module per scope."]
        #(#items)*

        /// Calls [`MethodVisitor::visit`](bitrix24_types::MethodVisitor::visit) once per generated
        /// method of every enabled scope.
        pub fn for_each_method<V: ::bitrix24_types::MethodVisitor>(visitor: &mut V) {
            #always_used
            #(#visits)*
        }

        /// Calls [`EventVisitor::visit`](bitrix24_types::EventVisitor::visit) once per generated
        /// event of every enabled scope.
        pub fn for_each_event<V: ::bitrix24_types::EventVisitor>(visitor: &mut V) {
            #always_used
            #(#event_visits)*
        }
    }
}
