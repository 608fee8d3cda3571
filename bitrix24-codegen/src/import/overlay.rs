//! Hand corrections: overlay files merged over imported specs (design in [`super`]).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use marked_yaml::Node;

use super::emit_yaml::Yaml;

/// The key that makes an overlay map replace the imported map instead of merging into it.
pub const REPLACE_KEY: &str = "$replace";

/// Parse one overlay file's text into a [`Yaml`] tree.
pub fn parse(text: &str) -> Result<Yaml, String> {
    let options = marked_yaml::LoaderOptions::default().error_on_duplicate_keys(true);
    let node =
        marked_yaml::parse_yaml_with_options(0, text, options).map_err(|err| err.to_string())?;
    convert(&node)
}

fn convert(node: &Node) -> Result<Yaml, String> {
    match node {
        Node::Scalar(scalar) => {
            let text = scalar.as_str();
            if scalar.may_coerce() {
                match text {
                    "~" | "null" | "" => return Ok(Yaml::Null),
                    "true" => return Ok(Yaml::Bool(true)),
                    "false" => return Ok(Yaml::Bool(false)),
                    _ => {}
                }
            }
            Ok(Yaml::Str(text.to_owned()))
        }
        Node::Mapping(map) => {
            let mut entries = Vec::new();
            for (key, value) in map.iter() {
                entries.push((key.as_str().to_owned(), convert(value)?));
            }
            Ok(Yaml::Map(entries))
        }
        // Lists hold names (a parameter's `requires`); a type list is quoted (`"id[]"`).
        Node::Sequence(seq) => seq
            .iter()
            .map(convert)
            .collect::<Result<_, _>>()
            .map(Yaml::Seq),
    }
}

/// Whether an overlay map asks to replace rather than merge, and the map without the key.
fn strip_replace(entries: Vec<(String, Yaml)>) -> (bool, Vec<(String, Yaml)>) {
    let replace = entries
        .iter()
        .any(|(k, v)| k == REPLACE_KEY && *v == Yaml::Bool(true));
    let entries = entries
        .into_iter()
        .filter(|(k, _)| k != REPLACE_KEY)
        .collect();
    (replace, entries)
}

/// An overlay value as it is when nothing is under it: `$replace` keys and nulls removed.
fn clean(value: Yaml) -> Yaml {
    match value {
        Yaml::Map(entries) => {
            let (_, entries) = strip_replace(entries);
            Yaml::Map(
                entries
                    .into_iter()
                    .filter(|(_, v)| *v != Yaml::Null)
                    .map(|(k, v)| (k, clean(v)))
                    .collect(),
            )
        }
        other => other,
    }
}

/// Merge `overlay` into `base`: maps merge key by key (imported order first, new keys
/// after, in overlay order), anything else replaces, `~` deletes, and a map with
/// `$replace: true` replaces the imported map whole.
pub fn merge(base: &mut Yaml, overlay: Yaml) {
    match overlay {
        Yaml::Map(entries) => {
            let (replace, entries) = strip_replace(entries);
            let Yaml::Map(base_entries) = base else {
                *base = clean(Yaml::Map(entries));
                return;
            };
            if replace {
                *base = clean(Yaml::Map(entries));
                return;
            }
            for (key, value) in entries {
                let position = base_entries.iter().position(|(k, _)| *k == key);
                match (position, value) {
                    (Some(index), Yaml::Null) => {
                        base_entries.remove(index);
                    }
                    (None, Yaml::Null) => {}
                    (Some(index), value) => merge(&mut base_entries[index].1, value),
                    (None, value) => base_entries.push((key, clean(value))),
                }
            }
        }
        other => *base = other,
    }
}

/// Every `*.yaml` file under `dir` by path relative to it (`/`-separated), parsed.
/// A missing directory has no overlays.
pub fn load_dir(dir: &Path) -> Result<BTreeMap<String, Yaml>, Vec<String>> {
    let mut out = BTreeMap::new();
    let mut errors = Vec::new();
    let files = match crate::tree::files_under(dir, "yaml") {
        Ok(files) => files,
        Err(err) => return Err(vec![format!("{}: {err}", dir.display())]),
    };
    for (relative, path) in files {
        match fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|t| parse(&t))
        {
            Ok(tree) => {
                out.insert(relative, tree);
            }
            Err(err) => errors.push(format!("{}: {err}", path.display())),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_replaces_and_deletes() {
        let mut base = parse("a: 1\nb: { c: x, d: y }\ne: z\n").unwrap();
        let overlay = parse("b: { d: w, f: v }\ne: ~\ng: { $replace: true, h: i }\n").unwrap();
        merge(&mut base, overlay);
        assert_eq!(
            base,
            parse("a: 1\nb: { c: x, d: w, f: v }\ng: { h: i }\n").unwrap()
        );
        let overlay = parse("b: { $replace: true, k: l }\n").unwrap();
        merge(&mut base, overlay);
        assert_eq!(base.get("b"), Some(&parse("k: l").unwrap()));
        // A list (a parameter's `requires`) replaces the imported one whole.
        let mut base = parse("requires: [A, B]").unwrap();
        merge(&mut base, parse("requires: [C]").unwrap());
        assert_eq!(base.get("requires"), Some(&Yaml::Seq(vec![Yaml::str("C")])));
    }
}
