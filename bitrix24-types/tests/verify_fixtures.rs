//! `verify::verify_dir`, the engine of `cargo xtask verify-fixtures`: each kind of folder,
//! a failure naming the JSON path, unknown folders counted and not checked.
#![cfg(all(feature = "verify", feature = "crm"))]

use std::path::Path;

use bitrix24_types::verify::{self, FileOutcome};

fn write(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn outcome<'a>(report: &'a verify::Report, file: &str) -> &'a FileOutcome {
    report
        .files
        .iter()
        .find(|f| f.file == file)
        .unwrap_or_else(|| panic!("{file} not checked: {report}"))
}

#[test]
fn every_folder_kind_is_checked_and_failures_name_the_path() {
    let dir = std::env::temp_dir().join(format!("b24-verify-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // A whole envelope, and a bare result value.
    write(
        &dir,
        "crm.deal.get/1.json",
        r#"{"result":{"ID":"5","TITLE":"x","OPPORTUNITY":"10.50"},"time":{"start":1}}"#,
    );
    write(&dir, "crm.deal.get/2.json", r#"{"ID":"7","IS_NEW":"Y"}"#);
    // A wrong type deep inside.
    write(
        &dir,
        "crm.deal.get/3.json",
        r#"{"result":{"ID":{"nested":true}}}"#,
    );
    write(
        &dir,
        "crm.deal.list/1.json",
        r#"{"result":[{"ID":"1"},{"ID":2}],"total":2}"#,
    );
    write(
        &dir,
        "error/1.json",
        r#"{"error":"NOT_FOUND","error_description":"Not found"}"#,
    );
    write(&dir, "error/2.json", r#"{"result":true}"#);
    write(
        &dir,
        "batch/1.json",
        r#"{"result":{"result":{"a":true},"result_error":[],"result_total":[],"result_next":[],"result_time":[]}}"#,
    );
    write(
        &dir,
        "oauth.token/1.json",
        r#"{"access_token":"a","refresh_token":"r","expires_in":3600}"#,
    );
    write(&dir, "oauth.token/2.json", r#"{"access_token":5}"#);
    write(&dir, "no.such.method/1.json", r#"{"result":1}"#);
    // Event requests as the portal sends them: a form and JSON; a bad ID; another event's body.
    write(
        &dir,
        "event.ONCRMDEALADD/1.txt",
        "event=ONCRMDEALADD&data%5BFIELDS%5D%5BID%5D=5&ts=1&auth%5Bapplication_token%5D=x",
    );
    write(
        &dir,
        "event.ONCRMDEALADD/2.json",
        r#"{"event":"ONCRMDEALADD","data":{"FIELDS":{"ID":"7"}}}"#,
    );
    write(
        &dir,
        "event.ONCRMDEALADD/3.txt",
        "event=ONCRMDEALADD&data[FIELDS][ID][x]=1",
    );
    write(
        &dir,
        "event.ONCRMDEALADD/4.txt",
        "event=ONCRMDEALUPDATE&data[FIELDS][ID]=1",
    );
    write(&dir, "event.ONNOSUCHEVENT/1.txt", "event=ONNOSUCHEVENT");
    write(&dir, "crm.deal.get/notes.txt", "not a fixture");

    let report = verify::verify_dir(&dir).unwrap();
    let _ = std::fs::remove_dir_all(&dir);

    for ok in [
        "crm.deal.get/1.json",
        "crm.deal.get/2.json",
        "crm.deal.list/1.json",
        "error/1.json",
        "batch/1.json",
        "oauth.token/1.json",
        "event.ONCRMDEALADD/1.txt",
        "event.ONCRMDEALADD/2.json",
    ] {
        assert_eq!(outcome(&report, ok).failure, None, "{ok}");
    }
    let deep = outcome(&report, "crm.deal.get/3.json")
        .failure
        .clone()
        .unwrap();
    assert!(deep.starts_with("result.ID: "), "{deep}");
    let not_error = outcome(&report, "error/2.json").failure.clone().unwrap();
    assert!(not_error.contains("not an error"), "{not_error}");
    let token = outcome(&report, "oauth.token/2.json")
        .failure
        .clone()
        .unwrap();
    assert!(token.starts_with("access_token"), "{token}");

    let bad_id = outcome(&report, "event.ONCRMDEALADD/3.txt")
        .failure
        .clone()
        .unwrap();
    assert!(bad_id.starts_with("data.FIELDS.ID: "), "{bad_id}");
    let other = outcome(&report, "event.ONCRMDEALADD/4.txt")
        .failure
        .clone()
        .unwrap();
    assert!(other.contains("ONCRMDEALUPDATE"), "{other}");

    assert_eq!(
        report.unknown_folders,
        ["event.ONNOSUCHEVENT", "no.such.method"]
    );
    assert_eq!((report.passed(), report.failed()), (8, 5));
    let text = report.to_string();
    assert!(text.contains("FAIL crm.deal.get/3.json: result.ID: "));
    assert!(text.contains("ok crm.deal.list/1.json"));
    assert!(text.ends_with(
        "8 passed, 5 failed; 2 folders name no known method: event.ONNOSUCHEVENT, no.such.method"
    ));
}
