//! The list parameters every list method shares, typed by what they are: `select` is the
//! list of field names to return (`string[]`), `order` maps a field to `ASC`/`DESC`
//! (`map<string>`), and `filter` maps a field, with an optional operator prefix
//! (`>=DATE_CREATE`, `!ID`), to a value or a list of values (`map<raw>`: a filter value
//! has no one shape, so it stays raw JSON and the report says why).
//!
//! Only parameters the docs type as an `object` or `array` (or leave unclear) are typed
//! so; a `select` documented as a `string` keeps its type.

/// The spec type of a top-level `select`, `order` or `filter` parameter (any case) whose
/// docs type is `doc`, and the reason when it stays raw; `None` for other parameters.
pub(crate) fn query_param(
    name: &str,
    doc: Option<&str>,
) -> Option<(&'static str, Option<&'static str>)> {
    let unclear = doc.is_none_or(|doc| {
        let doc = doc.trim().to_ascii_lowercase();
        doc == "object" || doc == "array" || doc.ends_with("[]") || doc.contains('|')
    });
    if !unclear {
        return None;
    }
    match name.to_ascii_lowercase().as_str() {
        "select" => Some(("string[]", None)),
        "order" => Some(("map<string>", None)),
        "filter" => Some((
            "map<raw>",
            Some("a filter maps fields (with operator prefixes) to values of any shape"),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_parameters() {
        assert_eq!(
            query_param("select", Some("array")),
            Some(("string[]", None))
        );
        assert_eq!(
            query_param("ORDER", Some("object")),
            Some(("map<string>", None))
        );
        assert_eq!(
            query_param("filter", Some("object")).map(|q| q.0),
            Some("map<raw>")
        );
        assert_eq!(query_param("select", Some("string")), None);
        assert_eq!(query_param("fields", Some("object")), None);
    }
}
