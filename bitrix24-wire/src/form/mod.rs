//! PHP-style form data, both ways: how Bitrix24 reads parameters from a query string or
//! an `application/x-www-form-urlencoded` body (`batch` command strings, GET-style calls),
//! and how it sends event requests to handlers.
//!
//! ```
//! use bitrix24_wire::form::{parse, to_php_query};
//! let params = serde_json::json!({"filter": {">ID": "5"}, "select": ["ID", "TITLE"]});
//! let query = to_php_query(&params);
//! assert_eq!(query, "filter[%3EID]=5&select[0]=ID&select[1]=TITLE");
//! assert_eq!(parse(&query), params); // a form has only strings
//! ```

mod encode;
mod parse;

pub use encode::{encode_component, to_php_query};
pub use parse::{decode, parse, split_key};
