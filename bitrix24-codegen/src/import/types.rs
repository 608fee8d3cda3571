//! Docs type -> spec type.
//!
//! | docs type | spec type |
//! |---|---|
//! | `integer`, `string`, `text`, `double`, `boolean`, `char`, `date`, `datetime`, `timestamp`, `file` | the same |
//! | `user`, `user.id` | `user` |
//! | `crm_status`, `crm_currency` | `string` |
//! | `crm_category` | `integer` |
//! | `crm_lead`, `crm_deal`, `crm_contact`, `crm_company`, `crm_quote`, `crm_entity` | `id` |
//! | `crm_multifield` | `crm_multifield[]` |
//! | `lang_map` | `map<string>` |
//! | `enum` | `string`, which the values its description lists refine |
//! | `array<T>` | as `T[]` |
//! | `T[]` | `T[]` when `T` maps, else like `T` |
//! | `object`, or a name the table links to a sub-table (`deal[]`, `Bot`) | a named type when the sub-table is found ([`super`]), else `raw` |
//! | unions (`string \| null`, `datetime`\|`date`, `integer`\|`integer[]`, `string`\|`lang_map`) | see [`map_union`]; `null` and `undefined` drop out, and one part left is that part |
//! | `any`, `array`, other unions, unknown names | `raw` |
//!
//! Matching ignores ASCII case. Every `raw` carries the reason, for the import report.

/// What a docs type maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mapped {
    /// A spec type expression (`integer`, `string[]`).
    Spec(String),
    /// An object (or a named docs type): needs a sub-table to become a named type.
    Object {
        /// `object[]` / `deal[]`.
        list: bool,
        /// The docs name (`object`, `deal`).
        name: String,
    },
    /// Not clear enough: raw JSON, with the reason.
    Raw(String),
}

/// Docs types that map to spec builtins.
const BUILTINS: &[(&str, &str)] = &[
    ("integer", "integer"),
    ("string", "string"),
    ("text", "text"),
    ("double", "double"),
    ("boolean", "boolean"),
    ("char", "char"),
    ("date", "date"),
    ("datetime", "datetime"),
    ("timestamp", "timestamp"),
    ("file", "file"),
    ("user", "user"),
    ("user.id", "user"),
    ("crm_status", "string"),
    ("crm_currency", "string"),
    ("crm_category", "integer"),
    ("crm_lead", "id"),
    ("crm_deal", "id"),
    ("crm_contact", "id"),
    ("crm_company", "id"),
    ("crm_quote", "id"),
    ("crm_entity", "id"),
    // A PHONE/EMAIL/WEB/IM/LINK field holds any number of values.
    ("crm_multifield", "crm_multifield[]"),
    // Language id -> text (crm/data-types.md).
    ("lang_map", "map<string>"),
    // One of some values: the values the description lists make it an enum
    // (`typing::refine`), else it is the text (or number as text) a portal sends.
    ("enum", "string"),
];

/// Docs types that say "anything" or too little to type.
const OPAQUE: &[&str] = &[
    "any",
    "array",
    "mixed",
    "undefined",
    "null",
    "callable",
    "function",
    "const",
];

/// Map one docs type (the text of its code span).
pub(crate) fn map_doc_type(doc: &str) -> Mapped {
    let doc = doc.trim();
    if doc.is_empty() {
        return Mapped::Raw("no type given".to_owned());
    }
    if doc.contains('|') {
        let parts: Vec<&str> = doc.split('|').collect();
        // `undefined | object`, `object | null`: what an optional field is anyway.
        let present: Vec<&str> = parts
            .iter()
            .copied()
            .filter(|part| !is_absent(part))
            .collect();
        if let [one] = present.as_slice() {
            return map_doc_type(one);
        }
        return map_union(&parts, false);
    }
    if let Some(inner) = doc
        .strip_prefix("array<")
        .and_then(|rest| rest.strip_suffix('>'))
    {
        return map_doc_type(&format!("{inner}[]"));
    }
    if let Some(inner) = doc.strip_suffix("[]") {
        return match map_doc_type(inner) {
            Mapped::Spec(spec) if !spec.ends_with("[]") => Mapped::Spec(format!("{spec}[]")),
            // A type that is a list by itself (`crm_multifield`) written as a list.
            Mapped::Spec(spec) if inner.eq_ignore_ascii_case("crm_multifield") => {
                Mapped::Spec(spec)
            }
            Mapped::Object { list: false, name } => Mapped::Object { list: true, name },
            Mapped::Raw(reason) => Mapped::Raw(reason),
            _ => Mapped::Raw(format!("nested list type `{doc}`")),
        };
    }
    let lower = doc.to_ascii_lowercase();
    if let Some((_, spec)) = BUILTINS.iter().find(|(name, _)| *name == lower) {
        return Mapped::Spec((*spec).to_owned());
    }
    if OPAQUE.contains(&lower.as_str()) {
        return Mapped::Raw(format!("docs type `{doc}`"));
    }
    let identifier = doc
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if identifier {
        Mapped::Object {
            list: false,
            name: doc.to_owned(),
        }
    } else {
        Mapped::Raw(format!("unreadable docs type `{doc}`"))
    }
}

