//! Reading incoming event requests: the forms and JSON Bitrix24 sends, token checks,
//! typed payloads, and refusals that never echo a token or panic.

use bitrix24_transport::auth::Secret;
use bitrix24_transport::event::{Event, EventError, EventPayload, RawEvent, UnverifiedEvent};
use serde::{Deserialize, Deserializer};
use serde_json::json;

const TOKEN: &str = "51856fefc120afa4b628cc82d3935cce";
const ACCESS: &str = "s6p6eclrvim6da22ft9ch94ekreb52lv";
const REFRESH: &str = "4s386p3q0tr8dy89xvmt96234v3dljg8";
const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

/// `ONCRMDEALADD`'s data, hand-written as the generated type will be.
#[derive(Debug, Deserialize)]
struct DealAdded {
    #[serde(rename = "FIELDS")]
    fields: DealRef,
}

#[derive(Debug, Deserialize)]
struct DealRef {
    #[serde(rename = "ID", deserialize_with = "id")]
    id: u64,
}

impl EventPayload for DealAdded {
    const CODE: &'static str = "ONCRMDEALADD";
    const SCOPE: Option<&'static str> = Some("crm");
}

/// `ONOFFLINEEVENT`: its data arrives empty.
#[derive(Debug, Deserialize)]
struct OfflineSignal {}

impl EventPayload for OfflineSignal {
    const CODE: &'static str = "ONOFFLINEEVENT";
    const SCOPE: Option<&'static str> = None;
}

/// An ID as a number or a decimal string (forms send only strings).
fn id<'de, D: Deserializer<'de>>(de: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Number(u64),
        Text(String),
    }
    match Id::deserialize(de)? {
        Id::Number(n) => Ok(n),
        Id::Text(text) => text.parse().map_err(serde::de::Error::custom),
    }
}

fn token() -> Secret {
    Secret::new(TOKEN)
}

/// The docs' example event as a real portal writes it: PHP's `http_build_query`, which
/// percent-encodes the brackets too.
fn php_form_body() -> String {
    [
        "event=ONCRMDEALADD",
        "event_handler_id=185",
        "data%5BFIELDS%5D%5BID%5D=7405",
        "ts=1766047124",
        &format!("auth%5Baccess_token%5D={ACCESS}"),
        "auth%5Bexpires_in%5D=3600",
        "auth%5Bscope%5D=crm",
        "auth%5Bdomain%5D=some-domain.bitrix24.com",
        "auth%5Bserver_endpoint%5D=https%3A%2F%2Foauth.bitrix.info%2Frest%2F",
        "auth%5Bstatus%5D=L",
        "auth%5Bclient_endpoint%5D=https%3A%2F%2Fsome-domain.bitrix24.com%2Frest%2F",
        "auth%5Bmember_id%5D=d897063e1ce7c5eb9f04b9751eef5915",
        &format!("auth%5Brefresh_token%5D={REFRESH}"),
        &format!("auth%5Bapplication_token%5D={TOKEN}"),
    ]
    .join("&")
}

fn json_body(code: &str, data: serde_json::Value, application_token: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "event": code,
        "event_handler_id": 185,
        "data": data,
        "ts": 1766047124,
        "auth": {"access_token": ACCESS, "domain": "some-domain.bitrix24.com",
                 "member_id": "d897063e1ce7c5eb9f04b9751eef5915",
                 "application_token": application_token}
    }))
    .unwrap()
}

fn assert_no_tokens(text: &str, tokens: &[&str]) {
    for token in tokens {
        assert!(!text.contains(token), "a token leaked into: {text}");
    }
}

