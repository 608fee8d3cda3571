//! Field typing beyond the docs type's name: what a row's name, description and the
//! page's JSON examples add to the spec type [`super::types`] maps its docs type to.
//!
//! In order, for a row whose docs type maps to a scalar:
//!
//! 1. **Value sets** ([`super::values`]): a description that lists exactly `Y` and `N`
//!    makes a `string`/`boolean` a `char`; one that lists two or more values makes a
//!    `string`, `integer` or `char` (or a list of them) an open enum.
//! 2. **Money** ([`crate::rules::money`]): a money-named `double`, `integer` or `string`
//!    is `decimal`, unless an example shows a value that is not a number (formatted text
//!    stays text).
//! 3. **Dates** ([`crate::rules::dates`]): a date-named `string` is `date` or `datetime`
//!    as its example values show (a date, or a date and time); with no example, a `date`
//!    when the name says birthday or the description gives a date-only format, else a
//!    `datetime` (its reader also takes a bare date). An example that shows a number (a
//!    Unix timestamp) or other text keeps the documented type.
//!
//! Each departure from the docs type is decided here, by rule; the report lists none of
//! them (the spec says what was decided), only what stays `raw`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::doc_types::DocTypes;
use super::emit_yaml::Yaml;
use super::page::MethodPage;
use super::report::RawFallback;
use super::table::Row;
use super::values::{ValueSet, value_set};
use crate::naming;
use crate::rules::dates::is_date_name;
use crate::rules::money::is_money_field;

/// The page's JSON examples, parsed once.
pub(crate) struct Examples {
    values: Vec<Value>,
}

impl Examples {
    /// The examples of `page` that are valid JSON.
    pub(crate) fn of(page: &MethodPage) -> Self {
        Self {
            values: page
                .json_examples
                .iter()
                .filter_map(|text| serde_json::from_str(text).ok())
                .collect(),
        }
    }

    /// Every scalar value shown under `key`, at any depth.
    fn values_of(&self, key: &str) -> Vec<&Value> {
        let mut out = self.values_of_any(key);
        out.retain(|v| !v.is_object() && !v.is_array());
        out
    }

    /// Every value shown under `key`, at any depth.
    fn values_of_any(&self, key: &str) -> Vec<&Value> {
        fn walk<'v>(value: &'v Value, key: &str, out: &mut Vec<&'v Value>) {
            match value {
                Value::Object(map) => {
                    for (k, v) in map {
                        if k == key {
                            out.push(v);
                        }
                        walk(v, key, out);
                    }
                }
                Value::Array(items) => items.iter().for_each(|v| walk(v, key, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        for value in &self.values {
            walk(value, key, &mut out);
        }
        out
    }
}

/// A row's type after the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Typed {
    /// A spec type expression.
    Spec(String),
    /// An open enum of these values (wire value, variant), or a list of it.
    Values {
        /// The values in the order listed.
        values: Vec<(String, String)>,
        /// The docs type is a list (`string[]`).
        list: bool,
    },
    /// The enumeration docs type `name` (`crm_enum_activitytype`): one enum per scope.
    Docs {
        /// The docs type, lowercase.
        name: String,
        /// Its values.
        values: Vec<(String, String)>,
    },
}

/// What typing shares between the pages of one import.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    /// The docs' own types.
    pub(crate) doc_types: DocTypes,
    /// (scope, what the enum is of) -> the enum made for it, so a value set documented
    /// on several pages of a scope is one type.
    pub(crate) enums: BTreeMap<(String, String), String>,
    /// (scope, `page#table`, read from a response) -> the type made of a table on
    /// another page (`super::linked`).
    pub(crate) linked: BTreeMap<(String, String, bool), String>,
    /// Date-named fields kept as documented, and why (what the examples show).
    pub(crate) dates_kept: Vec<RawFallback>,
    /// The named types that go to a scope's shared files rather than the file of the
    /// page that made them: every enum, and the types of linked tables. Pages of several
    /// files use them, and they use no file's types, so the files never import each other
    /// in a circle.
    pub(crate) files: BTreeMap<(String, SharedFile), Vec<(String, Yaml)>>,
}

/// A scope's shared spec file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum SharedFile {
    /// The enums of its value sets: `values/<scope>_values.yaml`.
    Values,
    /// The types of tables on other pages: `linked/<scope>_linked.yaml`.
    Linked,
}

