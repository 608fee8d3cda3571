//! The result's shape a page's JS sample declares in TypeScript.
//!
//! Most pages' JS (ES module) sample declares what it reads from `result` before the
//! call, under the comment "Shape of the payload returned in result":
//!
//! ```text
//! type ProductAddResult = {
//!   element: {
//!     id: number,
//!     detailPicture: { id: string, url: string } | null,
//!     dateCreate: ISODate | null,
//!   }
//! }
//! ```
//!
//! The reply example often shows such a field as `null`, which says nothing of its type;
//! the declaration does. [`result_shape`] reads the declaration into a [`Ts`], and
//! [`Ts::example`] turns the part at a result path into an example value the example
//! typing reads ([`super::infer`]), so both sources type a field the same way.
//!
//! Only the TypeScript the samples use is read: object types (`{ a: T; b?: T }`, index
//! signatures), `T[]`, `Array<T>`, `Record<string, T>`, unions (`null` and `undefined`
//! drop out; literals of one kind are that kind), `number`, `string`, `boolean`,
//! `ISODate`, and the other types the same block declares. `unknown`, `any`, `object` and
//! what is not read type nothing.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::field_names::{is_ids_name, names_an_id};
use super::markdown::Block;

/// Where the comment a sample puts before the result's declaration starts ("Shape of the
/// payload returned in result", "Shape of each booking returned in result[]"), and
/// whether it declares each of the result's items; `None` without one.
fn marker(text: &str) -> Option<(usize, bool)> {
    text.match_indices("Shape of ").find_map(|(at, _)| {
        let line = text[at..].lines().next()?;
        let (_, rest) = line.split_once("returned in result")?;
        Some((at, rest.starts_with("[]")))
    })
}

/// A TypeScript type, as far as it types a reply.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ts {
    Number,
    String,
    Boolean,
    /// `ISODate`, `Date`.
    Date,
    /// An object type: its fields in order.
    Object(Vec<(String, Ts)>),
    List(Box<Ts>),
    /// `Record<string, T>`, `{ [key: string]: T }`.
    Map(Box<Ts>),
    /// Nothing to go by.
    Unknown,
}

impl Ts {
    /// The part of the shape at `path` (field names; `*` a map's or list's element),
    /// looking through lists as the example typing does.
    pub(crate) fn at(&self, path: &[&str]) -> Option<&Ts> {
        let mut current = self;
        for segment in path {
            while let Ts::List(inner) = current {
                current = inner;
            }
            current = match (current, *segment) {
                (Ts::Map(inner), _) => inner,
                (Ts::Object(fields), name) => &fields.iter().find(|(key, _)| key == name)?.1,
                _ => return None,
            };
        }
        Some(current)
    }

    /// A record, or a list or map of records.
    fn holds_record(&self) -> bool {
        match self {
            Ts::Object(_) => true,
            Ts::List(inner) | Ts::Map(inner) => inner.holds_record(),
            _ => false,
        }
    }

    /// An example value of this type for the field `key`: what the example typing reads
    /// as this type. A `number` is an integer for an ID, a count or a time span, else a
    /// fraction: a `double` reads whole numbers too, while an integer would refuse the
    /// `18.5` of a rate.
    pub(crate) fn example(&self, key: &str) -> Value {
        match self {
            Ts::Number if is_whole_name(key) => json!(1),
            Ts::Number => json!(1.5),
            Ts::String => json!("text"),
            Ts::Boolean => json!(true),
            Ts::Date => json!("2024-01-01T00:00:00+00:00"),
            Ts::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(name, ty)| (name.clone(), ty.example(name)))
                    .collect(),
            ),
            // A list of numbers holds IDs far more often than fractions.
            Ts::List(inner) if **inner == Ts::Number => json!([1]),
            Ts::List(inner) => match inner.example(key) {
                Value::Null => json!([]),
                item => json!([item]),
            },
            Ts::Map(inner) => match inner.example(key) {
                Value::Null => json!({}),
                item => json!({ "1": item }),
            },
            Ts::Unknown => Value::Null,
        }
    }
}

