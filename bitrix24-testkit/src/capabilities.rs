//! What the portal has and what the caller may use: the method catalogue, absent modules
//! and methods (an on-premise portal that lags behind the cloud), the granted scopes, and
//! the system methods that report them (`method.get`, `methods`, `scope`).
//!
//! The catalogue is every method the official docs document, with its scope
//! (`methods.txt`). A method is *absent* when [`PortalCapabilities::absent_methods`] names
//! it or [`PortalCapabilities::absent_scopes`] names its scope: calling it answers 404
//! `ERROR_METHOD_NOT_FOUND` like any unknown method. When
//! [`PortalCapabilities::granted_scopes`] is set, calling a method of another scope
//! (not `basic`) answers 403 `insufficient_scope`; methods outside the catalogue are never
//! refused for their scope.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::call::{CallError, CallResult, Outcome};
use crate::params::param;

/// The catalogue: `scope method` per line (`#` starts a comment).
const CATALOGUE: &str = include_str!("methods.txt");

/// The scope every application and webhook has.
const BASIC_SCOPE: &str = "basic";

/// What the portal has and what the webhook or application was granted.
///
/// ```
/// use bitrix24_testkit::{PortalCapabilities, PortalConfig};
///
/// // An on-premise portal without the tasks module, updated before `crm.item.import`
/// // existed, called by a webhook granted `crm` and `user` only.
/// let config = PortalConfig {
///     capabilities: PortalCapabilities {
///         granted_scopes: Some(vec!["crm".into(), "user".into()]),
///         absent_scopes: vec!["task".into(), "tasks".into()],
///         absent_methods: vec!["crm.item.import".into()],
///         ..PortalCapabilities::default()
///     },
///     ..PortalConfig::default()
/// };
/// # let _ = config;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortalCapabilities {
    /// The scopes granted to the webhook or application; `None` (the default): every scope
    /// the portal has. `basic` is always granted.
    pub granted_scopes: Option<Vec<String>>,
    /// Modules the portal lacks, by scope (`task`): every method of the scope is absent.
    pub absent_scopes: Vec<String>,
    /// Methods the portal lacks (case-insensitive). `method.get` and `methods` may be
    /// named too, to play a portal older than the one or newer than the other.
    pub absent_methods: Vec<String>,
    /// Methods the portal has beyond the catalogue: `(scope, method)`.
    pub extra_methods: Vec<(String, String)>,
}

/// The documented methods: lowercase name -> (scope, name as documented).
fn catalogue() -> &'static BTreeMap<String, (String, String)> {
    static CATALOGUE_MAP: OnceLock<BTreeMap<String, (String, String)>> = OnceLock::new();
    CATALOGUE_MAP.get_or_init(|| {
        CATALOGUE
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split_once(' '))
            .map(|(scope, method)| {
                (
                    method.trim().to_ascii_lowercase(),
                    (scope.to_owned(), method.trim().to_owned()),
                )
            })
            .collect()
    })
}

impl PortalCapabilities {
    /// The scope of `method` (lowercase) when the portal has it.
    fn scope_of(&self, method: &str) -> Option<String> {
        if self
            .absent_methods
            .iter()
            .any(|absent| absent.eq_ignore_ascii_case(method))
        {
            return None;
        }
        let scope = self
            .extra_methods
            .iter()
            .find(|(_, name)| name.eq_ignore_ascii_case(method))
            .map(|(scope, _)| scope.clone())
            .or_else(|| catalogue().get(method).map(|(scope, _)| scope.clone()))?;
        (!self.scope_absent(&scope)).then_some(scope)
    }

    fn scope_absent(&self, scope: &str) -> bool {
        self.absent_scopes
            .iter()
            .any(|absent| absent.eq_ignore_ascii_case(scope))
    }

    fn known(&self, method: &str) -> bool {
        catalogue().contains_key(method)
            || self
                .extra_methods
                .iter()
                .any(|(_, name)| name.eq_ignore_ascii_case(method))
    }

