//! Parsing `#[bitrix_method(...)]`'s arguments into [`Args`], collecting every problem.
//!
//! The argument list is split at top-level commas first, then each piece is read on
//! its own. Working piece by piece is what lets one bad value (`kind = sometimes`) be
//! reported without losing the rest of the list: a `ParseStream` stops at the first
//! error, and serde_derive-style reporting wants them all.

use proc_macro2::{Delimiter, Ident, Punct, Spacing, Span, TokenStream, TokenTree};
use syn::parse::Parser;
use syn::{Error, LitStr, Path, Type};

use crate::diag::{Errors, closest, one_of};

/// The attribute's arguments, all present and valid.
pub(crate) struct Args {
    pub(crate) name: LitStr,
    pub(crate) scope: Option<LitStr>,
    pub(crate) kind: Kind,
    pub(crate) api: Api,
    pub(crate) response: Type,
    pub(crate) list: Option<List>,
    /// `Method::REQUIRED`: dotted paths of wire names the request must carry.
    pub(crate) requires: Vec<LitStr>,
    /// Where `__private` lives; `::bitrix24_types` unless overridden.
    pub(crate) krate: Path,
}

#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Read,
    Idempotent,
    Write,
}

#[derive(Clone, Copy)]
pub(crate) enum Api {
    Classic,
    V3,
}

/// The `list(...)` arguments.
pub(crate) struct List {
    pub(crate) record: Type,
    pub(crate) records: Records,
    pub(crate) id: LitStr,
    /// The ID's name in `filter`, `order` and `select`, when not `id`'s.
    pub(crate) id_param: Option<LitStr>,
    /// The names the list takes its filter, order and select by, where not the
    /// lowercase ones: (`FILTER_PARAM`, `"FILTER"`), ...
    pub(crate) param_names: Vec<(String, LitStr)>,
    /// The parameter naming the one field to sort by, when the order is a direction.
    pub(crate) sort_param: Option<LitStr>,
    pub(crate) fast_path: bool,
    /// Pages are counted: `start=-1` is not documented for the list.
    pub(crate) counted: bool,
}

pub(crate) enum Records {
    Result,
    Key(LitStr),
}

/// What parsing yielded: the arguments when they are all valid, plus what the item
/// check needs even when they are not, so that a struct without `start` is reported
/// alongside (not after) a typo elsewhere in the attribute.
pub(crate) struct Parsed {
    pub(crate) args: Option<Args>,
    /// The `list` key, when given: the span for "the struct needs `start`".
    pub(crate) list_key: Option<Ident>,
}

const KEYS: &[&str] = &[
    "scope", "kind", "api", "response", "list", "requires", "crate",
];
const LIST_KEYS: &[&str] = &[
    "record",
    "records",
    "id",
    "id_param",
    "filter_param",
    "order_param",
    "sort_param",
    "select_param",
    "fast_path",
    "counted",
];
const KINDS: &[&str] = &["read", "idempotent", "write"];
const APIS: &[&str] = &["classic", "v3"];

/// Parse the attribute's arguments. Every problem goes to `errors`; `Parsed::args` is
/// `Some` only when there was none.
pub(crate) fn parse(tokens: TokenStream, all_errors: &mut Errors) -> Parsed {
    let mut errors = Errors::default();
    let errors = &mut errors;
    let mut top = Top::default();
    let mut pieces = split(tokens, errors).into_iter().peekable();

    // The method name comes first, as a plain string literal.
    if let Some(first) = pieces.peek()
        && let Some(TokenTree::Literal(_)) = first.tokens.first()
    {
        let first = pieces.next().unwrap_or_default();
        top.name_seen = true;
        top.name = method_name(&first.tokens, errors);
    } else if let Some(first) = pieces.peek()
        && looks_like_unquoted_name(&first.tokens)
    {
        // `crm.deal.list` without quotes: say so, rather than "unknown key `crm`" plus
        // "missing method name".
        let first = pieces.next().unwrap_or_default();
        top.name_seen = true;
        let written: String = first.tokens.iter().map(ToString::to_string).collect();
        errors.push(Error::new_spanned(
            stream(&first.tokens),
            format!("the REST method name must be a string literal: write \"{written}\""),
        ));
    }

    for piece in pieces {
        top.entry(piece, errors);
    }

    let list_key = top.list.as_ref().map(|list| list.key.clone());
    let args = top.finish(errors).filter(|_| errors.is_empty());
    all_errors.append(std::mem::take(errors));
    Parsed { args, list_key }
}

