//! Field tables: a `#| ... |#` table whose rows are documented fields or parameters
//! (`|| **NAME*** [`type`](...) | description ||`), read into [`FieldTable`] rows with
//! their names, required markers, types and descriptions.
//!
//! Three layouts are read: the name and its type in one cell under a `**Name**` +
//! `` `type` `` header (or `**Parameter** / **Type**`), a separate type column, and a
//! two-column table with no header whose first row is already a field. Tables of other
//! things (error codes, value lists) are not field tables.

use super::markdown::{self, Table};

/// A table of named, typed rows.
#[derive(Debug)]
pub(crate) struct FieldTable {
    /// 1-based line of the `#|`.
    pub(crate) line: usize,
    /// The heading's anchor or parameter name the table sits under, if any.
    pub(crate) key: Option<String>,
    /// Rows after the header.
    pub(crate) rows: Vec<Row>,
}

/// One documented field or parameter.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// The wire name.
    pub(crate) name: String,
    /// Marked with `*` (or `^*^`).
    pub(crate) required: bool,
    /// The type code spans, each with its link target.
    pub(crate) types: Vec<(String, Option<String>)>,
    /// The description cell.
    pub(crate) description: String,
}

/// Strip markdown emphasis and code marks from a header cell.
fn plain(cell: &str) -> String {
    cell.replace(['*', '`'], "").trim().to_ascii_lowercase()
}

/// A table with a type column -> its rows, plus one message per row that could not be
/// read; `None` for tables without types (error codes, value lists).
pub(crate) fn field_table(table: &Table) -> Option<(FieldTable, Vec<String>)> {
    let header = table.rows.first()?;
    let first = header.first().map(|cell| plain(cell)).unwrap_or_default();
    let words: Vec<&str> = first
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    // `**Name**` + `` `type` `` in one cell, `**Parameter** / **Type**`; a two-column
    // `**Field** | **Description**` table whose names carry their types (or none); or a
    // table without a header whose first row is already a `**NAME**` + `` `type` `` row.
    let header_words = ["name", "field", "parameter", "value", "key", "type"];
    let combined = (words.contains(&"type")
        && words.len() > 1
        && words.iter().all(|w| header_words.contains(w)))
        || (header.len() == 2
            && matches!(
                first.as_str(),
                "name" | "field" | "parameter" | "parameter name"
            )
            && plain(&header[1]) == "description"
            && table.rows[1..].iter().all(|row| {
                row.first()
                    .is_some_and(|cell| cell.trim_start().starts_with("**"))
            }));
    let headerless = !combined
        && header.len() == 2
        && header.first().is_some_and(|cell| {
            bold_name(cell).is_some_and(|(_, _, rest)| !markdown::code_spans(rest).is_empty())
        });
    let separate = !combined && !headerless && header.len() >= 3 && plain(&header[1]) == "type";
    if !combined && !separate && !headerless {
        return None;
    }
    let skip = usize::from(!headerless);
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (number, cells) in table.rows.iter().enumerate().skip(skip) {
        let parsed = if combined || headerless {
            combined_row(cells)
        } else {
            separate_row(cells)
        };
        match parsed {
            Ok(row) => rows.push(row),
            Err(reason) => problems.push(format!("row {number}: {reason}")),
        }
    }
    either_will_do(&mut rows);
    Some((
        FieldTable {
            line: table.line,
            key: None,
            rows,
        },
        problems,
    ))
}

/// Rows of which the table says any one will do ("At least one of the parameters must be
/// specified: `IBLOCK_ID` or `IBLOCK_CODE`", both marked required): none of them is
/// required alone.
fn either_will_do(rows: &mut [Row]) {
    let named: Vec<String> = rows
        .iter()
        .flat_map(|row| {
            let lower = row.description.to_ascii_lowercase();
            let Some(at) = lower.find("at least one of the parameters") else {
                return Vec::new();
            };
            let sentence = row.description[at..].lines().next().unwrap_or_default();
            markdown::code_spans(sentence)
                .into_iter()
                .map(|(span, _)| span)
                .collect()
        })
        .collect();
    if named.len() < 2 {
        return;
    }
    for row in rows.iter_mut().filter(|row| named.contains(&row.name)) {
        row.required = false;
    }
}

