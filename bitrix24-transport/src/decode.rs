//! Decoding a piece of a reply into its type, with the JSON path of the first error.
//!
//! Tracking the path (`serde_path_to_error`) costs time on every value, and replies are
//! almost always right: a page of 2,500 records decodes about a third faster without it.
//! So the text is decoded plainly first, and only when that fails decoded again with the
//! path tracked, to say where.

use serde::de::DeserializeOwned;

use crate::error::DecodeError;

/// Decode `text`, found at the JSON path `at()` in the reply of `method`.
pub(crate) fn decode_at<T: DeserializeOwned>(
    method: &str,
    text: &str,
    at: impl FnOnce() -> String,
) -> Result<T, DecodeError> {
    let plain = match serde_json::from_str(text) {
        Ok(value) => return Ok(value),
        Err(err) => err,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let (inner, reason) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(err) => (err.path().to_string(), err.into_inner().to_string()),
        // Only what follows the value can fail plainly and not here (trailing text).
        Ok(_) => (".".to_owned(), plain.to_string()),
    };
    let at = at();
    let path = if inner == "." {
        at
    } else {
        format!("{at}.{inner}")
    };
    Err(DecodeError {
        method: method.to_owned(),
        path,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Deal {
        #[serde(rename = "ID")]
        id: u64,
        #[serde(rename = "ITEMS", default)]
        items: Vec<u32>,
    }

    #[test]
    fn errors_name_the_path_under_where_the_text_sits() {
        let ok: Deal = decode_at("m", r#"{"ID": 4, "ITEMS": [1]}"#, || unreachable!()).unwrap();
        assert_eq!(
            ok,
            Deal {
                id: 4,
                items: vec![1]
            }
        );
        let err = decode_at::<Deal>("crm.deal.get", r#"{"ID": 4, "ITEMS": [1, "x"]}"#, || {
            "result".into()
        })
        .unwrap_err();
        assert_eq!(
            (err.method.as_str(), err.path.as_str()),
            ("crm.deal.get", "result.ITEMS[1]")
        );
        assert!(err.reason.contains("invalid type"), "{}", err.reason);
        let err = decode_at::<Deal>("m", "[]", || "result.c0".into()).unwrap_err();
        assert_eq!(err.path, "result.c0");
        let err = decode_at::<Deal>("m", r#"{"ID": 1} x"#, || "r".into()).unwrap_err();
        assert_eq!(err.path, "r");
        assert!(err.reason.contains("trailing"), "{}", err.reason);
    }
}