/// One comma-separated piece of an argument list, without its comma.
#[derive(Default)]
struct Piece {
    tokens: Vec<TokenTree>,
}

/// Split an argument list at its top-level commas.
///
/// Commas inside `(...)`, `[...]` and `{...}` are already hidden in groups, but those
/// inside `<...>` are not (`response = HashMap<String, Deal>`), so angle brackets are
/// counted. `->` is not a closing bracket (`Box<dyn Fn() -> T>`).
fn split(tokens: TokenStream, errors: &mut Errors) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut current = Piece::default();
    let mut depth = 0usize;
    let mut after_joint_minus = false;
    for token in tokens {
        if let TokenTree::Punct(punct) = &token {
            let c = punct.as_char();
            if c == ',' && depth == 0 {
                if current.tokens.is_empty() {
                    errors.push(Error::new(
                        punct.span(),
                        "unexpected `,`: expected an argument before it",
                    ));
                } else {
                    pieces.push(std::mem::take(&mut current));
                }
                after_joint_minus = false;
                continue;
            }
            match c {
                '<' => depth += 1,
                '>' if !after_joint_minus => depth = depth.saturating_sub(1),
                _ => {}
            }
            after_joint_minus = c == '-' && punct.spacing() == Spacing::Joint;
        } else {
            after_joint_minus = false;
        }
        current.tokens.push(token);
    }
    // After a trailing comma nothing is left: allowed, as everywhere in Rust.
    if !current.tokens.is_empty() {
        pieces.push(current);
    }
    pieces
}

/// Whether the first piece is a dotted path (`crm.deal.list`) or a lone word that is
/// not a key (`batch`): a method name someone forgot to quote.
fn looks_like_unquoted_name(tokens: &[TokenTree]) -> bool {
    match tokens {
        [TokenTree::Ident(word)] => !KEYS.contains(&word.to_string().as_str()),
        [TokenTree::Ident(word), TokenTree::Punct(dot), ..] if dot.as_char() == '.' => {
            !KEYS.contains(&word.to_string().as_str())
        }
        _ => false,
    }
}

/// Read and validate the method name from the first piece.
fn method_name(tokens: &[TokenTree], errors: &mut Errors) -> Option<LitStr> {
    let (first, rest) = tokens.split_first()?;
    if !rest.is_empty() {
        errors.push(Error::new_spanned(
            stream(rest),
            "unexpected tokens after the method name: expected `,`",
        ));
    }
    let Ok(name) = syn::parse2::<LitStr>(first.clone().into()) else {
        errors.push(Error::new(
            first.span(),
            "the REST method name must be a string literal, e.g. \"crm.deal.list\"",
        ));
        return None;
    };
    match check_method_name(&name.value()) {
        Ok(()) => Some(name),
        Err(problem) => {
            errors.push(Error::new(name.span(), problem));
            None
        }
    }
}

/// The rule for REST method names: dot-separated segments of ASCII letters, digits and
/// `_` (`batch`, `user.get`, `imopenlines.crm.chat.getLastId`). A name outside it is a
/// typo that would otherwise only surface as `ERROR_METHOD_NOT_FOUND` at run time.
fn check_method_name(name: &str) -> Result<(), String> {
    const RULE: &str = "a REST method name is dot-separated segments of ASCII letters, \
                        digits and `_`, e.g. \"crm.deal.list\"";
    if name.is_empty() {
        return Err(format!("the REST method name is empty: {RULE}"));
    }
    if let Some(bad) = name
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
    {
        return Err(format!(
            "invalid character {bad:?} in REST method name {name:?}: {RULE}"
        ));
    }
    if name.starts_with('.') || name.ends_with('.') {
        return Err(format!(
            "REST method name {name:?} starts or ends with `.`: {RULE}"
        ));
    }
    if name.contains("..") {
        return Err(format!(
            "REST method name {name:?} has an empty segment (`..`): {RULE}"
        ));
    }
    Ok(())
}