impl SharedFile {
    /// The file's path relative to the spec root.
    pub(crate) fn path(self, scope: &str) -> String {
        match self {
            Self::Values => format!("values/{scope}_values.yaml"),
            Self::Linked => format!("linked/{scope}_linked.yaml"),
        }
    }
}

/// The enum for `values`: the one made for `key` in `scope` already, else a new one
/// named `base` (made unique against `used`), with `docs` as its page, in the scope's
/// values file.
pub(crate) fn enum_for(
    shared: &mut Shared,
    used: &mut BTreeSet<String>,
    scope: &str,
    key: String,
    base: &str,
    values: Vec<(String, String)>,
    docs: &str,
) -> String {
    let key = (scope.to_owned(), key);
    if let Some(name) = shared.enums.get(&key) {
        return name.clone();
    }
    let mut name = if naming::is_type_name(base) {
        base.to_owned()
    } else {
        format!("T{base}")
    };
    let stem = name.clone();
    let mut n = 2;
    while used.contains(&name) || !naming::is_type_name(&name) {
        name = format!("{stem}{n}");
        n += 1;
    }
    used.insert(name.clone());
    shared.enums.insert(key, name.clone());
    let values = values
        .into_iter()
        .map(|(wire, variant)| (wire, Yaml::Str(variant)))
        .collect();
    shared
        .files
        .entry((scope.to_owned(), SharedFile::Values))
        .or_default()
        .push((
            name.clone(),
            Yaml::Map(vec![
                ("docs".to_owned(), Yaml::str(docs)),
                ("values".to_owned(), Yaml::Map(values)),
            ]),
        ));
    name
}

/// Apply the rules to `spec`, the type the docs type `doc` of `row` maps to.
pub(crate) fn refine(row: &Row, doc: &str, spec: String, examples: &Examples) -> Typed {
    let (scalar, list) = match spec.strip_suffix("[]") {
        Some(inner) => (inner, true),
        None => (spec.as_str(), false),
    };
    match value_set(&row.name, &row.description) {
        Some(ValueSet::YesNo) if matches!(scalar, "string" | "char" | "boolean") => {
            return Typed::Spec(if list { "char[]" } else { "char" }.to_owned());
        }
        Some(ValueSet::Values(values)) if matches!(scalar, "string" | "integer" | "char") => {
            return Typed::Values { values, list };
        }
        _ => {}
    }
    if list {
        return Typed::Spec(spec);
    }
    let shown = examples.values_of(&row.name);
    if matches!(scalar, "double" | "integer" | "string")
        && is_money_field(&row.name, doc.trim())
        && shown.iter().all(|v| is_number_like(v))
    {
        return Typed::Spec("decimal".to_owned());
    }
    if matches!(scalar, "string" | "text") && is_date_name(&row.name) {
        if let Some(date) = date_type(row, &shown) {
            return Typed::Spec(date.to_owned());
        }
    }
    Typed::Spec(spec)
}

/// The date type of a date-named field whose docs type is unclear (`string` or `false`,
/// `any`), when the examples or the description show dates: `"2026-03-04T15:40:56+01:00"`,
/// "in ISO 8601 format", "in the format `DD.MM.YYYY hh:mm:ss`". Nothing (`false`, `null`,
/// `""`) reads as no value.
pub(crate) fn unclear_date(row: &Row, examples: &Examples) -> Option<&'static str> {
    if !is_date_name(&row.name) {
        return None;
    }
    let docs_ok = row.types.iter().all(|(text, _)| {
        matches!(
            text.trim().to_ascii_lowercase().as_str(),
            "string" | "boolean" | "any" | "date" | "datetime" | "null" | "false"
        )
    });
    if !docs_ok {
        return None;
    }
    let shown = examples.values_of(&row.name);
    let description = row.description.to_ascii_lowercase();
    let formats = ["iso 8601", "rfc3339", "yyyy", "dd.mm"];
    let described = formats.iter().any(|f| description.contains(f));
    let seen: Vec<Shown> = shown
        .iter()
        .filter_map(|value| value.as_str().filter(|t| !t.trim().is_empty()))
        .map(classify)
        .collect();
    if seen.contains(&Shown::Other) {
        return None;
    }
    if seen.contains(&Shown::DateTime) {
        return Some("datetime");
    }
    match (seen.contains(&Shown::Date), described) {
        (true, _) => Some("date"),
        (false, true) => date_type(row, &[]),
        (false, false) => None,
    }
}

