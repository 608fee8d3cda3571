//! [`Localized`]: a text given once for every language or per language.
//!
//! User fields' labels and messages (`EDIT_FORM_LABEL`, `LIST_COLUMN_LABEL`,
//! `ERROR_MESSAGE`, ...) are documented `string|lang_map`. A request may send one text,
//! which the portal records for every language, or an object of language ids to texts
//! (`{"en": "Budget", "de": "Budget"}`), which records only those languages. A reply
//! holds the object; an older portal may send the plain text, and a label never set
//! arrives as `[]` (PHP's empty array) or `""`.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, Serializer};

use super::lenient::{Lenient, nothing_cases};

/// A text for every language, or one text per language id (docs type `string|lang_map`).
///
/// Written as the one form it holds. Read leniently: a string (numbers and `true` as
/// their text) is [`Localized::Text`], an object is [`Localized::ByLanguage`] with its
/// empty texts left out; `null`, `""`, `false` and `[]` are nothing.
///
/// ```
/// use bitrix24_wire::Localized;
///
/// let label = Localized::by_language([("en", "Budget"), ("de", "Etat")]);
/// assert_eq!(serde_json::to_string(&label)?, r#"{"de":"Etat","en":"Budget"}"#);
/// assert_eq!(serde_json::to_string(&Localized::text("Budget"))?, r#""Budget""#);
///
/// let read: Localized = serde_json::from_str(r#"{"en": "Budget", "de": "", "ru": null}"#)?;
/// assert_eq!(read.get("en"), Some("Budget"));
/// assert_eq!(read.get("de"), None);
/// assert_eq!(Localized::text("Budget").get("fr"), Some("Budget"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Localized {
    /// One text, for every language.
    Text(String),
    /// A text per language id (`en`, `de`, `ru`, ...).
    ByLanguage(BTreeMap<String, String>),
}

impl Localized {
    /// One text for every language.
    pub fn text(text: impl Into<String>) -> Self {
        Localized::Text(text.into())
    }

    /// A text per language id.
    pub fn by_language<L: Into<String>, T: Into<String>>(
        texts: impl IntoIterator<Item = (L, T)>,
    ) -> Self {
        Localized::ByLanguage(
            texts
                .into_iter()
                .map(|(lang, text)| (lang.into(), text.into()))
                .collect(),
        )
    }

    /// The text for language `lang`: the one text, or that language's when it is set.
    pub fn get(&self, lang: &str) -> Option<&str> {
        match self {
            Localized::Text(text) => Some(text),
            Localized::ByLanguage(texts) => texts
                .get(lang)
                .map(String::as_str)
                .filter(|t| !t.is_empty()),
        }
    }
}

impl Serialize for Localized {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        match self {
            Localized::Text(text) => ser.serialize_str(text),
            Localized::ByLanguage(texts) => texts.serialize(ser),
        }
    }
}

/// Reads as [`Lenient`] does; nothing (`null`, `""`, `[]`) is an empty [`Localized::Text`].
impl<'de> Deserialize<'de> for Localized {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        Ok(Self::deserialize_lenient(de)?.unwrap_or_else(|| Localized::Text(String::new())))
    }
}

impl Lenient for Localized {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Self>, D::Error> {
        de.deserialize_any(LocalizedVisitor)
    }
}

struct LocalizedVisitor;

impl LocalizedVisitor {
    fn texts(texts: Option<BTreeMap<String, String>>) -> Option<Localized> {
        texts
            .filter(|texts| !texts.is_empty())
            .map(Localized::ByLanguage)
    }
}

impl<'de> Visitor<'de> for LocalizedVisitor {
    type Value = Option<Localized>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a text, or an object of language ids to texts")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok((!v.is_empty()).then(|| Localized::Text(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok((!v.is_empty()).then_some(Localized::Text(v)))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        // `false` is PHP's "no value"; `true` keeps its text, as a lenient string does.
        Ok(v.then(|| Localized::Text("true".to_owned())))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Localized::Text(v.to_string())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Localized::Text(v.to_string())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(Localized::Text(v.to_string())))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let texts =
            BTreeMap::<String, String>::deserialize_lenient(MapAccessDeserializer::new(map))?;
        Ok(Self::texts(texts))
    }

    /// `[]` is PHP's empty map; a list of texts reads as keys `"0"`, `"1"`, ... like any
    /// lenient map.
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let texts =
            BTreeMap::<String, String>::deserialize_lenient(SeqAccessDeserializer::new(seq))?;
        Ok(Self::texts(texts))
    }

    nothing_cases!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(value: serde_json::Value) -> Result<Option<Localized>, serde_json::Error> {
        Localized::deserialize_lenient(value)
    }

    #[test]
    fn both_shapes_and_nothing() {
        assert_eq!(
            read(json!("Budget")).unwrap(),
            Some(Localized::text("Budget"))
        );
        assert_eq!(read(json!(7)).unwrap(), Some(Localized::text("7")));
        assert_eq!(
            read(json!({"en": "Budget", "de": "", "ru": null, "fr": 5})).unwrap(),
            Some(Localized::by_language([("en", "Budget"), ("fr", "5")]))
        );
        for nothing in [
            json!(null),
            json!(""),
            json!(false),
            json!([]),
            json!({"en": ""}),
        ] {
            assert_eq!(read(nothing.clone()).unwrap(), None, "{nothing}");
        }
    }

    #[test]
    fn wrong_shapes_are_errors_not_panics() {
        let err = read(json!({"en": {"nested": 1}})).unwrap_err().to_string();
        assert!(err.contains("a string"), "{err}");
        assert!(read(json!({"en": [1, 2]})).is_err());
    }

    #[test]
    fn writes_the_form_it_holds() {
        assert_eq!(
            serde_json::to_value(Localized::by_language([("en", "A")])).unwrap(),
            json!({"en": "A"})
        );
        assert_eq!(
            serde_json::to_value(Localized::text("A")).unwrap(),
            json!("A")
        );
        let back: Localized = serde_json::from_value(json!(null)).unwrap();
        assert_eq!(back, Localized::text(""));
    }
}