/// The top-level arguments seen so far.
#[derive(Default)]
struct Top {
    /// Whether a method name was given (valid or not), so "missing name" is not
    /// reported on top of "bad name".
    name_seen: bool,
    name: Option<LitStr>,
    seen: Vec<String>,
    /// Keys suggested for unknown ones: `responce` already points at `response`, so
    /// "missing `response`" would only repeat it.
    suggested: Vec<&'static str>,
    scope: Option<LitStr>,
    kind: Option<Kind>,
    api: Option<Api>,
    response: Option<Type>,
    list: Option<ListDraft>,
    requires: Vec<LitStr>,
    krate: Option<Path>,
}

impl Top {
    fn entry(&mut self, piece: Piece, errors: &mut Errors) {
        let Some((key, rest)) = entry_key(&piece, "a key", errors, |literal| {
            if self.name_seen {
                Error::new(
                    literal.span(),
                    "unexpected literal: the method name is already given; expected `key = value`",
                )
            } else {
                // Reported here instead of the generic "missing method name".
                self.name_seen = true;
                Error::new(
                    literal.span(),
                    "the REST method name must be the first argument",
                )
            }
        }) else {
            return;
        };
        let name = key.to_string();
        if !KEYS.contains(&name.as_str()) {
            let message = if LIST_KEYS.contains(&name.as_str()) {
                format!("unknown key `{name}`: `{name}` goes inside `list(...)`")
            } else {
                self.suggested.extend(closest(&name, KEYS));
                unknown_key(&name, "", KEYS)
            };
            errors.push(Error::new(key.span(), message));
            return;
        }
        if self.seen.contains(&name) {
            errors.push(Error::new(key.span(), format!("duplicate key `{name}`")));
            return;
        }
        self.seen.push(name.clone());

        match name.as_str() {
            "scope" => {
                let usage = "scope = \"crm\"";
                self.scope = value(&key, rest, usage, errors)
                    .and_then(|v| non_empty_str(&v, "scope", usage, errors));
            }
            "kind" => {
                self.kind = value(&key, rest, "kind = read", errors)
                    .and_then(|v| word(&v, "kind", KINDS, errors))
                    .map(|word| match word {
                        "read" => Kind::Read,
                        "idempotent" => Kind::Idempotent,
                        _ => Kind::Write,
                    });
            }
            "api" => {
                self.api = value(&key, rest, "api = classic", errors)
                    .and_then(|v| word(&v, "api", APIS, errors))
                    .map(|word| match word {
                        "v3" => Api::V3,
                        _ => Api::Classic,
                    });
            }
            "response" => {
                let usage = "response = Vec<Deal>";
                self.response = value(&key, rest, usage, errors)
                    .and_then(|v| rust_type(v, "response", usage, errors));
            }
            "crate" => {
                self.krate = value(&key, rest, "crate = ::bitrix24_types", errors)
                    .and_then(|v| crate_path(v, errors));
            }
            "list" => self.list = Some(ListDraft::parse(key, rest, errors)),
            "requires" => {
                let usage = "requires = [\"fields.TITLE\"]";
                if let Some(v) = value(&key, rest, usage, errors) {
                    self.requires = required_paths(&v, usage, errors);
                }
            }
            _ => unreachable!("every name in KEYS is handled"),
        }
    }

    fn finish(self, errors: &mut Errors) -> Option<Args> {
        if !self.name_seen {
            errors.push(Error::new(
                Span::call_site(),
                "missing the REST method name: give it first, as in \
                 `#[bitrix_method(\"crm.deal.list\", response = ...)]`",
            ));
        }
        if !self.seen.iter().any(|key| key == "response") && !self.suggested.contains(&"response") {
            errors.push(Error::new(
                Span::call_site(),
                "missing `response = Type`: the type the envelope's `result` decodes into",
            ));
        }
        let list = match self.list {
            Some(draft) => Some(draft.finish(errors)?),
            None => None,
        };
        Some(Args {
            name: self.name?,
            scope: self.scope,
            kind: self.kind.unwrap_or(Kind::Write),
            api: self.api.unwrap_or(Api::Classic),
            response: self.response?,
            list,
            requires: self.requires,
            krate: self
                .krate
                .unwrap_or_else(|| syn::parse_quote!(::bitrix24_types)),
        })
    }
}

