//! What a field's name says: that it holds an ID or a list of them, that it is a record's
//! own ID, or that it is no name but a placeholder for many (`UF_CRM_...`).

/// `USER_ID`, `entityId`, `TASKID`: a name whose last word is `id` (an upper-case name
/// ending in `ID` counts as one word run together).
pub(super) fn names_an_id(name: &str) -> bool {
    let upper = !name.chars().any(|c| c.is_ascii_lowercase());
    crate::rules::words::words(name)
        .last()
        .is_some_and(|w| w == "id")
        || (upper && name.len() > 2 && name.ends_with("ID"))
}

/// A name that stands for many (`UF_CRM_...`, `UF_CRM_xxx`, `<node selector>`).
pub(super) fn is_placeholder(name: &str) -> bool {
    name.contains("...")
        || name.contains('…')
        || name.contains(['<', '{', '*'])
        || name.to_ascii_lowercase().ends_with("xxx")
        || (name.len() > 1 && name.ends_with('_'))
}

/// A field named as a list of IDs: `CONTACT_IDS`, `memberIds`.
pub(super) fn is_ids_name(name: &str) -> bool {
    name.ends_with("_IDS") || (name.ends_with("Ids") && name.len() > 3)
}

/// A record's own identifier field (`ID`, `id`), which reads and sends as an `id`.
pub(super) fn is_record_id(name: &str) -> bool {
    matches!(name, "id" | "ID")
}

/// A row that stands for numbered fields: `propertyN` "where `N` — identifier of the
/// property" (`property258`, `property259`, which land in `extra`).
pub(super) fn is_numbered(row: &super::table::Row) -> bool {
    row.name.len() > 1
        && row.name.ends_with('N')
        && (row.description.contains("where `N`") || row.description.contains("where N "))
}

/// An `array` row whose description opens by saying it lists IDs ("Identifiers of team
/// leaders", "An array of user IDs", "List of user identifiers — observers"): a list of
/// numeric IDs. Not when it speaks of a format, CRM bindings (`D_1`), files or codes,
/// whose identifiers are text.
pub(super) fn lists_ids(description: &str) -> bool {
    let lower = description.to_ascii_lowercase();
    let opening = lower
        .split(['.', '\n', '(', ','])
        .next()
        .unwrap_or_default();
    let says_ids = opening
        .split_whitespace()
        .take(5)
        .any(|word| matches!(word, "ids" | "identifiers"));
    const TEXT_IDS: [&str; 10] = [
        "format", "crm", "drive", "file", "code", "string", "external", "xml", "site", "lang",
    ];
    says_ids && !TEXT_IDS.iter().any(|word| lower.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_that_list_ids() {
        assert!(lists_ids("Identifiers of team leaders"));
        assert!(lists_ids("An array of user IDs to be added to the chat."));
        assert!(lists_ids("List of user identifiers — task observers"));
        assert!(!lists_ids(
            "Array of identifiers of related CRM objects in the format:"
        ));
        assert!(!lists_ids("IDs of Drive files linked to the template"));
        assert!(!lists_ids("Identifiers of the sites"));
        assert!(!lists_ids("Field group in the template"));
        assert!(!lists_ids(
            "Settings of the report, with the user identifiers in it"
        ));
    }

    #[test]
    fn numbered_rows_are_placeholders_but_a_real_n_is_not() {
        let row = |name: &str, description: &str| super::super::table::Row {
            name: name.to_owned(),
            required: false,
            types: Vec::new(),
            description: description.to_owned(),
        };
        assert!(is_numbered(&row(
            "propertyN",
            "Value of the property, where `N` — identifier of the property"
        )));
        assert!(!is_numbered(&row("gpsN", "GPS latitude")));
    }
}
