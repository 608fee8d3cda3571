//! One type for the same record built on several pages.
//!
//! Each page is built alone, so a record every page of a family shows (the task's
//! `creator` on `tasks.task.add`, `get`, `pin`, ... ; a checklist item's `action`) becomes
//! one type per page: 59 identical `TasksTask*Creator` types, and an application that
//! handles the creator of a task it got from any of them needs all 59. This pass, run once
//! every page is built, merges the types of a spec file whose fields are the same (names,
//! types and flags) and whose names end in the same word (types of two files stay apart:
//! merged, each file would use the other's, a circle between their modules), repeating until nothing more merges (types that differed only by
//! which of two merged types they held merge next). The merged type takes the name the
//! group's names share (`TasksTask` + `Creator`: `TasksTaskCreator`) when it is free, else
//! the group's shortest name. A type an overlay names is never merged (the overlay,
//! which may change or delete it, would no longer find it or would change the others);
//! an event's data type stays its event's own.

use std::collections::{BTreeMap, BTreeSet};

use super::emit_yaml::Yaml;
use super::records::rename;
use super::render::FileTree;
use super::report::Problem;
use crate::naming;

/// Rounds of merging at most: each merges the types whose fields held the last round's.
const ROUNDS: usize = 8;

/// Merges the same types of `files` (see the module docs). `used` holds every name taken
/// (types and request types) and gains the new names; `protected` are the names overlays
/// refer to.
pub(super) fn merge(
    files: &mut BTreeMap<String, FileTree>,
    used: &mut BTreeSet<String>,
    protected: &BTreeSet<String>,
    notes: &mut Vec<Problem>,
) {
    for _ in 0..ROUNDS {
        let renames = renames(files, used, protected);
        if renames.is_empty() {
            return;
        }
        // One definition per group: the target's own where the target is a member's
        // name, else the first member's, renamed to it below.
        let mut kept: BTreeSet<String> = files
            .values()
            .flat_map(|file| file.types.keys())
            .filter(|name| !renames.contains_key(*name))
            .cloned()
            .collect();
        for file in files.values_mut() {
            file.types.retain(|name, _| match renames.get(name) {
                Some(to) => kept.insert(to.clone()),
                None => true,
            });
        }
        used.extend(renames.values().cloned());
        let mut by_target: BTreeMap<&String, Vec<&String>> = BTreeMap::new();
        for (from, to) in &renames {
            by_target.entry(to).or_default().push(from);
        }
        for (to, from) in by_target {
            notes.push(Problem {
                page: format!("type {to}"),
                line: None,
                message: format!(
                    "the same record as {} type(s) of other pages, merged: {}",
                    from.len(),
                    from.iter()
                        .map(|n| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
        rename(files, &renames);
    }
}

/// This round's renames: every member of a group of the same types to the group's name;
/// a group is the types of one file with the same fields whose names end alike.
fn renames(
    files: &BTreeMap<String, FileTree>,
    used: &BTreeSet<String>,
    protected: &BTreeSet<String>,
) -> BTreeMap<String, String> {
    // An event's data is a type of its own, in the event's file: never merged.
    let event_data: BTreeSet<&str> = files
        .values()
        .flat_map(|file| file.events.values())
        .filter_map(|event| event.get("data")?.as_str())
        .collect();
    let mut groups: BTreeMap<(&str, String), Vec<String>> = BTreeMap::new();
    for (path, file) in files {
        for (name, ty) in &file.types {
            if event_data.contains(name.as_str()) || protected.contains(name) {
                continue;
            }
            if let Some(signature) = signature(ty) {
                // Same fields are not enough where the names say different things (a
                // chat message's `{id}` reply and a gadget's `{id}` item): the names must
                // end alike too (`...Creator`, `...AddResult`).
                let last = camel_words(name.trim_end_matches(|c: char| c.is_ascii_digit()))
                    .last()
                    .map(|word| (*word).to_owned())
                    .unwrap_or_default();
                groups
                    .entry((path.as_str(), format!("{last} {signature}")))
                    .or_default()
                    .push(name.clone());
            }
        }
    }
    let mut renames = BTreeMap::new();
    // Names this round gives, so two groups never take the same one.
    let mut taken = used.clone();
    for mut group in groups.into_values().filter(|group| group.len() > 1) {
        group.sort();
        let target = shared_name(&group, &taken);
        taken.insert(target.clone());
        for name in group {
            if name != target {
                renames.insert(name, target.clone());
            }
        }
    }
    renames
}

/// What makes two types the same: their fields (sorted by name, with their types and
/// flags); `None` for types that are more than fields (enums, empty records).
fn signature(ty: &Yaml) -> Option<String> {
    let Yaml::Map(entries) = ty else { return None };
    if entries
        .iter()
        .any(|(key, _)| key != "docs" && key != "fields")
    {
        return None;
    }
    let Some(Yaml::Map(fields)) = ty.get("fields") else {
        return None;
    };
    if fields.is_empty() {
        return None;
    }
    let mut fields = fields.clone();
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    Some(format!("{fields:?}"))
}

/// The name a group's names share: their common leading and trailing words, each name's
/// clash number dropped (`TasksTaskMuteAction2`, `TasksTaskDeferAction` ->
/// `TasksTaskAction`), when it is free and both parts are there; else the shortest name.
fn shared_name(group: &[String], used: &BTreeSet<String>) -> String {
    let words: Vec<Vec<&str>> = group
        .iter()
        .map(|name| camel_words(name.trim_end_matches(|c: char| c.is_ascii_digit())))
        .collect();
    let shortest = group
        .iter()
        .min_by_key(|name| (name.len(), name.as_str()))
        .cloned()
        .unwrap_or_default();
    let first = &words[0];
    let lead = (0..first.len())
        .take_while(|&i| words.iter().all(|w| w.get(i) == first.get(i)))
        .count();
    let trail = (0..first.len() - lead)
        .take_while(|&i| {
            words
                .iter()
                .all(|w| w.len() > lead + i && w[w.len() - 1 - i] == first[first.len() - 1 - i])
        })
        .count();
    if lead == 0 || trail == 0 {
        return shortest;
    }
    let name: String = first[..lead]
        .iter()
        .chain(&first[first.len() - trail..])
        .copied()
        .collect();
    let free = !used.contains(&name) || group.contains(&name);
    if free && naming::is_type_name(&name) {
        name
    } else {
        shortest
    }
}

/// `TasksTaskAddCreator` -> `Tasks`, `Task`, `Add`, `Creator`.
fn camel_words(name: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = 0;
    for (i, c) in name.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            words.push(&name[start..i]);
            start = i;
        }
    }
    if start < name.len() {
        words.push(&name[start..]);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::super::test_trees::{method, record, tree};
    use super::*;

    #[test]
    fn the_same_record_of_several_pages_is_one_type_named_for_what_they_share() {
        let creator = [("ID", "id"), ("NAME", "string")];
        let mut files = BTreeMap::from([(
            "a.yaml".to_owned(),
            tree(
                vec![
                    ("TasksTaskAddCreator", record(&creator)),
                    ("TasksTaskGetCreator", record(&creator)),
                    ("TasksTaskPinCreator2", record(&creator)),
                    (
                        "TasksTaskAddTask",
                        record(&[("creator", "TasksTaskAddCreator")]),
                    ),
                    (
                        "TasksTaskGetTask",
                        record(&[("creator", "TasksTaskGetCreator")]),
                    ),
                    ("Other", record(&[("ID", "id")])),
                ],
                vec![
                    (
                        "tasks.task.add",
                        method(Yaml::str("TasksTaskAddTask"), false),
                    ),
                    (
                        "tasks.task.get",
                        method(Yaml::str("TasksTaskGetTask"), false),
                    ),
                ],
            ),
        )]);
        let mut used: BTreeSet<String> = files["a.yaml"].types.keys().cloned().collect();
        let mut notes = Vec::new();
        merge(&mut files, &mut used, &BTreeSet::new(), &mut notes);
        let types: Vec<&String> = files["a.yaml"].types.keys().collect();
        // The creators merge, then the tasks that held them.
        assert_eq!(types, ["Other", "TasksTaskCreator", "TasksTaskTask"]);
        let task = &files["a.yaml"].types["TasksTaskTask"];
        assert_eq!(
            task.get("fields").and_then(|f| f.get("creator")),
            Some(&Yaml::str("TasksTaskCreator"))
        );
        let get = &files["a.yaml"].methods["tasks.task.get"];
        assert_eq!(get.get("result"), Some(&Yaml::str("TasksTaskTask")));
        assert_eq!(notes.len(), 2);
    }

    #[test]
    fn a_type_an_overlay_names_is_never_merged() {
        let fields = [("ID", "id")];
        let mut files = BTreeMap::from([(
            "a.yaml".to_owned(),
            tree(
                vec![
                    ("CrmDealGetDeal", record(&fields)),
                    ("CrmDealListItem", record(&fields)),
                    ("Guarded", record(&[("X", "string")])),
                    ("AlsoGuarded", record(&[("X", "string")])),
                ],
                vec![],
            ),
        )]);
        let protected = BTreeSet::from(["CrmDealGetDeal".to_owned(), "Guarded".to_owned()]);
        let mut used = BTreeSet::new();
        merge(&mut files, &mut used, &protected, &mut Vec::new());
        let types: Vec<&String> = files["a.yaml"].types.keys().collect();
        assert_eq!(
            types,
            [
                "AlsoGuarded",
                "CrmDealGetDeal",
                "CrmDealListItem",
                "Guarded"
            ]
        );
    }

    #[test]
    fn names_split_into_words() {
        assert_eq!(
            camel_words("TasksTaskAddCreator"),
            ["Tasks", "Task", "Add", "Creator"]
        );
        let used = BTreeSet::new();
        let group = [
            "DiskFileGetFieldsId".to_owned(),
            "DiskFileGetFieldsCode".to_owned(),
        ];
        assert_eq!(
            shared_name(&group, &used),
            "DiskFileGetFieldsId",
            "no shared last word"
        );
    }
}
