//! The portal's tasks, kept in the REST 3.0 form: `tasks.task.*` of REST 3.0 serve them
//! as they are, the classic `tasks.task.*` in their own form (tasks-task-*.md).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::clock::format_datetime;

/// The users a task can name as creator or assignee: `(id, name, last name, email)`.
pub(crate) const USERS: [(u64, &str, &str, &str); 3] = [
    (1, "John", "Doe", "john.doe@example.com"),
    (2, "Anna", "Smith", "anna.smith@example.com"),
    (3, "Oleg", "Ivanov", "oleg.ivanov@example.com"),
];

/// What a field holds, for checking what a client writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldType {
    Text,
    Int,
    Bool,
    DateTime,
    IntList,
    TextList,
    /// Set by the portal; a write is refused.
    ReadOnly,
}

/// The task fields the portal knows, with their types (fields-rest-v3.md).
pub(crate) const FIELDS: [(&str, FieldType); 29] = [
    ("id", FieldType::ReadOnly),
    ("title", FieldType::Text),
    ("description", FieldType::Text),
    ("creatorId", FieldType::Int),
    ("responsibleId", FieldType::Int),
    ("created", FieldType::ReadOnly),
    ("deadline", FieldType::DateTime),
    ("needsControl", FieldType::Bool),
    ("startPlan", FieldType::DateTime),
    ("endPlan", FieldType::DateTime),
    ("groupId", FieldType::Int),
    ("priority", FieldType::Text),
    ("status", FieldType::Text),
    ("statusChanged", FieldType::ReadOnly),
    ("parentId", FieldType::Int),
    ("accomplices", FieldType::IntList),
    ("auditors", FieldType::IntList),
    ("crmItemIds", FieldType::TextList),
    ("started", FieldType::ReadOnly),
    ("estimatedTime", FieldType::Int),
    ("changed", FieldType::ReadOnly),
    ("closed", FieldType::ReadOnly),
    ("activity", FieldType::ReadOnly),
    ("mark", FieldType::Text),
    ("allowsChangeDeadline", FieldType::Bool),
    ("allowsTimeTracking", FieldType::Bool),
    ("xmlId", FieldType::Text),
    ("guid", FieldType::ReadOnly),
    ("link", FieldType::ReadOnly),
];

/// The type of a task field, `None` for a name tasks do not have.
pub(crate) fn field_type(name: &str) -> Option<FieldType> {
    FIELDS
        .iter()
        .find(|(field, _)| *field == name)
        .map(|(_, kind)| *kind)
}

/// The tasks by ID.
#[derive(Debug, Default)]
pub(crate) struct TaskStore {
    tasks: BTreeMap<u64, Map<String, Value>>,
    last_id: u64,
}

impl TaskStore {
    /// How many tasks exist.
    pub(crate) fn len(&self) -> usize {
        self.tasks.len()
    }

    /// One task with every field, as stored.
    pub(crate) fn get(&self, id: u64) -> Option<Value> {
        self.tasks.get(&id).cloned().map(Value::Object)
    }

    /// One task as stored (REST 3.0 names and values).
    pub(crate) fn task(&self, id: u64) -> Option<&Map<String, Value>> {
        self.tasks.get(&id)
    }

    /// One task to change in place.
    pub(crate) fn task_mut(&mut self, id: u64) -> Option<&mut Map<String, Value>> {
        self.tasks.get_mut(&id)
    }

    /// Every task by ID, in the REST 3.0 form (the classic `tasks.task.*` show the same
    /// tasks in their own form).
    pub(crate) fn tasks(&self) -> &BTreeMap<u64, Map<String, Value>> {
        &self.tasks
    }

    /// Delete a task; whether it existed.
    pub(crate) fn remove(&mut self, id: u64) -> bool {
        self.tasks.remove(&id).is_some()
    }

