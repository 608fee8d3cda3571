//! A small YAML tree (strings, booleans, ordered maps: all a spec needs) and its writer.
//!
//! Written by hand so the output is deterministic and reads like the hand-written specs:
//! block maps, two-space indents, short maps of scalars inline (`{ type: id, required: true }`),
//! a blank line between named types and between methods, quotes only where YAML needs them.

use std::fmt::Write as _;

/// A spec value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Yaml {
    /// A string scalar.
    Str(String),
    /// `true` / `false`.
    Bool(bool),
    /// `~` / `null`: in an overlay, deletes the key it is set on.
    Null,
    /// An ordered map.
    Map(Vec<(String, Yaml)>),
    /// A list of scalars, written inline (`[TITLE, COMPANY_ID]`).
    Seq(Vec<Yaml>),
}

impl Yaml {
    /// A string scalar.
    pub fn str(text: impl Into<String>) -> Self {
        Self::Str(text.into())
    }

    /// The value under `key`, if this is a map that has it.
    pub fn get(&self, key: &str) -> Option<&Yaml> {
        match self {
            Self::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The mutable value under `key`, if this is a map that has it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Yaml> {
        match self {
            Self::Map(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(text) => Some(text),
            _ => None,
        }
    }
}

/// Words YAML 1.1 or 1.2 reads as something other than a string.
const RESERVED: &[&str] = &[
    "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
];

/// Whether `text` can be written without quotes and reads back as the same string.
fn plain_ok(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == '_') {
        return false;
    }
    if RESERVED.contains(&text.to_ascii_lowercase().as_str()) {
        return false;
    }
    text.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '/' | '#'))
}

/// A scalar as YAML text.
pub(crate) fn scalar(text: &str) -> String {
    if plain_ok(text) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn inline(value: &Yaml) -> Option<String> {
    match value {
        Yaml::Str(text) => Some(scalar(text)),
        Yaml::Bool(b) => Some(b.to_string()),
        Yaml::Null => Some("~".to_owned()),
        Yaml::Map(entries) if entries.is_empty() => Some("{}".to_owned()),
        Yaml::Seq(items) => {
            let items: Option<Vec<String>> = items.iter().map(inline).collect();
            Some(format!("[{}]", items?.join(", ")))
        }
        Yaml::Map(entries) => {
            let mut parts = Vec::new();
            for (key, value) in entries {
                parts.push(format!("{}: {}", scalar(key), inline(value)?));
            }
            let text = format!("{{ {} }}", parts.join(", "));
            (entries.len() <= 4 && text.len() <= 80).then_some(text)
        }
    }
}

/// Write `root` (a map) as a YAML document after the `header` comment lines.
pub fn to_yaml(header: &[String], root: &Yaml) -> String {
    let mut out = String::new();
    for line in header {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    if let Yaml::Map(entries) = root {
        for (index, (key, value)) in entries.iter().enumerate() {
            if index > 0 && matches!(value, Yaml::Map(m) if !m.is_empty()) {
                out.push('\n');
            }
            write_entry(
                &mut out,
                0,
                key,
                value,
                matches!(key.as_str(), "types" | "methods"),
            );
        }
    }
    out
}

fn write_entry(out: &mut String, indent: usize, key: &str, value: &Yaml, spaced: bool) {
    let pad = " ".repeat(indent);
    // Named types and methods stay block maps even when short, like the hand-written specs.
    let block_key = indent <= 2 || (indent == 4 && matches!(key, "params" | "fields" | "values"));
    let force_block = block_key && matches!(value, Yaml::Map(m) if !m.is_empty());
    match (force_block, inline(value)) {
        (false, Some(text)) => {
            let _ = writeln!(out, "{pad}{}: {text}", scalar(key));
        }
        _ => {
            let _ = writeln!(out, "{pad}{}:", scalar(key));
            if let Yaml::Map(entries) = value {
                for (index, (k, v)) in entries.iter().enumerate() {
                    if spaced && index > 0 {
                        out.push('\n');
                    }
                    write_entry(out, indent + 2, k, v, false);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_where_needed() {
        assert_eq!(scalar("crm.deal.add"), "crm.deal.add");
        assert_eq!(scalar("id[]"), "\"id[]\"");
        assert_eq!(scalar("Y"), "\"Y\"");
        assert_eq!(scalar("1C"), "\"1C\"");
        assert_eq!(scalar("a \"b\""), "\"a \\\"b\\\"\"");
        assert_eq!(scalar("api-reference/a.md#x"), "api-reference/a.md#x");
    }

    #[test]
    fn writes_block_and_flow_maps() {
        let root = Yaml::Map(vec![
            ("scope".into(), Yaml::str("crm")),
            (
                "methods".into(),
                Yaml::Map(vec![(
                    "a.b".into(),
                    Yaml::Map(vec![
                        ("kind".into(), Yaml::str("read")),
                        (
                            "params".into(),
                            Yaml::Map(vec![(
                                "id".into(),
                                Yaml::Map(vec![
                                    ("type".into(), Yaml::str("id")),
                                    ("required".into(), Yaml::Bool(true)),
                                ]),
                            )]),
                        ),
                    ]),
                )]),
            ),
        ]);
        assert_eq!(
            to_yaml(&["h".into()], &root),
            "# h\nscope: crm\n\nmethods:\n  a.b:\n    kind: read\n    params:\n      id: { type: id, required: true }\n"
        );
    }
}
