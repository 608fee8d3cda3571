//! Structs' fields with their serde attributes, and the struct-level attributes:
//! `#[serde(rename_all)]` when one rule gives most wire names.
//!
//! A read struct derives `LenientDeserialize` (`bitrix24-macros`): every field reads
//! leniently through `wire::Lenient` (`null`, `""`, `false`, a missing key are `None`
//! for an optional field; a required one must be there), and the keys the spec does not
//! list go to `extra` without serde's `flatten` buffering the whole record first. So a
//! read field needs no serde attribute of its own: no per-field `default` or
//! `deserialize_with`. A sent field is skipped when read-only or `None`; a `char` is
//! sent as `"Y"`/`"N"`.

use proc_macro2::TokenStream;
use quote::quote;

use super::context::Context;
use super::docs::{deprecated_attr, doc_attrs, field_doc};
use super::imports::{Import, ident};
use crate::model::{Builtin, FieldModel, TypeRef};
use crate::naming::{self, RenameAll};

/// Which serde traits a struct derives.
#[derive(Debug, Clone, Copy)]
pub(super) struct Directions {
    /// Used in a request: `Serialize`.
    pub(super) sent: bool,
    /// Used in a response: `Deserialize`.
    pub(super) received: bool,
}

/// A struct's attributes: what its fields' attributes can leave out.
#[derive(Debug, Clone, Copy)]
pub(super) struct StructAttrs {
    /// The serde traits.
    pub(super) dirs: Directions,
    /// Derives `Default` (every field optional).
    pub(super) default: bool,
    /// The fields' `rename_all` rule.
    pub(super) rename_all: Option<RenameAll>,
}

impl StructAttrs {
    /// The attributes of a struct with `fields` travelling `dirs`.
    pub(super) fn new(fields: &[FieldModel], dirs: Directions) -> Self {
        let names: Vec<(&str, &str)> = fields
            .iter()
            .map(|field| (field.wire.as_str(), field.name.ident.as_str()))
            .collect();
        Self {
            dirs,
            default: fields.iter().all(|field| !field.required),
            rename_all: naming::rename_all(&names),
        }
    }

    /// `#[derive(...)]` and the struct's `#[serde(...)]`.
    pub(super) fn tokens(self, cx: &mut Context<'_>) -> TokenStream {
        let mut derives = vec![quote!(Debug), quote!(Clone), quote!(PartialEq)];
        if self.default {
            derives.push(quote!(Default));
        }
        if self.dirs.sent {
            cx.uses(Import::Serialize);
            derives.push(quote!(Serialize));
        }
        if self.dirs.received {
            cx.uses(Import::LenientDeserialize);
            derives.push(quote!(LenientDeserialize));
        }
        if !(self.dirs.sent || self.dirs.received) {
            return quote!(#[derive(#(#derives),*)]);
        }
        let mut args = Vec::new();
        // Only serde's own derive (`Serialize`) needs to be told where serde is.
        if self.dirs.sent {
            cx.uses(Import::Serde);
            args.push(quote!(crate = "self::serde"));
        }
        if let Some(rule) = self.rename_all {
            let rule = rule.serde_name();
            args.push(quote!(rename_all = #rule));
        }
        if args.is_empty() {
            return quote!(#[derive(#(#derives),*)]);
        }
        quote! {
            #[derive(#(#derives),*)]
            #[serde(#(#args),*)]
        }
    }
}

/// One struct field: its doc, deprecation, serde attribute and type.
pub(super) fn field_tokens(
    cx: &mut Context<'_>,
    field: &FieldModel,
    attrs: StructAttrs,
) -> TokenStream {
    let name = ident(&field.name.ident);
    let ty = cx.rust_type(&field.ty);
    let optional = !field.required;
    let ty = if optional { quote!(Option<#ty>) } else { ty };

    let mut serde_args: Vec<TokenStream> = Vec::new();
    if naming::needs_rename(&field.wire, &field.name.ident, attrs.rename_all) {
        let wire = &field.wire;
        serde_args.push(quote!(rename = #wire));
    }
    if attrs.dirs.sent {
        if field.read_only {
            serde_args.push(quote!(skip_serializing));
        } else {
            if optional {
                serde_args.push(quote!(skip_serializing_if = "Option::is_none"));
            }
            if field.ty == TypeRef::Builtin(Builtin::Char) {
                cx.uses(Import::Wire);
                let with = if optional {
                    "wire::yes_no::serialize_opt"
                } else {
                    "wire::yes_no::serialize"
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
    let doc = doc_attrs(&field_doc(field, cx.index));
    let deprecated = deprecated_attr(&field.deprecated, &format!("the field `{}`", field.wire));
    quote! {
        #doc
        #deprecated
        #serde_attr
        pub #name: #ty,
    }
}
