//! `#[derive(LenientDeserialize)]`: serde's `Deserialize` for a record, reading every field
//! leniently and keeping the unknown keys in its `#[serde(flatten)]` map without buffering
//! the known ones (see `bitrix24_wire::record`).

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Error, Fields, LitStr, Type};

/// A named field as the derive reads it.
struct FieldSpec {
    ident: syn::Ident,
    /// The field's type as declared.
    ty: Type,
    /// The key on the wire.
    wire: String,
    /// `Option<T>` (missing or "nothing" is `None`) rather than required.
    optional: bool,
}

pub(crate) fn derive(input: TokenStream) -> TokenStream {
    match syn::parse2::<DeriveInput>(input).and_then(|input| expand(&input)) {
        Ok(tokens) => tokens,
        Err(error) => error.to_compile_error(),
    }
}

fn expand(input: &DeriveInput) -> Result<TokenStream, Error> {
    let name = &input.ident;
    if !input.generics.params.is_empty() {
        return Err(Error::new(
            input.generics.span(),
            "LenientDeserialize takes a struct without generics",
        ));
    }
    let fields = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(fields) => &fields.named,
            _ => {
                return Err(Error::new(
                    name.span(),
                    "LenientDeserialize needs named fields",
                ));
            }
        },
        _ => return Err(Error::new(name.span(), "LenientDeserialize takes a struct")),
    };
    let rename_all = rename_all(&input.attrs)?;
    let mut specs = Vec::new();
    let mut extra = None;
    for field in fields {
        let ident = field.ident.clone().expect("named fields have names");
        let attrs = FieldAttrs::parse(&field.attrs)?;
        if attrs.flatten {
            if extra.replace(ident).is_some() {
                return Err(Error::new(field.span(), "only one `#[serde(flatten)]` map"));
            }
            continue;
        }
        let plain = ident.to_string();
        let plain = plain.strip_prefix("r#").unwrap_or(&plain);
        let wire = match attrs.rename {
            Some(wire) => wire,
            None => apply_rename(rename_all.as_deref(), plain, field.span())?,
        };
        specs.push(FieldSpec {
            ident,
            ty: field.ty.clone(),
            wire,
            optional: is_option(&field.ty),
        });
    }

    let serde = quote!(::bitrix24_types::__private::serde);
    let record = quote!(::bitrix24_types::wire::record);
    let locals: Vec<syn::Ident> = (0..specs.len())
        .map(|i| format_ident!("__field{}", i))
        .collect();
    let mut names: Vec<(&str, usize)> = specs
        .iter()
        .enumerate()
        .map(|(i, spec)| (spec.wire.as_str(), i))
        .collect();
    names.sort();
    if let Some(pair) = names.windows(2).find(|pair| pair[0].0 == pair[1].0) {
        return Err(Error::new(
            name.span(),
            format!("two fields read the key `{}`", pair[0].0),
        ));
    }
    let key_arms = names
        .iter()
        .map(|(wire, i)| quote!(#wire => ::core::option::Option::Some(#i),));
    // The fields read so far live in one struct (`__Read`) rather than a local each: with
    // a local per field (45 for a deal) the compiler shuffled them between registers and
    // the stack on every key, a fifth of a deal's decoding.
    let slot_types = specs.iter().map(|spec| {
        let ty = &spec.ty;
        if spec.optional {
            quote!(#ty)
        } else {
            quote!(::core::option::Option<#ty>)
        }
    });
    // A record of optional fields only (every generated one) is read straight into its
    // own struct, which is returned as it is: no second struct of the fields read so far
    // to move them out of (a deal's 45 fields are about 1 KB).
    let direct = specs.iter().all(|spec| spec.optional);
    let idents: Vec<&syn::Ident> = specs.iter().map(|spec| &spec.ident).collect();
    let declare = if direct {
        let extra_init = extra
            .as_ref()
            .map(|extra| quote!(#extra: ::core::default::Default::default(),));
        quote! {
            let mut __out = #name {
                #(#idents: ::core::option::Option::None,)*
                #extra_init
            };
        }
    } else {
        quote! {
            struct __Read {
                #(#locals: #slot_types,)*
            }
            let mut __read = __Read {
                #(#locals: ::core::option::Option::None,)*
            };
        }
    };
    let arms = specs
        .iter()
        .zip(&locals)
        .enumerate()
        .map(|(i, (spec, local))| {
            let reader = if spec.optional {
                quote!(optional)
            } else {
                quote!(required)
            };
            let slot = if direct {
                let ident = &spec.ident;
                quote!(__out.#ident)
            } else {
                quote!(__read.#local)
            };
            quote! {
                #record::Field::Known(#i) => #slot = #record::#reader(&mut map)?,
            }
        });
    let build = specs.iter().zip(&locals).map(|(spec, local)| {
        let ident = &spec.ident;
        if spec.optional {
            quote!(#ident: __read.#local,)
        } else {
            let wire = &spec.wire;
            quote! {
                #ident: match __read.#local {
                    ::core::option::Option::Some(value) => value,
                    ::core::option::Option::None => {
                        return ::core::result::Result::Err(
                            <A::Error as #serde::de::Error>::missing_field(#wire),
                        );
                    }
                },
            }
        }
    });
    let (extra_declare, unknown_arm, extra_build) = match &extra {
        Some(extra) => {
            let (declare, map_of) = if direct {
                (TokenStream::new(), quote!(__out.#extra))
            } else {
                (
                    quote!(let mut __extra = ::core::default::Default::default();),
                    quote!(__extra),
                )
            };
            (
                declare,
                quote! {
                    #record::Field::Unknown(key) => {
                        let value = #serde::de::MapAccess::next_value(&mut map)?;
                        ::std::collections::BTreeMap::insert(&mut #map_of, key, value);
                    }
                },
                quote!(#extra: __extra,),
            )
        }
        None => (
            TokenStream::new(),
            quote! {
                #record::Field::Unknown(_) => {
                    #serde::de::MapAccess::next_value::<#serde::de::IgnoredAny>(&mut map)?;
                }
            },
            TokenStream::new(),
        ),
    };
    let result = if direct {
        quote!(::core::result::Result::Ok(__out))
    } else {
        quote! {
            ::core::result::Result::Ok(#name {
                #(#build)*
                #extra_build
            })
        }
    };
    let expecting = format!("an object ({name})");
    Ok(quote! {
        const _: () = {
            impl<'de> #serde::Deserialize<'de> for #name {
                fn deserialize<D>(de: D) -> ::core::result::Result<Self, D::Error>
                where
                    D: #serde::Deserializer<'de>,
                {
                    struct RecordVisitor;
                    impl<'de> #serde::de::Visitor<'de> for RecordVisitor {
                        type Value = #name;
                        fn expecting(
                            &self,
                            f: &mut ::core::fmt::Formatter<'_>,
                        ) -> ::core::fmt::Result {
                            f.write_str(#expecting)
                        }
                        fn visit_map<A>(self, mut map: A) -> ::core::result::Result<#name, A::Error>
                        where
                            A: #serde::de::MapAccess<'de>,
                        {
                            #[inline]
                            fn known(name: &str) -> ::core::option::Option<usize> {
                                match name {
                                    #(#key_arms)*
                                    _ => ::core::option::Option::None,
                                }
                            }
                            #declare
                            #extra_declare
                            while let ::core::option::Option::Some(key) =
                                #serde::de::MapAccess::next_key_seed(&mut map, #record::Key(known))?
                            {
                                match key {
                                    #(#arms)*
                                    #unknown_arm
                                    #record::Field::Known(_) => {
                                        #serde::de::MapAccess::next_value::<#serde::de::IgnoredAny>(&mut map)?;
                                    }
                                }
                            }
                            #result
                        }
                    }
                    #serde::Deserializer::deserialize_map(de, RecordVisitor)
                }
            }
        };
    })
}

/// Whether a field's type is `Option<...>` (read as optional).
fn is_option(ty: &Type) -> bool {
    match ty {
        Type::Path(path) => path
            .path
            .segments
            .last()
            .is_some_and(|segment| segment.ident == "Option"),
        _ => false,
    }
}

/// What the derive reads of a field's `#[serde(...)]`; the rest is the `Serialize`
/// derive's (`skip_serializing_if`, `serialize_with`, ...).
#[derive(Default)]
struct FieldAttrs {
    rename: Option<String>,
    flatten: bool,
}

impl FieldAttrs {
    fn parse(attrs: &[syn::Attribute]) -> Result<Self, Error> {
        let mut out = Self::default();
        for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    if let Some(name) = read_name(&meta)? {
                        out.rename = Some(name);
                    }
                } else if meta.path.is_ident("flatten") {
                    out.flatten = true;
                } else if meta.path.is_ident("deserialize_with") {
                    // Every field is read leniently already; another reader is not supported.
                    let with = meta.value()?.parse::<LitStr>()?;
                    if !matches!(with.value().as_str(), "wire::lenient" | "wire::required") {
                        return Err(Error::new(
                            with.span(),
                            "LenientDeserialize reads every field through `wire::Lenient`",
                        ));
                    }
                } else if [
                    "alias",
                    "with",
                    "skip",
                    "skip_deserializing",
                    "deserialize_with",
                ]
                .iter()
                .any(|name| meta.path.is_ident(name))
                {
                    return Err(meta.error("not supported by LenientDeserialize"));
                } else if meta.input.peek(syn::Token![=]) {
                    // `default`, `skip_serializing_if = "..."`, ...: not about reading.
                    meta.value()?.parse::<syn::Expr>()?;
                }
                Ok(())
            })?;
        }
        Ok(out)
    }
}

/// The struct's `#[serde(rename_all = "...")]`.
fn rename_all(attrs: &[syn::Attribute]) -> Result<Option<String>, Error> {
    let mut rule = None;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename_all") {
                rule = read_name(&meta)?;
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        })?;
    }
    Ok(rule)
}

