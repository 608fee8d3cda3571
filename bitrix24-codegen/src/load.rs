//! Reading spec files from disk into [`SpecFile`]s, collecting parse errors.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use marked_yaml::{LoaderOptions, Span};

use crate::diagnostics::SpecErrors;
use crate::spec::SpecFile;

/// A parsed spec file and the path it was read from (relative to the spec root).
#[derive(Debug)]
pub struct LoadedSpec {
    /// Path relative to the spec root, with `/` separators (`crm/deal.yaml`).
    pub relative: String,
    /// Path as shown in errors.
    pub path: PathBuf,
    /// The parsed content.
    pub spec: SpecFile,
}

/// Load every spec under `root`: the files that parse, and the errors of those that don't.
pub fn load_dir(root: &Path) -> (Vec<LoadedSpec>, SpecErrors) {
    let mut errors = SpecErrors::default();
    let files = match crate::tree::files_under(root, "yaml") {
        Ok(files) => files,
        Err(err) => {
            errors.push(
                root,
                &Span::new_blank(),
                String::new(),
                format!("cannot list the specs: {err}"),
            );
            return (Vec::new(), errors);
        }
    };
    let mut loaded = Vec::new();
    for (relative, path) in files {
        match fs::read_to_string(&path) {
            Ok(text) => match parse(&path, &text) {
                Ok(spec) => loaded.push(LoadedSpec {
                    relative,
                    path,
                    spec,
                }),
                Err(err) => errors.0.extend(err.0),
            },
            Err(err) => errors.push(
                &path,
                &Span::new_blank(),
                String::new(),
                format!("cannot read: {err}"),
            ),
        }
    }
    (loaded, errors)
}

/// Load spec files held in memory (relative path -> text, as an import produces them),
/// the way [`load_dir`] loads them from disk.
pub fn load_texts(files: &BTreeMap<String, String>) -> (Vec<LoadedSpec>, SpecErrors) {
    let mut errors = SpecErrors::default();
    let mut loaded = Vec::new();
    for (relative, text) in files {
        let path = PathBuf::from(relative);
        match parse(&path, text) {
            Ok(spec) => loaded.push(LoadedSpec {
                relative: relative.clone(),
                path,
                spec,
            }),
            Err(more) => errors.0.extend(more.0),
        }
    }
    (loaded, errors)
}

/// Parse one spec file's text.
pub fn parse(path: &Path, text: &str) -> Result<SpecFile, SpecErrors> {
    let options = LoaderOptions::default().error_on_duplicate_keys(true);
    let mut errors = SpecErrors::default();
    match marked_yaml::from_yaml_with_options::<SpecFile>(0, text, options) {
        Ok(spec) => Ok(spec),
        Err(marked_yaml::FromYamlError::ParseYaml(err)) => {
            let (span, message) = load_error(&err);
            errors.push(path, &span, String::new(), message);
            Err(errors)
        }
        Err(marked_yaml::FromYamlError::FromNode(err)) => {
            let mut line = err.start_mark().map(|m| m.line());
            let mut key_path = err.path().unwrap_or_default().to_owned();
            let inner = err.into_inner();
            // An unknown key is reported at its map; point at the key itself.
            if let (marked_yaml::Error::UnknownFieldError(field, _, _), Some(start)) =
                (&inner, line)
            {
                line = key_line(text, start, field).or(line);
            }
            let mut location = Span::new_blank();
            if let Some(line) = line {
                // serde cannot name map keys that carry spans (`methods.?.kind`): read
                // the path off the text instead, by indentation.
                if key_path.contains('?') || key_path.is_empty() {
                    key_path = key_path_at(text, line);
                }
                let column = text
                    .lines()
                    .nth(line - 1)
                    .map_or(1, |l| l.len() - l.trim_start().len() + 1);
                location = Span::new_start(marked_yaml::Marker::new(0, 0, line, column));
            }
            errors.push(path, &location, key_path, inner.to_string());
            Err(errors)
        }
    }
}

fn load_error(err: &marked_yaml::LoadError) -> (Span, String) {
    use marked_yaml::LoadError as E;
    let marker = match err {
        E::TopLevelMustBeMapping(m)
        | E::TopLevelMustBeSequence(m)
        | E::UnexpectedAnchor(m)
        | E::MappingKeyMustBeScalar(m)
        | E::UnexpectedTag(m)
        | E::ScanError(m, _) => *m,
        E::DuplicateKey(inner) => {
            let span = *inner.key.span();
            return (span, format!("duplicate key `{}`", inner.key.as_str()));
        }
    };
    let message = match err {
        E::ScanError(_, scan) => format!("invalid YAML: {}", scan.info()),
        E::TopLevelMustBeMapping(_) => "the top level must be a mapping".to_owned(),
        E::UnexpectedAnchor(_) => "anchors and aliases are not allowed in specs".to_owned(),
        E::MappingKeyMustBeScalar(_) => "mapping keys must be plain text".to_owned(),
        E::UnexpectedTag(_) => "YAML tags are not allowed in specs".to_owned(),
        other => other.to_string(),
    };
    (Span::new_start(marker), message)
}

/// `KEY` of a block-mapping line `  KEY: ...`, with its indentation.
fn line_key(line: &str) -> Option<(usize, &str)> {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') || trimmed.starts_with('-') {
        return None;
    }
    let (key, _) = trimmed.split_once(':')?;
    let key = key.trim().trim_matches('"').trim_matches('\'');
    (!key.is_empty() && !key.contains(['{', '}', '[', ']']))
        .then_some((line.len() - trimmed.len(), key))
}

/// The first line at or after `from` (1-based) whose key is `field`.
fn key_line(text: &str, from: usize, field: &str) -> Option<usize> {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, line)| line_key(line).is_some_and(|(_, key)| key == field))
        .map(|(index, _)| index + 1)
}

/// The dotted key path of line `line` (1-based), read from the indentation above it.
fn key_path_at(text: &str, line: usize) -> String {
    let lines: Vec<&str> = text.lines().take(line).collect();
    let mut path = Vec::new();
    let mut limit = usize::MAX;
    for candidate in lines.iter().rev() {
        if let Some((indent, key)) = line_key(candidate) {
            if indent < limit {
                path.push(key);
                limit = indent;
                if indent == 0 {
                    break;
                }
            }
        }
    }
    path.reverse();
    path.join(".")
}