#[test]
fn a_form_as_the_portal_sends_it() {
    let body = php_form_body();
    let event = Event::<DealAdded>::parse_verified(FORM, body.as_bytes(), &token()).unwrap();
    assert_eq!(event.code, "ONCRMDEALADD");
    assert_eq!(event.handler_id, Some(185));
    assert_eq!(event.ts, Some(1766047124));
    assert_eq!(event.data.fields.id, 7405);
    let auth = &event.auth;
    assert_eq!(auth.application_token.expose(), TOKEN);
    assert_eq!(auth.access_token.as_ref().map(Secret::expose), Some(ACCESS));
    assert_eq!(
        auth.refresh_token.as_ref().map(Secret::expose),
        Some(REFRESH)
    );
    assert_eq!(auth.expires_in, Some(3600));
    assert_eq!(auth.scope.as_deref(), Some("crm"));
    assert_eq!(auth.domain.as_deref(), Some("some-domain.bitrix24.com"));
    assert_eq!(
        auth.client_endpoint.as_deref(),
        Some("https://some-domain.bitrix24.com/rest/")
    );
    assert_eq!(
        auth.server_endpoint.as_deref(),
        Some("https://oauth.bitrix.info/rest/")
    );
    assert_eq!(
        auth.member_id.as_deref(),
        Some("d897063e1ce7c5eb9f04b9751eef5915")
    );
    assert_eq!(auth.status.as_deref(), Some("L"));
    // Debug shows the event but none of its tokens.
    let debug = format!("{event:?}");
    assert!(debug.contains("7405") && debug.contains("some-domain.bitrix24.com"));
    assert_no_tokens(&debug, &[TOKEN, ACCESS, REFRESH]);
}

#[test]
fn raw_brackets_json_and_sniffing_read_alike() {
    let raw_brackets = php_form_body().replace("%5B", "[").replace("%5D", "]");
    let json = json_body("ONCRMDEALADD", json!({"FIELDS": {"ID": 7405}}), TOKEN);
    for (content_type, body) in [
        (FORM, raw_brackets.as_bytes().to_vec()),
        (None, raw_brackets.as_bytes().to_vec()),
        (Some("application/json; charset=utf-8"), json.clone()),
        (None, json.clone()),
        (Some("text/plain"), json),
    ] {
        let event = Event::<DealAdded>::parse_verified(content_type, &body, &token())
            .unwrap_or_else(|err| panic!("{content_type:?}: {err}"));
        assert_eq!(event.data.fields.id, 7405);
        assert_eq!(event.handler_id, Some(185));
    }
}

#[test]
fn dispatch_on_the_code_then_decode() {
    let body = php_form_body().replace("ONCRMDEALADD", "onCrmDealAdd");
    let raw = RawEvent::parse_verified(FORM, body.as_bytes(), &token()).unwrap();
    assert_eq!(raw.code(), "ONCRMDEALADD", "codes are upper-cased");
    assert!(raw.is::<DealAdded>() && !raw.is::<OfflineSignal>());
    assert_eq!(
        raw.data()["FIELDS"]["ID"],
        "7405",
        "form scalars are strings"
    );
    assert_eq!(raw.decode::<DealAdded>().unwrap().data.fields.id, 7405);
    let err = raw.decode::<OfflineSignal>().unwrap_err();
    assert_eq!(
        err,
        EventError::CodeMismatch {
            expected: "ONOFFLINEEVENT",
            found: "ONCRMDEALADD".into()
        }
    );
}

#[test]
fn the_token_is_checked_and_never_echoed() {
    let forged_token = "0000000000000000000000000000000a";
    let forged = php_form_body().replace(TOKEN, forged_token);
    let err = RawEvent::parse_verified(FORM, forged.as_bytes(), &token()).unwrap_err();
    assert_eq!(err, EventError::TokenMismatch);
    assert_no_tokens(
        &format!("{err} {err:?}"),
        &[TOKEN, forged_token, ACCESS, REFRESH],
    );
    // A prefix, a longer token, other case: all refused.
    for wrong in [&TOKEN[..31], &format!("{TOKEN}0"), &TOKEN.to_uppercase()] {
        let body = json_body("ONCRMDEALADD", json!({}), wrong);
        assert_eq!(
            RawEvent::parse_verified(None, &body, &token()).unwrap_err(),
            EventError::TokenMismatch
        );
    }
    // An application without a stored token accepts nothing.
    let body = json_body("ONCRMDEALADD", json!({}), TOKEN);
    assert_eq!(
        RawEvent::parse_verified(None, &body, &Secret::new("")).unwrap_err(),
        EventError::TokenMismatch
    );
}

#[test]
fn multi_portal_apps_look_the_token_up_by_member_id() {
    let body = php_form_body();
    let unverified = UnverifiedEvent::parse(FORM, body.as_bytes()).unwrap();
    assert_eq!(unverified.code(), "ONCRMDEALADD");
    assert_eq!(
        unverified.member_id(),
        Some("d897063e1ce7c5eb9f04b9751eef5915")
    );
    assert_eq!(unverified.domain(), Some("some-domain.bitrix24.com"));
    assert_no_tokens(&format!("{unverified:?}"), &[TOKEN, ACCESS, REFRESH]);
    let tokens = [
        ("another-portal", "x".repeat(32)),
        ("d897063e1ce7c5eb9f04b9751eef5915", TOKEN.to_owned()),
    ];
    let stored = tokens
        .iter()
        .find(|(member, _)| Some(*member) == unverified.member_id())
        .map(|(_, token)| Secret::new(token.clone()))
        .unwrap();
    let event = unverified.verify(&stored).unwrap();
    assert_eq!(event.decode::<DealAdded>().unwrap().data.fields.id, 7405);
}