    /// Store a new task: every field at its default, then `fields` (REST 3.0 names and
    /// values, already checked). Returns its ID.
    pub(crate) fn create(&mut self, fields: Map<String, Value>, now: i64) -> u64 {
        let id = self.last_id + 1;
        let stamp = json!(format_datetime(now));
        let mut task = Map::new();
        for (name, _) in FIELDS {
            task.insert(name.to_owned(), Value::Null);
        }
        task.insert("id".into(), json!(id));
        task.insert("description".into(), json!(""));
        task.insert("needsControl".into(), json!(false));
        task.insert("priority".into(), json!("average"));
        task.insert("status".into(), json!("pending"));
        task.insert("accomplices".into(), json!([]));
        task.insert("auditors".into(), json!([]));
        task.insert("crmItemIds".into(), json!([]));
        task.insert("estimatedTime".into(), json!(0));
        task.insert("mark".into(), json!("none"));
        task.insert("allowsChangeDeadline".into(), json!(false));
        task.insert("allowsTimeTracking".into(), json!(false));
        task.insert("created".into(), stamp.clone());
        task.insert("changed".into(), stamp.clone());
        task.insert("activity".into(), stamp);
        task.insert(
            "guid".into(),
            json!(format!("{{{:08x}-0000-4000-8000-{:012x}}}", id, id)),
        );
        let responsible = fields.get("responsibleId").cloned().unwrap_or(json!(1));
        task.insert(
            "link".into(),
            json!(format!(
                "/company/personal/user/{responsible}/tasks/task/view/{id}/"
            )),
        );
        task.extend(fields);
        self.last_id = id;
        self.tasks.insert(id, task);
        id
    }

    /// Add `n` varied tasks (IDs continue the sequence), created over the past weeks, as
    /// `tasks.task.add` would store them: built from one blank task, so that seeding tens
    /// of thousands stays cheap.
    pub(crate) fn seed(&mut self, n: usize, now: i64) {
        const TITLES: [&str; 5] = [
            "Call the client",
            "Prepare the offer",
            "Review the contract",
            "Update the price list",
            "Plan the release",
        ];
        const PRIORITIES: [&str; 3] = ["low", "average", "high"];
        const STATUSES: [&str; 4] = ["pending", "in_progress", "completed", "deferred"];
        let template = {
            let id = self.create(Map::new(), now);
            self.last_id -= 1;
            self.tasks.remove(&id).unwrap_or_default()
        };
        let total = n as i64;
        for i in 0..n {
            let id = self.last_id + 1;
            let k = id as usize;
            let mix = k.wrapping_mul(2_654_435_761) % 1_000_003;
            let created = now + (i as i64 - total) * 1_759 - (mix % 600) as i64;
            let responsible = USERS[k % USERS.len()].0;
            let creator = USERS[mix % USERS.len()].0;
            let status = STATUSES[mix % STATUSES.len()];
            let mut task = template.clone();
            let mut set = |name: &str, value: Value| {
                task.insert(name.to_owned(), value);
            };
            set("id", json!(id));
            set(
                "title",
                json!(format!("{} #{id}", TITLES[k % TITLES.len()])),
            );
            set("creatorId", json!(creator));
            set("responsibleId", json!(responsible));
            set("priority", json!(PRIORITIES[mix % PRIORITIES.len()]));
            set("status", json!(status));
            set("created", json!(format_datetime(created)));
            set("changed", json!(format_datetime(created + 1_800)));
            set("activity", json!(format_datetime(created + 1_800)));
            set("deadline", json!(format_datetime(created + 5 * 86_400)));
            if status == "completed" {
                set("closed", json!(format_datetime(created + 3 * 86_400)));
                set(
                    "statusChanged",
                    json!(format_datetime(created + 3 * 86_400)),
                );
            }
            set(
                "guid",
                json!(format!("{{{:08x}-0000-4000-8000-{:012x}}}", id, id)),
            );
            set(
                "link",
                json!(format!(
                    "/company/personal/user/{responsible}/tasks/task/view/{id}/"
                )),
            );
            self.last_id = id;
            self.tasks.insert(id, task);
        }
    }
}
