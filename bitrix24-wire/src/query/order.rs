//! `order`: how the records are sorted.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::field::{Field, RecordField};

/// Ascending or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `ASC`.
    Asc,
    /// `DESC`.
    Desc,
}

impl Direction {
    /// The wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Asc => "ASC",
            Self::Desc => "DESC",
        }
    }
}

/// The sort: `{"DATE_CREATE":"DESC","ID":"ASC"}`, by the first field, then the next.
#[derive(Debug, Clone, PartialEq)]
pub struct Order<F> {
    keys: Vec<(Field<F>, Direction)>,
}

impl<F> Default for Order<F> {
    fn default() -> Self {
        Self { keys: Vec::new() }
    }
}

impl<F: RecordField> Order<F> {
    /// No sort yet: the portal's default order.
    pub fn new() -> Self {
        Self::default()
    }

    /// Then by `field`, ascending.
    #[must_use]
    pub fn asc(self, field: impl Into<Field<F>>) -> Self {
        self.by(field, Direction::Asc)
    }

    /// Then by `field`, descending.
    #[must_use]
    pub fn desc(self, field: impl Into<Field<F>>) -> Self {
        self.by(field, Direction::Desc)
    }

    /// Then by `field` in `direction`; a field already sorted by keeps its place and takes
    /// the new direction (the wire form is an object: a key appears once).
    #[must_use]
    pub fn by(mut self, field: impl Into<Field<F>>, direction: Direction) -> Self {
        let field = field.into();
        match self
            .keys
            .iter_mut()
            .find(|(key, _)| key.name() == field.name())
        {
            Some(key) => key.1 = direction,
            None => self.keys.push((field, direction)),
        }
        self
    }

    /// The sort keys, first first.
    pub fn keys(&self) -> impl Iterator<Item = (&str, Direction)> {
        self.keys.iter().map(|(field, dir)| (field.name(), *dir))
    }
}

impl<F: RecordField> Serialize for Order<F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.keys.len()))?;
        for (name, direction) in self.keys() {
            map.serialize_entry(name, direction.as_str())?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::CustomField;
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum F {
        Id,
        DateCreate,
    }
    impl RecordField for F {
        fn name(&self) -> &'static str {
            match self {
                Self::Id => "ID",
                Self::DateCreate => "DATE_CREATE",
            }
        }
    }

    #[test]
    fn serialises_each_key_once_in_order() {
        let order = Order::new()
            .desc(F::DateCreate)
            .asc(CustomField::new("UF_CRM_2"))
            .asc(F::Id)
            .desc(F::Id);
        let keys: Vec<_> = order.keys().collect();
        assert_eq!(
            keys,
            [
                ("DATE_CREATE", Direction::Desc),
                ("UF_CRM_2", Direction::Asc),
                ("ID", Direction::Desc)
            ]
        );
        assert_eq!(
            serde_json::to_string(&order).unwrap(),
            r#"{"DATE_CREATE":"DESC","UF_CRM_2":"ASC","ID":"DESC"}"#
        );
        assert_eq!(serde_json::to_value(Order::<F>::new()).unwrap(), json!({}));
    }
}