#[test]
fn missing_and_invalid_fields_are_named() {
    let cases: Vec<(String, EventError)> = vec![
        (
            format!("data[FIELDS][ID]=1&auth[application_token]={TOKEN}"),
            EventError::MissingField { field: "event" },
        ),
        (
            format!("event=&auth[application_token]={TOKEN}"),
            EventError::MissingField { field: "event" },
        ),
        (
            "event=ONCRMDEALADD&data[FIELDS][ID]=1".to_owned(),
            EventError::MissingField { field: "auth" },
        ),
        (
            "event=ONCRMDEALADD&auth[domain]=x".to_owned(),
            EventError::MissingField {
                field: "auth[application_token]",
            },
        ),
        (
            "event=ONCRMDEALADD&auth[application_token]=".to_owned(),
            EventError::MissingField {
                field: "auth[application_token]",
            },
        ),
        (
            format!("event=ONCRMDEALADD&auth=x&t={TOKEN}"),
            EventError::InvalidField {
                field: "auth",
                reason: "is not an object",
            },
        ),
        (
            format!("event[]=A&auth[application_token]={TOKEN}"),
            EventError::InvalidField {
                field: "event",
                reason: "is not a string",
            },
        ),
        (
            format!("event=A&event_handler_id=-1&auth[application_token]={TOKEN}"),
            EventError::InvalidField {
                field: "event_handler_id",
                reason: "is not an unsigned integer",
            },
        ),
        (
            format!("event=A&ts=yesterday&auth[application_token]={TOKEN}"),
            EventError::InvalidField {
                field: "ts",
                reason: "is not a Unix timestamp",
            },
        ),
    ];
    for (body, expected) in cases {
        let err = RawEvent::parse_verified(FORM, body.as_bytes(), &token()).unwrap_err();
        assert_eq!(err, expected, "{body}");
        assert!(err.to_string().contains(match &err {
            EventError::MissingField { field } | EventError::InvalidField { field, .. } => field,
            _ => unreachable!(),
        }));
        assert_no_tokens(&format!("{err} {err:?}"), &[TOKEN]);
    }
    for (content_type, body, reason) in [
        (
            Some("application/json"),
            &b"{\"event\":"[..],
            "not valid JSON",
        ),
        (Some("application/json"), b"[1, 2]", "not an object"),
        (Some("multipart/form-data"), b"x", "neither a form nor JSON"),
    ] {
        let err = RawEvent::parse_verified(content_type, body, &token()).unwrap_err();
        assert!(
            matches!(&err, EventError::MalformedBody { reason: r } if r.contains(reason)),
            "{err}"
        );
    }
}

