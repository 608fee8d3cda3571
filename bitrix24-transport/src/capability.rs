//! The capability check: which of the methods an application uses this portal has.
//!
//! An on-premise portal may lag behind the cloud or lack whole modules, and a webhook or
//! application is granted some scopes only. [`Client::check_capabilities`] asks the portal
//! about each method and reports it as [`Availability::Available`],
//! [`Availability::Missing`] (the portal does not have it: module absent or portal not
//! updated) or [`Availability::NotGranted`] (it has it, but the granted scopes do not
//! include the method's scope, which the report names).
//!
//! ```no_run
//! # async fn demo(client: bitrix24_transport::Client) -> Result<(), bitrix24_transport::Error> {
//! let report = client
//!     .check_capabilities(["crm.deal.add", "tasks.task.add", "im.message.add"])
//!     .await?;
//! println!("{report}"); // an aligned table, one row per method
//! if !report.all_available() {
//!     for method in report.methods() {
//!         println!("{}: {}", method.name(), method.availability());
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! # What is asked
//! Every question is a command of a [`Batch`], so the check costs a handful of requests
//! (checking 200 methods: 5 `batch` calls, plus one when some method is not granted):
//!
//! 1. `scope` (the granted scopes), `scope?full=true` (the scopes the portal has) and
//!    `method.get?name=...` per method (method-get.md: `isExisting`, and `isAvailable`
//!    with the granted scopes);
//! 2. only for a portal older than `method.get` (it answers `ERROR_METHOD_NOT_FOUND`):
//!    `methods?full=true` (every method of the portal) and `methods` (the methods the
//!    caller may use) instead;
//! 3. only when some method exists but is not granted: `methods?scope=S` for each scope
//!    the portal has and the caller was not granted, to name the scope each such method
//!    needs. Where `methods` no longer answers, the scope given with the method
//!    ([`MethodQuery::with_scope`], [`MethodQuery::of`]) is reported instead.
//!
//! Method names are compared case-insensitively and sent in lowercase, as method-get.md
//! asks.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::batch::{Batch, BatchCommandError, BatchResults, Cmd};
use crate::client::Client;
use crate::error::{ApiErrorCode, DecodeError, Error};
use crate::method::{ApiVersion, CallKind, Method};

/// The scope every application and webhook has.
const BASIC_SCOPE: &str = "basic";

/// A method to check: its name and, when the caller knows it, its scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodQuery {
    name: String,
    scope: Option<String>,
}

impl MethodQuery {
    /// A method by name.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            scope: None,
        }
    }

    /// The scope the method belongs to, reported when the portal cannot say.
    pub fn with_scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// A typed method: its name and scope from its [`Method`] implementation.
    pub fn of<M: Method>() -> Self {
        Self {
            name: M::NAME.to_owned(),
            scope: M::SCOPE.map(str::to_owned),
        }
    }

    /// The method name as given.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The scope given with the method, if any.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }
}

impl From<&str> for MethodQuery {
    fn from(name: &str) -> Self {
        Self::new(name)
    }
}

impl From<String> for MethodQuery {
    fn from(name: String) -> Self {
        Self::new(name)
    }
}

impl From<&String> for MethodQuery {
    fn from(name: &String) -> Self {
        Self::new(name.as_str())
    }
}

/// What the portal said about one method.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Availability {
    /// The portal has the method and the granted scopes allow calling it.
    Available,
    /// The portal does not have the method: its module is absent or the portal has not
    /// been updated to a version that has it.
    Missing {
        /// The scope given with the method when the portal does not have that scope at
        /// all (its module is absent), `None` when that cannot be told.
        absent_scope: Option<String>,
    },
    /// The portal has the method, but the granted scopes do not allow calling it.
    NotGranted {
        /// The scope the method needs, when the portal (`methods?scope=`) or the caller
        /// ([`MethodQuery::with_scope`]) says which.
        scope: Option<String>,
    },
    /// The check could not tell: the question failed or the name is not a method name.
    Unknown {
        /// Why.
        reason: String,
    },
}

