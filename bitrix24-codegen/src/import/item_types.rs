//! One record per CRM object type for the universal `crm.item.*` methods.
//!
//! `crm.item.get`/`list`/`add`/`update` serve leads, deals, contacts, companies, quotes,
//! smart invoices and smart processes alike, by `entityTypeId`; their keys are camelCase,
//! unlike the UPPER_CASE `crm.deal.*` records. The docs page
//! `api-reference/crm/universal/object-fields.md` has a table of the fields all types
//! share (`{#common}`) and one per type (`{#lead}`, `{#deal}`, ...). Each type's record is
//! the common fields plus its own (`LeadItem`, `DealItem`, ...); the transport's
//! `crm::items` module pairs each with its `entityTypeId`.

use std::collections::BTreeMap;

use super::emit_yaml::Yaml;
use super::markdown::{self, Block};
use super::render::FileTree;
use super::table::{Row, field_table};
use super::types::{Mapped, map_doc_type};
use crate::rules::money::is_money_field;

/// The page, relative to the docs root.
pub(super) const PAGE: &str = "api-reference/crm/universal/object-fields.md";

/// Where the records are written, relative to `specs/`.
pub(super) const FILE: &str = "crm/universal/item-types.yaml";

/// The page's section anchor -> the record's name.
const RECORDS: [(&str, &str); 7] = [
    ("lead", "LeadItem"),
    ("deal", "DealItem"),
    ("contact", "ContactItem"),
    ("company", "CompanyItem"),
    ("quote", "QuoteItem"),
    ("invoice", "SmartInvoiceItem"),
    ("spa", "SmartProcessItem"),
];

/// The records of the page's text (see the module docs); `None` when the page has no
/// common table or no type table.
pub(super) fn item_types(text: &str) -> Option<FileTree> {
    let page = markdown::parse_page(text);
    let mut sections: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    let mut anchor: Option<String> = None;
    for block in &page.blocks {
        match block {
            Block::Heading(heading) => anchor = heading.anchor.clone(),
            Block::Table(Ok(table)) => {
                if let (Some(key), Some((fields, _))) = (&anchor, field_table(table)) {
                    sections.entry(key.clone()).or_default().extend(fields.rows);
                }
            }
            _ => {}
        }
    }
    let common = sections.get("common")?;
    let mut types = BTreeMap::new();
    for (section, name) in RECORDS {
        let Some(own) = sections.get(section) else {
            continue;
        };
        let mut fields: Vec<(String, Yaml)> = Vec::new();
        // Placeholder rows (`ufCrm...`, `parentId...`) stand for the portal's own fields,
        // which land in the record's `extra`.
        let rows = common.iter().chain(own).filter(|row| {
            row.name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        for row in rows {
            let ty = field_type(row);
            match fields.iter_mut().find(|(wire, _)| *wire == row.name) {
                // A type's own row refines the common one.
                Some((_, existing)) => *existing = ty,
                None => fields.push((row.name.clone(), ty)),
            }
        }
        types.insert(
            name.to_owned(),
            Yaml::Map(vec![
                ("docs".to_owned(), Yaml::str(format!("{PAGE}#{section}"))),
                ("fields".to_owned(), Yaml::Map(fields)),
            ]),
        );
    }
    (!types.is_empty()).then(|| FileTree {
        folder: "crm/universal".to_owned(),
        scope: "crm".to_owned(),
        types,
        methods: BTreeMap::new(),
        events: BTreeMap::new(),
    })
}

/// A row's spec type: the docs type mapped, `id` for the record's own ID, `decimal` for
/// money, raw where the docs type says too little (`fm`'s multifield object list, links to
/// other pages).
fn field_type(row: &Row) -> Yaml {
    let doc = row
        .types
        .first()
        .map(|(text, _)| text.as_str())
        .unwrap_or("");
    let ty = match map_doc_type(doc) {
        Mapped::Spec(spec) if row.name == "id" && spec == "integer" => "id".to_owned(),
        Mapped::Spec(spec)
            if matches!(spec.as_str(), "double" | "integer" | "string")
                && is_money_field(&row.name, doc) =>
        {
            "decimal".to_owned()
        }
        Mapped::Spec(spec) => spec,
        _ => "raw".to_owned(),
    };
    Yaml::Str(ty)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE_TEXT: &str = r#"# Object fields

## Common Fields {#common}

#|
|| **Name**
`type` | **Description** ||
|| **id**
[`integer`](../../data-types.md) | ID ||
|| **opportunity**
[`double`](../../data-types.md) | Amount ||
|| **title**
[`string`](../../data-types.md) | Name ||
|#

## Object Fields

### Lead {#lead}

#|
|| **Name**
`type` | **Description** ||
|| **contactIds**
[`crm_contact[]`](../data-types.md) | Contacts ||
|| **title**
[`text`](../../data-types.md) | Name ||
|#
"#;

    #[test]
    fn each_type_is_the_common_fields_and_its_own() {
        let tree = item_types(PAGE_TEXT).expect("records");
        assert_eq!(tree.types.keys().collect::<Vec<_>>(), ["LeadItem"]);
        let lead = &tree.types["LeadItem"];
        let fields = lead.get("fields").unwrap();
        let ty = |name: &str| fields.get(name).and_then(Yaml::as_str);
        assert_eq!(ty("id"), Some("id"));
        assert_eq!(ty("opportunity"), Some("decimal"));
        assert_eq!(ty("contactIds"), Some("id[]"));
        // The lead's own row wins over the common one.
        assert_eq!(ty("title"), Some("text"));
        assert!(item_types("# Nothing here").is_none());
    }
}
