//! A list record's field enum: one unit variant per field, its wire name from
//! `query::RecordField::name`. The enum is `Copy` and carries no serde impls: `Select`,
//! `Order` and `Filter` write the names.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::context::Context;
use super::imports::{Import, ident};
use crate::model::FieldEnumModel;

/// `pub enum DealField { ... }` and its `RecordField` impl.
pub(super) fn field_enum_tokens(cx: &mut Context<'_>, fields: &FieldEnumModel) -> TokenStream {
    let name = ident(&fields.name);
    let doc = format!(
        " The fields of [`{}`] in `select`, `order` and `filter` (a portal's own: \
         `query::CustomField`).",
        fields.record
    );
    let names: Vec<Ident> = fields.variants.iter().map(|(_, v)| ident(v)).collect();
    let wires: Vec<&String> = fields.variants.iter().map(|(w, _)| w).collect();
    let variant_docs = wires.iter().map(|w| format!(" `{w}`"));
    cx.uses(Import::Query);
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#[doc = #variant_docs] #names,)*
        }
        impl query::RecordField for #name {
            fn name(&self) -> &'static str {
                match self {
                    #(Self::#names => #wires,)*
                }
            }
        }
    }
}