impl fmt::Display for Availability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.status())?;
        let detail = self.detail();
        if !detail.is_empty() {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl Availability {
    /// A short status word: `available`, `missing`, `not allowed`, `unknown`.
    pub fn status(&self) -> &'static str {
        match self {
            Self::Available => "available",
            Self::Missing { .. } => "missing",
            Self::NotGranted { .. } => "not allowed",
            Self::Unknown { .. } => "unknown",
        }
    }

    /// One line for people on what the status means here.
    fn detail(&self) -> String {
        match self {
            Self::Available => String::new(),
            Self::Missing {
                absent_scope: Some(scope),
            } => format!("the portal has no `{scope}` module"),
            Self::Missing { absent_scope: None } => {
                "not on this portal (module absent or portal not updated)".into()
            }
            Self::NotGranted { scope: Some(scope) } => {
                format!("needs the scope `{scope}`, which is not granted")
            }
            Self::NotGranted { scope: None } => {
                "needs a scope that is not granted (the portal does not say which)".into()
            }
            Self::Unknown { reason } => reason.clone(),
        }
    }
}

/// One checked method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodCapability {
    name: String,
    availability: Availability,
}

impl MethodCapability {
    /// The method name as given.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the portal said.
    pub fn availability(&self) -> &Availability {
        &self.availability
    }
}

/// How the portal was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CheckSource {
    /// `method.get` per method.
    MethodGet,
    /// `methods` (the portal predates `method.get`).
    MethodsList,
}

/// The result of [`Client::check_capabilities`]: one entry per method, in the order
/// given (a name given twice is checked and listed once). Its `Display` is an aligned
/// text table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapabilityReport {
    methods: Vec<MethodCapability>,
    granted_scopes: Option<Vec<String>>,
    portal_scopes: Option<Vec<String>>,
    source: CheckSource,
}

impl CapabilityReport {
    /// Every checked method, in the order given.
    pub fn methods(&self) -> &[MethodCapability] {
        &self.methods
    }

    /// What the portal said about `name` (case-insensitive), if it was checked.
    pub fn get(&self, name: &str) -> Option<&Availability> {
        self.methods
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case(name))
            .map(|m| &m.availability)
    }

    /// Whether every checked method is available.
    pub fn all_available(&self) -> bool {
        self.methods
            .iter()
            .all(|m| m.availability == Availability::Available)
    }

    /// The methods that are not available, with what the portal said.
    pub fn unavailable(&self) -> impl Iterator<Item = &MethodCapability> {
        self.methods
            .iter()
            .filter(|m| m.availability != Availability::Available)
    }

    /// The scopes granted to the webhook or application (`scope`), when the portal said.
    pub fn granted_scopes(&self) -> Option<&[String]> {
        self.granted_scopes.as_deref()
    }

    /// The scopes the portal has (`scope?full=true`), when the portal said.
    pub fn portal_scopes(&self) -> Option<&[String]> {
        self.portal_scopes.as_deref()
    }

    /// How the portal was asked.
    pub fn source(&self) -> CheckSource {
        self.source
    }

    fn count(&self, status: &str) -> usize {
        self.methods
            .iter()
            .filter(|m| m.availability.status() == status)
            .count()
    }
}

impl fmt::Display for CapabilityReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HEADERS: [&str; 3] = ["METHOD", "STATUS", "DETAIL"];
        let rows: Vec<[String; 3]> = self
            .methods
            .iter()
            .map(|m| {
                [
                    m.name.clone(),
                    m.availability.status().to_owned(),
                    m.availability.detail(),
                ]
            })
            .collect();
        let width = |column: usize| {
            rows.iter()
                .map(|row| row[column].chars().count())
                .chain([HEADERS[column].len()])
                .max()
                .unwrap_or(0)
        };
        let (name_width, status_width) = (width(0), width(1));
        let line = |f: &mut fmt::Formatter<'_>, cells: [&str; 3]| {
            let text = format!(
                "{:<name_width$}  {:<status_width$}  {}",
                cells[0], cells[1], cells[2]
            );
            writeln!(f, "{}", text.trim_end())
        };
        line(f, HEADERS)?;
        for row in &rows {
            line(f, [&row[0], &row[1], &row[2]])?;
        }
        let granted = match &self.granted_scopes {
            Some(scopes) if scopes.is_empty() => "none besides basic".to_owned(),
            Some(scopes) => scopes.join(", "),
            None => "unknown".to_owned(),
        };
        write!(
            f,
            "{} methods: {} available, {} missing, {} not allowed, {} unknown; granted scopes: {granted}",
            self.methods.len(),
            self.count("available"),
            self.count("missing"),
            self.count("not allowed"),
            self.count("unknown"),
        )
    }
}

// ---------------------------------------------------------------------------------------
// The questions, as methods a batch can carry
// ---------------------------------------------------------------------------------------

