//! `Multifield` (crm_multifield) and `File`.

use std::collections::BTreeMap;

use bitrix24_wire::{File, FileInfo, Lenient, Multifield};
use serde_json::json;

fn lenient<T: Lenient>(json: &str) -> Result<Option<T>, String> {
    let mut de = serde_json::Deserializer::from_str(json);
    T::deserialize_lenient(&mut de).map_err(|e| e.to_string())
}

#[test]
fn multifield_reads_portal_shapes() {
    let m: Multifield = serde_json::from_str(
        r#"{"ID": "225", "VALUE_TYPE": "WORK", "VALUE": "+1 555 0100", "TYPE_ID": "PHONE"}"#,
    )
    .unwrap();
    assert_eq!(
        m,
        Multifield {
            id: Some(225),
            type_id: Some("PHONE".into()),
            value: Some("+1 555 0100".into()),
            value_type: Some("WORK".into()),
        }
    );
    let m: Multifield =
        serde_json::from_str(r#"{"ID": 7, "VALUE": "", "VALUE_TYPE": null, "EXTRA": 1}"#).unwrap();
    assert_eq!(
        m,
        Multifield {
            id: Some(7),
            ..Multifield::default()
        }
    );

    assert_eq!(lenient::<Multifield>("[]"), Ok(None));
    assert_eq!(lenient::<Multifield>("null"), Ok(None));
    assert_eq!(lenient::<Multifield>(r#""""#), Ok(None));
    let err = lenient::<Multifield>(r#""x""#).unwrap_err();
    assert!(
        err.starts_with(r#"invalid type: string "x", expected an object"#),
        "{err}"
    );
    let err = lenient::<Multifield>(r#"{"ID": "abc"}"#).unwrap_err();
    assert!(err.contains("expected an integer"), "{err}");

    let list = lenient::<Vec<Multifield>>(
        r#"[{"ID": "1", "VALUE": "a@example.com", "VALUE_TYPE": "WORK", "TYPE_ID": "EMAIL"}, []]"#,
    )
    .unwrap()
    .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].value.as_deref(), Some("a@example.com"));
}

#[test]
fn multifield_writes_only_what_is_set() {
    let cases = [
        (
            Multifield::new("+1 555", "WORK"),
            json!({"VALUE": "+1 555", "VALUE_TYPE": "WORK"}),
        ),
        (
            Multifield::update(225, "+1 556", "MOBILE"),
            json!({"ID": 225, "VALUE": "+1 556", "VALUE_TYPE": "MOBILE"}),
        ),
        (Multifield::delete(222), json!({"ID": 222, "VALUE": ""})),
        (
            Multifield::new("a@b.c", "HOME").with_type_id("EMAIL"),
            json!({"TYPE_ID": "EMAIL", "VALUE": "a@b.c", "VALUE_TYPE": "HOME"}),
        ),
        (Multifield::default(), json!({})),
    ];
    for (m, want) in cases {
        assert_eq!(serde_json::to_value(&m).unwrap(), want);
    }
}

#[test]
fn file_writes_documented_shapes() {
    let cases = [
        (
            File::Upload {
                name: "a.png".into(),
                content_base64: "AAAA".into(),
            },
            json!({"fileData": ["a.png", "AAAA"]}),
        ),
        (
            File::upload("hello.txt", b"hello"),
            json!({"fileData": ["hello.txt", "aGVsbG8="]}),
        ),
        (File::Existing(30577), json!({"id": 30577})),
        (File::Remove, json!("")),
        (
            File::Info(FileInfo {
                id: Some(12),
                ..FileInfo::default()
            }),
            json!({"id": 12}),
        ),
    ];
    for (file, want) in cases {
        assert_eq!(serde_json::to_value(&file).unwrap(), want, "{file:?}");
    }
    let err = serde_json::to_string(&File::Info(FileInfo::default())).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a file read without an id cannot be written"
    );
}

#[test]
fn file_reads_response_shapes() {
    // crm.deal.get / user.current style.
    let f = lenient::<File>(
        r#"{"id": 774, "showUrl": "/show?id=774", "downloadUrl": "/rest/download?id=774", "downloadData": {"id": 1}}"#,
    )
    .unwrap()
    .unwrap();
    let mut extra = BTreeMap::new();
    extra.insert("downloadData".to_owned(), json!({"id": 1}));
    assert_eq!(
        f,
        File::Info(FileInfo {
            id: Some(774),
            show_url: Some("/show?id=774".into()),
            download_url: Some("/rest/download?id=774".into()),
            extra,
        })
    );
    assert_eq!(f.id(), Some(774));

    // crm.item.get style.
    let f = lenient::<File>(
        r#"{"id": "30577", "url": "/ajax?fileId=30577", "urlMachine": "/rest/get?auth=x"}"#,
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        f,
        File::Info(FileInfo {
            id: Some(30577),
            show_url: Some("/ajax?fileId=30577".into()),
            download_url: Some("/rest/get?auth=x".into()),
            extra: BTreeMap::new(),
        })
    );

    // Both spellings present: the first wins, the other is kept in `extra`.
    let f = lenient::<File>(r#"{"showUrl": "a", "url": "b"}"#)
        .unwrap()
        .unwrap();
    let File::Info(info) = f else {
        panic!("info expected")
    };
    assert_eq!(info.show_url.as_deref(), Some("a"));
    assert_eq!(info.extra.get("url"), Some(&json!("b")));

    // Bare ids.
    assert_eq!(lenient::<File>("12"), Ok(Some(File::Existing(12))));
    assert_eq!(lenient::<File>(r#""12""#), Ok(Some(File::Existing(12))));
    assert_eq!(
        serde_json::from_str::<File>("12").unwrap(),
        File::Existing(12)
    );

    // The upload shape reads back as an upload.
    let up = File::upload("x.bin", &[0, 1, 2, 250]);
    let json = serde_json::to_string(&up).unwrap();
    assert_eq!(serde_json::from_str::<File>(&json).unwrap(), up);
    assert_eq!(lenient::<File>(&json), Ok(Some(up)));

    // Nothing.
    for json in ["null", r#""""#, "false", "[]"] {
        assert_eq!(lenient::<File>(json), Ok(None), "{json}");
        let err = serde_json::from_str::<File>(json).unwrap_err().to_string();
        assert!(err.starts_with("expected a file"), "{json}: {err}");
    }
    // Errors.
    for json in [r#""abc""#, "true", "-1", "[1]", r#"{"id": "x"}"#, "1.5"] {
        let err = lenient::<File>(json).unwrap_err();
        assert!(err.contains("expected"), "{json}: {err}");
    }
    // A multiple file field.
    let files = lenient::<Vec<File>>(r#"[{"id": 1}, 2, null, ""]"#)
        .unwrap()
        .unwrap();
    assert_eq!(
        files.iter().map(File::id).collect::<Vec<_>>(),
        vec![Some(1), Some(2)]
    );
}
