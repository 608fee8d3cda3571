//! `tasks.task.list` of REST 3.0 (tasks-task-list-rest-v3.md): the documented filter
//! scheme (tasks filter by `id` only), `order` by the sortable fields, and `pagination`.

use std::cmp::Ordering;

use serde_json::{Map, Value, json};

use super::render::render;
use super::reply::V3Error;
use super::validation::select;
use crate::task_store::{TaskStore, field_type};

/// Records per page by default and at most (tasks-task-list-rest-v3.md).
const DEFAULT_LIMIT: u64 = 50;
const MAX_LIMIT: u64 = 1000;

/// Fields `tasks.task.list` sorts by (tasks-task-list-rest-v3.md).
const SORTABLE: [&str; 19] = [
    "id",
    "title",
    "creatorId",
    "created",
    "responsibleId",
    "deadline",
    "startPlan",
    "endPlan",
    "groupId",
    "priority",
    "status",
    "started",
    "estimatedTime",
    "changed",
    "closed",
    "activity",
    "mark",
    "allowsChangeDeadline",
    "allowsTimeTracking",
];

/// A compiled `filter` (rest-v3.md "Filtering"); tasks filter by `id` only.
#[derive(Debug)]
enum Filter {
    Id(&'static str, Vec<u64>),
    All(Vec<Filter>),
    Any(Vec<Filter>),
}

impl Filter {
    fn matches(&self, id: u64) -> bool {
        match self {
            Self::Id(op, values) => match *op {
                "=" => values.first() == Some(&id),
                "!=" => values.first() != Some(&id),
                ">" => values.first().is_some_and(|v| id > *v),
                ">=" => values.first().is_some_and(|v| id >= *v),
                "<" => values.first().is_some_and(|v| id < *v),
                "<=" => values.first().is_some_and(|v| id <= *v),
                "in" => values.contains(&id),
                _ => values.len() == 2 && values[0] <= id && id <= values[1],
            },
            Self::All(parts) => parts.iter().all(|part| part.matches(id)),
            Self::Any(parts) => parts.iter().any(|part| part.matches(id)),
        }
    }
}

fn invalid_filter(what: &Value) -> V3Error {
    V3Error::new(
        400,
        "INVALIDFILTEREXCEPTION",
        format!("Unable to recognize the filter condition `{what}`"),
    )
}

fn compile_filter(conditions: &Value) -> Result<Filter, V3Error> {
    match conditions {
        Value::Null => Ok(Filter::All(Vec::new())),
        Value::Array(items) => items
            .iter()
            .map(compile_condition)
            .collect::<Result<_, _>>()
            .map(Filter::All),
        other => Err(invalid_filter(other)),
    }
}

fn compile_condition(condition: &Value) -> Result<Filter, V3Error> {
    if let Value::Object(group) = condition {
        let parts = group
            .get("conditions")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid_filter(condition))?
            .iter()
            .map(compile_condition)
            .collect::<Result<Vec<_>, _>>()?;
        return match group.get("logic").and_then(Value::as_str) {
            Some(logic) if logic.eq_ignore_ascii_case("or") => Ok(Filter::Any(parts)),
            None => Ok(Filter::All(parts)),
            Some(logic) if logic.eq_ignore_ascii_case("and") => Ok(Filter::All(parts)),
            Some(_) => Err(invalid_filter(condition)),
        };
    }
    let Some(items) = condition.as_array() else {
        return Err(invalid_filter(condition));
    };
    let (field, op, value) = match items.as_slice() {
        [field, value] => {
            let op = if value.is_array() { "in" } else { "=" };
            (field, json!(op), value)
        }
        [field, op, value] => (field, op.clone(), value),
        _ => return Err(invalid_filter(condition)),
    };
    let field = field.as_str().ok_or_else(|| invalid_filter(condition))?;
    if field != "id" {
        return Err(if field_type(field).is_some() {
            V3Error::field(
                field,
                format!(
                    "In DTO `TaskDto`, the `{field}` field requires the `Filterable` attribute for such a request"
                ),
            )
        } else {
            V3Error::unknown_property(field, "TaskDto")
        });
    }
    const OPERATORS: [&str; 8] = ["=", "!=", ">", ">=", "<", "<=", "in", "between"];
    let op = op
        .as_str()
        .and_then(|op| {
            OPERATORS
                .iter()
                .find(|known| **known == op.to_ascii_lowercase())
        })
        .copied()
        .ok_or_else(|| {
            V3Error::new(
                400,
                "UNKNOWNFILTEROPERATOREXCEPTION",
                format!("Unknown filter operator `{}`", json_text(&op)),
            )
        })?;
    let values: Option<Vec<u64>> = match (op, value) {
        ("in" | "between", Value::Array(items)) => items.iter().map(Value::as_u64).collect(),
        ("in" | "between", _) => None,
        (_, value) => value.as_u64().map(|id| vec![id]),
    };
    let values = values
        .filter(|values| op != "between" || values.len() == 2)
        .ok_or_else(|| V3Error::wrong_type("id", "int"))?;
    Ok(Filter::Id(op, values))
}