/// The name (or rule) a `rename` or `rename_all` gives the key read: `rename = "x"`, or
/// the `deserialize` part of `rename(serialize = "X", deserialize = "x")`; `None` when
/// only the names sent are renamed.
fn read_name(meta: &syn::meta::ParseNestedMeta<'_>) -> Result<Option<String>, Error> {
    if meta.input.peek(syn::Token![=]) {
        return Ok(Some(meta.value()?.parse::<LitStr>()?.value()));
    }
    let mut read = None;
    meta.parse_nested_meta(|part| {
        let value = part.value()?.parse::<LitStr>()?.value();
        if part.path.is_ident("deserialize") {
            read = Some(value);
        } else if !part.path.is_ident("serialize") {
            return Err(part.error("expected `serialize` or `deserialize`"));
        }
        Ok(())
    })?;
    Ok(read)
}

/// A snake_case field name under a serde `rename_all` rule, as serde spells it.
fn apply_rename(rule: Option<&str>, field: &str, span: Span) -> Result<String, Error> {
    let pascal = || {
        let mut out = String::new();
        let mut upper = true;
        for ch in field.chars() {
            if ch == '_' {
                upper = true;
            } else if upper {
                out.extend(ch.to_uppercase());
                upper = false;
            } else {
                out.push(ch);
            }
        }
        out
    };
    Ok(match rule {
        None | Some("snake_case") => field.to_owned(),
        Some("SCREAMING_SNAKE_CASE") => field.to_ascii_uppercase(),
        Some("lowercase") => field.to_ascii_lowercase(),
        Some("UPPERCASE") => field.to_ascii_uppercase(),
        Some("kebab-case") => field.replace('_', "-"),
        Some("PascalCase") => pascal(),
        Some("camelCase") => {
            let pascal = pascal();
            let mut chars = pascal.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => String::new(),
            }
        }
        Some(other) => {
            return Err(Error::new(
                span,
                format!("LenientDeserialize does not know the rule rename_all = \"{other}\""),
            ));
        }
    })
}