/// Why a date-named field is kept as something other than a date: the first value the
/// examples show that is no date (`"10-09"`, `"32400"`, `{}`), or its docs type when that
/// is an object; `None` when nothing says it is no date.
pub(crate) fn not_a_date(row: &Row, examples: &Examples) -> Option<String> {
    if !is_date_name(&row.name) {
        return None;
    }
    let shown = examples
        .values_of_any(&row.name)
        .into_iter()
        .find(|value| match value {
            Value::String(text) => !text.trim().is_empty() && classify(text) == Shown::Other,
            Value::Number(_) | Value::Object(_) | Value::Array(_) => true,
            _ => false,
        });
    if let Some(value) = shown {
        return Some(format!("the examples show {value}"));
    }
    let object = row
        .types
        .iter()
        .any(|(text, _)| matches!(text.trim(), "object" | "array"));
    object.then(|| format!("the docs type it `{}`", row.types[0].0.trim()))
}

/// A number, numeric text, or nothing (`null`, `""`, `false`).
fn is_number_like(value: &Value) -> bool {
    match value {
        Value::Number(_) | Value::Null | Value::Bool(false) => true,
        Value::String(text) => {
            let text = text.trim();
            text.is_empty() || {
                let digits = text.strip_prefix('-').unwrap_or(text);
                !digits.is_empty()
                    && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
                    && digits.matches('.').count() <= 1
            }
        }
        _ => false,
    }
}

/// What a text shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    Date,
    DateTime,
    Other,
}

/// `2024-08-30`, `30.08.2024` (a date), with ` 14:29[:00]` or `T14:29:00+02:00` (a date
/// and time), or anything else.
fn classify(text: &str) -> Shown {
    let text = text.trim();
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let date_part = |s: &str| {
        let iso: Vec<&str> = s.split('-').collect();
        let dotted: Vec<&str> = s.split('.').collect();
        (iso.len() == 3 && iso[0].len() == 4 && iso.iter().all(|p| digits(p)))
            || (dotted.len() == 3 && dotted[2].len() == 4 && dotted.iter().all(|p| digits(p)))
    };
    if date_part(text) {
        return Shown::Date;
    }
    match text.split_once(['T', ' ']) {
        Some((date, time)) if date_part(date) && time.contains(':') => Shown::DateTime,
        _ => Shown::Other,
    }
}

/// The date type a date-named text field gets, or `None` to keep it as documented.
fn date_type(row: &Row, shown: &[&Value]) -> Option<&'static str> {
    let mut seen = Vec::new();
    for value in shown {
        match value {
            Value::String(text) if text.trim().is_empty() => {}
            Value::String(text) => seen.push(classify(text)),
            Value::Null | Value::Bool(false) => {}
            _ => return None,
        }
    }
    if seen.contains(&Shown::Other) {
        return None;
    }
    if seen.contains(&Shown::DateTime) {
        return Some("datetime");
    }
    if seen.contains(&Shown::Date) {
        return Some("date");
    }
    let lower = row.name.to_ascii_lowercase();
    let description = row.description.to_ascii_lowercase();
    let date_only_format = ["yyyy-mm-dd", "dd.mm.yyyy", "y-m-d", "d.m.y"]
        .iter()
        .any(|f| description.contains(f))
        && !["hh", "h:i", "time"]
            .iter()
            .any(|t| description.contains(t));
    if lower.contains("birthday") || lower.contains("birthdate") || date_only_format {
        Some("date")
    } else {
        Some("datetime")
    }
}

/// The parts of the row's docs type, lower case, `null` left out: `string | object` in
/// one span or two is `["string", "object"]`.
pub(crate) fn union_parts(row: &Row) -> Vec<String> {
    row.types
        .iter()
        .flat_map(|(text, _)| text.split('|'))
        .map(|part| {
            part.trim_matches(|c: char| c == '`' || c == '\\' || c.is_whitespace())
                .to_ascii_lowercase()
        })
        .filter(|part| !part.is_empty() && part != "null")
        .collect()
}

