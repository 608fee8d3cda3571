//! Value sets: the values a field may take, as a row's description lists them, for open
//! enums (spec `values:`).
//!
//! The docs list values in three ways, all read here:
//!
//! - a list, each item a code span and a label (`- `P` — in progress`), after an
//!   introduction (`Possible values:`, `Type of status:`);
//! - a sentence listing code spans after `values` (`Can take values `PHONE`, `EMAIL`,
//!   `WEB``);
//! - a sentence of pairs (`` `1` — meeting, `2` — call, `3` — task``), as the `crm_enum_*`
//!   types of `crm/data-types.md` are described.
//!
//! A list is not a value set when its introduction speaks of fields, parameters, keys or
//! prefixes (`Required fields:`, `Possible prefix values:`), or of the values of another
//! key (`Possible values for `CODE`:`); nor when a value is not a bare token (`>=`,
//! `"mol%"`). Only the variant names are derived from the labels (a few words, snake case),
//! never the label text itself.

use heck::ToSnakeCase;

use super::markdown;

/// One listed value: the wire value and the variant name given to it.
pub(crate) type Value = (String, String);

/// What a description says about the values of its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ValueSet {
    /// Exactly `Y` and `N`: a `char` flag, not an enumeration.
    YesNo,
    /// Two or more values, in the order listed, with unique variant names.
    Values(Vec<Value>),
}

/// Words of an introduction that say the list is not of this field's values.
const NOT_VALUES: &[&str] = &[
    "field",
    "fields",
    "parameter",
    "parameters",
    "key",
    "keys",
    "prefix",
    "prefixes",
    "example",
    "examples",
    "method",
    "methods",
    "event",
    "events",
    "scope",
    "scopes",
];

/// Values that name a type (`string` or `null`), not a value.
const TYPE_NAMES: &[&str] = &[
    "null", "string", "integer", "int", "double", "float", "boolean", "bool", "object", "array",
];

/// Words of a sentence that introduce a listing of values.
const INTRO: &[&str] = &["values", "value", "one", "either", "takes", "options"];

/// Most words of a label a variant name takes.
const LABEL_WORDS: usize = 4;

/// The value set a description lists for the field `name`, if any.
pub(crate) fn value_set(name: &str, description: &str) -> Option<ValueSet> {
    let mut values: Vec<(String, Option<String>)> = Vec::new();
    let lines: Vec<&str> = description.lines().collect();
    let mut i = 0;
    let mut previous = String::new();
    while i < lines.len() {
        let line = lines[i];
        if let Some(first) = list_item(line) {
            let indent = indent_of(line);
            let mut items = vec![first];
            let mut j = i + 1;
            while j < lines.len() {
                let next = lines[j];
                if next.trim().is_empty() {
                    j += 1;
                    continue;
                }
                match list_item(next) {
                    Some(item) if indent_of(next) == indent => items.push(item),
                    _ if indent_of(next) > indent => {}
                    _ => break,
                }
                j += 1;
            }
            if introduces_values(name, &previous, false) && items.len() >= 2 {
                values.extend(items);
            }
            previous.clear();
            i = j;
            continue;
        }
        if !line.trim().is_empty() {
            if let Some(found) = inline_values(name, line) {
                values.extend(found);
            }
            previous = line.to_owned();
        }
        i += 1;
    }
    finish(name, values)
}

/// The leading spaces of a line.
fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// `- `X` — label` -> (`X`, `label`); `None` when the line is not such an item.
fn list_item(line: &str) -> Option<(String, Option<String>)> {
    let rest = line.trim_start().strip_prefix(['-', '*'])?;
    if !rest.starts_with(' ') {
        return None;
    }
    let rest = rest.trim_start();
    let (value, after) = leading_span(rest)?;
    let after = after.trim_start();
    let label = after
        .strip_prefix(['—', '–', '-', ':'])
        .map(|label| label.trim().to_owned())
        .filter(|label| !label.is_empty());
    if label.is_none() && !after.is_empty() && !after.starts_with(['(', ',', '.', ';']) {
        return None;
    }
    Some((value, label))
}

/// A code span at the start of `text`: its content and the text after it.
fn leading_span(text: &str) -> Option<(String, &str)> {
    let run = text.chars().take_while(|c| *c == '`').count();
    if run == 0 {
        return None;
    }
    let fence = &text[..run];
    let rest = &text[run..];
    let end = rest.find(fence)?;
    Some((rest[..end].trim().to_owned(), &rest[end + run..]))
}

