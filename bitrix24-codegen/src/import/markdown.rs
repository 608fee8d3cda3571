//! Page tokenizer: one docs page (YFM markdown) -> title, `> Scope:` line, headings,
//! `{% note %}` blocks, fenced code blocks and `#| ... |#` tables split into rows and cells.
//!
//! Nothing here knows what a parameter is; [`super::page`] interprets the blocks. The
//! tokenizer never panics: anything it cannot read becomes a [`TableError`] or plain text.

/// A tokenized page.
#[derive(Debug, Default)]
pub(crate) struct Page {
    /// The text of the first `# ` heading.
    pub(crate) title: Option<String>,
    /// The first `> Scope: ...` line, as written.
    pub(crate) scope_line: Option<String>,
    /// Headings, notes, code blocks and tables in page order.
    pub(crate) blocks: Vec<Block>,
}

/// One block of a page.
#[derive(Debug)]
pub(crate) enum Block {
    /// `## Title {#anchor}`
    Heading(Heading),
    /// `{% note kind "header" %} text {% endnote %}`
    Note {
        /// The opening line (`{% note warning "DEPRECATED" %}`).
        header: String,
        /// Everything up to `{% endnote %}`.
        text: String,
    },
    /// A fenced code block.
    Code {
        /// The info string, lowercase (`json`).
        lang: String,
        /// The contents.
        text: String,
    },
    /// A `#| ... |#` table, or why it could not be read.
    Table(Result<Table, TableError>),
    /// A line of prose that links another page (`[rpa.item.get](./rpa-item-get.md)`),
    /// as written: what says one reply is another's.
    Prose(String),
}

/// A heading.
#[derive(Debug)]
pub(crate) struct Heading {
    /// 1 for `#`, 2 for `##`, ...
    pub(crate) level: usize,
    /// The text without the `#`s and the `{#anchor}`.
    pub(crate) text: String,
    /// The explicit anchor (`{#fields}` -> `fields`).
    pub(crate) anchor: Option<String>,
}

/// A table: rows of cells, each cell's markdown as written (nested tables included).
#[derive(Debug)]
pub(crate) struct Table {
    /// 1-based line of the `#|`.
    pub(crate) line: usize,
    /// Rows; the first is the header.
    pub(crate) rows: Vec<Vec<String>>,
    /// Flaws read around (an unclosed last row).
    pub(crate) warnings: Vec<String>,
}

/// A table that could not be read.
#[derive(Debug, Clone)]
pub(crate) struct TableError {
    /// 1-based line of the `#|`.
    pub(crate) line: usize,
    /// What is wrong.
    pub(crate) reason: String,
}

/// The opening fence of a fenced code block (```` ``` ```` or `~~~`), if `line` is one.
/// A line that opens and closes inline (```` ```a | b``` ````) is not a fence.
fn fence_open(trimmed: &str) -> Option<&str> {
    let marker_char = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = trimmed.chars().take_while(|c| *c == marker_char).count();
    if len < 3 {
        return None;
    }
    let marker = &trimmed[..len];
    let rest = &trimmed[len..];
    if marker_char == '`' && rest.contains('`') {
        return None;
    }
    Some(marker)
}

fn fence_closes(trimmed: &str, marker: &str) -> bool {
    let Some(c) = marker.chars().next() else {
        return false;
    };
    let len = trimmed.chars().take_while(|x| *x == c).count();
    len >= marker.len() && trimmed[len..].trim().is_empty()
}

fn is_table_open(trimmed: &str) -> bool {
    trimmed
        .strip_prefix("#|")
        .is_some_and(|rest| rest.trim().is_empty())
}

fn is_table_close(trimmed: &str) -> bool {
    trimmed.starts_with("|#")
}

/// Split a heading line into level, text and anchor.
fn heading(line: &str) -> Option<Heading> {
    let level = line.chars().take_while(|c| *c == '#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = line[level..].strip_prefix(' ')?;
    let mut text = rest.trim().to_owned();
    let mut anchor = None;
    if text.ends_with('}') {
        if let Some(start) = text.rfind("{#") {
            let name = text[start + 2..text.len() - 1].trim().to_owned();
            if !name.is_empty() {
                anchor = Some(name);
            }
            text = text[..start].trim().to_owned();
        }
    }
    Some(Heading {
        level,
        text,
        anchor,
    })
}

/// Tokenize a page.
pub(crate) fn parse_page(text: &str) -> Page {
    let lines: Vec<&str> = text.lines().collect();
    let mut page = Page::default();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim();
        if let Some(marker) = fence_open(trimmed) {
            let lang = trimmed[marker.len()..].trim().to_lowercase();
            let mut j = i + 1;
            while j < lines.len() && !fence_closes(lines[j].trim(), marker) {
                j += 1;
            }
            let body = lines[i + 1..j.min(lines.len())].join("\n");
            page.blocks.push(Block::Code { lang, text: body });
            i = j + 1;
            continue;
        }
        if is_table_open(trimmed) {
            let (block, next) = read_table(&lines, i);
            page.blocks.push(Block::Table(block));
            i = next;
            continue;
        }
        if trimmed.starts_with("{% note") {
            let end = lines[i + 1..]
                .iter()
                .position(|l| l.trim().starts_with("{% endnote"));
            if let Some(offset) = end {
                let j = i + 1 + offset;
                page.blocks.push(Block::Note {
                    header: trimmed.to_owned(),
                    text: lines[i + 1..j].join("\n"),
                });
                i = j + 1;
                continue;
            }
        }
        if let Some(h) = heading(line) {
            if h.level == 1 && page.title.is_none() {
                page.title = Some(h.text.clone());
            }
            page.blocks.push(Block::Heading(h));
        } else if page.scope_line.is_none() && trimmed.starts_with("> Scope") {
            page.scope_line = Some(trimmed.to_owned());
        } else if trimmed.contains(".md)") && !trimmed.starts_with('-') {
            // List items are "Continue learning" links, not statements.
            page.blocks.push(Block::Prose(trimmed.to_owned()));
        }
        i += 1;
    }
    page
}

