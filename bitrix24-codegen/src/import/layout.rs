//! Where imported pages go: one spec file per docs folder, scope and root, and the path
//! of each file (see "Output" in the module docs of [`crate::import`]).

use std::collections::BTreeMap;

use super::page;
use crate::naming;

/// The scope of method pages that have no `> Scope:` line.
pub const NO_SCOPE: &str = "common";

/// Which side of a name pair a method is: the classic method (or the only one of its
/// name), or the REST 3.0 twin of a classic method, written to a `_v3` file of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Root {
    Main,
    Twins,
}

/// A spec file's group: root, docs folder, scope.
pub(super) type GroupKey = (Root, String, String);

/// `api-reference/crm/deals/crm-deal-add.md` -> `crm/deals`.
pub(super) fn folder_of(path: &str) -> String {
    let inner = path.strip_prefix("api-reference/").unwrap_or(path);
    match inner.rsplit_once('/') {
        Some((folder, _)) => folder.to_owned(),
        None => String::new(),
    }
}

/// The docs folder whose spec file an event goes to: the folder holding its (last)
/// events folder (`crm/deals/events/x.md` and `crm/universal/events/type/x.md` ->
/// `crm/deals`, `crm/universal`); a top-level events folder is its own.
pub(super) fn events_home(path: &str) -> String {
    let folder = folder_of(path);
    let segments: Vec<&str> = folder.split('/').collect();
    match segments.iter().rposition(|s| page::is_events_folder(s)) {
        Some(at) if at > 0 => segments[..at].join("/"),
        _ => folder,
    }
}

/// Choose a file path for every group: `FOLDER.yaml`, `_SCOPE` for the minor scopes of
/// a folder, parent folder names prepended while two files of a scope share a module.
///
/// `groups` holds each group's number of method pages: the scope with most methods in a
/// folder keeps the plain name (events do not count, so they never rename a file).
pub(super) fn file_paths(groups: &BTreeMap<GroupKey, usize>) -> BTreeMap<GroupKey, String> {
    let mut main_scope: BTreeMap<(Root, &str), (&str, usize)> = BTreeMap::new();
    for ((root, folder, scope), methods) in groups {
        let entry = main_scope
            .entry((*root, folder.as_str()))
            .or_insert((scope.as_str(), *methods));
        if *methods > entry.1 {
            *entry = (scope.as_str(), *methods);
        }
    }
    let segments = |folder: &str| -> Vec<String> {
        let list: Vec<String> = folder
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if list.is_empty() {
            vec!["api_reference".to_owned()]
        } else {
            list
        }
    };
    let stem = |key: &(Root, String, String), depth: usize| -> String {
        let (root, folder, scope) = key;
        let parts = segments(folder);
        let take = depth.min(parts.len());
        let mut stem = parts[parts.len() - take..].join("_");
        if main_scope
            .get(&(*root, folder.as_str()))
            .is_some_and(|(main, _)| main != scope)
        {
            stem.push('_');
            stem.push_str(scope);
        }
        stem
    };
    let mut depth: BTreeMap<&(Root, String, String), usize> =
        groups.keys().map(|key| (key, 1)).collect();
    loop {
        let mut modules: BTreeMap<(Root, &str, String), Vec<&GroupKey>> = BTreeMap::new();
        for key in groups.keys() {
            let module = naming::module_name(&stem(key, depth[key]));
            modules
                .entry((key.0, key.2.as_str(), module))
                .or_default()
                .push(key);
        }
        let mut changed = false;
        for clash in modules.values().filter(|keys| keys.len() > 1) {
            for key in clash {
                let max = segments(&key.1).len();
                if depth[*key] < max {
                    *depth.entry(*key).or_default() += 1;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    groups
        .keys()
        .map(|key| {
            let parts = segments(&key.1);
            let parent = parts[..parts.len() - 1].join("/");
            // REST 3.0 twins sit next to their classic namesakes, in files of their own.
            let suffix = if key.0 == Root::Twins { "_v3" } else { "" };
            let file = format!("{}{suffix}.yaml", stem(key, depth[key]));
            let path = if parent.is_empty() || key.1.is_empty() {
                file
            } else {
                format!("{parent}/{file}")
            };
            (key.clone(), path)
        })
        .collect()
}
