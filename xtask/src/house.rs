//! `cargo xtask house`: the two layout rules a reviewer cannot check by eye across a
//! workspace: no hand-written production file over [`MAX_LINES`] lines, and no import
//! circle between the production modules of a crate (module A names an item of module B
//! while B, directly or through others, names an item of A).
//!
//! Production means: `src/` of each crate, without `generated/` (judged by the
//! generator's tests) and without `#[cfg(test)]` modules. The reading is textual (no
//! compiler): `use` trees and inline `crate::`/`super::`/`self::` paths are resolved to
//! the module file that defines the item, following `pub use` re-exports, so a facade
//! that re-exports (a crate root, a `mod.rs`) is not mistaken for the item's home.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The longest a hand-written production source file may be.
pub(crate) const MAX_LINES: usize = 1000;

/// What `house` found in one workspace.
#[derive(Debug, Default)]
pub(crate) struct Report {
    /// `(file, lines)` of production files over [`MAX_LINES`].
    pub(crate) long_files: Vec<(PathBuf, usize)>,
    /// Per crate, each circle as the modules on it (`crate::a`, `crate::b`, ...).
    pub(crate) circles: Vec<(String, Vec<String>)>,
    /// For each circle of `circles`, its edges: `from -> to (a path from names)`.
    pub(crate) circle_edges: Vec<Vec<String>>,
}

impl Report {
    pub(crate) fn is_clean(&self) -> bool {
        self.long_files.is_empty() && self.circles.is_empty()
    }

    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        for (file, lines) in &self.long_files {
            let _ = writeln!(
                out,
                "long file: {} ({lines} lines > {MAX_LINES})",
                file.display()
            );
        }
        for ((krate, members), edges) in self.circles.iter().zip(&self.circle_edges) {
            let _ = writeln!(out, "import circle in {krate}: {}", members.join(" <-> "));
            for edge in edges {
                let _ = writeln!(out, "    {edge}");
            }
        }
        if self.is_clean() {
            out.push_str("house: no long files, no import circles\n");
        }
        out
    }
}

/// Checks every crate directory under `root` that has a `Cargo.toml` and a `src/`.
pub(crate) fn check(root: &Path) -> std::io::Result<Report> {
    let mut report = Report::default();
    let mut crates: Vec<PathBuf> = std::fs::read_dir(root)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.join("Cargo.toml").is_file() && path.join("src").is_dir())
        .collect();
    crates.sort();
    for dir in crates {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let files = production_files(&dir.join("src"))?;
        let mut modules = BTreeMap::new();
        // Generated code names this crate by its own name (`::bitrix24_types::...`).
        let own = format!("{}::", name.replace('-', "_"));
        for (module, path) in files {
            let source = std::fs::read_to_string(&path)?;
            let text = strip_test_modules(&strip_comments(&source))
                .replace(&format!("::{own}"), "crate::")
                .replace(&format!(" {own}"), " crate::");
            let lines = source.lines().count();
            let generated = path.components().any(|c| c.as_os_str() == "generated");
            if lines > MAX_LINES && !generated {
                report.long_files.push((
                    path.strip_prefix(root).unwrap_or(&path).to_path_buf(),
                    lines,
                ));
            }
            modules.insert(module, text);
        }
        let (found, edges) = circles_with_edges(&modules);
        for circle in found {
            let within: Vec<String> = edges
                .iter()
                .filter(|((from, to), _)| circle.contains(from) && circle.contains(to))
                .map(|((from, to), path)| format!("{from} -> {to} ({path})"))
                .collect();
            report.circle_edges.push(within);
            report.circles.push((name.clone(), circle));
        }
    }
    Ok(report)
}