/// Split `**NAME***...` into the clean name, the required marker and the rest.
fn bold_name(cell: &str) -> Option<(String, bool, &str)> {
    let start = cell.find("**")?;
    let inner = &cell[start + 2..];
    let end = inner.find("**")?;
    let raw = &inner[..end];
    let mut rest = &inner[end + 2..];
    let mut required = false;
    let mut name = raw.trim().trim_matches('`').to_owned();
    for marker in ["^*^", "\\*"] {
        if let Some(stripped) = name.strip_suffix(marker) {
            name = stripped.trim_end().to_owned();
            required = true;
        }
    }
    if let Some(stripped) = name.strip_suffix('*') {
        name = stripped.trim_end().to_owned();
        required = true;
    }
    if let Some(after) = rest.strip_prefix("^*^") {
        rest = after;
        required = true;
    } else if rest.starts_with('*') && !rest.starts_with("**") {
        rest = &rest[1..];
        required = true;
    }
    let name = name.replace('\\', "");
    Some((name, required, rest))
}

fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("empty name".to_owned());
    }
    if name.chars().any(char::is_whitespace) {
        return Err(format!("`{name}` is not a field name"));
    }
    Ok(())
}

fn combined_row(cells: &[String]) -> Result<Row, String> {
    let [first, description, ..] = cells else {
        return Err("fewer than two cells".to_owned());
    };
    let (name, required, rest) =
        bold_name(first).ok_or_else(|| "no **NAME** in the first cell".to_owned())?;
    check_name(&name)?;
    Ok(Row {
        name,
        required,
        types: markdown::code_spans(rest),
        description: description.clone(),
    })
}

fn separate_row(cells: &[String]) -> Result<Row, String> {
    let [first, ty, description, ..] = cells else {
        return Err("fewer than three cells".to_owned());
    };
    let (name, required) = match bold_name(first) {
        Some((name, required, _)) => (name, required),
        None => (first.trim().trim_matches('`').to_owned(), false),
    };
    check_name(&name)?;
    let mut types = markdown::code_spans(ty);
    if types.is_empty() && !ty.trim().is_empty() {
        types.push((ty.trim().to_owned(), None));
    }
    Ok(Row {
        name,
        required,
        types,
        description: description.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_markers() {
        for (cell, name, required) in [
            ("**id***\n[`integer`](x)", "id", true),
            ("**id^*^**\n[`integer`](x)", "id", true),
            ("**id**^*^\n[`integer`](x)", "id", true),
            ("**id**\n[`integer`](x)", "id", false),
            ("**weight****\n[`integer`](x)", "weight", false),
        ] {
            let (n, r, _) = bold_name(cell).unwrap();
            assert_eq!((n.as_str(), r), (name, required), "{cell}");
        }
    }

    #[test]
    fn parameters_of_which_one_will_do_are_not_required_alone() {
        let row = |cells: &[&str]| cells.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
        let table = Table {
            line: 1,
            rows: vec![
                row(&["**Name**\n`type`", "**Description**"]),
                row(&["**IBLOCK_ID***\n[`integer`](x)", "the list"]),
                row(&[
                    "**IBLOCK_CODE***\n[`string`](x)",
                    "its code\n\nAt least one of the parameters must be specified: \
                     `IBLOCK_ID` or `IBLOCK_CODE`\n\nSee `lists.get`",
                ]),
                row(&["**FIELDS***\n[`object`](x)", "what to set"]),
            ],
            warnings: Vec::new(),
        };
        let (fields, problems) = field_table(&table).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        let required: Vec<(&str, bool)> = fields
            .rows
            .iter()
            .map(|row| (row.name.as_str(), row.required))
            .collect();
        assert_eq!(
            required,
            [
                ("IBLOCK_ID", false),
                ("IBLOCK_CODE", false),
                ("FIELDS", true)
            ]
        );
    }
}