/// The `list(...)` arguments seen so far.
struct ListDraft {
    key: Ident,
    seen: Vec<String>,
    /// As for `Top::suggested`.
    suggested: Vec<&'static str>,
    record: Option<Type>,
    records: Option<Records>,
    id: Option<LitStr>,
    id_param: Option<LitStr>,
    param_names: Vec<(String, LitStr)>,
    sort_param: Option<LitStr>,
    fast_path: bool,
    counted: bool,
}

impl ListDraft {
    fn parse(key: Ident, rest: &[TokenTree], errors: &mut Errors) -> Self {
        let mut draft = ListDraft {
            key,
            seen: Vec::new(),
            suggested: Vec::new(),
            record: None,
            records: None,
            id: None,
            id_param: None,
            param_names: Vec::new(),
            sort_param: None,
            fast_path: false,
            counted: false,
        };
        match rest {
            [TokenTree::Group(group)] if group.delimiter() == Delimiter::Parenthesis => {
                for piece in split(group.stream(), errors) {
                    draft.entry(piece, errors);
                }
            }
            _ => {
                let message = "expected `list(record = Type, ...)`: `list` takes its arguments in parentheses";
                errors.push(if rest.is_empty() {
                    Error::new(draft.key.span(), message)
                } else {
                    Error::new_spanned(stream(rest), message)
                });
                // Reported; `finish` must not add "needs `record`" on top.
                draft.seen.push("record".into());
            }
        }
        draft
    }

    fn entry(&mut self, piece: Piece, errors: &mut Errors) {
        let Some((key, rest)) = entry_key(&piece, "a `list` key", errors, |literal| {
            Error::new(
                literal.span(),
                "unexpected literal: expected `key = value` inside `list(...)`",
            )
        }) else {
            return;
        };
        let name = key.to_string();
        if !LIST_KEYS.contains(&name.as_str()) {
            self.suggested.extend(closest(&name, LIST_KEYS));
            let message = unknown_key(&name, " in `list(...)`", LIST_KEYS);
            errors.push(Error::new(key.span(), message));
            return;
        }
        if self.seen.contains(&name) {
            errors.push(Error::new(
                key.span(),
                format!("duplicate key `{name}` in `list(...)`"),
            ));
            return;
        }
        self.seen.push(name.clone());

        match name.as_str() {
            "record" => {
                let usage = "record = Deal";
                self.record = value(&key, rest, usage, errors)
                    .and_then(|v| rust_type(v, "record", usage, errors));
            }
            "records" => {
                self.records =
                    value(&key, rest, "records = result", errors).and_then(|v| records(&v, errors));
            }
            "id" => {
                let usage = "id = \"ID\"";
                self.id = value(&key, rest, usage, errors)
                    .and_then(|v| non_empty_str(&v, "id", usage, errors));
            }
            "id_param" => {
                let usage = "id_param = \"ID\"";
                self.id_param = value(&key, rest, usage, errors)
                    .and_then(|v| non_empty_str(&v, "id_param", usage, errors));
            }
            "filter_param" | "order_param" | "select_param" => {
                let usage = match name.as_str() {
                    "filter_param" => "filter_param = \"FILTER\"",
                    "order_param" => "order_param = \"SORT\"",
                    _ => "select_param = \"SELECT\"",
                };
                let lit = value(&key, rest, usage, errors)
                    .and_then(|v| non_empty_str(&v, &name, usage, errors));
                if let Some(lit) = lit {
                    self.param_names.push((name.to_ascii_uppercase(), lit));
                }
            }
            "sort_param" => {
                let usage = "sort_param = \"sort\"";
                self.sort_param = value(&key, rest, usage, errors)
                    .and_then(|v| non_empty_str(&v, "sort_param", usage, errors));
            }
            "fast_path" | "counted" => {
                if !rest.is_empty() {
                    errors.push(Error::new_spanned(
                        stream(rest),
                        format!(
                            "`{name}` is a flag and takes no value: write `{name}` alone to enable it"
                        ),
                    ));
                }
                if name == "fast_path" {
                    self.fast_path = true;
                } else {
                    self.counted = true;
                }
            }
            _ => unreachable!("every name in LIST_KEYS is handled"),
        }
    }