/// Fills what `value` (a reply example's `result`) leaves `null` or empty where `shape`
/// declares a record (or a list or map of them) with an example of the declared type
/// ([`Ts::example`]); what the example shows wins. Scalars, and lists of them, left
/// `null` or empty stay: the example typing asks the shape for them ([`Ts::at`]) after
/// the field's namesakes, which saw values.
pub(crate) fn fill(value: &mut Value, shape: &Ts, key: &str) {
    match (value, shape) {
        (value, shape) if shape.holds_record() && !super::infer::informative(value) => {
            let example = shape.example(key);
            if super::infer::informative(&example) {
                *value = example;
            }
        }
        (Value::Object(map), Ts::Object(fields)) => {
            for (name, field) in fields {
                if let Some(inner) = map.get_mut(name) {
                    fill(inner, field, name);
                }
            }
        }
        (Value::Object(map), Ts::Map(inner)) => {
            for item in map.values_mut() {
                fill(item, inner, key);
            }
        }
        (Value::Array(items), Ts::List(inner)) => {
            for item in items {
                fill(item, inner, key);
            }
        }
        _ => {}
    }
}

/// `id`, `USER_ID`, `contactIds`, `count`, `sort`, `pingOffsets`, `createdBy`: a number
/// that counts or names something (a user, here), hence whole.
fn is_whole_name(key: &str) -> bool {
    const WHOLE: &[&str] = &[
        "ids",
        "count",
        "counter",
        "sort",
        "total",
        "index",
        "number",
        "year",
        "month",
        "day",
        "days",
        "hours",
        "minutes",
        "seconds",
        "offset",
        "offsets",
        "page",
        "limit",
        "level",
        "version",
        "port",
        "timestamp",
        "ts",
        // Bytes and pixels.
        "size",
        "width",
        "height",
        // Users: `createdBy`, `closedBy`, `owner`, `author`.
        "by",
        "owner",
        "author",
    ];
    names_an_id(key)
        || is_ids_name(key)
        || crate::rules::words::words(key)
            .last()
            .is_some_and(|word| WHOLE.contains(&word.as_str()))
}

/// The result's shape the page's samples declare, if one does.
pub(crate) fn result_shape(blocks: &[Block]) -> Option<Ts> {
    blocks.iter().find_map(|block| match block {
        Block::Code { text, .. } if marker(text).is_some() => block_shape(text),
        _ => None,
    })
}

/// The shape a code block declares: the type its call names (`make<TaskGetResult>`,
/// `make<DiskFileSearchItem[]>`), else the first type after the marker.
fn block_shape(text: &str) -> Option<Ts> {
    let declared = declarations(text);
    let (at, each_item) = marker(text)?;
    let after = &text[at..];
    let called = ["make<", "callMethod<", "call<"].iter().find_map(|call| {
        let at = text.find(call)? + call.len();
        let mut parser = Parser {
            text: &text[at..],
            pos: 0,
        };
        let ty = parser.union()?;
        parser.eat('>').then_some(ty)
    });
    let main = match called {
        Some(ty) => ty,
        None => {
            let rest = after.split_once("type ")?.1;
            let name = rest.split(|c: char| !is_ident(c)).next()?;
            let item = declared.get(name)?.clone();
            if each_item {
                Parsed::List(Box::new(item))
            } else {
                item
            }
        }
    };
    let resolved = resolve(&main, &declared, 0);
    (resolved != Ts::Unknown).then_some(resolved)
}

/// Every `type Name = ...` in `text`, parsed; a reference to another stays by name
/// ([`Parsed::Named`]) until [`resolve`].
fn declarations(text: &str) -> BTreeMap<String, Parsed> {
    let mut out = BTreeMap::new();
    let mut rest = text;
    while let Some(at) = find_keyword(rest, "type ") {
        rest = &rest[at + "type ".len()..];
        let name: String = rest.chars().take_while(|c| is_ident(*c)).collect();
        let after_name = rest[name.len()..].trim_start();
        let Some(body) = after_name.strip_prefix('=') else {
            continue;
        };
        let mut parser = Parser { text: body, pos: 0 };
        if let Some(ty) = parser.union() {
            out.insert(name, ty);
        }
        rest = &body[parser.pos..];
    }
    out
}