/// Read the table opening at `lines[start]`; returns the table and the next line index.
fn read_table(lines: &[&str], start: usize) -> (Result<Table, TableError>, usize) {
    let mut depth = 1usize;
    let mut fence: Option<&str> = None;
    let mut j = start + 1;
    while j < lines.len() {
        let t = lines[j].trim();
        if let Some(marker) = fence {
            if t.starts_with(marker) {
                fence = None;
            }
        } else if let Some(marker) = fence_open(t) {
            fence = Some(marker);
        } else if is_table_open(t) {
            depth += 1;
        } else if is_table_close(t) {
            depth -= 1;
            if depth == 0 {
                break;
            }
        }
        j += 1;
    }
    if j >= lines.len() {
        let error = TableError {
            line: start + 1,
            reason: "the table is not closed (no `|#`)".to_owned(),
        };
        // Only the opening line is consumed: the rest of the page is read as usual.
        return (Err(error), start + 1);
    }
    let body = &lines[start + 1..j];
    (split_rows(body, start + 2), j + 1)
}

/// Split a table body into rows (`|| ... ||`) and cells (`|`), keeping code spans,
/// fenced code and nested tables inside a cell intact. `first_line` is 1-based.
fn split_rows(body: &[&str], first_line: usize) -> Result<Table, TableError> {
    let table_line = first_line.saturating_sub(1);
    let fail = |line: usize, reason: String| TableError {
        line: table_line,
        reason: format!("line {line}: {reason}"),
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut in_row = false;
    let mut nested = 0usize;
    let mut fence: Option<&str> = None;
    for (offset, line) in body.iter().enumerate() {
        let number = first_line + offset;
        let t = line.trim();
        let chars: Vec<char> = line.chars().collect();
        let mut k = 0;
        if let Some(marker) = fence {
            // In a cell, a closing fence may be followed by the row end (```` ``` || ````).
            if t.starts_with(marker) {
                fence = None;
                let lead = chars.iter().take_while(|c| c.is_whitespace()).count();
                let run = t.chars().take_while(|c| marker.starts_with(*c)).count();
                k = lead + run;
                cell.extend(&chars[..k]);
            } else {
                cell.push_str(line);
                cell.push('\n');
                continue;
            }
        }
        if k == 0 && (nested > 0 || is_table_open(t)) {
            if !in_row {
                return Err(fail(number, "a nested table outside a row".to_owned()));
            }
            if is_table_open(t) {
                nested += 1;
            } else if is_table_close(t) {
                nested -= 1;
            }
            cell.push_str(line);
            cell.push('\n');
            continue;
        }
        if let Some(marker) = fence_open(t).filter(|_| k == 0) {
            if !in_row {
                return Err(fail(number, "a code block outside a row".to_owned()));
            }
            fence = Some(marker);
            cell.push_str(line);
            cell.push('\n');
            continue;
        }
        while k < chars.len() {
            let c = chars[k];
            if c == '\\' && chars.get(k + 1) == Some(&'|') {
                if in_row {
                    cell.push_str("\\|");
                }
                k += 2;
                continue;
            }
            if c == '`' {
                if !in_row {
                    return Err(fail(number, "text outside a row".to_owned()));
                }
                let run = chars[k..].iter().take_while(|x| **x == '`').count();
                let end = closing_run(&chars, k + run, run).map_or(k + run, |end| end + run);
                cell.extend(&chars[k..end]);
                k = end;
                continue;
            }
            if c == '|' {
                if chars.get(k + 1) == Some(&'|') {
                    if in_row {
                        row.push(std::mem::take(&mut cell).trim().to_owned());
                        rows.push(std::mem::take(&mut row));
                        in_row = false;
                    } else {
                        in_row = true;
                    }
                    k += 2;
                } else {
                    if !in_row {
                        return Err(fail(number, "a `|` outside a row".to_owned()));
                    }
                    row.push(std::mem::take(&mut cell).trim().to_owned());
                    k += 1;
                }
                continue;
            }
            if in_row {
                cell.push(c);
            } else if !c.is_whitespace() {
                return Err(fail(number, "text outside a row".to_owned()));
            }
            k += 1;
        }
        if in_row {
            cell.push('\n');
        }
    }
    let last = first_line + body.len();
    if fence.is_some() {
        return Err(fail(
            last,
            "a code block in a cell is not closed".to_owned(),
        ));
    }
    if nested > 0 {
        return Err(fail(last, "a nested table is not closed".to_owned()));
    }
    let mut warnings = Vec::new();
    if in_row {
        // Read as if the `||` were there, and say so.
        row.push(cell.trim().to_owned());
        rows.push(row);
        warnings.push(format!(
            "line {last}: the last row is not closed with `||` (read as if it were)"
        ));
    }
    Ok(Table {
        line: table_line,
        rows,
        warnings,
    })
}

/// Where a run of exactly `run` backticks starts at or after `from`.
fn closing_run(chars: &[char], from: usize, run: usize) -> Option<usize> {
    let mut k = from;
    while k < chars.len() {
        if chars[k] == '`' {
            let len = chars[k..].iter().take_while(|x| **x == '`').count();
            if len == run {
                return Some(k);
            }
            k += len;
        } else {
            k += 1;
        }
    }
    None
}

/// The inline code spans of `text`, each with the link target that follows it when it
/// is written as a link label (`` [`type`](target) ``).
pub(crate) fn code_spans(text: &str) -> Vec<(String, Option<String>)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        if chars[k] != '`' {
            k += 1;
            continue;
        }
        let run = chars[k..].iter().take_while(|x| **x == '`').count();
        let Some(end) = closing_run(&chars, k + run, run) else {
            k += run;
            continue;
        };
        let content: String = chars[k + run..end].iter().collect();
        let after = end + run;
        let mut link = None;
        let linked = k > 0 && chars[k - 1] == '[';
        if linked {
            // Skip to the `](` that closes the label.
            let mut m = after;
            while m < chars.len() && chars[m] != ']' && chars[m] != '\n' {
                m += 1;
            }
            if chars.get(m) == Some(&']') && chars.get(m + 1) == Some(&'(') {
                let target: String = chars[m + 2..]
                    .iter()
                    .take_while(|c| **c != ')' && !c.is_whitespace())
                    .collect();
                link = Some(target);
            }
        }
        out.push((content.trim().to_owned(), link));
        k = after;
    }
    out
}