fn json_text(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

/// Compare two field values: `null` first, numbers as numbers, the rest as text.
fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    let a = a.filter(|v| !v.is_null());
    let b = b.filter(|v| !v.is_null());
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
            _ => json_text(a).cmp(&json_text(b)),
        },
    }
}

/// A pagination number: a JSON number or a numeric string.
fn page_number(value: Option<&Value>) -> Result<Option<u64>, ()> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_u64().map(Some).ok_or(()),
        Some(Value::String(text)) => text.trim().parse().map(Some).map_err(drop),
        Some(_) => Err(()),
    }
}

pub(super) fn list(store: &TaskStore, params: &Value) -> Result<Value, V3Error> {
    let select = select(params)?.unwrap_or_else(|| vec!["id".to_owned()]);
    let filter = compile_filter(params.get("filter").unwrap_or(&Value::Null))?;
    let mut order: Vec<(String, bool)> = Vec::new();
    match params.get("order") {
        None | Some(Value::Null) => {}
        Some(Value::Object(fields)) => {
            for (field, direction) in fields {
                let descending = match direction.as_str().map(str::to_ascii_uppercase) {
                    Some(d) if d == "ASC" => false,
                    Some(d) if d == "DESC" => true,
                    _ => return Err(invalid_order(&json!({ field: direction }))),
                };
                if !SORTABLE.contains(&field.as_str()) {
                    return Err(invalid_order(&json!({ field: direction })));
                }
                order.push((field.clone(), descending));
            }
        }
        Some(other) => return Err(invalid_order(other)),
    }
    let pagination = params.get("pagination").cloned().unwrap_or(Value::Null);
    let invalid_page = || {
        V3Error::new(
            400,
            "INVALIDPAGINATIONEXCEPTION",
            format!("Unable to recognize the pagination parameter `{pagination}`"),
        )
    };
    if !(pagination.is_object() || pagination.is_null()) {
        return Err(invalid_page());
    }
    let number = |name: &str| page_number(pagination.get(name)).map_err(|()| invalid_page());
    let limit = number("limit")?.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 {
        return Err(invalid_page());
    }
    let limit = limit.min(MAX_LIMIT);
    let offset = match (number("page")?, number("offset")?) {
        (Some(page), _) => page.saturating_sub(1).saturating_mul(limit),
        (None, Some(offset)) => offset,
        (None, None) => 0,
    };
    let mut tasks: Vec<&Map<String, Value>> = store
        .tasks()
        .iter()
        .filter(|(id, _)| filter.matches(**id))
        .map(|(_, task)| task)
        .collect();
    tasks.sort_by(|a, b| {
        for (field, descending) in &order {
            let ordering = compare(a.get(field), b.get(field));
            let ordering = if *descending {
                ordering.reverse()
            } else {
                ordering
            };
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        compare(a.get("id"), b.get("id"))
    });
    let items = tasks
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|task| render(task, Some(&select)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json!({ "items": items }))
}

fn invalid_order(what: &Value) -> V3Error {
    V3Error::new(
        400,
        "INVALIDORDEREXCEPTION",
        format!("Unable to recognize the sorting parameter `{what}`"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(value: Value) -> Result<Filter, V3Error> {
        compile_filter(&value)
    }

    #[test]
    fn filters_follow_the_documented_scheme() {
        let f = filter(json!([["id", ">", 2], {"logic": "or", "conditions": [["id", [3, 4]], ["id", "between", [8, 9]]]}])).unwrap();
        let hits: Vec<u64> = (1..=10).filter(|id| f.matches(*id)).collect();
        assert_eq!(hits, [3, 4, 8, 9]);
        let f = filter(json!([["id", 5]])).unwrap();
        assert!(f.matches(5) && !f.matches(6));
        assert!(filter(json!(null)).unwrap().matches(1));

        let err = filter(json!([["title", "=", "x"]])).unwrap_err();
        assert!(
            err.body()["error"]["validation"][0]["message"]
                .as_str()
                .unwrap()
                .contains("Filterable")
        );
        let err = filter(json!([["nope", "=", 1]])).unwrap_err();
        assert!(err.code.ends_with("UNKNOWNDTOPROPERTYEXCEPTION"));
        let err = filter(json!([["id", "like", 1]])).unwrap_err();
        assert!(err.code.ends_with("UNKNOWNFILTEROPERATOREXCEPTION"));
        let err = filter(json!([["id", "=", "x"]])).unwrap_err();
        assert!(err.code.ends_with("REQUESTVALIDATIONEXCEPTION"));
        for odd in [
            json!({}),
            json!([1]),
            json!([["id"]]),
            json!([{"logic": "xor", "conditions": []}]),
        ] {
            assert!(filter(odd).is_err());
        }
    }
}
