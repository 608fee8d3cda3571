//! Classic list queries over records kept by ID, as `crm.deal.list`, `crm.item.list` and
//! the classic `tasks.task.list` read them: `filter` keys with operator prefixes (and nested groups
//! joined by `logic`), `order` by fields in the given order, and `start` paging with
//! `total` / `next` (`start=-1`: the first page, uncounted, huge-data.md).
//!
//! Records stay in the caller's store (`BTreeMap<u64, R>`); the caller says how its field
//! names resolve ([`Kind`] and stored name) and how to read one field of a record, so a
//! store may keep records in another shape than the method shows them. The `ID` bounds of
//! a filter narrow the walk to that ID range (a bound the range decides exactly is not
//! checked again per record), and a list in ID order stops after the page (plus a count
//! unless `start=-1`), so the documented fast export stays cheap with hundreds of
//! thousands of records. A page's records are whatever the caller renders them to: JSON
//! values built per call, or text serialised once and shared (see `payload.rs`).

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::ops::Bound;

use serde_json::{Map, Value};

use crate::call::Outcome;
use crate::clock::parse_datetime;
use crate::params::param;
use crate::payload::Payload;

/// How a field's values compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Whole numbers and references, as numbers or numeric strings.
    Integer,
    /// Amounts, as numbers or numeric strings.
    Number,
    /// `Y` / `N` (a filter may say `true`, `1`, `Y`).
    Flag,
    /// Datetimes and dates, compared as instants.
    DateTime,
    /// Datetimes and dates, compared as instants; when either side is not a date, both
    /// compare as text (the deal list: an unparseable date is no error there).
    DateTimeOrText,
    /// Text, compared case-insensitively.
    Text,
    /// A user field of unknown type: numbers when both sides are numeric, else text.
    Any,
}

/// A filter operation, from the key's prefix (crm-item-list.md, tasks-task-list.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    In,
    NotIn,
    /// `%`: the substring anywhere.
    Contains,
    /// `!%`: not the substring.
    NotContains,
    /// `=%`, `%=`: SQL LIKE with `%` and `_` in the value.
    Like,
    /// `!=%`, `!%=`: not LIKE.
    NotLike,
}

/// Split a filter key into its operation and field name (longest prefix first).
fn split_key(key: &str) -> (Op, &str) {
    const PREFIXES: &[(&str, Op)] = &[
        ("!=%", Op::NotLike),
        ("!%=", Op::NotLike),
        ("!@", Op::NotIn),
        ("!%", Op::NotContains),
        ("!=", Op::Ne),
        (">=", Op::Ge),
        ("<=", Op::Le),
        ("=%", Op::Like),
        ("%=", Op::Like),
        (">", Op::Gt),
        ("<", Op::Lt),
        ("@", Op::In),
        ("%", Op::Contains),
        ("=", Op::Eq),
        ("!", Op::Ne),
    ];
    for (prefix, op) in PREFIXES {
        if let Some(field) = key.strip_prefix(prefix) {
            return (*op, field);
        }
    }
    (Op::Eq, key)
}

/// One test of one field.
#[derive(Debug)]
pub(crate) struct Condition {
    field: String,
    kind: Kind,
    op: Op,
    values: Vec<Value>,
}

/// A compiled `filter`.
#[derive(Debug)]
pub(crate) enum Filter {
    /// Every part holds (the top level, and groups without `logic: OR`).
    All(Vec<Filter>),
    /// Some part holds (`logic: OR`).
    Any(Vec<Filter>),
    /// One field's test.
    Test(Condition),
}

/// How a list method names its fields: the stored name and kind of a name as `filter`,
/// `order` and `select` write it, `None` for a name the method does not know.
pub(crate) type Resolve<'a> = &'a dyn Fn(&str) -> Option<(String, Kind)>;

/// One field of a record as the method shows it (`Null` when unset).
pub(crate) type Read<'a, R> = &'a dyn for<'r> Fn(&'r R, &str) -> Cow<'r, Value>;