/// Link targets of every markdown link `[label](target)` in `text`, with their labels.
pub(crate) fn links(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(pos) = rest.find("](") {
        let before = &rest[..pos];
        let label = before
            .rfind('[')
            .map(|start| before[start + 1..].to_owned())
            .unwrap_or_default();
        let after = &rest[pos + 2..];
        let target: String = after
            .chars()
            .take_while(|c| *c != ')' && !c.is_whitespace())
            .collect();
        rest = &after[target.len().min(after.len())..];
        out.push((label, target));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_span_lines_and_keep_code_and_nested_tables() {
        let text = "# T a.b\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **id***\n[`integer`](x.md) | Id.\n\n```\n{ a | b }\n```\n||\n|| **kind**\n[```string | boolean```](x.md) | One of:\n\n#|\n||A|a||\n|#\n||\n|#\n";
        let page = parse_page(text);
        assert_eq!(page.title.as_deref(), Some("T a.b"));
        let Some(Block::Table(Ok(table))) = page.blocks.get(1) else {
            panic!("no table: {:?}", page.blocks);
        };
        assert_eq!(table.rows.len(), 3);
        assert_eq!(table.rows[1].len(), 2);
        assert!(table.rows[1][1].contains("{ a | b }"));
        assert_eq!(table.rows[2].len(), 2);
        assert!(table.rows[2][1].contains("||A|a||"));
        let spans = code_spans(&table.rows[2][0]);
        assert_eq!(
            spans,
            vec![("string | boolean".to_owned(), Some("x.md".to_owned()))]
        );
    }

    #[test]
    fn unclosed_tables_are_errors() {
        let page = parse_page("#|\n|| a | b ||\n\n## Next\n");
        assert!(matches!(page.blocks[0], Block::Table(Err(_))));
        assert!(matches!(page.blocks[1], Block::Heading(_)));
        let page = parse_page("#|\n|| a | b \n|#\n");
        let Block::Table(Ok(table)) = &page.blocks[0] else {
            panic!("{:?}", page.blocks);
        };
        assert_eq!(table.rows, vec![vec!["a".to_owned(), "b".to_owned()]]);
        assert_eq!(table.warnings.len(), 1);
    }

    #[test]
    fn headings_carry_anchors() {
        let h = heading("### Parameter fields {#fields}").unwrap();
        assert_eq!((h.level, h.text.as_str()), (3, "Parameter fields"));
        assert_eq!(h.anchor.as_deref(), Some("fields"));
    }
}