    /// Every method the portal has: (scope, name as documented).
    fn methods(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = catalogue()
            .iter()
            .filter(|(lower, _)| self.scope_of(lower).is_some())
            .map(|(_, entry)| entry.clone())
            .collect();
        for (scope, name) in &self.extra_methods {
            let lower = name.to_ascii_lowercase();
            if !catalogue().contains_key(&lower) && self.scope_of(&lower).is_some() {
                out.push((scope.clone(), name.clone()));
            }
        }
        out
    }

    /// Every scope the portal has (`scope?full=true`), sorted.
    fn portal_scopes(&self) -> Vec<String> {
        let scopes: BTreeSet<String> = self.methods().into_iter().map(|(scope, _)| scope).collect();
        scopes.into_iter().collect()
    }

    /// The scopes granted (`scope`), sorted; `basic` is implied and not listed.
    fn granted(&self) -> Vec<String> {
        let portal = self.portal_scopes();
        match &self.granted_scopes {
            None => portal
                .into_iter()
                .filter(|scope| scope != BASIC_SCOPE)
                .collect(),
            Some(granted) => portal
                .into_iter()
                .filter(|scope| scope != BASIC_SCOPE)
                .filter(|scope| granted.iter().any(|g| g.eq_ignore_ascii_case(scope)))
                .collect(),
        }
    }

    fn is_granted(&self, scope: &str) -> bool {
        scope == BASIC_SCOPE
            || self
                .granted_scopes
                .as_ref()
                .is_none_or(|granted| granted.iter().any(|g| g.eq_ignore_ascii_case(scope)))
    }
}

/// Refuse a call (`method` lowercase) the portal lacks or the caller may not make.
pub(crate) fn refuse(caps: &PortalCapabilities, method: &str) -> Option<CallError> {
    if !caps.known(method) {
        return None;
    }
    match caps.scope_of(method) {
        None => Some(CallError::method_not_found(method)),
        Some(scope) if !caps.is_granted(&scope) => Some(CallError::new(
            403,
            "insufficient_scope",
            "The request requires higher privileges than provided by the webhook token",
        )),
        Some(_) => None,
    }
}

/// A boolean parameter as PHP reads it: `1`, `true`, `Y` are true.
fn flag(params: &Value, name: &str) -> bool {
    match param(params, name) {
        Some(Value::Bool(flag)) => *flag,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|n| n != 0.0),
        Some(Value::String(text)) => matches!(
            text.trim().to_ascii_lowercase().as_str(),
            "1" | "true" | "y"
        ),
        _ => false,
    }
}