impl Filter {
    /// Compile a `filter` object. A key naming an unknown field is `Err(field)` when
    /// `strict`, else the condition is left out (a portal that ignores it).
    ///
    /// A key whose value is an object (`"0": {"logic": "OR", "0": {...}, "1": {...}}`)
    /// is a group; its own keys are conditions or groups again.
    pub(crate) fn compile(
        filter: &Map<String, Value>,
        resolve: Resolve<'_>,
        strict: bool,
    ) -> Result<Filter, String> {
        let mut parts = Vec::new();
        let mut any = false;
        for (key, value) in filter {
            if key.eq_ignore_ascii_case("logic") {
                any = value
                    .as_str()
                    .is_some_and(|logic| logic.trim().eq_ignore_ascii_case("OR"));
                continue;
            }
            if let Value::Object(group) = value {
                if key.bytes().all(|b| b.is_ascii_digit()) {
                    parts.push(Self::compile(group, resolve, strict)?);
                    continue;
                }
            }
            let (op, name) = split_key(key.trim());
            let Some((field, kind)) = resolve(name.trim()) else {
                if strict {
                    return Err(name.trim().to_owned());
                }
                continue;
            };
            parts.push(Filter::Test(Condition {
                field,
                kind,
                op,
                values: values_of(value),
            }));
        }
        Ok(if any {
            Filter::Any(parts)
        } else {
            Filter::All(parts)
        })
    }

    fn matches<R>(&self, record: &R, read: Read<'_, R>) -> bool {
        match self {
            Filter::All(parts) => parts.iter().all(|part| part.matches(record, read)),
            Filter::Any(parts) => parts.iter().any(|part| part.matches(record, read)),
            Filter::Test(condition) => condition.matches(&read(record, &condition.field)),
        }
    }

    /// What a record in the ID range must still pass: the filter without the top
    /// level's tests of `id` that [`IdRange::of`] decides exactly (the walk over that
    /// range already holds them), as parts that must all hold.
    fn beyond_range(&self, id: &str) -> Vec<&Filter> {
        match self {
            Filter::All(parts) => parts
                .iter()
                .filter(|part| !matches!(part, Filter::Test(c) if IdRange::is_exact(c, id)))
                .collect(),
            other => vec![other],
        }
    }
}

/// The IDs a filter can match at most, from the top level's comparisons of the ID field:
/// a superset (the other conditions are still checked); exact for `>`, `>=`, `<`, `<=`
/// with one number, which [`IdRange::is_exact`] lets the walk skip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct IdRange {
    low: u64,
    high: u64,
}

impl IdRange {
    /// `None` when no ID can match (an ID compared with something that is not a number
    /// matches nothing, as in [`compare`]).
    fn of(filter: &Filter, id: &str) -> Option<IdRange> {
        let mut range = IdRange {
            low: 0,
            high: u64::MAX,
        };
        let Filter::All(parts) = filter else {
            return Some(range);
        };
        for part in parts {
            let Filter::Test(condition) = part else {
                continue;
            };
            if condition.field != id || condition.values.is_empty() {
                continue;
            }
            let bound = || condition.id_bound();
            // IDs are whole numbers: `> 4.5` and `> 4` both start at 5, `< 4` ends at 3.
            match condition.op {
                Op::Gt => range.low = range.low.max((bound()?.floor() as u64).checked_add(1)?),
                Op::Ge => range.low = range.low.max(bound()?.ceil() as u64),
                Op::Lt => range.high = range.high.min((bound()?.ceil() as u64).checked_sub(1)?),
                Op::Le => range.high = range.high.min(bound()?.floor() as u64),
                Op::Eq | Op::In if !condition.values.iter().any(is_empty) => {
                    // Values that are not numbers match no ID; the others bound the range.
                    let ids: Vec<f64> = condition.values.iter().filter_map(id_number).collect();
                    let low = ids.iter().copied().reduce(f64::min)?;
                    let high = ids.iter().copied().fold(0.0, f64::max);
                    range.low = range.low.max(low.ceil() as u64);
                    range.high = range.high.min(high.floor() as u64);
                }
                _ => {}
            }
        }
        (range.low <= range.high).then_some(range)
    }

