//! Handles to the commands of a batch ([`Cmd`]) and references to (parts of) their
//! results ([`ResultRef`]) that later commands take as parameters.

use std::fmt;
use std::marker::PhantomData;

/// A typed handle to one command of a [`Batch`]: read its result with
/// [`BatchResults::get`], reference it with [`Cmd::result`], [`Cmd::field`], [`Cmd::item`].
///
/// [`Batch`]: super::Batch
/// [`BatchResults::get`]: super::BatchResults::get
pub struct Cmd<M> {
    pub(super) batch: u64,
    pub(super) index: usize,
    pub(super) method: PhantomData<fn() -> M>,
}

impl<M> Clone for Cmd<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for Cmd<M> {}

impl<M> fmt::Debug for Cmd<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cmd")
            .field("name", &self.name())
            .field("batch", &self.batch)
            .finish()
    }
}

impl<M> Cmd<M> {
    /// The command's name in the batch (`c0`, `c1`, …).
    pub fn name(&self) -> String {
        command_name(self.index)
    }

    /// The whole result: `$result[c0]` (the ID an `add` returns).
    pub fn result(&self) -> ResultRef {
        ResultRef {
            batch: self.batch,
            command: self.index,
            path: Vec::new(),
        }
    }

    /// A field of the result: `$result[c0][ID]`.
    pub fn field(&self, key: impl Into<String>) -> ResultRef {
        self.result().field(key)
    }

    /// An item of a list result: `$result[c0][49]`; `.field("ID")` on it gives
    /// `$result[c0][49][ID]`.
    pub fn item(&self, index: usize) -> ResultRef {
        self.result().item(index)
    }
}

pub(super) fn command_name(index: usize) -> String {
    format!("c{index}")
}

/// A reference to (part of) an earlier command's result, resolved by the portal.
///
/// Made by [`Cmd::result`], [`Cmd::field`], [`Cmd::item`]; placed with
/// [`Batch::push_with`]. Its `Display` is the text sent: `$result[c0][49][ID]`. A field
/// name is letters, digits, `_`, `-` and `.` (others are refused when the reference is
/// placed: Bitrix24 would read `]`, `&`, `=`, `#`, `+` or `%` in it as syntax).
///
/// [`Batch::push_with`]: super::Batch::push_with
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResultRef {
    pub(super) batch: u64,
    pub(super) command: usize,
    path: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Segment {
    Key(String),
    Index(usize),
}

impl ResultRef {
    /// A field of this value: `…[KEY]`.
    pub fn field(mut self, key: impl Into<String>) -> Self {
        self.path.push(Segment::Key(key.into()));
        self
    }

    /// An item of this list: `…[INDEX]`.
    pub fn item(mut self, index: usize) -> Self {
        self.path.push(Segment::Index(index));
        self
    }

    /// The text sent, or why it cannot be.
    pub(super) fn render(&self) -> Result<String, String> {
        let mut text = format!("$result[{}]", command_name(self.command));
        for segment in &self.path {
            match segment {
                Segment::Key(key) => {
                    let valid = !key.is_empty()
                        && key
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
                    if !valid {
                        return Err(format!(
                            "the field name `{}` is not letters, digits, `_`, `-` and `.`",
                            key.chars().take(64).collect::<String>()
                        ));
                    }
                    text.push('[');
                    text.push_str(key);
                    text.push(']');
                }
                Segment::Index(index) => {
                    text.push('[');
                    text.push_str(&index.to_string());
                    text.push(']');
                }
            }
        }
        Ok(text)
    }
}

impl fmt::Display for ResultRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.render() {
            Ok(text) => f.write_str(&text),
            Err(_) => write!(f, "$result[{}][<invalid>]", command_name(self.command)),
        }
    }
}
