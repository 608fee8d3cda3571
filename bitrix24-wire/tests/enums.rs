//! Open enums (`WireEnum` and its helpers) and `yes_no` request serialization.

use bitrix24_wire::{self as wire, Lenient, WireEnum};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Written the way the generator emits enums.
#[derive(Debug, Clone, PartialEq, Eq)]
enum StageSemantic {
    InProgress,
    Success,
    Failure,
    Unknown(String),
}

impl WireEnum for StageSemantic {
    fn from_wire(value: &str) -> Self {
        match value {
            "P" => Self::InProgress,
            "S" => Self::Success,
            "F" => Self::Failure,
            other => Self::Unknown(other.to_owned()),
        }
    }

    fn as_wire(&self) -> &str {
        match self {
            Self::InProgress => "P",
            Self::Success => "S",
            Self::Failure => "F",
            Self::Unknown(other) => other,
        }
    }
}

impl Serialize for StageSemantic {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        wire::serialize_enum(self, s)
    }
}

impl<'de> Deserialize<'de> for StageSemantic {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        wire::deserialize_enum(de)
    }
}

impl Lenient for StageSemantic {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Self>, D::Error> {
        wire::enum_or_nothing(de)
    }
}

/// A numeric enum (`crm_enum_activitytype`-style): the wire text of `2` is `"2"`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ActivityType {
    Meeting,
    Call,
    Unknown(String),
}

impl WireEnum for ActivityType {
    fn from_wire(value: &str) -> Self {
        match value {
            "1" => Self::Meeting,
            "2" => Self::Call,
            other => Self::Unknown(other.to_owned()),
        }
    }

    fn as_wire(&self) -> &str {
        match self {
            Self::Meeting => "1",
            Self::Call => "2",
            Self::Unknown(other) => other,
        }
    }
}

fn lenient<T: Lenient>(json: &str) -> Result<Option<T>, String> {
    let mut de = serde_json::Deserializer::from_str(json);
    T::deserialize_lenient(&mut de).map_err(|e| e.to_string())
}

#[test]
fn known_and_unknown_values() {
    let cases = [
        (r#""P""#, StageSemantic::InProgress),
        (r#""S""#, StageSemantic::Success),
        (r#""F""#, StageSemantic::Failure),
        (r#""X""#, StageSemantic::Unknown("X".into())),
        (r#""p""#, StageSemantic::Unknown("p".into())),
        ("7", StageSemantic::Unknown("7".into())),
    ];
    for (json, want) in cases {
        let strict: StageSemantic = serde_json::from_str(json).unwrap();
        assert_eq!(strict, want, "{json}");
        assert_eq!(
            lenient::<StageSemantic>(json),
            Ok(Some(want.clone())),
            "{json}"
        );
    }
    // Unknown values survive a round trip unchanged.
    let x: StageSemantic = serde_json::from_str(r#""X""#).unwrap();
    assert_eq!(serde_json::to_string(&x).unwrap(), r#""X""#);
    assert_eq!(
        serde_json::to_string(&StageSemantic::Success).unwrap(),
        r#""S""#
    );
}

#[test]
fn numbers_read_as_their_text() {
    for (json, want) in [
        ("1", ActivityType::Meeting),
        (r#""2""#, ActivityType::Call),
        ("-3", ActivityType::Unknown("-3".into())),
        ("2.5", ActivityType::Unknown("2.5".into())),
    ] {
        assert_eq!(
            lenient::<ActivityTypeL>(json).map(|o| o.map(|a| a.0)),
            Ok(Some(want))
        );
    }
}

/// `ActivityType` with a `Lenient` impl (a newtype so the test exercises the generic helper).
#[derive(Debug, PartialEq)]
struct ActivityTypeL(ActivityType);

impl Lenient for ActivityTypeL {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Self>, D::Error> {
        Ok(wire::enum_or_nothing::<D, ActivityType>(de)?.map(ActivityTypeL))
    }
}

#[test]
fn nothing_and_errors() {
    for json in ["null", r#""""#, "false"] {
        assert_eq!(lenient::<StageSemantic>(json), Ok(None), "{json}");
        let err = serde_json::from_str::<StageSemantic>(json)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("a value is required here"), "{json}: {err}");
    }
    for (json, want) in [
        (
            "true",
            "invalid type: boolean `true`, expected an enumeration value (string or number)",
        ),
        (
            "[]",
            "invalid type: sequence, expected an enumeration value (string or number)",
        ),
        (
            "{}",
            "invalid type: map, expected an enumeration value (string or number)",
        ),
    ] {
        let err = lenient::<StageSemantic>(json).unwrap_err();
        assert!(err.starts_with(want), "{json}: {err}");
    }
}

#[test]
fn enums_inside_a_struct() {
    #[derive(Debug, Deserialize, Serialize)]
    struct Deal {
        #[serde(
            rename = "STAGE_SEMANTIC_ID",
            default,
            deserialize_with = "wire::lenient"
        )]
        semantic: Option<StageSemantic>,
    }
    let deal: Deal = serde_json::from_str(r#"{"STAGE_SEMANTIC_ID": "P"}"#).unwrap();
    assert_eq!(deal.semantic, Some(StageSemantic::InProgress));
    let deal: Deal = serde_json::from_str(r#"{"STAGE_SEMANTIC_ID": ""}"#).unwrap();
    assert_eq!(deal.semantic, None);
    let deal: Deal = serde_json::from_str("{}").unwrap();
    assert_eq!(deal.semantic, None);
    let deal = Deal {
        semantic: Some(StageSemantic::Unknown("Z".into())),
    };
    assert_eq!(
        serde_json::to_string(&deal).unwrap(),
        r#"{"STAGE_SEMANTIC_ID":"Z"}"#
    );
}

#[test]
fn yes_no_writes_y_and_n() {
    #[derive(Serialize)]
    struct Fields {
        #[serde(rename = "OPENED", serialize_with = "wire::yes_no::serialize")]
        opened: bool,
        #[serde(rename = "CLOSED", serialize_with = "wire::yes_no::serialize")]
        closed: bool,
        #[serde(
            rename = "IS_NEW",
            serialize_with = "wire::yes_no::serialize_opt",
            skip_serializing_if = "Option::is_none"
        )]
        is_new: Option<bool>,
        #[serde(rename = "RAW", serialize_with = "wire::yes_no::serialize_opt")]
        raw: Option<bool>,
    }
    let f = Fields {
        opened: true,
        closed: false,
        is_new: Some(true),
        raw: Some(false),
    };
    assert_eq!(
        serde_json::to_string(&f).unwrap(),
        r#"{"OPENED":"Y","CLOSED":"N","IS_NEW":"Y","RAW":"N"}"#
    );
    let f = Fields {
        opened: false,
        closed: true,
        is_new: None,
        raw: None,
    };
    assert_eq!(
        serde_json::to_string(&f).unwrap(),
        r#"{"OPENED":"N","CLOSED":"Y","RAW":null}"#
    );
}