/// `scope` (scope.md).
#[derive(Debug, Serialize)]
struct ScopeQuestion {
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    full: bool,
}

impl Method for ScopeQuestion {
    const NAME: &'static str = "scope";
    const SCOPE: Option<&'static str> = Some(BASIC_SCOPE);
    const KIND: CallKind = CallKind::Read;
    const API: ApiVersion = ApiVersion::Classic;
    type Response = Value;
}

/// `method.get` (method-get.md).
#[derive(Debug, Serialize)]
struct MethodGetQuestion {
    name: String,
}

impl Method for MethodGetQuestion {
    const NAME: &'static str = "method.get";
    const SCOPE: Option<&'static str> = Some(BASIC_SCOPE);
    const KIND: CallKind = CallKind::Read;
    const API: ApiVersion = ApiVersion::Classic;
    type Response = Value;
}

/// `methods` (methods.md).
#[derive(Debug, Serialize)]
struct MethodsQuestion {
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    full: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
}

impl Method for MethodsQuestion {
    const NAME: &'static str = "methods";
    const SCOPE: Option<&'static str> = Some(BASIC_SCOPE);
    const KIND: CallKind = CallKind::Read;
    const API: ApiVersion = ApiVersion::Classic;
    type Response = Value;
}

// ---------------------------------------------------------------------------------------
// Reading the answers
// ---------------------------------------------------------------------------------------

/// A list of names (`scope`, `methods`): a JSON list, or a PHP array sent as an object.
fn read_names(method: &str, value: &Value) -> Result<Vec<String>, BatchCommandError> {
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map) => map.values().collect(),
        Value::Null => Vec::new(),
        other => {
            return Err(decode_error(
                method,
                "",
                format!("expected a list of names, found {}", kind_of(other)),
            ));
        }
    };
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| match item {
            Value::String(text) => Ok(text.trim().to_owned()),
            other => Err(decode_error(
                method,
                &format!(".{index}"),
                format!("expected a name, found {}", kind_of(other)),
            )),
        })
        .collect()
}

/// A boolean as portals send it: `true`/`false`, `1`/`0`, `"Y"`/`"N"`, `"true"`/`"false"`.
fn read_flag(value: Option<&Value>) -> Option<bool> {
    match value? {
        Value::Bool(flag) => Some(*flag),
        Value::Number(n) => n.as_f64().map(|n| n != 0.0),
        Value::String(text) => match text.trim().to_ascii_lowercase().as_str() {
            "y" | "1" | "true" => Some(true),
            "n" | "0" | "false" | "" => Some(false),
            _ => None,
        },
        Value::Null => Some(false),
        _ => None,
    }
}