/// `(module path, file)` of each production file under `src`: `lib.rs`/`main.rs` are the
/// root `crate`, `a.rs` and `a/mod.rs` are `crate::a`, `a/b.rs` is `crate::a::b`.
fn production_files(src: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "tests") {
                    stack.push(path);
                }
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).unwrap_or(&path);
            let mut parts: Vec<String> = relative
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            let last = parts.pop().unwrap_or_default();
            let stem = last.trim_end_matches(".rs");
            if !(parts.is_empty() && (stem == "lib" || stem == "main")) && stem != "mod" {
                parts.push(stem.to_owned());
            }
            let module = std::iter::once("crate".to_owned())
                .chain(parts)
                .collect::<Vec<_>>()
                .join("::");
            out.push((module, path));
        }
    }
    out.sort();
    // A file that its parent declares under `#[cfg(test)]` is a test module.
    let test_only: BTreeSet<String> = out
        .iter()
        .filter_map(|(module, path)| std::fs::read_to_string(path).ok().map(|t| (module, t)))
        .flat_map(|(module, text)| {
            test_module_names(&text)
                .into_iter()
                .map(move |child| format!("{module}::{child}"))
        })
        .collect();
    out.retain(|(module, _)| {
        !test_only
            .iter()
            .any(|t| module == t || module.starts_with(&format!("{t}::")))
    });
    Ok(out)
}

/// Names of `mod x;` declarations preceded by `#[cfg(test)]`.
fn test_module_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut cfg_test = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with("#[cfg(test)]") {
            cfg_test = true;
            continue;
        }
        if cfg_test {
            let decl = line
                .trim_start_matches("pub(crate) ")
                .trim_start_matches("pub ");
            if let Some(name) = decl.strip_prefix("mod ").and_then(|r| r.strip_suffix(';')) {
                names.push(name.trim().to_owned());
            }
            if !line.starts_with("#[") {
                cfg_test = false;
            }
        }
    }
    names
}

