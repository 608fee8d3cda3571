//! Every Rust name the generator emits comes from here, so naming is one decision.
//!
//! - wire field names become snake_case (`TITLE` -> `title`, `TYPE_ID` -> `type_id`,
//!   `typeId` -> `type_id`); Rust keywords get a trailing underscore (`type` -> `type_`),
//!   and a name starting with a digit gets a leading `n` (`1C` -> `n1c`);
//! - a method name becomes UpperCamelCase (`crm.deal.add` -> `CrmDealAdd`);
//! - enum variants come from snake_case names in the spec (`in_progress` -> `InProgress`).
//!
//! A struct whose wire names mostly follow one serde rule gets `#[serde(rename_all)]`
//! ([`rename_all`]); `#[serde(rename)]` is emitted only for a field whose wire name
//! neither its Rust name nor that rule gives ([`needs_rename`]).

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Strict and reserved keywords of Rust 2024 that cannot be field names.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// A field's Rust name and whether it differs from the wire name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldName {
    /// The Rust identifier.
    pub ident: String,
    /// Whether serde needs `rename` (the identifier differs from the wire name).
    pub renamed: bool,
}

/// The Rust field name for a wire name.
pub fn field_name(wire: &str) -> FieldName {
    let mut ident = wire.to_snake_case();
    if ident.is_empty() {
        ident = "field".to_owned();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, 'n');
    }
    if KEYWORDS.contains(&ident.as_str()) {
        ident.push('_');
    }
    let renamed = ident != wire;
    FieldName { ident, renamed }
}

/// A serde `rename_all` rule, applied to field names exactly as serde applies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenameAll {
    /// `SCREAMING_SNAKE_CASE`: `type_id` -> `TYPE_ID`.
    ScreamingSnake,
    /// `camelCase`: `type_id` -> `typeId`.
    Camel,
}

impl RenameAll {
    /// The rule's name in `#[serde(rename_all = "...")]`.
    pub fn serde_name(self) -> &'static str {
        match self {
            Self::ScreamingSnake => "SCREAMING_SNAKE_CASE",
            Self::Camel => "camelCase",
        }
    }

    /// The wire name serde gives a field under this rule.
    pub fn apply(self, field: &str) -> String {
        match self {
            Self::ScreamingSnake => field.to_ascii_uppercase(),
            // As serde does: PascalCase (`_` dropped, the next letter upper case), then
            // the first letter lower case.
            Self::Camel => {
                let mut pascal = String::new();
                let mut capitalize = true;
                for c in field.chars() {
                    if c == '_' {
                        capitalize = true;
                    } else if capitalize {
                        pascal.push(c.to_ascii_uppercase());
                        capitalize = false;
                    } else {
                        pascal.push(c);
                    }
                }
                let mut chars = pascal.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_ascii_lowercase().to_string() + chars.as_str()
                })
            }
        }
    }
}

/// The `rename_all` rule that leaves the fewest of `fields` (wire name, Rust name)
/// needing a `rename` of their own; `None` when no rule saves one.
pub fn rename_all(fields: &[(&str, &str)]) -> Option<RenameAll> {
    let renames = |rule: Option<RenameAll>| {
        fields
            .iter()
            .filter(|(wire, ident)| needs_rename(wire, ident, rule))
            .count()
    };
    let mut best = (renames(None), None);
    for rule in [RenameAll::ScreamingSnake, RenameAll::Camel] {
        let count = renames(Some(rule));
        if count < best.0 {
            best = (count, Some(rule));
        }
    }
    best.1
}

/// Whether a field needs `#[serde(rename)]` in a struct with `rule`.
pub fn needs_rename(wire: &str, ident: &str, rule: Option<RenameAll>) -> bool {
    match rule {
        Some(rule) => rule.apply(ident) != wire,
        None => ident != wire,
    }
}

/// The request type name for a REST method (`crm.deal.add` -> `CrmDealAdd`).
pub fn method_type_name(method: &str) -> String {
    method.to_upper_camel_case()
}

