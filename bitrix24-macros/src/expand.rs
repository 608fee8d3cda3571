//! Turning the parsed attribute and the struct into the `Method`/`ListMethod` impls.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Error, Fields, Generics, Item, ItemStruct, Type, parse_quote};

use crate::args::{self, Api, Args, Kind, List, Records};
use crate::diag::Errors;

/// The whole macro: the item, unchanged, followed by the impls, or by the errors.
pub(crate) fn bitrix_method(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let parsed = args::parse(args, &mut errors);
    let item_struct = as_struct(item.clone(), &mut errors);

    // `set_start` assigns `self.start`; without the field the generated impl would fail
    // with an error inside macro output, so say what is missing, on the `list` key.
    let start = item_struct.as_ref().and_then(start_field);
    if let (Some(list_key), Some(_), None) = (&parsed.list_key, &item_struct, &start) {
        errors.push(Error::new(
            list_key.span(),
            "`list` implements `ListMethod`, whose `set_start` assigns `self.start`: \
             the struct needs a field `start: Option<i64>`",
        ));
    }

    match (errors.finish(), parsed.args, item_struct) {
        (None, Some(args), Some(item_struct)) => {
            let impls = impls(&args, &item_struct, start);
            quote!(#item #impls)
        }
        // Emit the item as written even when the attribute is wrong: without it every use
        // of the struct would add a "cannot find type" error to the real ones.
        (Some(error), _, _) => {
            let error = error.to_compile_error();
            quote!(#item #error)
        }
        (None, _, _) => unreachable!("parsing reports an error whenever it yields nothing"),
    }
}

/// The item as a struct, or an error on its keyword and name.
fn as_struct(item: TokenStream, errors: &mut Errors) -> Option<ItemStruct> {
    let item = match syn::parse2::<Item>(item) {
        Ok(item) => item,
        Err(error) => {
            errors.push(error);
            return None;
        }
    };
    // The span of "what this is": `enum Foo`, `fn foo`, ... rather than the whole body.
    let (what, head) = match &item {
        Item::Struct(item) => return Some(item.clone()),
        Item::Enum(e) => ("an enum", pair(&e.enum_token, &e.ident)),
        Item::Union(u) => ("a union", pair(&u.union_token, &u.ident)),
        Item::Fn(f) => ("a function", pair(&f.sig.fn_token, &f.sig.ident)),
        Item::Trait(t) => ("a trait", pair(&t.trait_token, &t.ident)),
        Item::Type(t) => ("a type alias", pair(&t.type_token, &t.ident)),
        Item::Mod(m) => ("a module", pair(&m.mod_token, &m.ident)),
        Item::Impl(i) => ("an impl block", i.impl_token.to_token_stream()),
        Item::Const(c) => ("a constant", pair(&c.const_token, &c.ident)),
        Item::Static(s) => ("a static", pair(&s.static_token, &s.ident)),
        other => ("this item", other.to_token_stream()),
    };
    errors.push(Error::new_spanned(
        head,
        format!(
            "`#[bitrix_method]` applies to a struct (the method's parameters), not to {what}: \
             use named fields for the parameters, or a unit struct for a method without any"
        ),
    ));
    None
}

/// Two items' tokens one after the other, for spanning an error over both.
fn pair(first: &dyn ToTokens, second: &dyn ToTokens) -> TokenStream {
    let mut tokens = first.to_token_stream();
    second.to_tokens(&mut tokens);
    tokens
}

/// The struct's `start` field, when it has one.
fn start_field(item: &ItemStruct) -> Option<Type> {
    match &item.fields {
        Fields::Named(fields) => fields
            .named
            .iter()
            .find(|field| field.ident.as_ref().is_some_and(|ident| ident == "start"))
            .map(|field| field.ty.clone()),
        Fields::Unnamed(_) | Fields::Unit => None,
    }
}

fn impls(args: &Args, item: &ItemStruct, start: Option<Type>) -> TokenStream {
    let krate = &args.krate;
    let private = quote!(#krate::__private);
    let ident = &item.ident;
    let name = &args.name;
    let response = &args.response;

    let scope = match &args.scope {
        Some(scope) => quote!(::core::option::Option::Some(#scope)),
        None => quote!(::core::option::Option::None),
    };
    let kind = match args.kind {
        Kind::Read => quote!(Read),
        Kind::Idempotent => quote!(IdempotentWrite),
        Kind::Write => quote!(Write),
    };
    let api = match args.api {
        Api::Classic => quote!(Classic),
        Api::V3 => quote!(V3),
    };

    let generics = bounded(&item.generics, &private, &[response]);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let allow = allow_own_deprecation(item);
    // Only written when given: the trait's default is none.
    let required = (!args.requires.is_empty()).then(|| {
        let paths = &args.requires;
        quote! {
            const REQUIRED: &'static [&'static ::core::primitive::str] = &[#(#paths),*];
        }
    });
    let method = quote! {
        #[automatically_derived]
        #allow
        impl #impl_generics #private::Method for #ident #ty_generics #where_clause {
            const NAME: &'static ::core::primitive::str = #name;
            const SCOPE: ::core::option::Option<&'static ::core::primitive::str> = #scope;
            const KIND: #private::CallKind = #private::CallKind::#kind;
            const API: #private::ApiVersion = #private::ApiVersion::#api;
            type Response = #response;
            #required
        }
    };

    let Some(list) = &args.list else {
        return method;
    };
    // `expand` only gets here with a `start` field: its absence is reported earlier.
    let start = start.map_or_else(Span::call_site, |ty| ty.span());
    let list_method = list_impl(list, item, &private, response, start);
    quote!(#method #list_method)
}

fn list_impl(
    list: &List,
    item: &ItemStruct,
    private: &TokenStream,
    response: &Type,
    start_span: Span,
) -> TokenStream {
    let ident = &item.ident;
    let record = &list.record;
    let records = match &list.records {
        Records::Result => quote!(#private::Records::Result),
        Records::Key(key) => quote!(#private::Records::Key(#key)),
    };
    let id = &list.id;
    let fast_path = list.fast_path;
    // Only what differs from the trait's defaults is written out.
    let id_param = list
        .id_param
        .as_ref()
        .map(|name| quote!(const ID_PARAM: &'static ::core::primitive::str = #name;));
    let param_names = list.param_names.iter().map(|(name, value)| {
        let name = Ident::new(name, value.span());
        quote!(const #name: &'static ::core::primitive::str = #value;)
    });
    let sort_param = list.sort_param.as_ref().map(|name| {
        quote!(
            const SORT_PARAM: ::core::option::Option<&'static ::core::primitive::str> =
                ::core::option::Option::Some(#name);
        )
    });
    let counted = list.counted.then(|| {
        quote!(
            const COUNTED: ::core::primitive::bool = true;
        )
    });

    let generics = bounded(&item.generics, private, &[response, record]);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    // Spanned on the field's type: if it is not `Option<i64>`, the mismatch is reported
    // at the field rather than on the whole attribute.
    let assign = quote_spanned!(start_span=> self.start = start;);
    let allow = allow_own_deprecation(item);
    quote! {
        #[automatically_derived]
        #allow
        impl #impl_generics #private::ListMethod for #ident #ty_generics #where_clause {
            type Record = #record;
            const RECORDS: #private::Records = #records;
            const ID_FIELD: &'static ::core::primitive::str = #id;
            const FAST_PATH: ::core::primitive::bool = #fast_path;
            #id_param
            #(#param_names)*
            #sort_param
            #counted
            fn set_start(
                &mut self,
                start: ::core::option::Option<::core::primitive::i64>,
            ) {
                #assign
            }
        }
    }
}

/// `#[allow(deprecated)]` when the struct itself is `#[deprecated]`: the impls name it,
/// and that use is the macro's, not the user's; only the application's own uses of a
/// deprecated method should warn. Not added otherwise, so that a deprecated type given
/// as `response` or `record` still warns.
fn allow_own_deprecation(item: &ItemStruct) -> TokenStream {
    if item
        .attrs
        .iter()
        .any(|attr| attr.path().is_ident("deprecated"))
    {
        quote!(#[allow(deprecated)])
    } else {
        TokenStream::new()
    }
}

/// The struct's generics, plus what the traits need of them when there are any.
///
/// `#[derive(Serialize)]` on `struct Get<T>` implements `Serialize` only for
/// `T: Serialize`, and `Vec<T>` deserializes only for `T: Deserialize`. Rather than make
/// the user repeat those bounds on the struct, the impls carry them: `Get<T>` is then a
/// `Method` exactly for the `T` that make it usable as one. A struct without generics
/// gets no extra bounds, so its errors stay the plain ones.
fn bounded(generics: &Generics, private: &TokenStream, decoded: &[&Type]) -> Generics {
    let mut generics = generics.clone();
    if generics.params.is_empty() {
        return generics;
    }
    let where_clause = generics.make_where_clause();
    where_clause
        .predicates
        .push(parse_quote!(Self: #private::serde::Serialize));
    for ty in decoded {
        where_clause
            .predicates
            .push(parse_quote!(#ty: #private::serde::de::DeserializeOwned));
    }
    generics
}