/// The byte offset of `keyword` where it starts a word (not `subtype `).
fn find_keyword(text: &str, keyword: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = text[from..].find(keyword) {
        let at = from + found;
        let before = text[..at].chars().next_back();
        if before.is_none_or(|c| !is_ident(c)) {
            return Some(at);
        }
        from = at + keyword.len();
    }
    None
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// A type as written, before names are resolved.
#[derive(Debug, Clone, PartialEq)]
enum Parsed {
    Named(String),
    Object(Vec<(String, Parsed)>),
    List(Box<Parsed>),
    Map(Box<Parsed>),
    /// The parts of a union other than `null` and `undefined`.
    Union(Vec<Parsed>),
    /// A literal: `'Y'` is a string, `5` a number, `true` a boolean.
    Literal(Ts),
}

/// How deep named types may refer to others (a type that contains itself stops here).
const MAX_DEPTH: usize = 8;

fn resolve(ty: &Parsed, declared: &BTreeMap<String, Parsed>, depth: usize) -> Ts {
    if depth > MAX_DEPTH {
        return Ts::Unknown;
    }
    let next = |ty: &Parsed| resolve(ty, declared, depth + 1);
    match ty {
        Parsed::Literal(ts) => ts.clone(),
        Parsed::Named(name) => match name.as_str() {
            "number" | "bigint" => Ts::Number,
            "string" => Ts::String,
            "boolean" => Ts::Boolean,
            "ISODate" | "Date" => Ts::Date,
            other => declared.get(other).map_or(Ts::Unknown, next),
        },
        Parsed::Object(fields) => Ts::Object(
            fields
                .iter()
                .map(|(name, ty)| (name.clone(), next(ty)))
                .collect(),
        ),
        Parsed::List(inner) => Ts::List(Box::new(next(inner))),
        Parsed::Map(inner) => Ts::Map(Box::new(next(inner))),
        Parsed::Union(parts) => {
            let mut kinds: Vec<Ts> = Vec::new();
            for part in parts.iter().map(next) {
                if !kinds.contains(&part) {
                    kinds.push(part);
                }
            }
            match kinds.as_slice() {
                [one] => one.clone(),
                _ => Ts::Unknown,
            }
        }
    }
}

/// A recursive-descent reader of the TypeScript type syntax the samples use.
struct Parser<'t> {
    text: &'t str,
    pos: usize,
}

