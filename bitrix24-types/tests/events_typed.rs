//! Generated event payloads against requests as a portal sends them: the PHP-style form
//! (`data[FIELDS][ID]=5`, every scalar a string) and JSON, decoded through
//! `bitrix24_types::event` into the types generated from the event specs.
#![cfg(feature = "crm")]

use bitrix24_types::auth::Secret;
use bitrix24_types::crm::{OnCrmDealAdd, OnCrmDealUpdate};
use bitrix24_types::event::{Event, EventError, EventPayload, RawEvent};

const TOKEN: &str = "51856fefc120afa4b628cc82d3935cce";
const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

fn token() -> Secret {
    Secret::new(TOKEN)
}

/// The docs' `ONCRMDEALADD` example as PHP's `http_build_query` writes it.
fn deal_add_form(id: &str) -> String {
    [
        "event=ONCRMDEALADD",
        "event_handler_id=185",
        &format!("data%5BFIELDS%5D%5BID%5D={id}"),
        "ts=1735374081",
        "auth%5Bdomain%5D=some-domain.bitrix24.com",
        "auth%5Bmember_id%5D=a223c6b3710f85df22e9377d6c4f7553",
        &format!("auth%5Bapplication_token%5D={TOKEN}"),
    ]
    .join("&")
}

#[test]
fn the_generated_payload_carries_the_code_and_scope_of_its_event() {
    assert_eq!(OnCrmDealAdd::CODE, "ONCRMDEALADD");
    assert_eq!(OnCrmDealAdd::SCOPE, Some("crm"));
    assert_eq!(OnCrmDealUpdate::CODE, "ONCRMDEALUPDATE");
}

#[test]
fn a_form_encoded_deal_add_decodes_into_the_generated_type_with_a_numeric_id() {
    let event =
        Event::<OnCrmDealAdd>::parse_verified(FORM, deal_add_form("5").as_bytes(), &token())
            .unwrap();
    assert_eq!(event.code, "ONCRMDEALADD");
    assert_eq!(event.handler_id, Some(185));
    assert_eq!(event.ts, Some(1735374081));
    let fields = event.data.fields.expect("FIELDS");
    assert_eq!(
        fields.id,
        Some(5),
        "the form's string \"5\" reads as the number 5"
    );
    assert!(fields.extra.is_empty());
}

#[test]
fn the_same_event_as_json_decodes_alike_and_keeps_unlisted_keys() {
    let body = format!(
        r#"{{"event": "ONCRMDEALADD", "data": {{"FIELDS": {{"ID": 6641, "UF_CRM_X": "1"}}}},
            "ts": "1735374081", "auth": {{"application_token": "{TOKEN}"}}}}"#
    );
    let event =
        Event::<OnCrmDealAdd>::parse_verified(Some("application/json"), body.as_bytes(), &token())
            .unwrap();
    let fields = event.data.fields.unwrap();
    assert_eq!(fields.id, Some(6641));
    assert_eq!(fields.extra["UF_CRM_X"], "1");
}

#[test]
fn dispatch_by_code_then_decode() {
    let raw = RawEvent::parse_verified(FORM, deal_add_form("77").as_bytes(), &token()).unwrap();
    assert!(raw.is::<OnCrmDealAdd>());
    assert!(!raw.is::<OnCrmDealUpdate>());
    let id = match raw.code() {
        OnCrmDealAdd::CODE => {
            raw.decode::<OnCrmDealAdd>()
                .unwrap()
                .data
                .fields
                .unwrap()
                .id
        }
        other => panic!("unexpected {other}"),
    };
    assert_eq!(id, Some(77));
    assert!(matches!(
        raw.decode::<OnCrmDealUpdate>(),
        Err(EventError::CodeMismatch { .. })
    ));
}

#[test]
fn a_bad_id_is_a_payload_error_naming_the_path_and_a_forged_token_is_refused() {
    let err =
        Event::<OnCrmDealAdd>::parse_verified(FORM, deal_add_form("five").as_bytes(), &token())
            .unwrap_err();
    assert!(matches!(err, EventError::Payload { .. }), "{err:?}");
    assert!(err.to_string().contains("FIELDS.ID"), "{err}");

    let forged = deal_add_form("5").replace(TOKEN, "00000000000000000000000000000000");
    let err = Event::<OnCrmDealAdd>::parse_verified(FORM, forged.as_bytes(), &token()).unwrap_err();
    assert!(matches!(err, EventError::TokenMismatch), "{err:?}");
    assert!(!err.to_string().contains(TOKEN));
}
