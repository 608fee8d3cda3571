//! What a write sends when it takes the entity's record: the fields a caller sets, by
//! their wire names; never the read-only ones; and a field written in another shape than
//! replies show it, from `extra` under its wire name.
#![cfg(all(feature = "crm", feature = "task"))]
#![allow(deprecated)] // crm.activity.* is deprecated upstream for crm.activity.todo.*

use bitrix24_types::crm::{Activity, CrmActivityUpdate};
use bitrix24_types::task::{Checklistitem, TaskChecklistitemAdd};
use serde_json::json;

#[test]
fn an_activity_read_is_completed_by_sending_it_back() {
    // As crm.activity.get shows it; `COMPLETED` is writable though no write page lists
    // it (crm.activity.fields says so), `CREATED` is the portal's.
    let reply = json!({
        "ID": "7", "SUBJECT": "Call back", "COMPLETED": "N", "TYPE_ID": "2",
        "CREATED": "2024-05-01T10:00:00+02:00", "COMMUNICATIONS": [
            {"ID": "3", "TYPE": "PHONE", "VALUE": "+1 555 0100", "ENTITY_ID": "12",
             "ENTITY_TYPE_ID": "3"}
        ]
    });
    let mut activity: Activity = serde_json::from_value(reply).unwrap();
    assert_eq!(activity.completed, Some(false));
    let phone = &activity.communications.as_ref().unwrap()[0];
    assert_eq!(phone.value.as_deref(), Some("+1 555 0100"));

    activity.completed = Some(true);
    let sent = serde_json::to_value(CrmActivityUpdate::new(7, activity)).unwrap();
    assert_eq!(sent["fields"]["COMPLETED"], "Y");
    assert_eq!(sent["fields"]["SUBJECT"], "Call back");
    assert_eq!(sent["fields"]["TYPE_ID"], 2);
    assert!(sent["fields"].get("ID").is_none(), "read-only");
    assert!(sent["fields"].get("CREATED").is_none(), "read-only");
}

#[test]
fn a_field_written_in_another_shape_goes_in_extra() {
    // Replies list a checklist item's members; task.checklistitem.add takes a map of
    // user ID to role.
    let mut item = Checklistitem {
        title: Some("Prepare the report".into()),
        is_important: Some(true),
        ..Checklistitem::default()
    };
    item.extra
        .insert("MEMBERS".into(), json!({"547": {"TYPE": "A"}}));
    let sent = serde_json::to_value(TaskChecklistitemAdd::new(13, item)).unwrap();
    assert_eq!(
        sent,
        json!({
            "TASKID": 13,
            "FIELDS": {
                "TITLE": "Prepare the report",
                "IS_IMPORTANT": "Y",
                "MEMBERS": {"547": {"TYPE": "A"}}
            }
        })
    );
}