/// Whether `intro` (the text before a listing) introduces this field's values: not
/// fields, parameters, keys or prefixes, not the values of another key; for a sentence
/// (`inline`), it must also say `values` or the like.
fn introduces_values(name: &str, intro: &str, inline: bool) -> bool {
    let lower = intro.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    // `... according to the template `{entityTypeName} #{id}`, where`: the list explains
    // a template's placeholders.
    let explains = lower
        .trim_end()
        .trim_end_matches(':')
        .trim_end()
        .ends_with("where");
    if explains || words.iter().any(|w| NOT_VALUES.contains(w)) {
        return false;
    }
    // "values for `CODE`": the values of another key.
    let other_key = markdown::code_spans(intro)
        .iter()
        .any(|(span, _)| !span.eq_ignore_ascii_case(name));
    if other_key && lower.contains(" for `") {
        return false;
    }
    !inline || words.iter().any(|w| INTRO.contains(w))
}

/// The values a single line lists after an introduction: code spans joined by commas
/// (`values `A`, `B` or `C``) or pairs (`` `1` — meeting, `2` — call``).
fn inline_values(name: &str, line: &str) -> Option<Vec<(String, Option<String>)>> {
    let first = line.find('`')?;
    let (intro, rest) = line.split_at(first);
    if !introduces_values(name, intro, false) {
        return None;
    }
    let mut values = Vec::new();
    let mut rest = rest;
    loop {
        let (value, after) = leading_span(rest)?;
        let (gap, next) = match after.find('`') {
            Some(at) => (&after[..at], Some(&after[at..])),
            None => (after, None),
        };
        let gap = gap.trim();
        let label = match gap.strip_prefix(['—', '–', '-']) {
            Some(label) => {
                let label = label.trim().trim_end_matches([',', ';', '.']).trim();
                if next.is_some() && !gap.ends_with([',', ';', '.']) {
                    return None;
                }
                Some(label.to_owned())
            }
            None => {
                let joiner = gap.trim_end_matches(['.', ';']).trim();
                if next.is_some() && !matches!(joiner, "," | "or" | ", or" | "and" | ", and" | "/")
                {
                    return None;
                }
                None
            }
        };
        values.push((value, label.filter(|l| !l.is_empty())));
        match next {
            Some(next) => rest = next,
            None => break,
        }
    }
    // Bare code spans are a listing only after a word like `values`; labelled pairs
    // (`` `1` — meeting, `2` — call``) speak for themselves.
    let labelled = values.iter().all(|(_, label)| label.is_some());
    let ok = values.len() >= 2 && (labelled || introduces_values(name, intro, true));
    ok.then_some(values)
}

/// A bare token: letters, digits and `_ - . : /`, at most 64 characters, and not a
/// method name (`crm.deal.list` is a reference, not a value).
fn is_token(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 64
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '/'))
        && !(value.contains('.') && value.chars().any(|c| c.is_ascii_alphabetic()))
}

/// Deduplicate, check and name the values found for the field `name`: a placeholder
/// (`chatXXX`) is left out; a list of type names (`string`, `object`) or with `null`, the
/// field's own name (`either `NAME` or `LAST_NAME``) or a value that is not a bare token
/// is no value set.
fn finish(name: &str, found: Vec<(String, Option<String>)>) -> Option<ValueSet> {
    let mut values: Vec<(String, Option<String>)> = Vec::new();
    for (value, label) in found {
        let lower = value.to_ascii_lowercase();
        if !is_token(&value) || value == "null" || value.eq_ignore_ascii_case(name) {
            return None;
        }
        if lower.contains("xxx") {
            continue;
        }
        if !values.iter().any(|(v, _)| *v == value) {
            values.push((value, label));
        }
    }
    if values.len() < 2 || values.iter().all(|(v, _)| TYPE_NAMES.contains(&v.as_str())) {
        return None;
    }
    let mut wires: Vec<&str> = values.iter().map(|(v, _)| v.as_str()).collect();
    wires.sort_unstable();
    if wires == ["N", "Y"] {
        return Some(ValueSet::YesNo);
    }
    Some(ValueSet::Values(variant_names(&values)))
}