/// `method.get`'s result: (`isExisting`, `isAvailable`).
fn read_method_get(value: &Value) -> Result<(bool, bool), BatchCommandError> {
    let field = |key: &str| {
        read_flag(value.get(key)).ok_or_else(|| {
            decode_error(
                "method.get",
                &format!(".{key}"),
                match value.get(key) {
                    None => "missing".to_owned(),
                    Some(other) => format!("expected a boolean, found {}", kind_of(other)),
                },
            )
        })
    };
    Ok((field("isExisting")?, field("isAvailable")?))
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn decode_error(method: &str, path: &str, reason: String) -> BatchCommandError {
    BatchCommandError::Decode(DecodeError {
        method: method.to_owned(),
        path: format!("result{path}"),
        reason,
    })
}

/// A command's result, read by `read`.
fn answer<M: Method<Response = Value>, T>(
    results: &BatchResults,
    cmd: Cmd<M>,
    read: impl FnOnce(&Value) -> Result<T, BatchCommandError>,
) -> Result<T, BatchCommandError> {
    read(&results.get(cmd)?.result)
}

fn is_method_not_found(err: &BatchCommandError) -> bool {
    matches!(err, BatchCommandError::Api(api) if api.code == ApiErrorCode::MethodNotFound)
}

/// Whether `name` can be sent as a method name.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// A portal's answer that stops the whole check: the call of a batch failed.
fn whole_call(results: &mut BatchResults) -> Result<(), Error> {
    match results.take_error() {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// What is known about one method while checking.
#[derive(Debug, Clone)]
enum Finding {
    Exists { available: bool },
    Absent,
    Unknown(String),
}

impl Client {
    /// Check which of `methods` this portal has and may be called with the granted
    /// scopes; see the [module docs](crate::capability).
    ///
    /// `Err` when a `batch` call fails as a whole (the portal is unreachable, the
    /// credentials are wrong, ...); a question that fails on its own makes that method
    /// [`Availability::Unknown`].
    pub async fn check_capabilities<I>(&self, methods: I) -> Result<CapabilityReport, Error>
    where
        I: IntoIterator,
        I::Item: Into<MethodQuery>,
    {
        // The methods, once each, in the order given.
        let mut queries: Vec<MethodQuery> = Vec::new();
        let mut seen = BTreeSet::new();
        for query in methods {
            let query: MethodQuery = query.into();
            if seen.insert(query.name.to_ascii_lowercase()) {
                queries.push(query);
            }
        }

        // 1. The scopes, and method.get per method.
        let mut batch = Batch::new();
        let granted_cmd = batch.push(&ScopeQuestion { full: false })?;
        let portal_cmd = batch.push(&ScopeQuestion { full: true })?;
        let mut asked: Vec<Option<Cmd<MethodGetQuestion>>> = Vec::with_capacity(queries.len());
        for query in &queries {
            asked.push(if valid_name(&query.name) {
                Some(batch.push(&MethodGetQuestion {
                    name: query.name.to_ascii_lowercase(),
                })?)
            } else {
                None
            });
        }
        let mut results = self.batch(batch).await?;
        whole_call(&mut results)?;
        let granted: Option<Vec<String>> =
            answer(&results, granted_cmd, |v| read_names("scope", v)).ok();
        let portal_scopes: Option<Vec<String>> =
            answer(&results, portal_cmd, |v| read_names("scope", v)).ok();

        let mut source = CheckSource::MethodGet;
        let mut method_get_missing = false;
        let mut findings: Vec<Finding> = asked
            .iter()
            .map(|cmd| match cmd {
                None => Finding::Unknown("not a method name".into()),
                Some(cmd) => match answer(&results, *cmd, read_method_get) {
                    Ok((true, available)) => Finding::Exists { available },
                    Ok((false, _)) => Finding::Absent,
                    Err(err) => {
                        method_get_missing |= is_method_not_found(&err);
                        Finding::Unknown(err.to_string())
                    }
                },
            })
            .collect();

        // 2. A portal older than method.get: ask `methods` instead.
        if method_get_missing {
            source = CheckSource::MethodsList;
            let mut batch = Batch::new();
            let all_cmd = batch.push(&MethodsQuestion {
                full: true,
                scope: None,
            })?;
            let mine_cmd = batch.push(&MethodsQuestion {
                full: false,
                scope: None,
            })?;
            let mut results = self.batch(batch).await?;
            whole_call(&mut results)?;
            let lower = |names: Vec<String>| -> BTreeSet<String> {
                names.into_iter().map(|n| n.to_ascii_lowercase()).collect()
            };
            let all = answer(&results, all_cmd, |v| read_names("methods", v)).map(lower);
            let mine = answer(&results, mine_cmd, |v| read_names("methods", v)).map(lower);
            for (query, finding) in queries.iter().zip(findings.iter_mut()) {
                if !matches!(finding, Finding::Unknown(_)) || !valid_name(&query.name) {
                    continue;
                }
                let name = query.name.to_ascii_lowercase();
                *finding = match (&all, &mine) {
                    (Ok(all), Ok(mine)) if all.contains(&name) => Finding::Exists {
                        available: mine.contains(&name),
                    },
                    (Ok(_), Ok(_)) => Finding::Absent,
                    (Err(err), _) | (_, Err(err)) => Finding::Unknown(format!(
                        "the portal answers neither method.get nor methods: {err}"
                    )),
                };
            }
        }

        // 3. The scope each existing but not granted method needs.
        let not_granted = findings
            .iter()
            .any(|f| matches!(f, Finding::Exists { available: false }));
        let mut scope_of: BTreeMap<String, String> = BTreeMap::new();
        if not_granted {
            if let (Some(portal), Some(granted)) = (&portal_scopes, &granted) {
                let candidates: Vec<&String> = portal
                    .iter()
                    .filter(|scope| {
                        scope.as_str() != BASIC_SCOPE
                            && !granted.iter().any(|g| g.eq_ignore_ascii_case(scope))
                            && valid_name(scope)
                    })
                    .collect();
                if !candidates.is_empty() {
                    let mut batch = Batch::new();
                    let mut cmds = Vec::new();
                    for scope in &candidates {
                        cmds.push(batch.push(&MethodsQuestion {
                            full: false,
                            scope: Some((*scope).clone()),
                        })?);
                    }
                    let mut results = self.batch(batch).await?;
                    whole_call(&mut results)?;
                    for (scope, cmd) in candidates.iter().zip(cmds) {
                        // A scope whose list fails is simply not attributed.
                        if let Ok(names) = answer(&results, cmd, |v| read_names("methods", v)) {
                            for name in names {
                                scope_of
                                    .entry(name.to_ascii_lowercase())
                                    .or_insert_with(|| (*scope).clone());
                            }
                        }
                    }
                }
            }
        }

        let has_scope = |scope: &str| {
            portal_scopes
                .as_ref()
                .map(|scopes| scopes.iter().any(|s| s.eq_ignore_ascii_case(scope)))
        };
        let methods = queries
            .into_iter()
            .zip(findings)
            .map(|(query, finding)| {
                let availability = match finding {
                    Finding::Exists { available: true } => Availability::Available,
                    Finding::Exists { available: false } => Availability::NotGranted {
                        scope: scope_of
                            .get(&query.name.to_ascii_lowercase())
                            .cloned()
                            .or_else(|| query.scope.clone()),
                    },
                    Finding::Absent => Availability::Missing {
                        absent_scope: query
                            .scope
                            .clone()
                            .filter(|scope| has_scope(scope) == Some(false)),
                    },
                    Finding::Unknown(reason) => Availability::Unknown { reason },
                };
                MethodCapability {
                    name: query.name,
                    availability,
                }
            })
            .collect();
        Ok(CapabilityReport {
            methods,
            granted_scopes: granted,
            portal_scopes,
            source,
        })
    }
}

#[cfg(feature = "blocking")]
impl crate::client::BlockingClient {
    /// [`Client::check_capabilities`], blocking.
    pub fn check_capabilities<I>(&self, methods: I) -> Result<CapabilityReport, Error>
    where
        I: IntoIterator,
        I::Item: Into<MethodQuery>,
    {
        let queries: Vec<MethodQuery> = methods.into_iter().map(Into::into).collect();
        self.block_on(self.client().check_capabilities(queries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_are_read_leniently_and_errors_name_the_path() {
        assert_eq!(
            read_method_get(&json!({"isExisting": true, "isAvailable": "N"})).unwrap(),
            (true, false)
        );
        assert_eq!(
            read_method_get(&json!({"isExisting": 1, "isAvailable": 0})).unwrap(),
            (true, false)
        );
        let err = read_method_get(&json!({"isExisting": true})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "method.get: cannot read the response at `result.isAvailable`: missing"
        );
        let err = read_method_get(&json!({"isExisting": [], "isAvailable": true})).unwrap_err();
        assert!(err.to_string().contains("`result.isExisting`"), "{err}");
        assert_eq!(
            read_names("scope", &json!({"0": "crm", "1": " user "})).unwrap(),
            ["crm", "user"]
        );
        assert_eq!(
            read_names("scope", &json!([])).unwrap(),
            Vec::<String>::new()
        );
        let err = read_names("methods", &json!(["a", 5])).unwrap_err();
        assert!(err.to_string().contains("`result.1`"), "{err}");
        assert!(read_names("methods", &json!("crm")).is_err());
    }

    #[test]
    fn the_table_is_aligned() {
        let report = CapabilityReport {
            methods: vec![
                MethodCapability {
                    name: "crm.deal.add".into(),
                    availability: Availability::Available,
                },
                MethodCapability {
                    name: "tasks.task.add".into(),
                    availability: Availability::Missing {
                        absent_scope: Some("task".into()),
                    },
                },
                MethodCapability {
                    name: "im.message.add".into(),
                    availability: Availability::NotGranted {
                        scope: Some("im".into()),
                    },
                },
            ],
            granted_scopes: Some(vec!["crm".into(), "user".into()]),
            portal_scopes: None,
            source: CheckSource::MethodGet,
        };
        assert_eq!(
            report.to_string(),
            "\
METHOD          STATUS       DETAIL
crm.deal.add    available
tasks.task.add  missing      the portal has no `task` module
im.message.add  not allowed  needs the scope `im`, which is not granted
3 methods: 1 available, 1 missing, 1 not allowed, 0 unknown; granted scopes: crm, user"
        );
        assert!(!report.all_available());
        assert_eq!(report.unavailable().count(), 2);
        assert_eq!(
            report.get("IM.MESSAGE.ADD").unwrap().status(),
            "not allowed"
        );
    }
}