    /// Whether the range alone decides `condition` (it is one [`IdRange::of`] bounds
    /// exactly): every record's ID is its key, so the walk need not check it again.
    fn is_exact(condition: &Condition, id: &str) -> bool {
        condition.field == id
            && matches!(condition.op, Op::Gt | Op::Ge | Op::Lt | Op::Le)
            && condition.id_bound().is_some()
    }
}

/// A filter value as an ID bound: a number, clamped to the range of IDs.
fn id_number(value: &Value) -> Option<f64> {
    as_text(value)
        .and_then(|text| number(&text))
        .map(|n| n.clamp(0.0, u64::MAX as f64))
}

impl Condition {
    /// The one number a comparison of the ID field compares with (clamped to the range
    /// of IDs); `None` for several values or a value that is not a number.
    fn id_bound(&self) -> Option<f64> {
        match self.values.as_slice() {
            [value] => id_number(value),
            _ => None,
        }
    }

    fn matches(&self, stored: &Value) -> bool {
        let any = |test: &dyn Fn(&Value) -> bool| self.values.iter().any(test);
        match self.op {
            Op::Eq | Op::In => any(&|v| equals(self.kind, stored, v)),
            Op::Ne | Op::NotIn => !any(&|v| equals(self.kind, stored, v)),
            Op::Gt | Op::Ge | Op::Lt | Op::Le => any(&|v| {
                let Some(ordering) = compare(self.kind, stored, v) else {
                    return false;
                };
                match self.op {
                    Op::Gt => ordering == Ordering::Greater,
                    Op::Ge => ordering != Ordering::Less,
                    Op::Lt => ordering == Ordering::Less,
                    _ => ordering != Ordering::Greater,
                }
            }),
            Op::Contains | Op::NotContains => {
                let found = as_text(stored).is_some_and(|text| {
                    let text = text.to_lowercase();
                    self.values
                        .iter()
                        .filter_map(as_text)
                        .any(|needle| text.contains(&needle.to_lowercase()))
                });
                found == (self.op == Op::Contains)
            }
            Op::Like | Op::NotLike => {
                let found = as_text(stored).is_some_and(|text| {
                    self.values
                        .iter()
                        .filter_map(as_text)
                        .any(|pattern| like(&text, &pattern))
                });
                found == (self.op == Op::Like)
            }
        }
    }
}

/// The values of a filter entry (a PHP list may arrive as an object).
pub(crate) fn values_of(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items.clone(),
        Value::Object(map) => map.values().cloned().collect(),
        other => vec![other.clone()],
    }
}

pub(crate) fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        Value::Bool(flag) => Some(if *flag { "Y".into() } else { "N".into() }),
        other => Some(other.to_string()),
    }
}

fn number(text: &str) -> Option<f64> {
    text.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
}

pub(crate) fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// A flag as `Y`/`N` from any of its forms.
fn flag(text: &str) -> &'static str {
    match text.trim().to_ascii_uppercase().as_str() {
        "Y" | "1" | "TRUE" | "YES" => "Y",
        _ => "N",
    }
}