/// A union the row's description settles: `string | object` (or `lang_map`) "can be a
/// string or an associative array of localized strings" is `localized` (as is such a
/// `string | array`); `boolean |
/// integer` whose description speaks of `true` and `false` is a flag, `boolean` (the
/// lenient reader takes `1`/`0` too).
pub(crate) fn described_union(row: &Row) -> Option<&'static str> {
    let parts = union_parts(row);
    if parts.len() < 2 {
        return None;
    }
    let has = |name: &str| parts.iter().any(|part| part == name);
    let only = |names: &[&str]| parts.iter().all(|part| names.contains(&part.as_str()));
    let description = row.description.to_ascii_lowercase();
    if only(&["string", "object", "array", "lang_map"])
        && has("string")
        && (description.contains("locali") || description.contains("language"))
    {
        return Some("localized");
    }
    if only(&["boolean", "integer"]) && has("boolean") && description.contains("true") {
        return Some("boolean");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unions_their_descriptions_settle() {
        let typed = |types: &[&str], description: &str| {
            described_union(&Row {
                name: "NAME".to_owned(),
                required: false,
                types: types.iter().map(|t| ((*t).to_owned(), None)).collect(),
                description: description.to_owned(),
            })
        };
        let localized = "Can be a string or an associative array of localized strings";
        assert_eq!(
            typed(&["string` \\| `object"], localized),
            Some("localized")
        );
        assert_eq!(typed(&["string", "object"], localized), Some("localized"));
        assert_eq!(typed(&["string", "object"], "A name or a record"), None);
        let flag = "If set to `true`, the draft is read";
        assert_eq!(typed(&["boolean", "integer"], flag), Some("boolean"));
        assert_eq!(typed(&["boolean", "integer"], "A count"), None);
        assert_eq!(typed(&["boolean"], flag), None);
    }

    fn row(name: &str, description: &str) -> Row {
        Row {
            name: name.to_owned(),
            required: false,
            types: Vec::new(),
            description: description.to_owned(),
        }
    }

    fn examples(json: &str) -> Examples {
        Examples {
            values: vec![serde_json::from_str(json).unwrap()],
        }
    }

    fn spec(s: &str) -> Typed {
        Typed::Spec(s.to_owned())
    }

    #[test]
    fn money_is_decimal_unless_shown_as_text() {
        let none = examples("{}");
        let price = row("PRICE", "Price");
        assert_eq!(
            refine(&price, "double", "double".into(), &none),
            spec("decimal")
        );
        let shown = examples(r#"{"result": {"PRICE": "100.50"}}"#);
        assert_eq!(
            refine(&price, "double", "double".into(), &shown),
            spec("decimal")
        );
        let formatted = examples(r#"{"result": {"PRICE": "100 $"}}"#);
        assert_eq!(
            refine(&price, "string", "string".into(), &formatted),
            spec("string")
        );
        let total = row("total", "Total");
        assert_eq!(
            refine(&total, "integer", "integer".into(), &none),
            spec("integer")
        );
        assert_eq!(
            refine(&total, "double", "double".into(), &none),
            spec("decimal")
        );
    }

    #[test]
    fn dates_as_the_examples_show() {
        let created = row("DATE_CREATE", "Created");
        let none = examples("{}");
        assert_eq!(
            refine(&created, "string", "string".into(), &none),
            spec("datetime")
        );
        let iso = examples(r#"{"DATE_CREATE": "2024-01-02T10:00:00+03:00"}"#);
        assert_eq!(
            refine(&created, "string", "string".into(), &iso),
            spec("datetime")
        );
        let day = examples(r#"{"DATE_CREATE": "02.01.2024"}"#);
        assert_eq!(
            refine(&created, "string", "string".into(), &day),
            spec("date")
        );
        let unix = examples(r#"{"DATE_CREATE": 1719826800}"#);
        assert_eq!(
            refine(&created, "string", "string".into(), &unix),
            spec("string")
        );
        let birthday = row("PERSONAL_BIRTHDAY", "Birthday");
        assert_eq!(
            refine(&birthday, "string", "string".into(), &none),
            spec("date")
        );
    }

    #[test]
    fn value_sets() {
        let none = examples("{}");
        let flag = row(
            "ACTIVE",
            "Active. Possible values:\n- `Y` — yes\n- `N` — no",
        );
        assert_eq!(
            refine(&flag, "string", "string".into(), &none),
            spec("char")
        );
        let kind = row("TYPE", "Possible values:\n- `1` — call\n- `2` — meeting");
        assert!(matches!(
            refine(&kind, "integer", "integer".into(), &none),
            Typed::Values { list: false, .. }
        ));
    }
}
