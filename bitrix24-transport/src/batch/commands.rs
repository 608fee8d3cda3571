//! Building a [`Batch`]: commands pushed with their references, grouped by what they
//! reference, and planned into `batch` calls of at most [`MAX_COMMANDS_PER_CALL`].

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Map, Value};

use super::error::BatchError;
use super::query::encode_with_references;
use super::reference::{Cmd, ResultRef};
use crate::method::{ApiVersion, CallKind, Method, missing_required};

/// The most commands one `batch` call may hold (batch.md).
pub const MAX_COMMANDS_PER_CALL: usize = 50;

/// The name of the REST method that runs batches.
pub(super) const BATCH_METHOD: &str = "batch";

static NEXT_BATCH_ID: AtomicU64 = AtomicU64::new(1);

/// Commands to send together; see the [module docs](crate::batch).
#[derive(Debug)]
pub struct Batch {
    pub(super) id: u64,
    pub(super) halt: bool,
    pub(super) commands: Vec<Command>,
    /// Union-find over dependency groups: the parent of each command.
    parent: Vec<usize>,
    /// The size of the group each root stands for.
    size: Vec<usize>,
}

#[derive(Debug)]
pub(super) struct Command {
    pub(super) method: &'static str,
    pub(super) kind: CallKind,
    /// `method?query`, as sent.
    pub(super) text: String,
}

impl Default for Batch {
    fn default() -> Self {
        Self::new()
    }
}

impl Batch {
    /// An empty batch, without halt.
    pub fn new() -> Self {
        Self {
            id: NEXT_BATCH_ID.fetch_add(1, Ordering::Relaxed),
            halt: false,
            commands: Vec::new(),
            parent: Vec::new(),
            size: Vec::new(),
        }
    }

    /// Stop at the first failing command (`halt`); see the [module docs](crate::batch) for what
    /// that means for a split batch.
    pub fn halt(&mut self, halt: bool) -> &mut Self {
        self.halt = halt;
        self
    }

    /// Whether the batch halts at the first failing command.
    pub fn halts(&self) -> bool {
        self.halt
    }

    /// How many commands the batch holds.
    pub fn len(&self) -> usize {
        self.commands.len()
    }

