//! One record for a classic task: `Task` is what `tasks.task.add` and `tasks.task.update`
//! send (under the upper-case names of tasks-task-add.md, `TITLE`, `RESPONSIBLE_ID`) and
//! what `tasks.task.get`, `tasks.task.list` and the status methods read (camelCase, every
//! value a string, as fields.md shows). A task read can be changed and sent back as it is:
//! the fields the portal sets itself are read-only and never sent.
#![cfg(feature = "task")]

use bitrix24_testkit::TestPortal;
use bitrix24_types::query::RecordField;
use bitrix24_types::task::{
    Task, TaskField, TasksTaskAdd, TasksTaskAddPriority, TasksTaskAddStatus, TasksTaskGet,
    TasksTaskList, TasksTaskUpdate,
};
use bitrix24_types::{Client, Error, Method};
use serde_json::json;

fn call_ann_back() -> Task {
    Task {
        title: Some("Call Ann back".into()),
        responsible_id: Some(2),
        priority: Some(TasksTaskAddPriority::High),
        auditors: Some(vec![3]),
        ..Task::default()
    }
}

#[test]
fn a_task_is_sent_in_upper_case_and_read_in_camel_case() {
    let sent = serde_json::to_value(call_ann_back()).unwrap();
    assert_eq!(
        sent,
        json!({"TITLE": "Call Ann back", "RESPONSIBLE_ID": 2, "PRIORITY": 2, "AUDITORS": [3]})
    );

    let read: Task = serde_json::from_value(json!({
        "id": "8017", "title": "Call Ann back", "responsibleId": "2", "priority": "2",
        "status": "3", "createdDate": "2025-10-06T17:40:12+02:00", "closedBy": null,
        "creator": {"id": "1", "name": "Ann Lee", "workPosition": ""},
        "auditorsData": {"3": {"id": "3", "name": "Bo Chen"}},
        "TITLE": "an upper-case key is not a field read"
    }))
    .unwrap();
    assert_eq!(read.id, Some(8017));
    assert_eq!(read.title.as_deref(), Some("Call Ann back"));
    assert_eq!(read.responsible_id, Some(2));
    assert_eq!(read.status, Some(TasksTaskAddStatus::InProgress));
    assert_eq!(read.creator.as_ref().and_then(|u| u.id), Some(1));
    assert_eq!(read.auditors_data.as_ref().unwrap()["3"].id, Some(3));
    assert!(read.extra.contains_key("TITLE"));

    // Sent back: the portal's own fields (ID, dates, the user objects) stay behind.
    let resent = serde_json::to_value(Task {
        extra: Default::default(),
        ..read
    })
    .unwrap();
    assert_eq!(
        resent,
        json!({"TITLE": "Call Ann back", "RESPONSIBLE_ID": 2, "PRIORITY": 2, "STATUS": 3})
    );
}

#[test]
fn the_add_requires_its_documented_fields_by_the_names_it_sends() {
    assert_eq!(
        TasksTaskAdd::REQUIRED,
        ["fields.TITLE", "fields.RESPONSIBLE_ID"]
    );
    assert!(TasksTaskUpdate::REQUIRED.is_empty());
    // The checked list parameters name the same fields the same way.
    assert_eq!(TaskField::ResponsibleId.name(), "RESPONSIBLE_ID");
}

#[tokio::test]
async fn a_task_is_added_read_changed_and_sent_back_as_one_record() {
    let portal = TestPortal::start().await.unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();

    let added = client
        .call(&TasksTaskAdd::new(call_ann_back()))
        .await
        .unwrap()
        .result
        .task
        .expect("the added task");
    let id = added.id.expect("its ID");
    assert_eq!(added.title.as_deref(), Some("Call Ann back"));
    assert_eq!(added.priority, Some(TasksTaskAddPriority::High));
    assert_eq!(added.auditors, Some(vec![3]));
    assert_eq!(
        added.responsible.as_ref().and_then(|u| u.id),
        Some(2),
        "the responsible person's object"
    );

    let mut task = client
        .call(&TasksTaskGet::new(id))
        .await
        .unwrap()
        .result
        .task
        .expect("the task");
    assert_eq!(task, added, "add and get return the same record");
    let created = task.created_date.expect("a creation date");

    task.title = Some("Call Ann back today".into());
    task.responsible_id = Some(3);
    let updated = client
        .call(&TasksTaskUpdate::new(id, task))
        .await
        .unwrap()
        .result
        .task
        .expect("the updated task");
    assert_eq!(updated.id, Some(id));
    assert_eq!(updated.title.as_deref(), Some("Call Ann back today"));
    assert_eq!(updated.responsible_id, Some(3));
    assert_eq!(updated.created_date, Some(created));

    let stored = portal.task(id).expect("the stored task");
    assert_eq!(stored["title"], "Call Ann back today");
    assert_eq!(stored["responsibleId"], 3);

    let listed = client
        .call(&TasksTaskList::default())
        .await
        .unwrap()
        .result
        .tasks
        .unwrap_or_default();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].title.as_deref(), Some("Call Ann back today"));
}

#[tokio::test]
async fn a_task_without_a_responsible_person_is_not_sent() {
    let portal = TestPortal::start().await.unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    let task = Task {
        responsible_id: None,
        ..call_ann_back()
    };
    let err = client.call(&TasksTaskAdd::new(task)).await.unwrap_err();
    assert!(matches!(err, Error::Encode { .. }), "{err}");
    assert!(err.to_string().contains("`fields.RESPONSIBLE_ID`"), "{err}");
    assert_eq!(portal.stats().http_requests, 0);
    assert_eq!(portal.task_count(), 0);
}
