//! Structs' fields with their serde attributes, and the struct-level attributes:
//! `#[serde(rename_all)]` when one rule gives most wire names. A type whose requests carry
//! other names than its responses (`sent_names`) gets a rule and renames per direction
//! (`rename_all(serialize = "SCREAMING_SNAKE_CASE", deserialize = "camelCase")`).
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
    /// The `rename_all` rule of the names read (the wire names).
    pub(super) rename_all: Option<RenameAll>,
    /// The `rename_all` rule of the names sent.
    pub(super) rename_all_sent: Option<RenameAll>,
}

impl StructAttrs {
    /// The attributes of a struct with `fields` travelling `dirs`.
    pub(super) fn new(fields: &[FieldModel], dirs: Directions) -> Self {
        let rule = |name: fn(&FieldModel) -> &str| {
            let names: Vec<(&str, &str)> = fields
                .iter()
                .map(|field| (name(field), field.name.ident.as_str()))
                .collect();
            naming::rename_all(&names)
        };
        Self {
            dirs,
            default: fields.iter().all(|field| !field.required),
            rename_all: rule(|field| &field.wire),
            rename_all_sent: rule(|field| &field.sent),
        }
    }

    /// Whether both directions are derived and name the fields by different rules.
    fn split_rules(self) -> bool {
        self.dirs.sent && self.dirs.received && self.rename_all != self.rename_all_sent
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
        if self.split_rules() {
            let mut rules = Vec::new();
            if let Some(rule) = self.rename_all_sent {
                let rule = rule.serde_name();
                rules.push(quote!(serialize = #rule));
            }
            if let Some(rule) = self.rename_all {
                let rule = rule.serde_name();
                rules.push(quote!(deserialize = #rule));
            }
            args.push(quote!(rename_all(#(#rules),*)));
        } else if let Some(rule) = if self.dirs.received {
            self.rename_all
        } else {
            self.rename_all_sent
        } {
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
    serde_args.extend(rename_tokens(field, attrs));
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

/// A field's `rename`: one name where the direction(s) the struct travels agree on it,
/// by direction where its sent and read names each miss their rule.
fn rename_tokens(field: &FieldModel, attrs: StructAttrs) -> Option<TokenStream> {
    let ident = &field.name.ident;
    let (wire, sent) = (&field.wire, &field.sent);
    let read = attrs.dirs.received && naming::needs_rename(wire, ident, attrs.rename_all);
    let send = attrs.dirs.sent && naming::needs_rename(sent, ident, attrs.rename_all_sent);
    match (send, read) {
        (false, false) => None,
        (true, true) if wire == sent => Some(quote!(rename = #wire)),
        (true, true) => Some(quote!(rename(serialize = #sent, deserialize = #wire))),
        (true, false) if !attrs.dirs.received => Some(quote!(rename = #sent)),
        (true, false) => Some(quote!(rename(serialize = #sent))),
        (false, true) if !attrs.dirs.sent => Some(quote!(rename = #wire)),
        (false, true) => Some(quote!(rename(deserialize = #wire))),
    }
}
