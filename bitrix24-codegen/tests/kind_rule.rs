//! The kind rule over every committed spec (`specs/`): each method's `kind` is the one its
//! name gives (`specs/README.md`, "The kind rule"), or departs with a `kind_reason`
//! saying what the docs say the method does; and the linter finds nothing to stop a build.

use std::path::Path;

use bitrix24_codegen::rules::kind::method_kind;
use bitrix24_codegen::{load, model};

#[test]
fn every_spec_follows_the_kind_rule_or_says_why() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let (loaded, errors) = load::load_dir(&root);
    assert!(errors.is_empty(), "{errors}");
    let mut methods = 0;
    let mut departures = Vec::new();
    for file in &loaded {
        for (name, def) in &file.spec.methods {
            methods += 1;
            let rule = method_kind(name.as_str());
            match (def.kind.as_str() == rule, &def.kind_reason) {
                (true, None) => {}
                (false, Some(reason)) => departures.push(format!(
                    "{}: {} ({})",
                    name.as_str(),
                    def.kind.as_str(),
                    reason.as_str()
                )),
                (true, Some(_)) => panic!("{}: a reason for the rule's own kind", name.as_str()),
                (false, None) => panic!(
                    "{}: kind {} departs from the rule's {rule} without a kind_reason",
                    name.as_str(),
                    def.kind.as_str()
                ),
            }
        }
    }
    assert!(methods > 1500, "{methods} methods");
    // Each departure is a decision written in an overlay; a new one is reviewed here.
    println!("{}", departures.join("\n"));
    assert!(departures.len() < 20, "{departures:#?}");
    let lints = model::lint(&loaded);
    assert!(lints.errors.is_empty(), "{}", lints.errors);
}
