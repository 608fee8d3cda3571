//! `for_each_method` visits exactly the methods the specs define for the enabled scopes.

use std::collections::BTreeSet;
use std::path::Path;

use bitrix24_types::{ApiVersion, Method, MethodVisitor};

/// (name, scope, api) of every method the specs define, from the generator's own model.
fn specced() -> BTreeSet<(String, String, bool)> {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let (loaded, errors) = bitrix24_codegen::load::load_dir(&specs);
    assert!(errors.is_empty(), "{errors}");
    let model = bitrix24_codegen::model::build(&loaded).unwrap_or_else(|e| panic!("{e}"));
    model
        .scopes
        .values()
        .flat_map(|scope| {
            scope.modules.values().flat_map(move |module| {
                module.methods.iter().map(move |method| {
                    (
                        method.name.clone(),
                        scope.name.clone(),
                        method.api == bitrix24_codegen::model::Api::V3,
                    )
                })
            })
        })
        .collect()
}

struct Seen(Vec<(String, String, bool)>);

impl MethodVisitor for Seen {
    fn visit<M: Method + 'static>(&mut self) {
        // Methods of the shared `common` scope need no permission scope.
        let scope = M::SCOPE.unwrap_or("common").to_owned();
        self.0
            .push((M::NAME.to_owned(), scope, M::API == ApiVersion::V3));
    }
}

fn enabled(scope: &str) -> bool {
    // `full` enables every scope; without it, the test knows the default (`crm`) set.
    cfg!(feature = "full") || scope == "common" || (cfg!(feature = "crm") && scope == "crm")
}

#[test]
fn every_specced_method_of_the_enabled_scopes_is_visited_once() {
    let mut seen = Seen(Vec::new());
    bitrix24_types::for_each_method(&mut seen);
    let visited: BTreeSet<_> = seen.0.iter().cloned().collect();
    assert_eq!(visited.len(), seen.0.len(), "a method was visited twice");
    let expected: BTreeSet<_> = specced()
        .into_iter()
        .filter(|(_, scope, _)| enabled(scope))
        .collect();
    let missing: Vec<_> = expected.difference(&visited).take(5).collect();
    let unexpected: Vec<_> = visited.difference(&expected).take(5).collect();
    assert!(
        missing.is_empty() && unexpected.is_empty(),
        "missing {missing:?}, unexpected {unexpected:?}"
    );
    #[cfg(feature = "crm")]
    assert!(visited.contains(&("crm.deal.add".into(), "crm".into(), false)));
}

#[test]
fn method_names_are_the_specced_names_once_each_in_order() {
    let names = bitrix24_types::method_names();
    // A REST 3.0 twin shares its name with the classic method: one name for both.
    let expected: Vec<String> = specced()
        .into_iter()
        .filter(|(_, scope, _)| enabled(scope))
        .map(|(name, _, _)| name)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(names, expected);
    #[cfg(feature = "crm")]
    assert!(names.binary_search(&"crm.deal.list").is_ok());
}

/// (code, scope) of every event the specs define, from the generator's own model.
fn specced_events() -> BTreeSet<(String, String)> {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let (loaded, errors) = bitrix24_codegen::load::load_dir(&specs);
    assert!(errors.is_empty(), "{errors}");
    let model = bitrix24_codegen::model::build(&loaded).unwrap_or_else(|e| panic!("{e}"));
    model
        .scopes
        .values()
        .flat_map(|scope| scope.modules.values())
        .flat_map(|module| module.events.iter())
        .map(|event| (event.code.clone(), event.scope.clone()))
        .collect()
}

struct SeenEvents(Vec<(String, String)>);

impl bitrix24_types::EventVisitor for SeenEvents {
    fn visit<E: bitrix24_types::event::EventPayload + 'static>(&mut self) {
        let scope = E::SCOPE.unwrap_or("common").to_owned();
        self.0.push((E::CODE.to_owned(), scope));
    }
}

#[test]
fn every_specced_event_of_the_enabled_scopes_is_visited_once() {
    let mut seen = SeenEvents(Vec::new());
    bitrix24_types::for_each_event(&mut seen);
    let visited: BTreeSet<_> = seen.0.iter().cloned().collect();
    assert_eq!(visited.len(), seen.0.len(), "an event was visited twice");
    let all = specced_events();
    assert!(all.len() > 180, "{} events specced", all.len());
    let expected: BTreeSet<_> = all
        .into_iter()
        .filter(|(_, scope)| enabled(scope))
        .collect();
    let missing: Vec<_> = expected.difference(&visited).take(5).collect();
    let unexpected: Vec<_> = visited.difference(&expected).take(5).collect();
    assert!(
        missing.is_empty() && unexpected.is_empty(),
        "missing {missing:?}, unexpected {unexpected:?}"
    );
    #[cfg(feature = "crm")]
    assert!(visited.contains(&("ONCRMDEALADD".into(), "crm".into())));
    #[cfg(feature = "full")]
    assert!(visited.contains(&("ONTASKUPDATE".into(), "task".into())));
}