/// `null`, `undefined` or nothing: a union part an optional field has anyway.
fn is_absent(part: &str) -> bool {
    let part = part.trim().trim_matches('`').trim();
    part.is_empty() || part.eq_ignore_ascii_case("null") || part.eq_ignore_ascii_case("undefined")
}

/// Map a union of docs types (`string | null`, [`datetime`\|`date`]): `null` is what an
/// optional field has anyway; one type left is that type; `date` and `datetime` are
/// `datetime` (its reader takes a bare date), and with `string` (the empty text a portal
/// sends for no date) the date type; in a request (`request`), `T` and `T[]` are `T[]` (a
/// list of one is accepted where one is), and so are `integer` and `array`; `true` and `false` are `boolean`; `integer` and `string` are
/// `string` (text reads numbers). Anything else is raw: the value has several shapes.
/// The scalars a reply's `X | array` union is a list of.
const LISTED_SCALARS: &[&str] = &["string", "double", "decimal"];

pub(crate) fn map_union(parts: &[&str], request: bool) -> Mapped {
    map_union_with(parts, request, |part| match map_doc_type(part) {
        Mapped::Spec(spec) => Some(spec),
        _ => None,
    })
}

/// [`map_union`], each part mapped by `map` (`None`: a part with no spec type).
pub(crate) fn map_union_with(
    parts: &[&str],
    request: bool,
    map: impl Fn(&str) -> Option<String>,
) -> Mapped {
    let several = || Mapped::Raw(format!("several types `{}`", parts.join(" | ").trim()));
    // `object | array`: an object, which PHP sends as `[]` when it is empty (the lenient
    // readers take that `[]` as nothing).
    let mut present: Vec<String> = parts
        .iter()
        .filter(|part| !is_absent(part))
        .map(|part| part.trim().trim_matches('`').trim().to_ascii_lowercase())
        .collect();
    present.sort();
    present.dedup();
    if present == ["array", "object"] {
        return Mapped::Object {
            list: false,
            name: "object".to_owned(),
        };
    }
    // `object | null` written as two spans: the object.
    if let [one] = present.as_slice() {
        if let object @ Mapped::Object { .. } = map_doc_type(one) {
            return object;
        }
    }
    let mut specs: Vec<String> = Vec::new();
    for part in parts {
        let part = part.trim().trim_matches('`').trim();
        if is_absent(part) {
            continue;
        }
        let spec = match part.to_ascii_lowercase().as_str() {
            "true" | "false" => "boolean".to_owned(),
            // The `Y`/`N` flag written as its values.
            "y/n" => "char".to_owned(),
            // A list of what the other part is (`integer | array`).
            "array" => "[]".to_owned(),
            _ => match map(part) {
                Some(spec) => spec,
                None => return several(),
            },
        };
        if !specs.contains(&spec) {
            specs.push(spec);
        }
    }
    specs.sort();
    let joined: Vec<&str> = specs.iter().map(String::as_str).collect();
    match joined.as_slice() {
        ["[]"] => several(),
        [one] => Mapped::Spec((*one).to_owned()),
        ["date", "datetime"] => Mapped::Spec("datetime".to_owned()),
        // The text is the empty string a portal sends for no date.
        [date @ ("date" | "datetime"), "string"] => Mapped::Spec((*date).to_owned()),
        ["integer", "string"] => Mapped::Spec("string".to_owned()),
        ["char", "string"] => Mapped::Spec("char".to_owned()),
        // Read, `false` is PHP's "no value" for a text (`"birthday": false`), which the
        // lenient text reader takes as nothing.
        ["boolean", "string"] if !request => Mapped::Spec("string".to_owned()),
        // `string|lang_map`: one text for every language, or texts by language.
        ["map<string>", "string"] => Mapped::Spec("localized".to_owned()),
        // One or a list of them is a list: sent, a list of one does; read, the lenient
        // list reader takes one value as a list of one.
        [one, list] if list.strip_suffix("[]") == Some(*one) => Mapped::Spec((*list).to_owned()),
        // An identifier or a list of them (`integer | array`) is a list of them. Sent,
        // other scalars with an `array` say too little (`string | array`: an `order`'s
        // text or its object, a list or its JSON text); read, the reply holds one value
        // or a list of them. Per-language texts (`string | array`, "localized") are read
        // by their description before ([`super::typing`]).
        ["[]", one @ ("id" | "integer")] => Mapped::Spec(format!("{one}[]")),
        ["[]", one] if !request && LISTED_SCALARS.contains(one) => Mapped::Spec(format!("{one}[]")),
        _ => several(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(s: &str) -> Mapped {
        Mapped::Spec(s.to_owned())
    }

    #[test]
    fn builtins_and_lists() {
        assert_eq!(map_doc_type("integer"), spec("integer"));
        assert_eq!(map_doc_type("crm_status"), spec("string"));
        assert_eq!(map_doc_type("crm_category"), spec("integer"));
        assert_eq!(map_doc_type("crm_contact[]"), spec("id[]"));
        assert_eq!(map_doc_type("crm_multifield[]"), spec("crm_multifield[]"));
        assert_eq!(map_doc_type("crm_multifield"), spec("crm_multifield[]"));
        assert_eq!(map_doc_type("user.id"), spec("user"));
    }

    #[test]
    fn unions() {
        assert_eq!(map_doc_type("string | null"), spec("string"));
        assert_eq!(map_union(&["datetime", "date"], false), spec("datetime"));
        assert_eq!(map_union(&["datetime", "string"], false), spec("datetime"));
        assert_eq!(
            map_union(&["integer", "integer[]"], true),
            spec("integer[]")
        );
        assert_eq!(
            map_union(&["integer", "integer[]"], false),
            spec("integer[]")
        );
        assert_eq!(map_union(&["integer", "array"], true), spec("integer[]"));
        assert_eq!(map_union(&["true", "false"], false), spec("boolean"));
        assert_eq!(map_union(&["integer", "string"], false), spec("string"));
        assert_eq!(map_doc_type("string|lang_map"), spec("localized"));
        assert_eq!(map_union(&["string", "Y/N"], true), spec("char"));
        assert_eq!(map_union(&["string", "boolean"], false), spec("string"));
        assert!(matches!(
            map_union(&["string", "boolean"], true),
            Mapped::Raw(_)
        ));
        assert_eq!(
            map_union(&["object", "null"], false),
            Mapped::Object {
                list: false,
                name: "object".to_owned()
            }
        );
        assert_eq!(
            map_union(&["object", "array", "null"], false),
            Mapped::Object {
                list: false,
                name: "object".to_owned()
            }
        );
        assert_eq!(map_doc_type("lang_map"), spec("map<string>"));
        assert_eq!(
            map_doc_type("undefined | object"),
            Mapped::Object {
                list: false,
                name: "object".to_owned()
            }
        );
        assert_eq!(
            map_doc_type("array<object>"),
            Mapped::Object {
                list: true,
                name: "object".to_owned()
            }
        );
        assert_eq!(map_union(&["string", "array"], false), spec("string[]"));
        assert!(matches!(
            map_union(&["string", "array"], true),
            Mapped::Raw(_)
        ));
        assert!(matches!(
            map_union(&["object", "array", "boolean"], false),
            Mapped::Raw(_)
        ));
        assert!(matches!(
            map_union(&["string", "object"], true),
            Mapped::Raw(_)
        ));
    }

    #[test]
    fn unclear_types_are_raw() {
        for doc in [
            "any",
            "array",
            "object | array | boolean",
            "",
            "sale_status.id[][]",
            "a b",
        ] {
            assert!(
                matches!(map_doc_type(doc), Mapped::Raw(_) | Mapped::Object { .. }),
                "{doc}"
            );
        }
        assert!(matches!(map_doc_type("any"), Mapped::Raw(_)));
        assert!(matches!(map_doc_type("string | object"), Mapped::Raw(_)));
        assert_eq!(
            map_doc_type("object[]"),
            Mapped::Object {
                list: true,
                name: "object".to_owned()
            }
        );
    }
}
