//! The naming rules the importer types by and the linter checks by, in one place so the
//! two can never disagree: which methods only read ([`kind`]), which fields hold money
//! ([`money`]) and which hold dates ([`dates`]), all read from wire names split into words
//! ([`words`]).
//!
//! The importer applies them to what the docs say ([`crate::import`]); the model build
//! checks every spec against them ([`crate::model`], `lint`), so a hand overlay that
//! departs from a rule must say why.

pub mod dates;
pub mod kind;
pub mod money;
pub mod words;