/// Compare a stored value with a filter value by the field's kind.
fn compare(kind: Kind, stored: &Value, other: &Value) -> Option<Ordering> {
    let left = as_text(stored)?;
    let right = as_text(other)?;
    let numeric = || Some((number(&left)?, number(&right)?));
    match kind {
        Kind::Integer | Kind::Number => numeric().and_then(|(a, b)| a.partial_cmp(&b)),
        Kind::DateTime => match (parse_datetime(&left), parse_datetime(&right)) {
            (Some(a), Some(b)) => Some(a.cmp(&b)),
            _ => None,
        },
        Kind::DateTimeOrText => match (parse_datetime(&left), parse_datetime(&right)) {
            (Some(a), Some(b)) => Some(a.cmp(&b)),
            _ => Some(left.cmp(&right)),
        },
        Kind::Flag => Some(flag(&left).cmp(flag(&right))),
        Kind::Any => match numeric() {
            Some((a, b)) => a.partial_cmp(&b),
            None => Some(left.to_lowercase().cmp(&right.to_lowercase())),
        },
        Kind::Text => Some(left.to_lowercase().cmp(&right.to_lowercase())),
    }
}

/// `=`: equal; an empty filter value matches an unset field; a stored list matches if
/// any element does.
fn equals(kind: Kind, stored: &Value, wanted: &Value) -> bool {
    if is_empty(wanted) {
        return is_empty(stored);
    }
    match stored {
        Value::Array(items) => items.iter().any(|item| equals(kind, item, wanted)),
        _ => compare(kind, stored, wanted) == Some(Ordering::Equal),
    }
}

/// SQL LIKE with `%` (any run) and `_` (one character), case-insensitive.
pub(crate) fn like(text: &str, pattern: &str) -> bool {
    let text: Vec<char> = text.to_lowercase().chars().collect();
    let pattern: Vec<char> = pattern.to_lowercase().chars().collect();
    let (mut t, mut p) = (0, 0);
    let (mut star_p, mut star_t) = (None, 0);
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '_' || pattern[p] == text[t]) {
            t += 1;
            p += 1;
        } else if p < pattern.len() && pattern[p] == '%' {
            star_p = Some(p);
            star_t = t;
            p += 1;
        } else if let Some(sp) = star_p {
            p = sp + 1;
            star_t += 1;
            t = star_t;
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '%')
}

/// What a value sorts by: a total order, `null` first ascending (as in MySQL), then
/// numbers (or instants), then text case-insensitively.
#[derive(Debug, PartialEq)]
enum SortKey {
    Null,
    Number(f64),
    Text(String),
}

impl SortKey {
    fn of(kind: Kind, value: &Value) -> Self {
        let Some(text) = as_text(value) else {
            return SortKey::Null;
        };
        let parsed = match kind {
            Kind::Integer | Kind::Number | Kind::Any => number(&text),
            Kind::DateTime | Kind::DateTimeOrText => parse_datetime(&text).map(|unix| unix as f64),
            Kind::Flag | Kind::Text => None,
        };
        match parsed {
            Some(n) => SortKey::Number(n),
            None => SortKey::Text(text.to_lowercase()),
        }
    }

    fn total_cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (SortKey::Number(a), SortKey::Number(b)) => a.total_cmp(b),
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            SortKey::Null => 0,
            SortKey::Number(_) => 1,
            SortKey::Text(_) => 2,
        }
    }
}

/// One `order` entry: the stored field, its kind, ascending.
#[derive(Debug, Clone)]
pub(crate) struct SortBy {
    pub(crate) field: String,
    pub(crate) kind: Kind,
    pub(crate) ascending: bool,
}

/// A direction as `order` writes it: `DESC` (any case) is descending, anything else not.
pub(crate) fn ascending(direction: &Value) -> bool {
    !as_text(direction).is_some_and(|d| d.trim().eq_ignore_ascii_case("DESC"))
}

/// The `start` parameter: an integer, `-1` for the fast path; anything else reads as 0.
pub(crate) fn start_param(params: &Value) -> i64 {
    match param(params, "start") {
        Some(Value::Number(number)) => number
            .as_i64()
            .or_else(|| number.as_f64().map(|f| f as i64))
            .unwrap_or(0),
        Some(Value::String(text)) => text.trim().parse().unwrap_or(0),
        _ => 0,
    }
}

/// A list query: the filter, the order (ties by ID ascending) and `start`.
#[derive(Debug)]
pub(crate) struct Query {
    pub(crate) filter: Filter,
    pub(crate) order: Vec<SortBy>,
    pub(crate) start: i64,
}