impl Parser<'_> {
    fn skip_space(&mut self) {
        loop {
            let rest = &self.text[self.pos..];
            let trimmed = rest.trim_start();
            self.pos += rest.len() - trimmed.len();
            if trimmed.starts_with("//") {
                self.pos += trimmed.find('\n').unwrap_or(trimmed.len());
            } else {
                return;
            }
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_space();
        self.text[self.pos..].chars().next()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Option<String> {
        self.skip_space();
        let name: String = self.text[self.pos..]
            .chars()
            .take_while(|c| is_ident(*c) || *c == '.')
            .collect();
        if name.is_empty() {
            return None;
        }
        self.pos += name.len();
        Some(name)
    }

    /// `A | B | ...`; a leading `|` is allowed.
    fn union(&mut self) -> Option<Parsed> {
        self.eat('|');
        let mut parts = Vec::new();
        loop {
            let part = self.postfix()?;
            if !matches!(&part, Parsed::Named(n) if n == "null" || n == "undefined") {
                parts.push(part);
            }
            if !self.eat('|') {
                break;
            }
        }
        Some(match parts.len() {
            1 => parts.pop()?,
            _ => Parsed::Union(parts),
        })
    }

    /// A primary type followed by any number of `[]`.
    fn postfix(&mut self) -> Option<Parsed> {
        let mut ty = self.primary()?;
        while self.text[self.pos..].trim_start().starts_with("[]") {
            self.skip_space();
            self.pos += 2;
            ty = Parsed::List(Box::new(ty));
        }
        Some(ty)
    }

    fn primary(&mut self) -> Option<Parsed> {
        match self.peek()? {
            '{' => self.object(),
            '(' => {
                self.pos += 1;
                let inner = self.union()?;
                self.eat(')').then_some(inner)
            }
            '\'' | '"' | '`' => {
                self.string()?;
                Some(Parsed::Literal(Ts::String))
            }
            c if c.is_ascii_digit() || c == '-' => {
                let len = self.text[self.pos..]
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || matches!(c, '-' | '.'))
                    .count();
                self.pos += len;
                Some(Parsed::Literal(Ts::Number))
            }
            _ => {
                let name = self.ident()?;
                match name.as_str() {
                    "true" | "false" => return Some(Parsed::Literal(Ts::Boolean)),
                    "Array" | "ReadonlyArray" if self.eat('<') => {
                        let inner = self.union()?;
                        return self.eat('>').then(|| Parsed::List(Box::new(inner)));
                    }
                    "Record" if self.eat('<') => {
                        self.union()?;
                        if !self.eat(',') {
                            return None;
                        }
                        let inner = self.union()?;
                        return self.eat('>').then(|| Parsed::Map(Box::new(inner)));
                    }
                    _ => {}
                }
                if self.eat('<') {
                    // Another generic: its arguments say nothing read here.
                    let mut depth = 1;
                    while depth > 0 {
                        let c = self.text[self.pos..].chars().next()?;
                        self.pos += c.len_utf8();
                        depth += usize::from(c == '<');
                        depth -= usize::from(c == '>');
                    }
                    return Some(Parsed::Named("unknown".to_owned()));
                }
                Some(Parsed::Named(name))
            }
        }
    }

    /// A quoted string; its text.
    fn string(&mut self) -> Option<String> {
        let quote = self.peek()?;
        let rest = &self.text[self.pos + 1..];
        let end = rest.find(quote)?;
        self.pos += end + 2;
        Some(rest[..end].to_owned())
    }

    /// `{ name: T; other?: T, [key: string]: T }`.
    fn object(&mut self) -> Option<Parsed> {
        self.eat('{');
        let mut fields = Vec::new();
        let mut index = None;
        loop {
            while self.eat(',') || self.eat(';') {}
            if self.eat('}') {
                break;
            }
            if self.eat('[') {
                // An index signature: `[key: string]: T`.
                self.ident()?;
                self.eat(':');
                self.union()?;
                if !self.eat(']') || !self.eat(':') {
                    return None;
                }
                index = Some(self.union()?);
                continue;
            }
            let name = match self.peek()? {
                '\'' | '"' => self.string()?,
                _ => self.ident()?,
            };
            self.eat('?');
            if !self.eat(':') {
                return None;
            }
            fields.push((name, self.union()?));
        }
        Some(match (index, fields.is_empty()) {
            (Some(inner), true) => Parsed::Map(Box::new(inner)),
            _ => Parsed::Object(fields),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(code: &str) -> Option<Ts> {
        result_shape(&[Block::Code {
            lang: "js".into(),
            text: code.into(),
        }])
    }

    #[test]
    fn reads_the_declared_result() {
        let ts = shape(
            "// Shape of the payload returned in result (match ...)\n\
             type Pic = { id: string, url: string }\n\
             type ProductAddResult = {\n\
               element: {\n\
                 id: number,\n\
                 weight: number,\n\
                 height: number,\n\
                 createdBy: number,\n\
                 dateCreate: ISODate | null,\n\
                 detailPicture: Pic | null, // a comment\n\
                 tags?: Array<string>;\n\
                 props: Record<string, { value: string }>\n\
                 mode: 'Y' | 'N'\n\
                 mixed: string | number[]\n\
                 rows: { n: number }[]\n\
               }\n\
             }\n\
             const r = await $b24.callMethod<ProductAddResult>('catalog.product.add')",
        )
        .expect("a shape");
        let element = ts.at(&["element"]).expect("element");
        assert_eq!(element.at(&["id"]), Some(&Ts::Number));
        assert_eq!(element.at(&["dateCreate"]), Some(&Ts::Date));
        assert_eq!(element.at(&["detailPicture", "url"]), Some(&Ts::String));
        assert_eq!(element.at(&["tags"]), Some(&Ts::List(Box::new(Ts::String))));
        assert_eq!(element.at(&["props", "*", "value"]), Some(&Ts::String));
        assert_eq!(element.at(&["mode"]), Some(&Ts::String));
        assert_eq!(element.at(&["mixed"]), Some(&Ts::Unknown));
        assert_eq!(element.at(&["rows", "n"]), Some(&Ts::Number));
        assert_eq!(element.at(&["absent"]), None);
        assert_eq!(element.example("element")["id"], json!(1), "an ID is whole");
        assert_eq!(element.example("element")["weight"], json!(1.5));
        assert_eq!(
            element.example("element")["height"],
            json!(1),
            "pixels are whole"
        );
        assert_eq!(
            element.example("element")["createdBy"],
            json!(1),
            "a user's ID"
        );
        assert_eq!(
            ts.at(&["element", "rows"]).map(|t| t.example("rows")),
            Some(json!([{"n": 1.5}]))
        );
    }

    #[test]
    fn reads_the_shape_of_each_item() {
        let ts = shape(
            "// Shape of each booking returned in result[]\n\
             type Booking = { id: number, name: string | null }\n\
             const r = await $b24.actions.v2.call.make({ method: 'booking.v1.booking.list' })",
        )
        .expect("a shape");
        let item = Ts::Object(vec![
            ("id".to_owned(), Ts::Number),
            ("name".to_owned(), Ts::String),
        ]);
        assert_eq!(ts, Ts::List(Box::new(item)), "a list of the declared items");
        assert!(shape("// Shape of a thing\ntype T = { id: number }").is_none());
    }

    #[test]
    fn fills_records_the_example_leaves_empty() {
        let ts = shape(
            "// Shape of the payload returned in result\n\
             type R = { item: { id: number, pic: { url: string } | null, tags: string[], \
             note: string | null, rows: { n: number }[] } }",
        )
        .expect("a shape");
        let mut example = json!({"item": {"id": 5, "pic": null, "tags": [], "note": null,
            "rows": [{"n": null}], "extra": null}});
        fill(&mut example, &ts, "result");
        // Records only: scalars and lists of them are the namesakes' first.
        assert_eq!(
            example,
            json!({"item": {"id": 5, "pic": {"url": "text"}, "tags": [], "note": null,
                "rows": [{"n": null}], "extra": null}})
        );
    }

    #[test]
    fn no_marker_or_nothing_readable_is_no_shape() {
        assert_eq!(shape("type X = { a: number }"), None);
        assert_eq!(
            shape("// Shape of the payload returned in result\ntype X = unknown"),
            None
        );
        // Broken syntax reads nothing, and never panics.
        for broken in [
            "{ a: ",
            "{ a: Array<",
            "{ [k: string }",
            "{ 'a: string }",
            "(a | ",
        ] {
            let code = format!("// Shape of the payload returned in result\ntype X = {broken}");
            assert_eq!(shape(&code), None, "{broken}");
        }
    }

    #[test]
    fn the_called_type_may_be_a_list() {
        let ts = shape(
            "// Shape of the payload returned in result\n\
             type Item = { ID: string }\n\
             const r = await $b24.actions.v2.call.make<Item[]>({ method: 'disk.file.search' })",
        );
        assert_eq!(
            ts,
            Some(Ts::List(Box::new(Ts::Object(vec![(
                "ID".to_owned(),
                Ts::String
            )]))))
        );
    }

    #[test]
    fn a_type_that_contains_itself_stops() {
        let ts = shape(
            "// Shape of the payload returned in result\n\
             type Node = { id: number, children: Node[] }",
        )
        .expect("a shape");
        assert_eq!(ts.at(&["children", "id"]), Some(&Ts::Number));
    }
}
