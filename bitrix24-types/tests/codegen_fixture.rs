//! The code the generator emits for its test specs (`bitrix24-codegen/tests/specs/ok/`,
//! committed under `bitrix24-codegen/tests/fixtures/generated/`) compiles warning-free
//! against this crate and behaves: keywords, keyed lists, open enums, common types,
//! required `char` parameters, checked list parameters, REST 3.0 and deprecation.
#![cfg(feature = "crm")]
#![deny(warnings)]

#[rustfmt::skip] // formatted by the generator; compared byte for byte
#[path = "../../bitrix24-codegen/tests/fixtures/generated/mod.rs"]
pub mod generated;

use bitrix24_types::query::{CustomField, Filter, Order, Select};
use bitrix24_types::{ApiVersion, CallKind, ListMethod, Method, Records, decode_response};
use generated::common::Label;
use generated::crm::{
    Color, CrmGadgetUpdate, CrmWidgetAdd, CrmWidgetList, Gadget, Widget, WidgetField,
};
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

#[test]
#[allow(deprecated)]
fn event_payloads_decode_form_bodies_and_carry_code_and_scope() {
    use bitrix24_types::auth::Secret;
    use bitrix24_types::event::{EventPayload, RawEvent};
    use generated::common::OnAppPing;
    use generated::crm::{CrmWidgetOnDelete, OnCrmWidgetAdd};

    assert_eq!(OnCrmWidgetAdd::CODE, "ONCRMWIDGETADD");
    assert_eq!(OnCrmWidgetAdd::SCOPE, Some("crm"));
    assert_eq!(CrmWidgetOnDelete::CODE, "CRM.WIDGET.ON.DELETE");
    assert_eq!(OnAppPing::SCOPE, None, "the shared scope is no permission");

    let token = Secret::new("0123456789abcdef");
    let body = "event=ONCRMWIDGETADD&data%5BFIELDS%5D%5BID%5D=42&data%5BFIELDS%5D%5BACTIVE%5D=Y\
                &data%5BFIELDS%5D%5BUF_COLOR%5D=red&ts=1766047124\
                &auth%5Bapplication_token%5D=0123456789abcdef";
    let raw = RawEvent::parse_verified(
        Some("application/x-www-form-urlencoded"),
        body.as_bytes(),
        &token,
    )
    .unwrap();
    assert!(raw.is::<OnCrmWidgetAdd>());
    assert!(!raw.is::<CrmWidgetOnDelete>());
    let event = raw.decode::<OnCrmWidgetAdd>().unwrap();
    let fields = event.data.fields.unwrap();
    assert_eq!(fields.id, Some(42), "form strings read as numbers");
    assert_eq!(fields.active, Some(true), "Y reads as true");
    assert_eq!(fields.extra["UF_COLOR"], "red", "unknown keys are kept");
    assert!(
        raw.decode::<CrmWidgetOnDelete>().is_err(),
        "another event's code"
    );
}

#[test]
fn for_each_event_visits_the_events_of_the_fixture() {
    use bitrix24_types::EventVisitor;
    use bitrix24_types::event::EventPayload;

    struct Codes(Vec<(&'static str, Option<&'static str>)>);
    impl EventVisitor for Codes {
        fn visit<E: EventPayload + 'static>(&mut self) {
            self.0.push((E::CODE, E::SCOPE));
        }
    }
    let mut codes = Codes(Vec::new());
    generated::for_each_event(&mut codes);
    codes.0.sort_unstable();
    assert_eq!(
        codes.0,
        [
            ("CRM.WIDGET.ON.DELETE", Some("crm")),
            ("ONAPPPING", None),
            ("ONCRMWIDGETADD", Some("crm")),
        ]
    );
}

#[test]
fn a_list_filtered_by_upper_case_names_checks_them_in_that_case() {
    // The list's `id_param: ID` upper-cases every name: `typeId` is `TYPE_ID`.
    let request = CrmWidgetList {
        select: Some(Select::new([WidgetField::Id, WidgetField::TypeId])),
        filter: Some(
            Filter::new()
                .ge(WidgetField::Price, "9.50")
                .not_in(CustomField::new("UF_CRM_SIZE"), ["S"]),
        ),
        order: Some(Order::new().desc(WidgetField::MadeOn)),
        start: None,
    };
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({
            "select": ["ID", "TYPE_ID"],
            "filter": {">=PRICE": "9.50", "!@UF_CRM_SIZE": ["S"]},
            "order": {"MADE_ON": "DESC"},
        })
    );
}

#[test]
fn a_record_sent_under_upper_case_names_reads_its_wire_names() {
    // `Gadget` has `sent_names: upper_snake`: requests say `OWNER_ID`, replies `ownerId`.
    let gadget: Gadget = serde_json::from_value(json!({
        "id": "4", "title": "Lamp", "ownerId": "7", "isOpen": "Y", "type": "desk", "OWNER_ID": "8"
    }))
    .unwrap();
    assert_eq!(gadget.id, Some(4));
    assert_eq!(gadget.owner_id, Some(7));
    assert_eq!(gadget.is_open, Some(true));
    assert_eq!(gadget.type_.as_deref(), Some("desk"));
    assert_eq!(
        gadget.extra["OWNER_ID"], "8",
        "an upper-case key is not read as the field"
    );
    let request = CrmGadgetUpdate::new(
        4,
        Gadget {
            extra: Default::default(),
            ..gadget
        },
    );
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({
            "id": 4,
            "fields": {"TITLE": "Lamp", "OWNER_ID": 7, "IS_OPEN": "Y", "TYPE": "desk"}
        })
    );
    // What the update requires is named as it is sent.
    assert_eq!(CrmGadgetUpdate::REQUIRED, ["fields.OWNER_ID"]);
}