/// One page of a list (its records as the caller rendered them) and what its reply
/// says besides the records.
#[derive(Debug)]
pub(crate) struct Listing<T> {
    pub(crate) records: Vec<T>,
    /// How many records match (not counted on the fast path).
    total: usize,
    fast: bool,
    offset: usize,
    page_size: usize,
}

impl<T> Listing<T> {
    /// The reply: `result` made from the records by `wrap` (`{"items": [...]}`), `total`,
    /// and `next` while more remain; on the fast path `total: 0` and no `next`, as in
    /// the documented reply (huge-data.md).
    pub(crate) fn outcome<P: Into<Payload>>(self, wrap: impl FnOnce(Vec<T>) -> P) -> Outcome {
        let mut outcome = Outcome::read(wrap(self.records));
        if self.fast {
            outcome.total = Some(0);
        } else {
            outcome.total = Some(self.total as u64);
            let next = self.offset.saturating_add(self.page_size);
            if next < self.total {
                outcome.next = Some(next as u64);
            }
        }
        outcome
    }
}

/// Run `query` over `records`: the page at `start`, each record shown by `render` (from
/// its ID and the record).
///
/// `id` is the stored name of the ID field (`read` must give the record's ID, its key,
/// under it).
pub(crate) fn list<R, T>(
    records: &BTreeMap<u64, R>,
    query: &Query,
    id: &str,
    read: Read<'_, R>,
    render: &dyn Fn(u64, &R) -> T,
    page_size: usize,
) -> Listing<T> {
    let page_size = page_size.max(1);
    let (offset, fast) = match usize::try_from(query.start) {
        Ok(offset) => (offset, false),
        Err(_) => (0, true),
    };
    let mut listing = Listing {
        records: Vec::new(),
        total: 0,
        fast,
        offset,
        page_size,
    };
    let Some(IdRange { low, high }) = IdRange::of(&query.filter, id) else {
        return listing;
    };
    let range = || records.range((Bound::Included(low), Bound::Included(high)));
    let checks = query.filter.beyond_range(id);
    let matches = |record: &R| checks.iter().all(|part| part.matches(record, read));
    let by_id = match query.order.as_slice() {
        [] => Some(true),
        [only] if only.field == id => Some(only.ascending),
        _ => None,
    };
    match by_id {
        Some(ascending) => {
            // Records are kept by ID: walk just the range, stop after the page.
            let walk: Box<dyn Iterator<Item = (&u64, &R)>> = if ascending {
                Box::new(range())
            } else {
                Box::new(range().rev())
            };
            let mut matching = walk.filter(|(_, record)| matches(record));
            let mut skipped = 0;
            for _ in matching.by_ref().take(offset) {
                skipped += 1;
            }
            listing.records = matching
                .by_ref()
                .take(page_size)
                .map(|(key, record)| render(*key, record))
                .collect();
            if !fast {
                // Counting is what `start=-1` skips.
                listing.total = skipped + listing.records.len() + matching.count();
            }
        }
        None => {
            let mut matching: Vec<(&u64, &R)> =
                range().filter(|(_, record)| matches(record)).collect();
            matching.sort_by(|(id_a, a), (id_b, b)| {
                for sort in &query.order {
                    let ordering = SortKey::of(sort.kind, &read(a, &sort.field))
                        .total_cmp(&SortKey::of(sort.kind, &read(b, &sort.field)));
                    let ordering = if sort.ascending {
                        ordering
                    } else {
                        ordering.reverse()
                    };
                    if ordering != Ordering::Equal {
                        return ordering;
                    }
                }
                id_a.cmp(id_b)
            });
            listing.total = matching.len();
            listing.records = matching
                .iter()
                .skip(offset)
                .take(page_size)
                .map(|(key, record)| render(**key, record))
                .collect();
        }
    }
    listing
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    type Record = Map<String, Value>;

    fn store(n: u64) -> BTreeMap<u64, Record> {
        (1..=n)
            .map(|id| {
                let record = json!({
                    "id": id,
                    "title": format!("Item {id}"),
                    "stage": if id % 3 == 0 { "WON" } else { "NEW" },
                    "amount": (id * 10) as f64 + 0.5,
                    "opened": if id % 2 == 0 { "Y" } else { "N" },
                    "created": format!("2024-08-{:02}T10:00:00+03:00", id % 28 + 1),
                    "tags": [id % 4, 9],
                });
                (id, record.as_object().unwrap().clone())
            })
            .collect()
    }

    fn resolve(name: &str) -> Option<(String, Kind)> {
        let kind = match name {
            "id" => Kind::Integer,
            "title" | "stage" => Kind::Text,
            "amount" => Kind::Number,
            "opened" => Kind::Flag,
            "created" => Kind::DateTime,
            "tags" => Kind::Integer,
            _ => return None,
        };
        Some((name.to_owned(), kind))
    }

    fn read<'r>(record: &'r Record, field: &str) -> Cow<'r, Value> {
        record
            .get(field)
            .map_or(Cow::Owned(Value::Null), Cow::Borrowed)
    }

    fn ids(
        store: &BTreeMap<u64, Record>,
        filter: Value,
        order: &[(&str, bool)],
        start: i64,
    ) -> (Vec<u64>, Outcome) {
        let filter = Filter::compile(filter.as_object().unwrap(), &resolve, true).unwrap();
        let order = order
            .iter()
            .map(|(field, ascending)| SortBy {
                field: (*field).to_owned(),
                kind: resolve(field).unwrap().1,
                ascending: *ascending,
            })
            .collect();
        let query = Query {
            filter,
            order,
            start,
        };
        let listing = list(
            store,
            &query,
            "id",
            &read,
            &|_, r: &Record| Value::Object(r.clone()),
            5,
        );
        let ids = listing
            .records
            .iter()
            .map(|r| r["id"].as_u64().unwrap())
            .collect();
        (ids, listing.outcome(Value::Array))
    }

    #[test]
    fn operators_groups_and_kinds() {
        let s = store(30);
        let all = |filter: Value| {
            let filter = Filter::compile(filter.as_object().unwrap(), &resolve, true).unwrap();
            s.values()
                .filter(|r| filter.matches(*r, &read))
                .map(|r| r["id"].as_u64().unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(all(json!({">id": "27"})), vec![28, 29, 30]);
        assert_eq!(all(json!({">=id": 28, "<id": 30})), vec![28, 29]);
        assert_eq!(all(json!({"@id": [3, "5", 99]})), vec![3, 5]);
        assert_eq!(
            all(json!({"!@id": {"0": 1, "1": 2}, "<=id": 4})),
            vec![3, 4]
        );
        assert_eq!(all(json!({"stage": "won", "<=id": 9})), vec![3, 6, 9]);
        assert_eq!(all(json!({"!stage": "WON", "<=id": 4})), vec![1, 2, 4]);
        assert_eq!(
            all(json!({"%title": "m 2", "<id": 25})),
            vec![2, 20, 21, 22, 23, 24]
        );
        assert_eq!(
            all(json!({"=%title": "item 1_"})),
            (10..=19).collect::<Vec<_>>()
        );
        assert_eq!(
            all(json!({"!=%title": "item 1%", "<id": 22})),
            vec![2, 3, 4, 5, 6, 7, 8, 9, 20, 21]
        );
        assert_eq!(all(json!({">amount": "295.0"})), vec![30]);
        assert_eq!(all(json!({"opened": true, "<=id": 4})), vec![2, 4]);
        assert_eq!(all(json!({"opened": 0, "<=id": 4})), vec![1, 3]);
        assert_eq!(
            all(json!({"<created": "2024-08-03", "<=id": 30})),
            vec![1, 28, 29]
        );
        assert_eq!(all(json!({"tags": 2, "<=id": 10})), vec![2, 6, 10]);
        assert_eq!(
            all(json!({"<=id": 12, "0": {"logic": "OR", "0": {"stage": "WON"}, "1": {"id": 1}}})),
            vec![1, 3, 6, 9, 12]
        );
        assert_eq!(all(json!({"0": {"id": 4, "stage": "NEW"}})), vec![4]);
        // A comparison with something that is not a number matches nothing.
        assert!(all(json!({">id": "x"})).is_empty());
        assert_eq!(
            Filter::compile(json!({">nope": 1}).as_object().unwrap(), &resolve, true).unwrap_err(),
            "nope"
        );
        let lax =
            Filter::compile(json!({">nope": 1}).as_object().unwrap(), &resolve, false).unwrap();
        assert!(s.values().all(|r| lax.matches(r, &read)));
    }

    #[test]
    fn pages_totals_next_and_the_fast_path() {
        let s = store(12);
        let (page, outcome) = ids(&s, json!({}), &[], 0);
        assert_eq!(page, vec![1, 2, 3, 4, 5]);
        assert_eq!((outcome.total, outcome.next), (Some(12), Some(5)));
        let (page, outcome) = ids(&s, json!({}), &[], 10);
        assert_eq!(page, vec![11, 12]);
        assert_eq!((outcome.total, outcome.next), (Some(12), None));
        let (page, outcome) = ids(&s, json!({}), &[], 20);
        assert!(page.is_empty());
        assert_eq!((outcome.total, outcome.next), (Some(12), None));
        // `start=-1`: the first page after the filter's bound, not counted, no `next`.
        let (page, outcome) = ids(&s, json!({">id": 6}), &[("id", true)], -1);
        assert_eq!(page, vec![7, 8, 9, 10, 11]);
        assert_eq!((outcome.total, outcome.next), (Some(0), None));
        let (page, outcome) = ids(&s, json!({"<=id": 9}), &[("id", false)], 5);
        assert_eq!(page, vec![4, 3, 2, 1]);
        assert_eq!((outcome.total, outcome.next), (Some(9), None));
        let (page, _) = ids(&s, json!({">id": 20}), &[], 0);
        assert!(page.is_empty());
        let (page, _) = ids(&s, json!({">id": 9, "<id": 3}), &[], 0);
        assert!(page.is_empty());
    }

    #[test]
    fn other_orders_sort_what_matches_with_ties_by_id() {
        let s = store(9);
        let (page, outcome) = ids(&s, json!({}), &[("stage", false), ("amount", false)], 0);
        assert_eq!(page, vec![9, 6, 3, 8, 7]);
        assert_eq!((outcome.total, outcome.next), (Some(9), Some(5)));
        let (page, _) = ids(&s, json!({}), &[("opened", true)], 5);
        assert_eq!(page, vec![2, 4, 6, 8]);
        let mut keys = [
            SortKey::Text("b".into()),
            SortKey::Number(2.0),
            SortKey::Null,
            SortKey::Number(f64::NAN),
            SortKey::Text("a".into()),
        ];
        keys.sort_by(SortKey::total_cmp);
        assert_eq!(keys[0], SortKey::Null);
        assert_eq!(keys[4], SortKey::Text("b".into()));
    }

    #[test]
    fn like_patterns_and_start() {
        assert!(like("Mollusk", "mol%"));
        assert!(like("a mol b", "%mol%"));
        assert!(!like("amol", "mol%"));
        assert!(like("x1", "x_"));
        assert_eq!(start_param(&json!({"start": "-1"})), -1);
        assert_eq!(start_param(&json!({"start": 100})), 100);
        assert_eq!(start_param(&json!({"start": "x"})), 0);
        assert_eq!(start_param(&json!({})), 0);
        assert!(!ascending(&json!("desc")) && ascending(&json!("ASC")) && ascending(&json!(1)));
    }
}