/// The request struct of a method: [`method_type_name`], plus `V3` for the REST 3.0
/// twin of a classic method of the same name (`tasks.task.add` -> `TasksTaskAddV3`).
pub fn method_struct_name(method: &str, v3_twin: bool) -> String {
    let name = method_type_name(method);
    if v3_twin { format!("{name}V3") } else { name }
}

/// The wrapper type for a list method whose records sit under a key, from the method's
/// struct name.
pub fn list_result_name(method_struct: &str) -> String {
    format!("{method_struct}Result")
}

/// An enum variant from its snake_case spec name.
pub fn variant_name(name: &str) -> String {
    let mut variant = name.to_upper_camel_case();
    if variant.starts_with(|c: char| c.is_ascii_digit()) {
        variant.insert(0, 'V');
    }
    variant
}

/// The field enum of a list record type (`Deal` -> `DealField`), before clashes are
/// resolved.
pub fn field_enum_name(record: &str) -> String {
    format!("{record}Field")
}

/// A field enum's variant for a wire field name (`STAGE_ID`, `stageId` -> `StageId`).
pub fn field_variant_name(wire: &str) -> String {
    let mut variant = variant_name(&wire.to_snake_case());
    if variant.is_empty() {
        variant = "Field".to_owned();
    }
    // `Self` is the one keyword UpperCamelCase can produce.
    if variant == "Self" {
        variant.push('_');
    }
    variant
}

/// A camelCase wire name as the upper-case lists name it (`responsibleId` ->
/// `RESPONSIBLE_ID`: `tasks.task.list` returns the one and filters by the other).
pub fn upper_wire_name(wire: &str) -> String {
    wire.to_shouty_snake_case()
}

/// The module for a file stem (`deal` -> `deal`, `sign.b2e` -> `sign_b2e`).
pub fn module_name(file_stem: &str) -> String {
    field_name(file_stem).ident
}

/// The module a spec file's bindings go in, from its path relative to the spec root
/// (`crm/deal.yaml` -> `deal`).
pub fn spec_module_name(relative: &str) -> String {
    let file = relative.rsplit('/').next().unwrap_or_default();
    module_name(file.trim_end_matches(".yaml"))
}

