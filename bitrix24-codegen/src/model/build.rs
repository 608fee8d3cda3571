//! The passes in order: names, then each spec file's items, then the checks that need
//! every item, the directions and the final order.

use std::collections::BTreeMap;

use super::context::FileContext;
use super::directions::mark_directions;
use super::events::build_event;
use super::items::{Model, Module};
use super::lint::lint;
use super::methods::build_method;
use super::namespace::{check_namespaces, register};
use super::objects::build_type;
use super::queries::check_list_queries;
use super::requires::{check_requires, send_requires};
use super::resolve::Resolver;
use crate::diagnostics::SpecErrors;
use crate::load::LoadedSpec;
use crate::naming;

/// Build the model from loaded specs; every problem is reported, not only the first.
pub fn build(specs: &[LoadedSpec]) -> Result<Model, SpecErrors> {
    let mut errors = SpecErrors::default();
    let names = register(specs, &mut errors);
    let resolver = Resolver::new(&names);
    let mut event_of_type = BTreeMap::new();

    // Pass 2: each file's types, methods and events.
    let mut model = Model::default();
    for file in specs {
        let scope_name = file.spec.scope.as_str();
        let ctx = FileContext {
            resolver: &resolver,
            file,
            scope: scope_name,
            module: naming::spec_module_name(&file.relative),
        };
        let mut module = Module {
            name: ctx.module.clone(),
            source: file.relative.clone(),
            types: Vec::new(),
            methods: Vec::new(),
            events: Vec::new(),
            field_enums: Vec::new(),
        };
        for (name, def) in &file.spec.types {
            module
                .types
                .extend(build_type(&ctx, name, def, &mut errors));
        }
        for (name, def) in &file.spec.methods {
            if let Some((method, extra)) = build_method(&ctx, name, def, &mut errors) {
                module.types.extend(extra);
                module.methods.push(method);
            }
        }
        for (code, def) in &file.spec.events {
            module.events.extend(build_event(
                &ctx,
                code,
                def,
                &mut event_of_type,
                &mut errors,
            ));
        }
        let scope = model.scopes.entry(scope_name.to_owned()).or_default();
        scope.name = scope_name.to_owned();
        scope.modules.insert(ctx.module, module);
    }

    check_namespaces(&model, specs, &mut errors);
    check_requires(&model, specs, &mut errors);
    errors.0.extend(lint(specs).errors.0);
    if !errors.is_empty() {
        errors.sort();
        return Err(errors);
    }
    mark_directions(&mut model);
    send_requires(&mut model);
    for scope in model.scopes.values_mut() {
        for module in scope.modules.values_mut() {
            module.types.sort_by(|a, b| a.name.cmp(&b.name));
            module.methods.sort_by(|a, b| a.name.cmp(&b.name));
            module.events.sort_by(|a, b| a.code.cmp(&b.code));
        }
    }
    check_list_queries(&mut model);
    Ok(model)
}

/// Build the model from the result of a load ([`crate::load::load_dir`],
/// [`crate::load::load_texts`]): the files that parsed are still checked when others did
/// not, so one run reports every problem of both phases.
pub fn build_loaded(loaded: (Vec<LoadedSpec>, SpecErrors)) -> Result<Model, SpecErrors> {
    let (specs, mut errors) = loaded;
    match build(&specs) {
        Ok(model) if errors.is_empty() => Ok(model),
        Ok(_) => Err(errors),
        Err(more) => {
            errors.0.extend(more.0);
            errors.sort();
            Err(errors)
        }
    }
}
