//! Object types: a struct with the spec's fields and `extra` for the rest, reading
//! leniently (`wire::Lenient`); a keyed list's result also hands out its records
//! (`IntoRecords`), an event's `data` knows its event (`EventPayload`).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::context::Context;
use super::docs::{deprecated_attr, doc_attrs, type_doc};
use super::fields::{Directions, StructAttrs, field_tokens};
use super::imports::{Import, ident};
use crate::model::{COMMON_SCOPE, EventModel, FieldModel, TypeModel};

/// An object type and its trait impls; `event` when it is the `data` of that event.
pub(super) fn object_tokens(
    cx: &mut Context<'_>,
    ty: &TypeModel,
    fields: &[FieldModel],
    event: Option<&EventModel>,
) -> TokenStream {
    let name = ident(&ty.name);
    let doc = doc_attrs(&type_doc(ty, event));
    let deprecated = event
        .map(|event| deprecated_attr(&event.deprecated, &format!("the event `{}`", event.code)));
    let dirs = Directions {
        sent: ty.sent,
        received: ty.received,
    };
    let attrs = StructAttrs::new(fields, dirs);
    let attr_tokens = attrs.tokens(cx);
    let fields: Vec<TokenStream> = fields
        .iter()
        .map(|field| field_tokens(cx, field, attrs))
        .collect();
    let extra = cx.extra_type();
    let lenient = ty
        .received
        .then(|| lenient_impl(cx, &name, "object_or_nothing"));
    let into_records = ty.records_of.as_ref().map(|(field, record)| {
        let field = ident(field);
        let record = cx.rust_type(record);
        cx.uses(Import::IntoRecords);
        quote! {
            impl IntoRecords<#record> for #name {
                fn into_records(self) -> Vec<#record> {
                    self.#field.unwrap_or_default()
                }
            }
        }
    });
    let payload = event.map(|event| event_payload_impl(cx, &name, event));
    quote! {
        #doc
        #deprecated
        #attr_tokens
        pub struct #name {
            #(#fields)*
            /// Fields this spec does not list: the portal's user fields (`UF_*`)
            /// and fields added after the spec was written.
            #[serde(flatten)]
            pub extra: #extra,
        }
        #lenient
        #into_records
        #payload
    }
}

/// `wire::Lenient` by one of the `wire` helpers (`object_or_nothing`, `enum_or_nothing`).
pub(super) fn lenient_impl(cx: &mut Context<'_>, name: &Ident, helper: &str) -> TokenStream {
    cx.uses(Import::Wire);
    cx.uses(Import::Serde);
    let helper = ident(helper);
    quote! {
        impl wire::Lenient for #name {
            fn deserialize_lenient<'de, D>(de: D) -> Result<Option<Self>, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                wire::#helper(de)
            }
        }
    }
}

/// `EventPayload` for an event's data type.
fn event_payload_impl(cx: &mut Context<'_>, name: &Ident, event: &EventModel) -> TokenStream {
    cx.uses(Import::EventPayload);
    let code = &event.code;
    // As for methods: `common` is this project's scope, not a Bitrix24 permission.
    let scope = if event.scope == COMMON_SCOPE {
        quote!(None)
    } else {
        let scope = &event.scope;
        quote!(Some(#scope))
    };
    quote! {
        impl EventPayload for #name {
            const CODE: &'static str = #code;
            const SCOPE: Option<&'static str> = #scope;
        }
    }
}