/// Whether `name` is a valid UpperCamelCase type name as the spec must write it.
pub fn is_type_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && name.to_upper_camel_case() == name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_follow_the_wire_name() {
        let cases = [
            ("TITLE", "title", true),
            ("TYPE_ID", "type_id", true),
            ("typeId", "type_id", true),
            ("id", "id", false),
            ("UF_CRM_1721244482250", "uf_crm_1721244482250", true),
            ("type", "type_", true),
            ("TYPE", "type_", true),
            ("self", "self_", true),
            ("1C", "n1c", true),
            ("PARENT_ID_1220", "parent_id_1220", true),
        ];
        for (wire, ident, renamed) in cases {
            assert_eq!(
                field_name(wire),
                FieldName {
                    ident: ident.to_owned(),
                    renamed
                },
                "{wire}"
            );
        }
    }

    #[test]
    fn rename_rules_give_serde_names() {
        let screaming = RenameAll::ScreamingSnake;
        assert_eq!(screaming.apply("type_id"), "TYPE_ID");
        assert_eq!(
            screaming.apply("uf_crm_1721244482250"),
            "UF_CRM_1721244482250"
        );
        let camel = RenameAll::Camel;
        assert_eq!(camel.apply("type_id"), "typeId");
        assert_eq!(camel.apply("entity_type_id"), "entityTypeId");
        // serde drops every `_`, before a digit too: such a wire name keeps its `rename`.
        assert_eq!(camel.apply("uf_crm7_1721812935209"), "ufCrm71721812935209");
        assert!(needs_rename(
            "ufCrm7_1721812935209",
            "uf_crm7_1721812935209",
            Some(camel)
        ));
        assert_eq!(camel.apply("id"), "id");
        // A keyword's underscore stays: `type` keeps its own `rename`.
        assert_eq!(screaming.apply("type_"), "TYPE_");
        assert!(needs_rename("type", "type_", Some(screaming)));
        assert!(!needs_rename("ID", "id", Some(screaming)));
        assert!(needs_rename("ID", "id", None));
    }

    /// The rules give the names serde itself gives.
    #[test]
    fn rename_rules_match_serde() {
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Camel {
            entity_type_id: u8,
            uf_crm7_1721812935209: u8,
            n1c: u8,
            type_: u8,
        }
        #[derive(serde::Serialize)]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        struct Screaming {
            parent_id_1220: u8,
            type_: u8,
            id: u8,
        }
        let keys = |value: serde_json::Value| -> Vec<String> {
            value.as_object().unwrap().keys().cloned().collect()
        };
        let camel = Camel {
            entity_type_id: 0,
            uf_crm7_1721812935209: 0,
            n1c: 0,
            type_: 0,
        };
        let mut expected: Vec<String> = ["entity_type_id", "uf_crm7_1721812935209", "n1c", "type_"]
            .iter()
            .map(|field| RenameAll::Camel.apply(field))
            .collect();
        expected.sort();
        assert_eq!(keys(serde_json::to_value(camel).unwrap()), expected);
        let screaming = Screaming {
            parent_id_1220: 0,
            type_: 0,
            id: 0,
        };
        let mut expected: Vec<String> = ["parent_id_1220", "type_", "id"]
            .iter()
            .map(|field| RenameAll::ScreamingSnake.apply(field))
            .collect();
        expected.sort();
        assert_eq!(keys(serde_json::to_value(screaming).unwrap()), expected);
    }

    #[test]
    fn the_rule_with_fewest_renames_wins() {
        let upper = [("ID", "id"), ("TITLE", "title"), ("typeId", "type_id")];
        assert_eq!(rename_all(&upper), Some(RenameAll::ScreamingSnake));
        let camel = [
            ("entityTypeId", "entity_type_id"),
            ("id", "id"),
            ("title", "title"),
        ];
        assert_eq!(rename_all(&camel), Some(RenameAll::Camel));
        let plain = [("id", "id"), ("text", "text")];
        assert_eq!(rename_all(&plain), None);
        // A tie keeps plain per-field renames.
        let tie = [("ID", "id"), ("text", "text")];
        assert_eq!(rename_all(&tie), None);
    }

    #[test]
    fn method_names_become_type_names() {
        assert_eq!(method_type_name("crm.deal.add"), "CrmDealAdd");
        assert_eq!(method_type_name("tasks.task.list"), "TasksTaskList");
        assert_eq!(
            method_type_name("imopenlines.crm.chat.getLastId"),
            "ImopenlinesCrmChatGetLastId"
        );
        assert_eq!(list_result_name("TasksTaskList"), "TasksTaskListResult");
        assert_eq!(method_struct_name("tasks.task.add", true), "TasksTaskAddV3");
        assert_eq!(method_struct_name("tasks.task.add", false), "TasksTaskAdd");
    }

    #[test]
    fn spec_files_name_their_modules() {
        assert_eq!(spec_module_name("crm/deal.yaml"), "deal");
        assert_eq!(spec_module_name("tasks/result_v3.yaml"), "result_v3");
        assert_eq!(
            spec_module_name("document-generator.yaml"),
            "document_generator"
        );
    }

    #[test]
    fn type_names_must_be_upper_camel() {
        assert!(is_type_name("Deal"));
        assert!(is_type_name("FieldDescription"));
        assert!(!is_type_name("deal"));
        assert!(!is_type_name("Field_Description"));
        assert!(!is_type_name("DEAL"));
    }

    #[test]
    fn variants_are_upper_camel() {
        assert_eq!(variant_name("in_progress"), "InProgress");
        assert_eq!(variant_name("2fa"), "V2fa");
    }
}
