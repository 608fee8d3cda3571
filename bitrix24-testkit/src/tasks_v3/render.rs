//! A task as a REST 3.0 reply shows it: every field, or those `select` names, with the
//! related users (`responsible.name`) filled in.

use serde_json::{Map, Value, json};

use super::reply::V3Error;
use crate::task_store::USERS;

/// The related objects `select` may reach with a dot, and the entity each one is.
const RELATIONS: [(&str, &str); 2] = [("creator", "UserDto"), ("responsible", "UserDto")];

/// The fields of a related user.
const USER_FIELDS: [&str; 4] = ["id", "name", "lastName", "email"];

/// A task as a reply holds it: every field (the basic set) or the selected ones. An
/// unknown own field is left out; an unknown related field is an error (rest-v3.md).
pub(super) fn render(
    task: &Map<String, Value>,
    select: Option<&[String]>,
) -> Result<Value, V3Error> {
    let Some(select) = select else {
        return Ok(Value::Object(task.clone()));
    };
    let mut out = Map::new();
    for name in select {
        match name.split_once('.') {
            None => {
                if let Some(value) = task.get(name.as_str()) {
                    out.insert(name.clone(), value.clone());
                }
            }
            Some((relation, field)) => {
                let Some((_, entity)) = RELATIONS.iter().find(|(r, _)| *r == relation) else {
                    return Err(V3Error::unknown_property(relation, "TaskDto"));
                };
                if !USER_FIELDS.contains(&field) {
                    return Err(V3Error::unknown_property(field, entity));
                }
                let user_id = task
                    .get(&format!("{relation}Id"))
                    .and_then(Value::as_u64)
                    .unwrap_or(0);
                let value =
                    USERS
                        .iter()
                        .find(|user| user.0 == user_id)
                        .map_or(Value::Null, |user| match field {
                            "id" => json!(user.0),
                            "name" => json!(user.1),
                            "lastName" => json!(user.2),
                            _ => json!(user.3),
                        });
                let related = out
                    .entry(relation.to_owned())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(related) = related {
                    related.insert(field.to_owned(), value);
                }
            }
        }
    }
    Ok(Value::Object(out))
}