    fn finish(self, errors: &mut Errors) -> Option<List> {
        if !self.seen.iter().any(|key| key == "record") && !self.suggested.contains(&"record") {
            errors.push(Error::new(
                self.key.span(),
                "`list(...)` needs `record = Type`: the type of one record of the list",
            ));
        }
        let id_default = LitStr::new("ID", self.key.span());
        Some(List {
            record: self.record?,
            records: self.records.unwrap_or(Records::Result),
            id: self.id.unwrap_or(id_default),
            id_param: self.id_param,
            param_names: self.param_names,
            sort_param: self.sort_param,
            fast_path: self.fast_path,
            counted: self.counted,
        })
    }
}

/// Split a piece into its key and the tokens after it. A piece that does not start
/// with an identifier is reported (`on_literal` words the error for a literal, where
/// the likely mistake depends on context) and yields `None`.
fn entry_key<'p>(
    piece: &'p Piece,
    expected: &str,
    errors: &mut Errors,
    on_literal: impl FnOnce(&TokenTree) -> Error,
) -> Option<(Ident, &'p [TokenTree])> {
    let (first, rest) = piece.tokens.split_first()?;
    match first {
        TokenTree::Ident(key) => Some((key.clone(), rest)),
        TokenTree::Literal(_) => {
            errors.push(on_literal(first));
            None
        }
        _ => {
            errors.push(Error::new(
                first.span(),
                format!("expected {expected}, as in `key = value`"),
            ));
            None
        }
    }
}

/// The tokens after `key =`. `usage` shows the intended form in the error.
fn value(key: &Ident, rest: &[TokenTree], usage: &str, errors: &mut Errors) -> Option<TokenStream> {
    match rest.split_first() {
        None => {
            errors.push(Error::new(
                key.span(),
                format!("`{key}` needs a value: `{usage}`"),
            ));
            None
        }
        Some((TokenTree::Punct(eq), value)) if is_eq(eq) => {
            if value.is_empty() {
                errors.push(Error::new(
                    eq.span(),
                    format!("expected a value after `{key} =`, as in `{usage}`"),
                ));
                return None;
            }
            Some(stream(value))
        }
        Some((other, _)) => {
            errors.push(Error::new(
                other.span(),
                format!("expected `=` after `{key}`, as in `{usage}`"),
            ));
            None
        }
    }
}

/// Tokens as a stream, to parse them or to span an error over all of them.
fn stream(tokens: &[TokenTree]) -> TokenStream {
    tokens.iter().cloned().collect()
}

fn is_eq(punct: &Punct) -> bool {
    punct.as_char() == '=' && punct.spacing() == Spacing::Alone
}

/// A non-empty string literal value.
fn non_empty_str(
    value: &TokenStream,
    key: &str,
    usage: &str,
    errors: &mut Errors,
) -> Option<LitStr> {
    match syn::parse2::<LitStr>(value.clone()) {
        Ok(lit) if lit.value().is_empty() => {
            errors.push(Error::new(lit.span(), format!("`{key}` must not be empty")));
            None
        }
        Ok(lit) => Some(lit),
        Err(_) => {
            errors.push(Error::new_spanned(
                value,
                format!("`{key}` takes a string literal, as in `{usage}`"),
            ));
            None
        }
    }
}

/// `requires = ["fields.TITLE", ...]`: string literals, each dot-separated wire names.
fn required_paths(value: &TokenStream, usage: &str, errors: &mut Errors) -> Vec<LitStr> {
    let Ok(array) = syn::parse2::<syn::ExprArray>(value.clone()) else {
        errors.push(Error::new_spanned(
            value,
            format!("`requires` takes a list of string literals, as in `{usage}`"),
        ));
        return Vec::new();
    };
    let mut paths = Vec::new();
    for element in &array.elems {
        let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(path),
            ..
        }) = element
        else {
            errors.push(Error::new_spanned(
                element,
                format!("`requires` takes string literals, as in `{usage}`"),
            ));
            continue;
        };
        if path.value().split('.').any(str::is_empty) {
            errors.push(Error::new(
                path.span(),
                "a required path is wire names separated by `.`, none of them empty \
                 (`fields.TITLE`)",
            ));
            continue;
        }
        paths.push(path.clone());
    }
    paths
}