#[test]
fn payload_errors_name_the_json_path() {
    let body = json_body("ONCRMDEALADD", json!({"FIELDS": {"ID": "seven"}}), TOKEN);
    let err = Event::<DealAdded>::parse_verified(None, &body, &token()).unwrap_err();
    let EventError::Payload { code, path, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(
        (code.as_str(), path.as_str()),
        ("ONCRMDEALADD", "data.FIELDS.ID")
    );
    assert!(err.to_string().contains("`data.FIELDS.ID`"), "{err}");

    let body = json_body("ONCRMDEALADD", json!({"OTHER": 1}), TOKEN);
    let err = Event::<DealAdded>::parse_verified(None, &body, &token()).unwrap_err();
    assert!(
        matches!(&err, EventError::Payload { path, reason, .. } if path == "data" && reason.contains("FIELDS")),
        "{err:?}"
    );
}

#[test]
fn empty_data_is_an_empty_object() {
    // ONOFFLINEEVENT's data is `[]` in JSON and absent in a form (PHP drops empty arrays).
    for body in [
        json_body("ONOFFLINEEVENT", json!([]), TOKEN),
        json_body("ONOFFLINEEVENT", json!(null), TOKEN),
        format!("event=ONOFFLINEEVENT&ts=1466439714&auth[application_token]={TOKEN}").into_bytes(),
    ] {
        let event = Event::<OfflineSignal>::parse_verified(None, &body, &token()).unwrap();
        assert_eq!(event.code, "ONOFFLINEEVENT");
    }
}

/// Random bodies: bytes, mangled real requests and forms built from the keys a real
/// request has. None may panic, and no refusal may contain a token.
#[test]
fn garbage_never_panics_nor_leaks() {
    let mut rng = fastrand::Rng::with_seed(0x05ee_db24);
    let content_types = [
        None,
        FORM,
        Some("application/json"),
        Some("text/plain"),
        Some("multipart/form-data"),
        Some(""),
        Some(";;;"),
    ];
    let keys = [
        "event",
        "event_handler_id",
        "ts",
        "data",
        "data[FIELDS]",
        "data[FIELDS][ID]",
        "data[FIELDS][]",
        "data[]",
        "auth",
        "auth[]",
        "auth[application_token]",
        "auth[access_token]",
        "auth[expires_in]",
        "auth[member_id]",
        "auth[application_token][]",
        "[",
        "]",
        "%5B",
        "%",
        "",
    ];
    let values = [
        TOKEN,
        "ONCRMDEALADD",
        "7405",
        "-1",
        "1e99",
        "",
        "%",
        "%zz",
        "%FF%FE",
        "[]",
        "{}",
        "=",
        "&",
        "\u{0}",
        "18446744073709551616",
    ];
    let real = php_form_body().into_bytes();
    let json = json_body("ONCRMDEALADD", json!({"FIELDS": {"ID": 1}}), TOKEN);
    let mut accepted = 0;
    for round in 0..20_000 {
        let body: Vec<u8> = match round % 4 {
            0 => (0..rng.usize(0..200)).map(|_| rng.u8(..)).collect(),
            1 => {
                let mut body = if rng.bool() {
                    real.clone()
                } else {
                    json.clone()
                };
                for _ in 0..rng.usize(1..8) {
                    if body.is_empty() {
                        break;
                    }
                    let at = rng.usize(..body.len());
                    match rng.u8(..3) {
                        0 => body[at] = rng.u8(..),
                        1 => {
                            body.remove(at);
                        }
                        _ => body.truncate(at),
                    }
                }
                body
            }
            2 => {
                let pairs: Vec<String> = (0..rng.usize(0..12))
                    .map(|_| {
                        let key = keys[rng.usize(..keys.len())];
                        let value = values[rng.usize(..values.len())];
                        match rng.u8(..3) {
                            0 => format!("{key}={value}"),
                            1 => key.to_owned(),
                            _ => format!("{key}[{value}]={value}"),
                        }
                    })
                    .collect();
                pairs.join("&").into_bytes()
            }
            _ => {
                // Valid JSON of the wrong shapes.
                let pick = |rng: &mut fastrand::Rng| match rng.u8(..6) {
                    0 => json!(null),
                    1 => json!([]),
                    2 => json!({}),
                    3 => json!(-1),
                    4 => json!(TOKEN),
                    _ => json!({"application_token": [TOKEN]}),
                };
                serde_json::to_vec(&json!({
                    "event": pick(&mut rng), "event_handler_id": pick(&mut rng),
                    "ts": pick(&mut rng), "data": pick(&mut rng), "auth": pick(&mut rng)
                }))
                .unwrap()
            }
        };
        let content_type = content_types[rng.usize(..content_types.len())];
        match Event::<DealAdded>::parse_verified(content_type, &body, &token()) {
            Ok(event) => {
                accepted += 1;
                assert_eq!(event.auth.application_token.expose(), TOKEN);
            }
            // Past the token check, a payload error may quote `data` and a mismatch the
            // event code: the sender's own values, which this generator sometimes fills
            // with the token. Every other refusal quotes nothing of the request.
            Err(EventError::Payload { path, .. }) => assert!(path.starts_with("data")),
            Err(EventError::CodeMismatch { expected, .. }) => assert_eq!(expected, "ONCRMDEALADD"),
            Err(err) => assert_no_tokens(&format!("{err} {err:?}"), &[TOKEN, ACCESS, REFRESH]),
        }
    }
    // Some mangled copies of the real request stay valid (the mangling hit a value that
    // does not matter); the test would be vacuous if none did.
    assert!(accepted > 0);
}