/// `method.get`, `methods` and `scope`; `None` for any other method.
pub(crate) fn call(caps: &PortalCapabilities, method: &str, params: &Value) -> Option<CallResult> {
    let result = match method {
        // method-get.md: a missing or empty name gives two `false`s.
        "method.get" => {
            let name = match param(params, "name") {
                Some(Value::String(name)) => name.trim().to_ascii_lowercase(),
                _ => String::new(),
            };
            let scope = (!name.is_empty()).then(|| caps.scope_of(&name)).flatten();
            let existing = scope.is_some();
            let available = scope.is_some_and(|scope| caps.is_granted(&scope));
            Outcome::read(json!({"isExisting": existing, "isAvailable": available}))
        }
        // methods.md: `full` lists all, `scope` one scope (empty: the common ones), none
        // the methods of the granted scopes.
        "methods" => {
            let all = caps.methods();
            let names: Vec<String> = if flag(params, "full") {
                all.into_iter().map(|(_, name)| name).collect()
            } else if let Some(scope) = param(params, "scope") {
                let scope = scope.as_str().unwrap_or("").trim();
                let scope = if scope.is_empty() { BASIC_SCOPE } else { scope };
                all.into_iter()
                    .filter(|(s, _)| s.eq_ignore_ascii_case(scope))
                    .map(|(_, name)| name)
                    .collect()
            } else {
                all.into_iter()
                    .filter(|(scope, _)| caps.is_granted(scope))
                    .map(|(_, name)| name)
                    .collect()
            };
            Outcome::read(json!(names))
        }
        // scope.md: `full` lists every scope of the portal, none the granted ones.
        "scope" => {
            if flag(params, "full") {
                Outcome::read(json!(caps.portal_scopes()))
            } else {
                Outcome::read(json!(caps.granted()))
            }
        }
        _ => return None,
    };
    Some(Ok(result))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps() -> PortalCapabilities {
        PortalCapabilities {
            granted_scopes: Some(vec!["crm".into(), "user".into()]),
            absent_scopes: vec!["task".into()],
            absent_methods: vec!["crm.item.import".into()],
            extra_methods: vec![("crm".into(), "crm.custom.thing".into())],
        }
    }

    #[test]
    fn the_catalogue_has_the_documented_methods() {
        let cat = catalogue();
        assert!(cat.len() > 1000, "{}", cat.len());
        assert_eq!(cat["crm.deal.add"].0, "crm");
        assert_eq!(cat["method.get"].0, "basic");
        assert_eq!(cat["tasks.task.add"].0, "task");
        assert_eq!(cat["im.message.add"].0, "im");
        assert_eq!(cat["crm.item.batchimport"].1, "crm.item.batchImport");
    }

    #[test]
    fn absent_and_refused() {
        let caps = caps();
        assert!(refuse(&caps, "crm.deal.add").is_none());
        assert!(refuse(&caps, "user.current").is_none());
        assert!(refuse(&caps, "server.time").is_none());
        assert!(refuse(&caps, "testkit.only.method").is_none());
        let err = refuse(&caps, "crm.item.import").unwrap();
        assert_eq!(
            (err.status, err.code.as_str()),
            (404, "ERROR_METHOD_NOT_FOUND")
        );
        let err = refuse(&caps, "tasks.task.add").unwrap();
        assert_eq!(err.code, "ERROR_METHOD_NOT_FOUND");
        let err = refuse(&caps, "im.message.add").unwrap();
        assert_eq!((err.status, err.code.as_str()), (403, "insufficient_scope"));
        assert!(refuse(&PortalCapabilities::default(), "im.message.add").is_none());
    }

    fn result(method: &str, params: Value) -> Value {
        call(&caps(), method, &params)
            .unwrap()
            .unwrap()
            .result
            .to_value()
    }

    #[test]
    fn system_methods_answer_from_the_configuration() {
        let get = |name: &str| result("method.get", json!({ "name": name }));
        assert_eq!(
            get("crm.deal.add"),
            json!({"isExisting": true, "isAvailable": true})
        );
        assert_eq!(
            get("CRM.DEAL.ADD"),
            json!({"isExisting": true, "isAvailable": true})
        );
        assert_eq!(
            get("im.message.add"),
            json!({"isExisting": true, "isAvailable": false})
        );
        assert_eq!(
            get("tasks.task.add"),
            json!({"isExisting": false, "isAvailable": false})
        );
        assert_eq!(
            get("crm.custom.thing"),
            json!({"isExisting": true, "isAvailable": true})
        );
        assert_eq!(
            result("method.get", json!({})),
            json!({"isExisting": false, "isAvailable": false})
        );

        assert_eq!(result("scope", json!({})), json!(["crm", "user"]));
        let full = result("scope", json!({"full": "1"}));
        let full: Vec<&str> = full
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(full.contains(&"im") && full.contains(&"basic") && !full.contains(&"task"));

        let im = result("methods", json!({"scope": "im"}));
        assert!(im.as_array().unwrap().contains(&json!("im.message.add")));
        let mine = result("methods", json!({}));
        let mine = mine.as_array().unwrap();
        assert!(mine.contains(&json!("crm.deal.add")) && mine.contains(&json!("method.get")));
        assert!(!mine.contains(&json!("im.message.add")));
        let common = result("methods", json!({"scope": ""}));
        assert!(common.as_array().unwrap().contains(&json!("server.time")));
        assert!(call(&caps(), "crm.deal.add", &json!({})).is_none());
    }
}
