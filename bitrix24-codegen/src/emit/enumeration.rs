//! Open enumerations: a variant per listed wire value and `Unknown` keeping any other,
//! (de)serialised through `wire::WireEnum` and read leniently; an enumeration of integers
//! is sent as numbers.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::context::Context;
use super::docs::{doc_attrs, type_doc};
use super::imports::{Import, ident};
use super::object::lenient_impl;
use crate::model::TypeModel;

/// An open enum of `variants` (wire value, variant name) and its trait impls.
pub(super) fn enum_tokens(
    cx: &mut Context<'_>,
    ty: &TypeModel,
    variants: &[(String, String)],
) -> TokenStream {
    let name = ident(&ty.name);
    let doc = doc_attrs(&type_doc(ty, None));
    let names: Vec<Ident> = variants.iter().map(|(_, v)| ident(v)).collect();
    let wires: Vec<&String> = variants.iter().map(|(w, _)| w).collect();
    let variant_docs = wires.iter().map(|w| format!(" `{w}`"));
    cx.uses(Import::Wire);
    cx.uses(Import::Serde);
    cx.uses(Import::Serialize);
    cx.uses(Import::Deserialize);
    let lenient = lenient_impl(cx, &name, "enum_or_nothing");
    // Integer values (`1` meeting, `2` call) are sent as the numbers they are.
    let numeric = wires
        .iter()
        .all(|w| w.parse::<i64>().is_ok_and(|n| n.to_string() == **w));
    let serialize = if numeric {
        quote!(wire::serialize_numeric_enum(self, serializer))
    } else {
        quote!(wire::serialize_enum(self, serializer))
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#[doc = #variant_docs] #names,)*
            /// A value this spec does not list, kept as sent.
            Unknown(String),
        }
        impl wire::WireEnum for #name {
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
        impl Serialize for #name {
            fn serialize<S>(&self, serializer: S) -> Result<S::Ok, S::Error>
            where
                S: serde::Serializer,
            {
                #serialize
            }
        }
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> Result<Self, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                wire::deserialize_enum(deserializer)
            }
        }
        #lenient
    }
}