    /// Whether the batch holds no command.
    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }

    /// How many `batch` calls sending it takes.
    pub fn calls_needed(&self) -> usize {
        self.plan().len()
    }

    /// Add a command without references.
    pub fn push<M: Method>(&mut self, request: &M) -> Result<Cmd<M>, BatchError> {
        self.push_with(request, std::iter::empty::<(&str, ResultRef)>())
    }

    /// Add a command whose parameters take results of earlier commands.
    ///
    /// Each `(path, reference)` puts the reference into the request's serialised
    /// parameters at `path`, overriding what was serialised there. A path is the wire
    /// names of the keys from the top, separated by `.` (`"id"`, `"fields.COMPANY_ID"`);
    /// a segment that meets a list is an index into it (`"fields.PHONE.0.VALUE"`). Keys
    /// missing on the way (or `null`) are created as objects; a path through a string,
    /// number or boolean, or past the end of a list, is an error
    /// ([`BatchError::InvalidPath`]), as are two paths of which one contains the other.
    /// A key with a `.` in it cannot be addressed.
    ///
    /// ```
    /// # use bitrix24_transport::{ApiVersion, CallKind, Method};
    /// # #[derive(serde::Serialize)] struct Add { fields: serde_json::Value }
    /// # impl Method for Add { const NAME: &'static str = "crm.deal.add";
    /// #   const SCOPE: Option<&'static str> = None; const KIND: CallKind = CallKind::Write;
    /// #   const API: ApiVersion = ApiVersion::Classic; type Response = u64; }
    /// use bitrix24_transport::batch::Batch;
    ///
    /// let mut batch = Batch::new();
    /// let company = batch.push(&Add { fields: serde_json::json!({"TITLE": "A"}) })?;
    /// let deal = batch.push_with(
    ///     &Add { fields: serde_json::json!({"TITLE": "B"}) },
    ///     [("fields.COMPANY_ID", company.result())],
    /// )?;
    /// assert_eq!(
    ///     batch.command_text(deal).unwrap(),
    ///     "crm.deal.add?fields[COMPANY_ID]=$result[c0]&fields[TITLE]=B"
    /// );
    /// # Ok::<(), bitrix24_transport::batch::BatchError>(())
    /// ```
    pub fn push_with<M, P>(
        &mut self,
        request: &M,
        references: impl IntoIterator<Item = (P, ResultRef)>,
    ) -> Result<Cmd<M>, BatchError>
    where
        M: Method,
        P: AsRef<str>,
    {
        let method = M::NAME;
        check_method::<M>()?;
        let mut params = serde_json::to_value(request).map_err(|err| BatchError::Encode {
            method: method.to_owned(),
            reason: err.to_string(),
        })?;
        match params {
            Value::Null => params = Value::Object(Map::new()),
            Value::Object(_) | Value::Array(_) => {}
            _ => {
                return Err(BatchError::Encode {
                    method: method.to_owned(),
                    reason: "the parameters must serialise to an object, an array or null".into(),
                });
            }
        }
        let mut placed: Vec<(Vec<String>, String)> = Vec::new();
        let mut deps: Vec<usize> = Vec::new();
        for (path, reference) in references {
            let path = path.as_ref();
            if reference.batch != self.id || reference.command >= self.commands.len() {
                return Err(BatchError::ForeignReference {
                    method: method.to_owned(),
                    path: path.to_owned(),
                });
            }
            let text = reference
                .render()
                .map_err(|reason| BatchError::InvalidReference {
                    method: method.to_owned(),
                    path: path.to_owned(),
                    reason,
                })?;
            let segments: Vec<String> = path.split('.').map(str::to_owned).collect();
            if segments.iter().any(String::is_empty) {
                return Err(BatchError::InvalidPath {
                    method: method.to_owned(),
                    path: path.to_owned(),
                    reason: "a path is keys separated by `.`, none of them empty".into(),
                });
            }
            if let Some((other, _)) = placed.iter().find(|(other, _)| {
                other.len().min(segments.len()) == common_prefix(other, &segments)
            }) {
                return Err(BatchError::InvalidPath {
                    method: method.to_owned(),
                    path: path.to_owned(),
                    reason: format!("it overlaps the path `{}`", other.join(".")),
                });
            }
            placed.push((segments, text));
            if !deps.contains(&reference.command) {
                deps.push(reference.command);
            }
        }
        // A required path (`Method::REQUIRED`) is carried by the request or filled by a
        // reference to an earlier command's result (`fields.COMPANY_ID`), or at a key
        // above it.
        let unfilled = M::REQUIRED.iter().find(|path| {
            let segments: Vec<&str> = path.split('.').collect();
            missing_required(&params, &[path]).is_some()
                && !placed.iter().any(|(at, _)| {
                    at.len() <= segments.len() && at.iter().eq(&segments[..at.len()])
                })
        });
        if let Some(path) = unfilled {
            return Err(BatchError::Encode {
                method: method.to_owned(),
                reason: format!("`{path}` is required and not set"),
            });
        }
        let command = self.commands.len();
        let query = encode_with_references(&mut params, &placed).map_err(|(path, reason)| {
            BatchError::InvalidPath {
                method: method.to_owned(),
                path,
                reason,
            }
        })?;
        // The dependency group this command joins: its own and those of what it references.
        let mut roots: Vec<usize> = deps.iter().map(|&dep| self.root(dep)).collect();
        roots.sort_unstable();
        roots.dedup();
        let group_size = 1 + roots.iter().map(|&root| self.size[root]).sum::<usize>();
        if group_size > MAX_COMMANDS_PER_CALL {
            return Err(BatchError::GroupTooLarge {
                method: method.to_owned(),
                size: group_size,
                max: MAX_COMMANDS_PER_CALL,
            });
        }
        let text = if query.is_empty() {
            method.to_owned()
        } else {
            format!("{method}?{query}")
        };
        self.commands.push(Command {
            method,
            kind: M::KIND,
            text,
        });
        self.parent.push(command);
        self.size.push(1);
        for root in roots {
            self.parent[root] = command;
        }
        self.size[command] = group_size;
        Ok(Cmd {
            batch: self.id,
            index: command,
            method: PhantomData,
        })
    }

    /// The command as it is sent (`method?query`), for a handle of this batch.
    pub fn command_text<M>(&self, cmd: Cmd<M>) -> Option<&str> {
        if cmd.batch != self.id {
            return None;
        }
        self.commands.get(cmd.index).map(|c| c.text.as_str())
    }

    fn root(&self, mut command: usize) -> usize {
        while self.parent[command] != command {
            command = self.parent[command];
        }
        command
    }

    /// The commands of each `batch` call, in push order within a call.
    pub(super) fn plan(&self) -> Vec<Vec<usize>> {
        let mut group_of_root: HashMap<usize, usize> = HashMap::new();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for command in 0..self.commands.len() {
            let root = self.root(command);
            let group = *group_of_root.entry(root).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[group].push(command);
        }
        let mut calls: Vec<Vec<usize>> = Vec::new();
        for group in groups {
            match calls.last_mut() {
                Some(call) if call.len() + group.len() <= MAX_COMMANDS_PER_CALL => {
                    call.extend(group);
                }
                _ => calls.push(group),
            }
        }
        for call in &mut calls {
            call.sort_unstable();
        }
        calls
    }
}

