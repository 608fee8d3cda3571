//! The code the generator emits for its test specs (`bitrix24-codegen/tests/specs/ok/`,
//! committed under `bitrix24-codegen/tests/fixtures/generated/`) compiles warning-free
//! against this crate and behaves: keywords, keyed lists, open enums, common types,
//! required `char` parameters, REST 3.0 and deprecation.
#![cfg(feature = "crm")]
#![deny(warnings)]

#[rustfmt::skip] // formatted by the generator; compared byte for byte
#[path = "../../bitrix24-codegen/tests/fixtures/generated/mod.rs"]
pub mod generated;

use bitrix24_types::{ApiVersion, CallKind, ListMethod, Method, Records, decode_response};
use generated::common::Label;
use generated::crm::{Color, CrmWidgetAdd, CrmWidgetList, Widget};
use serde_json::json;

#[test]
fn keywords_renames_and_required_char_parameters_serialise() {
    let widget = Widget {
        type_: Some("gadget".into()),
        type_id: Some(7),
        active: Some(true),
        color: Some(Color::Unknown("BLUE".into())),
        labels: Some(vec![Label {
            id: None,
            text: "new".into(),
            extra: Default::default(),
        }]),
        ..Widget::default()
    };
    let request = CrmWidgetAdd::new(widget, false);
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({
            "fields": {"type": "gadget", "typeId": 7, "ACTIVE": "Y", "COLOR": "BLUE", "LABELS": [{"text": "new"}]},
            "strict": "N"
        })
    );
    assert_eq!(CrmWidgetAdd::KIND, CallKind::Write);
}

#[test]
fn a_keyed_list_yields_its_records() {
    assert_eq!(CrmWidgetList::RECORDS, Records::Key("widgets"));
    assert_eq!(CrmWidgetList::ID_FIELD, "id");
    let body = json!({
        "result": {"widgets": [{"ID": "1", "COLOR": "R", "PHONE": [{"ID": "5", "VALUE": "+1", "VALUE_TYPE": "WORK", "TYPE_ID": "PHONE"}]}, {"ID": 2, "COLOR": "1"}]},
        "next": 50,
        "total": 51
    });
    let reply = decode_response::<CrmWidgetList>(body.to_string().as_bytes(), None).unwrap();
    assert_eq!(reply.next, Some(50));
    let widgets = CrmWidgetList::into_records(reply.result);
    assert_eq!(widgets.len(), 2);
    assert_eq!(widgets[0].color, Some(Color::Red));
    assert_eq!(widgets[1].color, Some(Color::One));
    let phone = &widgets[0].phone.as_ref().unwrap()[0];
    assert_eq!(phone.value.as_deref(), Some("+1"));
}

#[test]
#[allow(deprecated)]
fn rest_v3_and_deprecated_methods_carry_their_facts() {
    use generated::crm::CrmWidgetVersion;
    assert_eq!(CrmWidgetVersion::API, ApiVersion::V3);
    assert_eq!(CrmWidgetVersion::NAME, "crm.widget.version");
}
