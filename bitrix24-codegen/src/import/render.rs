//! The text of each spec file: the imported trees with the overlays merged over them,
//! under a header that says where the file comes from.

use std::collections::BTreeMap;

use super::emit_yaml::{Yaml, to_yaml};
use super::overlay;
use super::report::ImportReport;

/// One spec file being built.
#[derive(Debug)]
pub(super) struct FileTree {
    /// The docs folder it comes from (`crm/deals`).
    pub(super) folder: String,
    pub(super) scope: String,
    pub(super) types: BTreeMap<String, Yaml>,
    pub(super) methods: BTreeMap<String, Yaml>,
    pub(super) events: BTreeMap<String, Yaml>,
}

/// The YAML tree of one file.
fn file_tree(file: FileTree) -> Yaml {
    let mut root = vec![("scope".to_owned(), Yaml::Str(file.scope))];
    if !file.types.is_empty() {
        root.push((
            "types".to_owned(),
            Yaml::Map(file.types.into_iter().collect()),
        ));
    }
    if !file.methods.is_empty() || file.events.is_empty() {
        root.push((
            "methods".to_owned(),
            Yaml::Map(file.methods.into_iter().collect()),
        ));
    }
    if !file.events.is_empty() {
        root.push((
            "events".to_owned(),
            Yaml::Map(file.events.into_iter().collect()),
        ));
    }
    Yaml::Map(root)
}

/// The report with its spec files' text: `files` as imported, `overlays` (relative path
/// -> partial spec) merged in; an overlay without an imported file is copied through.
pub(super) fn render(
    mut report: ImportReport,
    files: BTreeMap<String, FileTree>,
    overlays: BTreeMap<String, Yaml>,
) -> ImportReport {
    let mut trees: BTreeMap<String, (Option<String>, Yaml)> = files
        .into_iter()
        .map(|(path, file)| (path, (Some(file.folder.clone()), file_tree(file))))
        .collect();
    for (path, overlay) in overlays {
        report.overlays.push(path.clone());
        match trees.get_mut(&path) {
            Some((_, tree)) => overlay::merge(tree, overlay),
            None => {
                let mut tree = Yaml::Map(Vec::new());
                overlay::merge(&mut tree, overlay);
                trees.insert(path, (None, tree));
            }
        }
    }
    for (path, (folder, tree)) in trees {
        let merged = report.overlays.contains(&path);
        let header = header(folder.as_deref(), merged.then_some(path.as_str()));
        report.files.insert(path, to_yaml(&header, &tree));
    }
    report
}

fn header(folder: Option<&str>, overlay: Option<&str>) -> Vec<String> {
    let mut lines = Vec::new();
    match folder {
        Some("") => lines.push(
            "Imported by `cargo xtask import-docs`: the types the pages of one scope share \
             (value sets, tables other pages link) of the Bitrix24 REST docs."
                .to_owned(),
        ),
        Some(folder) => lines.push(format!(
            "Imported by `cargo xtask import-docs` from api-reference/{folder}/ of the Bitrix24 REST docs."
        )),
        None => lines.push("Hand-written: copied from the overlay of the same path.".to_owned()),
    }
    if let Some(path) = overlay {
        lines.push(format!("Hand corrections merged from the overlay {path}."));
    }
    lines.push("Do not edit: correct it in the overlay file of the same path.".to_owned());
    lines
}
