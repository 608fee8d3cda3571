//! Docs type -> spec type.
//!
//! | docs type | spec type |
//! |---|---|
//! | `integer`, `string`, `text`, `double`, `boolean`, `char`, `date`, `datetime`, `timestamp`, `file` | the same |
//! | `user`, `user.id` | `user` |
//! | `crm_status`, `crm_currency` | `string` |
//! | `crm_category` | `integer` |
//! | `crm_lead`, `crm_deal`, `crm_contact`, `crm_company`, `crm_quote`, `crm_entity` | `id` |
//! | `crm_multifield` | `crm_multifield` |
//! | `T[]` | `T[]` when `T` maps, else like `T` |
//! | `object`, or a name the table links to a sub-table (`deal[]`, `Bot`) | a named type when the sub-table is found ([`super`]), else `raw` |
//! | `any`, `array`, `enum`, unions (`string \| null`), unknown names | `raw` |
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
    ("crm_multifield", "crm_multifield"),
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
    "enum",
    "const",
];

/// Map one docs type (the text of its code span).
pub(crate) fn map_doc_type(doc: &str) -> Mapped {
    let doc = doc.trim();
    if doc.is_empty() {
        return Mapped::Raw("no type given".to_owned());
    }
    if doc.contains('|') {
        return Mapped::Raw(format!("several types `{doc}`"));
    }
    if let Some(inner) = doc.strip_suffix("[]") {
        return match map_doc_type(inner) {
            Mapped::Spec(spec) if !spec.ends_with("[]") => Mapped::Spec(format!("{spec}[]")),
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
        assert_eq!(map_doc_type("user.id"), spec("user"));
    }

    #[test]
    fn unclear_types_are_raw() {
        for doc in [
            "any",
            "array",
            "string | null",
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
        assert!(matches!(map_doc_type("string | null"), Mapped::Raw(_)));
        assert_eq!(
            map_doc_type("object[]"),
            Mapped::Object {
                list: true,
                name: "object".to_owned()
            }
        );
    }
}