/// The text with `//` and `/* */` comments and string and char literals blanked, so
/// braces and paths inside them are not read as code.
fn strip_comments(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            let end = rest.find('\n').unwrap_or(rest.len());
            i += end;
        } else if rest.starts_with("/*") {
            let end = rest.find("*/").map_or(rest.len(), |e| e + 2);
            out.extend(rest[..end].chars().filter(|c| *c == '\n'));
            i += end;
        } else if let Some(len) = raw_string_len(rest) {
            out.push_str("\"\"");
            out.extend(rest[..len].chars().filter(|c| *c == '\n'));
            i += len;
        } else if rest.starts_with('"') {
            let mut j = 1;
            let rb = rest.as_bytes();
            while j < rb.len() && rb[j] != b'"' {
                j += if rb[j] == b'\\' { 2 } else { 1 };
            }
            out.push_str("\"\"");
            out.extend(rest[..j.min(rest.len())].chars().filter(|c| *c == '\n'));
            i += (j + 1).min(rest.len());
        } else if let Some(len) = char_literal_len(rest) {
            out.push_str("' '");
            i += len;
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The length of a raw string literal (`r"..."`, `r#"..."#`, `br"..."`) at the start.
fn raw_string_len(rest: &str) -> Option<usize> {
    let body = rest.strip_prefix("br").or_else(|| rest.strip_prefix('r'))?;
    let hashes = body.len() - body.trim_start_matches('#').len();
    let after = body[hashes..].strip_prefix('"')?;
    let close = format!("\"{}", "#".repeat(hashes));
    let end = after.find(&close)?;
    Some(rest.len() - after.len() + end + close.len())
}

/// The length of a char literal (`'x'`, `'\n'`, `'\u{1F600}'`) at the start; `None` for
/// a lifetime.
fn char_literal_len(rest: &str) -> Option<usize> {
    let body = rest.strip_prefix('\'')?;
    if let Some(escaped) = body.strip_prefix('\\') {
        let end = escaped.find('\'')?;
        return (end <= 10).then_some(end + 3);
    }
    let c = body.chars().next()?;
    body[c.len_utf8()..]
        .starts_with('\'')
        .then_some(c.len_utf8() + 2)
}

/// The text without `#[cfg(test)] mod name { ... }` blocks.
fn strip_test_modules(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "#[cfg(test)]".len()..];
        let item = after.trim_start();
        let is_block_mod =
            item.starts_with("mod ") && item.find('{').is_some_and(|b| !item[..b].contains(';'));
        if !is_block_mod {
            out.push_str("#[cfg(test)]");
            rest = after;
            continue;
        }
        let open = after.find('{').unwrap_or(after.len());
        let mut depth = 0usize;
        let mut end = after.len();
        for (i, c) in after[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Every path a module names: each leaf of its `use` trees and each inline path that
/// starts with `crate`, `super` or `self`, as segments (`["crate", "a", "B"]`).
/// A path as its segments (`["crate", "a", "B"]`).
type Segments = Vec<String>;

fn paths(text: &str) -> (Vec<Segments>, Vec<(String, Segments)>) {
    let mut uses = Vec::new();
    let mut reexports = Vec::new();
    let mut search = 0;
    // `use` statements, including `pub use` and `pub(crate) use`.
    while let Some(found) = text[search..].find("use ") {
        let at = search + found;
        search = at + 4;
        let before = text[..at].trim_end();
        let is_start = before.is_empty()
            || before.ends_with(';')
            || before.ends_with('{')
            || before.ends_with('}')
            || before.ends_with(']')
            || before.ends_with("pub")
            || before.ends_with(')');
        let prev_char = text[..at].chars().last();
        if !is_start || prev_char.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let is_pub = before.ends_with("pub")
            || before.ends_with("pub(crate)")
            || before.ends_with("pub(super)");
        let Some(end) = text[at..].find(';') else {
            break;
        };
        let tree: String = text[at + 4..at + end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut leaves = Vec::new();
        expand(&tree, &mut Vec::new(), &mut leaves);
        for (alias, leaf) in leaves {
            if is_pub {
                reexports.push((alias, leaf.clone()));
            }
            uses.push(leaf);
        }
        search = at + end;
    }
    // Inline paths: `crate::a::b(...)`, `super::x::Y`.
    for anchor in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(found) = text[from..].find(anchor) {
            let at = from + found;
            from = at + anchor.len();
            let prev = text[..at].chars().last();
            if prev.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let path: String = text[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let segments: Vec<String> = path
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            uses.push(segments);
        }
    }
    (uses, reexports)
}

/// Expands a `use` tree (`crate::a::{b::C, d as e, f::*}`) into `(name, path)` leaves.
fn expand(tree: &str, prefix: &mut Vec<String>, out: &mut Vec<(String, Vec<String>)>) {
    let tree = tree.trim_start_matches("::");
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = tree[..open]
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let depth_before = prefix.len();
        prefix.extend(head);
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[start..i], prefix, out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        if start < inner.len() {
            expand(&inner[start..], prefix, out);
        }
        prefix.truncate(depth_before);
        return;
    }
    if tree.is_empty() {
        return;
    }
    let (path, alias) = match tree.split_once("as") {
        Some((path, alias))
            if path.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '*')
                && !alias.contains("::") =>
        {
            (path, Some(alias))
        }
        _ => (tree, None),
    };
    let mut segments = prefix.clone();
    segments.extend(
        path.split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
    );
    let name = alias
        .map(str::to_owned)
        .unwrap_or_else(|| segments.last().cloned().unwrap_or_default());
    out.push((name, segments));
}

/// Makes a path absolute (`crate::...`) from the module it is written in; `None` for
/// paths into other crates.
fn absolute(module: &str, segments: &[String], modules: &BTreeSet<String>) -> Option<Vec<String>> {
    let mut base: Vec<String> = module.split("::").map(str::to_owned).collect();
    let mut rest = segments;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            base.truncate(1);
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        Some("super") => {
            while rest.first().is_some_and(|s| s == "super") {
                if base.len() > 1 {
                    base.pop();
                }
                rest = &rest[1..];
            }
        }
        // A relative path (`use rest::serve;` in the module that declares `rest`).
        Some(first) if modules.contains(&format!("{module}::{first}")) => {}
        _ => return None,
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// What resolution needs to know of a crate's modules.
struct Modules<'a> {
    names: BTreeSet<String>,
    texts: &'a BTreeMap<String, String>,
    /// Per module, `pub use` leaves by the name they give (`pub use a::B as C` -> `C`).
    reexports: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    /// Per module, the modules it re-exports whole (`pub use a::*`).
    globs: BTreeMap<String, Vec<Vec<String>>>,
}

impl Modules<'_> {
    /// The module that defines what `path` names: the longest module prefix, following
    /// that module's `pub use` re-exports (named, then globs) of the next segment.
    fn resolve(&self, path: &[String], depth: usize) -> Option<String> {
        let (module, used) = (1..=path.len())
            .rev()
            .map(|len| (path[..len].join("::"), len))
            .find(|(candidate, _)| self.names.contains(candidate))?;
        let Some(next) = path.get(used).filter(|_| depth < 8) else {
            return Some(module);
        };
        if let Some(target) = self.reexports.get(&module).and_then(|r| r.get(next)) {
            let mut followed = target.clone();
            followed.extend(path[used + 1..].iter().cloned());
            if let Some(found) = self.resolve(&followed, depth + 1) {
                return Some(found);
            }
        }
        if !self.defines(&module, next) {
            for glob in self.globs.get(&module).into_iter().flatten() {
                let mut followed = glob.clone();
                followed.extend(path[used..].iter().cloned());
                if let Some(found) = self.resolve(&followed, depth + 1) {
                    if found != glob.join("::") || self.defines(&found, next) {
                        return Some(found);
                    }
                }
            }
        }
        Some(module)
    }

    /// Whether `module`'s own text defines an item called `name`.
    fn defines(&self, module: &str, name: &str) -> bool {
        let Some(text) = self.texts.get(module) else {
            return false;
        };
        [
            "fn ",
            "struct ",
            "enum ",
            "trait ",
            "type ",
            "const ",
            "static ",
            "mod ",
            "union ",
            "macro_rules! ",
        ]
        .iter()
        .any(|keyword| {
            let needle = format!("{keyword}{name}");
            text.match_indices(&needle).any(|(at, _)| {
                let after = text[at + needle.len()..].chars().next();
                let before = text[..at].chars().last();
                !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
                    && !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
        })
    }
}

/// The circles (strongly connected components of two or more modules) of the module
/// graph, where an edge A -> B means A names an item B defines.
#[cfg(test)]
fn circles(modules: &BTreeMap<String, String>) -> Vec<Vec<String>> {
    circles_with_edges(modules).0
}

/// Each edge `(from, to)` of a module graph with the first path that made it.
type EdgePaths = BTreeMap<(String, String), String>;

/// The circles (strongly connected components of two or more modules) of the module
/// graph, and each edge of the graph with the first path that made it.
fn circles_with_edges(modules: &BTreeMap<String, String>) -> (Vec<Vec<String>>, EdgePaths) {
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    let mut raw = BTreeMap::new();
    let mut graph = Modules {
        names: names.clone(),
        texts: modules,
        reexports: BTreeMap::new(),
        globs: BTreeMap::new(),
    };
    for (module, text) in modules {
        let (uses, pubs) = paths(text);
        for (alias, path) in pubs {
            let Some(abs) = absolute(module, &path, &names) else {
                continue;
            };
            if alias == "*" {
                let whole = abs[..abs.len() - 1].to_vec();
                graph.globs.entry(module.clone()).or_default().push(whole);
            } else if alias != "self" {
                graph
                    .reexports
                    .entry(module.clone())
                    .or_default()
                    .insert(alias, abs);
            }
        }
        raw.insert(module.clone(), uses);
    }
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut examples = BTreeMap::new();
    for (module, uses) in &raw {
        for path in uses {
            let Some(abs) = absolute(module, path, &names) else {
                continue;
            };
            let abs: Vec<String> = abs.into_iter().filter(|s| s != "*").collect();
            if let Some(target) = graph.resolve(&abs, 0) {
                if &target != module {
                    examples
                        .entry((module.clone(), target.clone()))
                        .or_insert_with(|| path.join("::"));
                    edges.entry(module.clone()).or_default().insert(target);
                }
            }
        }
    }
    (strongly_connected(&names, &edges), examples)
}

/// Tarjan's algorithm; components of one node are not circles.
fn strongly_connected(
    nodes: &BTreeSet<String>,
    edges: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(state: &mut State<'a>, node: &'a str) {
        state.index.insert(node, state.next);
        state.low.insert(node, state.next);
        state.next += 1;
        state.stack.push(node);
        state.on_stack.insert(node);
        let edges = state.edges;
        for target in edges.get(node).into_iter().flatten() {
            let target = target.as_str();
            if !state.index.contains_key(target) {
                visit(state, target);
                let low = state.low[target].min(state.low[node]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(target) {
                let low = state.index[target].min(state.low[node]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            while let Some(top) = state.stack.pop() {
                state.on_stack.remove(top);
                component.push(top.to_owned());
                if top == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.out.push(component);
            }
        }
    }
    let mut state = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for node in nodes {
        if !state.index.contains_key(node.as_str()) {
            visit(&mut state, node);
        }
    }
    state.out.sort();
    state.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(files: &[(&str, &str)]) -> Vec<Vec<String>> {
        let modules = files
            .iter()
            .map(|(m, t)| ((*m).to_owned(), strip_test_modules(&strip_comments(t))))
            .collect();
        circles(&modules)
    }

    #[test]
    fn a_use_in_each_direction_is_a_circle() {
        let found = graph(&[
            ("crate", "mod a; mod b;"),
            ("crate::a", "use crate::b::B; pub struct A;"),
            ("crate::b", "use super::a::A; pub struct B;"),
        ]);
        assert_eq!(
            found,
            vec![vec!["crate::a".to_owned(), "crate::b".to_owned()]]
        );
    }

    #[test]
    fn inline_paths_and_use_groups_count() {
        let found = graph(&[
            ("crate", "mod a; mod b; mod c;"),
            ("crate::a", "use crate::{b::{self, B}, c::C as D};"),
            ("crate::b", "fn f() { crate::c::g(); }"),
            ("crate::c", "fn g() { let _ = crate::a::X; }"),
        ]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].len(), 3);
    }

    #[test]
    fn re_exports_lead_to_the_defining_module() {
        // The root re-exports `Error` from `error`; `client` names `crate::Error` and the
        // root names `client`: no circle through the facade.
        let found = graph(&[
            (
                "crate",
                "mod client; mod error; pub use error::Error; pub use client::Client;",
            ),
            ("crate::client", "use crate::Error; pub struct Client;"),
            ("crate::error", "pub struct Error;"),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_child_naming_its_parents_own_item_is_a_circle() {
        let found = graph(&[
            ("crate", "mod portal;"),
            (
                "crate::portal",
                "mod rest; pub use rest::serve; pub struct CallError;",
            ),
            (
                "crate::portal::rest",
                "use super::CallError; pub fn serve() {}",
            ),
        ]);
        assert_eq!(
            found,
            vec![vec![
                "crate::portal".to_owned(),
                "crate::portal::rest".to_owned()
            ]]
        );
    }

    #[test]
    fn comments_strings_and_test_modules_do_not_count() {
        let found = graph(&[
            ("crate", "mod a; mod b;"),
            (
                "crate::a",
                "// use crate::b::B;\nconst S: &str = \"crate::b::B\"; use crate::b::B;",
            ),
            (
                "crate::b",
                "pub struct B;\n#[cfg(test)]\nmod tests { use crate::a::*; fn t() { let _ = '{'; } }",
            ),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn the_workspace_has_no_import_circles_and_no_long_files() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap_or(Path::new("."));
        let report = check(root).expect("the workspace is readable");
        assert!(report.is_clean(), "{}", report.render());
    }
}