/// A variant name per value: the value itself when it is a word (`missedCall` ->
/// `missed_call`, `DEAL` -> `deal`), else the first words of its label (`1` — `meeting`),
/// else `value_<value>`; a name taken twice, or reserved, gets `_<value>` appended.
fn variant_names(values: &[(String, Option<String>)]) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for (value, label) in values {
        let from_value = value.chars().filter(char::is_ascii_alphabetic).count() >= 2;
        let mut variant = if from_value {
            snake(value)
        } else {
            label.as_deref().map(label_name).unwrap_or_default()
        };
        if variant.is_empty() {
            variant = format!("value_{}", snake(value));
        }
        if variant.starts_with(|c: char| c.is_ascii_digit()) {
            variant = format!("value_{variant}");
        }
        if variant == "unknown" || out.iter().any(|(_, v)| *v == variant) {
            variant = format!("{variant}_{}", snake(value));
        }
        let mut n = 2;
        let base = variant.clone();
        while out.iter().any(|(_, v)| *v == variant) {
            variant = format!("{base}_{n}");
            n += 1;
        }
        out.push((value.clone(), variant));
    }
    out
}

/// snake_case of the letters and digits of `text` (`in-progress` -> `in_progress`).
fn snake(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    cleaned.to_snake_case()
}

/// The first [`LABEL_WORDS`] words of a label, as a snake_case name.
fn label_name(label: &str) -> String {
    let plain: String = label
        .replace(['`', '*', '"'], "")
        .chars()
        .take_while(|c| !matches!(c, '(' | '.' | ',' | ';' | ':' | '[' | '\n'))
        .collect();
    let words: Vec<&str> = plain
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !matches!(w.to_ascii_lowercase().as_str(), "a" | "an" | "the"))
        .take(LABEL_WORDS)
        .collect();
    snake(&words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(name: &str, text: &str) -> Vec<(String, String)> {
        match value_set(name, text) {
            Some(ValueSet::Values(values)) => values,
            other => panic!("{other:?} for {text}"),
        }
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn lists_after_an_introduction() {
        let text = "Type of discount.\nPossible values:\n- `1` — absolute value\n- `2` — percentage value. ";
        assert_eq!(
            values("discountTypeId", text),
            pairs(&[("1", "absolute_value"), ("2", "percentage_value")])
        );
        let text = "Type of status:\n- `O` — order status\n- `D` — delivery status\n";
        assert_eq!(
            values("type", text),
            pairs(&[("O", "order_status"), ("D", "delivery_status")])
        );
        let text = "Badge type:\n- `success`\n- `failure`\n- `warning`";
        assert_eq!(
            values("type", text),
            pairs(&[
                ("success", "success"),
                ("failure", "failure"),
                ("warning", "warning")
            ])
        );
    }

    #[test]
    fn sentences_of_values_and_pairs() {
        let text = "Type of the multifield. Can take values `PHONE`, `EMAIL`, `WEB`, `IM`, `LINK`.";
        assert_eq!(values("TYPE_ID", text).len(), 5);
        let text = "Type of the activity: `1` — meeting, `2` — call, `3` — task. `0` — type is not defined.";
        let found = values("x", text);
        assert_eq!(found[0], ("1".to_owned(), "meeting".to_owned()));
        assert_eq!(found[1], ("2".to_owned(), "call".to_owned()));
    }

    #[test]
    fn yes_no_is_a_flag() {
        let text = "Is it active. Possible values:\n- `Y` — yes\n- `N` — no";
        assert_eq!(value_set("ACTIVE", text), Some(ValueSet::YesNo));
    }

    #[test]
    fn lists_that_are_not_values() {
        for text in [
            "Required fields for creating a task:\n- `TITLE` — task title\n- `RESPONSIBLE_ID` — responsible",
            "Possible values for `CODE`:\n- `1` — a\n- `2` — b",
            "Possible prefix values:\n- `>=` — greater\n- `<` — less",
            "Possible values:\n- `\"mol%\"` — x\n- `b` — y",
            "Identifier of the deal. Use `crm.deal.list` or `crm.deal.add`",
            "Can be obtained with the values of `crm.deal.list` or `crm.deal.add`",
            "Only one: `1`",
            "Avatar: `string` or `null`",
            "You must provide either `NAME` or `x`",
            "Generated by the template, where\n- `entityTypeName` — name\n- `id` — id",
            "Dialog: `chatXXX` or `XXX`",
        ] {
            assert_eq!(value_set("x", text), None, "{text}");
        }
    }

    #[test]
    fn variant_names_are_unique_and_valid() {
        let text =
            "Values:\n- `0` — not set\n- `1` — not set either\n- `unknown` — x\n- `2` — 3 days";
        let found = values("x", text);
        let names: Vec<&str> = found.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(
            names,
            [
                "not_set",
                "not_set_either",
                "unknown_unknown",
                "value_3_days"
            ]
        );
    }
}