/// One of a fixed set of bare words (`kind = read`).
fn word(
    value: &TokenStream,
    key: &str,
    allowed: &[&'static str],
    errors: &mut Errors,
) -> Option<&'static str> {
    let tokens: Vec<TokenTree> = value.clone().into_iter().collect();
    let message = match tokens.as_slice() {
        [TokenTree::Ident(ident)] => {
            let found = ident.to_string();
            if let Some(&word) = allowed.iter().find(|&&word| word == found) {
                return Some(word);
            }
            // Unlike for keys, the allowed values are listed even with a suggestion:
            // there are few, and the suggestion may not be what was meant.
            match closest(&found, allowed) {
                Some(close) => format!(
                    "unknown `{key}` value `{found}`; did you mean `{close}`? (expected {})",
                    one_of(allowed)
                ),
                None => format!(
                    "unknown `{key}` value `{found}`; expected {}",
                    one_of(allowed)
                ),
            }
        }
        [TokenTree::Literal(literal)]
            if syn::parse2::<LitStr>(TokenTree::from(literal.clone()).into())
                .is_ok_and(|lit| allowed.contains(&lit.value().as_str())) =>
        {
            format!(
                "`{key}` takes a bare word, without quotes: {}",
                one_of(allowed)
            )
        }
        _ => format!("invalid `{key}` value; expected {}", one_of(allowed)),
    };
    errors.push(Error::new_spanned(value, message));
    None
}

/// "unknown key `scop`; did you mean `scope`?", or the list of keys when none is close.
fn unknown_key(name: &str, inside: &str, known: &[&str]) -> String {
    match closest(name, known) {
        Some(close) => format!("unknown key `{name}`{inside}; did you mean `{close}`?"),
        None => format!("unknown key `{name}`{inside}; expected {}", one_of(known)),
    }
}

/// `crate = path`. serde spells its override as a string (`crate = "..."`), so that
/// form gets its own hint.
fn crate_path(value: TokenStream, errors: &mut Errors) -> Option<Path> {
    if let Ok(lit) = syn::parse2::<LitStr>(value.clone()) {
        errors.push(Error::new(
            lit.span(),
            format!(
                "`crate` takes a path, without quotes: `crate = {}`",
                lit.value()
            ),
        ));
        return None;
    }
    match Path::parse_mod_style.parse2(value.clone()) {
        Ok(path) => Some(path),
        Err(_) => {
            errors.push(Error::new_spanned(
                value,
                "`crate` takes a path, as in `crate = ::bitrix24_types`",
            ));
            None
        }
    }
}

/// A Rust type. syn's own error lists every token a type may start with; saying what
/// the key wants reads better.
fn rust_type(value: TokenStream, key: &str, usage: &str, errors: &mut Errors) -> Option<Type> {
    match syn::parse2::<Type>(value.clone()) {
        Ok(ty) => Some(ty),
        Err(_) => {
            errors.push(Error::new_spanned(
                value,
                format!("`{key}` takes a Rust type, as in `{usage}`"),
            ));
            None
        }
    }
}

/// `records = result` or `records = "key"`.
fn records(value: &TokenStream, errors: &mut Errors) -> Option<Records> {
    let tokens: Vec<TokenTree> = value.clone().into_iter().collect();
    match tokens.as_slice() {
        [TokenTree::Ident(ident)] if ident == "result" => return Some(Records::Result),
        [TokenTree::Literal(_)] => {
            let usage = "records = \"tasks\"";
            return non_empty_str(value, "records", usage, errors).map(Records::Key);
        }
        _ => {}
    }
    errors.push(Error::new_spanned(
        value,
        "expected `records = result` (the records are `result` itself) or \
         `records = \"key\"` (they sit under that key of `result`)",
    ));
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names() {
        for good in [
            "batch",
            "user.get",
            "imopenlines.crm.chat.getLastId",
            "a_b.c1",
        ] {
            assert_eq!(check_method_name(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            ".a",
            "a.",
            "a..b",
            "crm-deal.list",
            "crm.deal list",
            "тест",
        ] {
            assert!(check_method_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn split_keeps_generic_commas() {
        let mut errors = Errors::default();
        let pieces = split(
            quote::quote!("x", response = HashMap<String, Vec<u8>>, f = Box<dyn Fn() -> u8>, kind = read,),
            &mut errors,
        );
        assert!(errors.is_empty());
        assert_eq!(pieces.len(), 4);
    }
}