fn check_method<M: Method>() -> Result<(), BatchError> {
    let method = M::NAME;
    let refuse = |reason: &str| {
        Err(BatchError::NotBatchable {
            method: method.chars().take(64).collect(),
            reason: reason.to_owned(),
        })
    };
    let valid = !method.is_empty()
        && !method.starts_with('.')
        && method
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if !valid {
        return refuse("a method name is letters, digits, `.`, `_` and `-`");
    }
    if method.eq_ignore_ascii_case(BATCH_METHOD) {
        return refuse("a batch cannot hold another batch");
    }
    if M::API != ApiVersion::Classic {
        return refuse("a REST 3.0 method cannot run inside the classic batch");
    }
    Ok(())
}

fn common_prefix(a: &[String], b: &[String]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::fixtures::Raw;
    use serde::Serialize;
    use serde_json::json;

    #[derive(Serialize)]
    struct Nested;

    impl Method for Nested {
        const NAME: &'static str = "batch";
        const SCOPE: Option<&'static str> = None;
        const KIND: CallKind = CallKind::Read;
        const API: ApiVersion = ApiVersion::Classic;
        type Response = Value;
    }

    #[derive(Serialize)]
    struct V3;

    impl Method for V3 {
        const NAME: &'static str = "tasks.task.get";
        const SCOPE: Option<&'static str> = None;
        const KIND: CallKind = CallKind::Read;
        const API: ApiVersion = ApiVersion::V3;
        type Response = Value;
    }

    /// A write whose record's `TITLE` the method requires ([`Method::REQUIRED`]).
    #[derive(Serialize)]
    struct AddTitled(Value);

    impl Method for AddTitled {
        const NAME: &'static str = "crm.quote.add";
        const SCOPE: Option<&'static str> = None;
        const KIND: CallKind = CallKind::Write;
        const API: ApiVersion = ApiVersion::Classic;
        type Response = Value;
        const REQUIRED: &'static [&'static str] = &["fields.TITLE", "fields.COMPANY_ID"];
    }

    #[test]
    fn a_required_path_is_carried_or_filled_by_a_reference() {
        let mut batch = Batch::new();
        let company = batch.push(&Raw(Value::Null)).unwrap();
        let titled = json!({"fields": {"TITLE": "Q-1"}});
        // Carried, or filled by a reference at the path or at a key above it.
        for (params, path) in [
            (json!({"fields": {"TITLE": "Q-1", "COMPANY_ID": 7}}), None),
            (titled.clone(), Some("fields.COMPANY_ID")),
            (json!({}), Some("fields")),
        ] {
            let references = path.map(|path| (path, company.result()));
            assert!(
                batch
                    .push_with(&AddTitled(params.clone()), references)
                    .is_ok(),
                "{params}"
            );
        }
        // Missing, or `null`: refused, naming the path, before anything is sent.
        for params in [titled, json!({"fields": {"TITLE": null, "COMPANY_ID": 7}})] {
            let err = batch.push(&AddTitled(params)).unwrap_err();
            assert!(matches!(err, BatchError::Encode { .. }), "{err}");
            assert!(err.to_string().contains("is required"), "{err}");
        }
        let err = batch
            .push(&AddTitled(json!({"fields": {"COMPANY_ID": 7}})))
            .unwrap_err();
        assert!(err.to_string().contains("`fields.TITLE`"), "{err}");
        assert_eq!(batch.len(), 4);
    }

    fn text(batch: &Batch, cmd: Cmd<Raw>) -> &str {
        batch.command_text(cmd).unwrap()
    }

    #[test]
    fn references_render_and_keep_their_place() {
        let mut batch = Batch::new();
        let a = batch.push(&Raw(Value::Null)).unwrap();
        assert_eq!(text(&batch, a), "x.y");
        assert_eq!(a.result().to_string(), "$result[c0]");
        assert_eq!(a.field("ID").to_string(), "$result[c0][ID]");
        assert_eq!(a.item(49).field("ID").to_string(), "$result[c0][49][ID]");
        let params = json!({"a": 1, "fields": {"B": "x", "C": "y", "D": "z"}, "list": [1, 2, 3]});
        let b = batch
            .push_with(
                &Raw(params),
                [
                    ("fields.C", a.field("ID")),
                    ("list.1", a.item(0)),
                    ("new.deep.KEY", a.result()),
                ],
            )
            .unwrap();
        assert_eq!(
            text(&batch, b),
            "x.y?a=1&fields[B]=x&fields[C]=$result[c0][ID]&fields[D]=z\
             &list[0]=1&list[1]=$result[c0][0]&list[2]=3&new[deep][KEY]=$result[c0]"
        );
        // Positional parameters and a unit request.
        let c = batch
            .push_with(&Raw(json!([5, {"K": "v"}])), [("1.REF", b.result())])
            .unwrap();
        assert_eq!(text(&batch, c), "x.y?0=5&1[K]=v&1[REF]=$result[c1]");
        let d = batch
            .push_with(&Raw(Value::Null), [("id", c.result())])
            .unwrap();
        assert_eq!(text(&batch, d), "x.y?id=$result[c2]");
    }

    #[test]
    fn awkward_values_are_encoded_and_not_taken_for_references() {
        let mut batch = Batch::new();
        let a = batch.push(&Raw(Value::Null)).unwrap();
        let b = batch
            .push_with(
                &Raw(json!({"t": "a&b=c[d]#e+f%g h\n$result[c0]", "k e[y]": true})),
                [("id", a.result())],
            )
            .unwrap();
        assert_eq!(
            text(&batch, b),
            "x.y?id=$result[c0]&k%20e%5By%5D=1&t=a%26b%3Dc%5Bd%5D%23e%2Bf%25g%20h%0A%24result%5Bc0%5D"
        );
    }

    #[test]
    fn bad_paths_references_and_methods_are_refused() {
        let mut batch = Batch::new();
        let a = batch.push(&Raw(Value::Null)).unwrap();
        let params = || Raw(json!({"s": "text", "list": [1], "n": null}));
        let refuse = |batch: &mut Batch, path: &str, reference: ResultRef| {
            batch.push_with(&params(), [(path, reference)]).unwrap_err()
        };
        for path in ["s.x", "list.x", "list.5", "", "a..b"] {
            assert!(
                matches!(
                    refuse(&mut batch, path, a.result()),
                    BatchError::InvalidPath { .. }
                ),
                "{path}"
            );
        }
        assert!(matches!(
            refuse(&mut batch, "id", a.field("A]B")),
            BatchError::InvalidReference { .. }
        ));
        assert!(matches!(
            refuse(&mut batch, "id", a.field("")),
            BatchError::InvalidReference { .. }
        ));
        let overlap = batch
            .push_with(&params(), [("n", a.result()), ("n.x", a.result())])
            .unwrap_err();
        assert!(
            matches!(overlap, BatchError::InvalidPath { .. }),
            "{overlap}"
        );
        // `null` on the way is replaced by an object.
        let ok = batch.push_with(&params(), [("n.x", a.result())]).unwrap();
        assert!(text(&batch, ok).contains("n[x]=$result[c0]"));
        assert!(matches!(
            batch.push(&Raw(json!("scalar"))),
            Err(BatchError::Encode { .. })
        ));
        assert!(matches!(
            batch.push(&Nested),
            Err(BatchError::NotBatchable { .. })
        ));
        assert!(matches!(
            batch.push(&V3),
            Err(BatchError::NotBatchable { .. })
        ));
        assert_eq!(batch.len(), 2, "refused commands are not added");
    }

    #[test]
    fn groups_are_packed_whole_and_in_order() {
        let mut batch = Batch::new();
        let first = batch.push(&Raw(Value::Null)).unwrap();
        for _ in 0..59 {
            batch.push(&Raw(Value::Null)).unwrap();
        }
        batch
            .push_with(&Raw(Value::Null), [("id", first.result())])
            .unwrap();
        let plan = batch.plan();
        assert_eq!(plan.len(), 2);
        assert_eq!(plan[0].len(), 50);
        assert_eq!(&plan[0][..3], &[0, 1, 2]);
        assert_eq!(
            plan[0].last(),
            Some(&60),
            "the late command joins its reference"
        );
        assert_eq!(plan[1], (49..60).collect::<Vec<_>>());

        // Two groups joined by one command count as one.
        let mut batch = Batch::new();
        let mut left = batch.push(&Raw(Value::Null)).unwrap();
        let mut right = batch.push(&Raw(Value::Null)).unwrap();
        for _ in 0..23 {
            left = batch
                .push_with(&Raw(Value::Null), [("a", left.result())])
                .unwrap();
            right = batch
                .push_with(&Raw(Value::Null), [("a", right.result())])
                .unwrap();
        }
        assert_eq!(batch.len(), 48);
        let both = batch
            .push_with(
                &Raw(Value::Null),
                [("a", left.result()), ("b", right.result())],
            )
            .unwrap();
        batch
            .push_with(&Raw(Value::Null), [("a", both.result())])
            .unwrap();
        let err = batch
            .push_with(&Raw(Value::Null), [("a", both.result())])
            .unwrap_err();
        assert!(
            matches!(err, BatchError::GroupTooLarge { size: 51, .. }),
            "{err}"
        );
        assert_eq!(batch.plan(), vec![(0..50).collect::<Vec<_>>()]);
    }
}
