//! Methods: a request struct of the parameters under `#[bitrix_method]`, and a
//! constructor taking the required ones.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::context::Context;
use super::docs::{deprecated_attr, doc_attrs, method_doc};
use super::fields::{Directions, StructAttrs, field_tokens};
use super::imports::{Import, ident};
use crate::model::{Api, COMMON_SCOPE, Kind, ListModel, MethodModel};

/// A method's request struct, its `#[bitrix_method]` attribute and constructor.
pub(super) fn method_tokens(cx: &mut Context<'_>, method: &MethodModel) -> TokenStream {
    let name = ident(&method.type_name);
    let rest_name = &method.name;
    // `common` is this project's scope for what every scope shares (and for methods the
    // docs give no scope, such as `event.bind`): it is no Bitrix24 permission, so the
    // method's `SCOPE` is `None` rather than a name a portal would not know.
    let scope = (method.scope != COMMON_SCOPE).then(|| {
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
    let response = cx.rust_type(&method.response);
    let list = method.list.as_ref().map(|list| list_args(cx, list));
    let required: Vec<String> = method
        .params
        .iter()
        .flat_map(|param| {
            param
                .requires
                .iter()
                .map(move |name| format!("{}.{name}", param.wire))
        })
        .collect();
    let requires = (!required.is_empty()).then(|| quote!(, requires = [#(#required),*]));
    cx.uses(Import::BitrixMethod);

    let doc = doc_attrs(&method_doc(method));
    let deprecated = deprecated_attr(&method.deprecated, &format!("`{rest_name}`"));
    let dirs = Directions {
        sent: true,
        received: false,
    };
    let attrs = StructAttrs::new(&method.params, dirs);
    let attr_tokens = attrs.tokens(cx);
    let fields: Vec<TokenStream> = method
        .params
        .iter()
        .map(|field| field_tokens(cx, field, attrs))
        .collect();
    let constructor = (!attrs.default).then(|| constructor(cx, method));
    let body = if method.params.is_empty() {
        quote!(;)
    } else {
        quote!({ #(#fields)* })
    };
    quote! {
        #doc
        #deprecated
        #[bitrix_method(#rest_name #scope, kind = #kind #api, response = #response #list #requires)]
        #attr_tokens
        pub struct #name #body
        #constructor
    }
}

/// `, list(record = ..., records = ..., id = ...)`.
fn list_args(cx: &mut Context<'_>, list: &ListModel) -> TokenStream {
    let record = cx.rust_type(&list.record);
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
        let name = ident(name);
        if on {
            quote!(, #name)
        } else {
            TokenStream::new()
        }
    };
    let param_names = list.param_names.iter().map(|(kind, wire)| {
        let key = ident(&format!("{}_param", kind.default_wire()));
        quote!(, #key = #wire)
    });
    let sort_param = match &list.sort_param {
        Some(name) => quote!(, sort_param = #name),
        None => TokenStream::new(),
    };
    let fast_path = flag(list.fast_path, "fast_path");
    let counted = flag(list.counted, "counted");
    quote!(, list(record = #record, records = #records, id = #id #id_param #(#param_names)* #sort_param #fast_path #counted))
}

/// `new` with the required parameters as arguments, the optional ones `None`.
fn constructor(cx: &mut Context<'_>, method: &MethodModel) -> TokenStream {
    let name = ident(&method.type_name);
    let args: Vec<TokenStream> = method
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| {
            let arg = ident(&p.name.ident);
            let ty = cx.rust_type(&p.ty);
            quote!(#arg: #ty)
        })
        .collect();
    let inits = method.params.iter().map(|p| {
        let field = ident(&p.name.ident);
        if p.required {
            quote!(#field)
        } else {
            quote!(#field: None)
        }
    });
    let doc = format!(
        " A `{}` call with the required parameters; optional ones unset.",
        method.name
    );
    quote! {
        impl #name {
            #[doc = #doc]
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits),* }
            }
        }
    }
}
