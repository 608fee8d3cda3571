//! Spec trees built in tests of the passes that run over every imported file.

use std::collections::BTreeMap;

use super::emit_yaml::Yaml;
use super::render::FileTree;

pub(super) fn tree(types: Vec<(&str, Yaml)>, methods: Vec<(&str, Yaml)>) -> FileTree {
    FileTree {
        folder: String::new(),
        scope: "crm".to_owned(),
        types: types.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        methods: methods
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
        events: BTreeMap::new(),
    }
}

pub(super) fn record(fields: &[(&str, &str)]) -> Yaml {
    Yaml::Map(vec![(
        "fields".to_owned(),
        Yaml::Map(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), Yaml::str(*v)))
                .collect(),
        ),
    )])
}

pub(super) fn method(result: Yaml, start: bool) -> Yaml {
    let mut entries = vec![];
    if start {
        entries.push((
            "params".to_owned(),
            Yaml::Map(vec![("start".to_owned(), Yaml::str("integer"))]),
        ));
    }
    entries.push(("result".to_owned(), result));
    Yaml::Map(entries)
}

/// A method taking `params` (name, type) and returning `result`.
pub(super) fn method_with(params: &[(&str, &str)], result: Yaml) -> Yaml {
    let params = params
        .iter()
        .map(|(name, ty)| ((*name).to_owned(), Yaml::str(*ty)))
        .collect();
    Yaml::Map(vec![
        ("params".to_owned(), Yaml::Map(params)),
        ("result".to_owned(), result),
    ])
}
