//! The set of generated methods and events, as types:
//! [`for_each_method`](crate::for_each_method) hands each method to a [`MethodVisitor`],
//! [`for_each_event`](crate::for_each_event) each event payload to an [`EventVisitor`].
//!
//! Tools that need every method or event (a capability check, decoding captured replies,
//! binding handlers, property tests) use them instead of a hand-kept list. The visitors are
//! generic, so nothing per method or event is compiled into an application that does not
//! call them.
//!
//! ```
//! use bitrix24_types::{Method, MethodVisitor};
//!
//! struct Names(Vec<&'static str>);
//!
//! impl MethodVisitor for Names {
//!     fn visit<M: Method + 'static>(&mut self) {
//!         self.0.push(M::NAME);
//!     }
//! }
//!
//! let mut names = Names(Vec::new());
//! bitrix24_types::for_each_method(&mut names);
//! # #[cfg(feature = "crm")]
//! assert!(names.0.contains(&"crm.deal.add"));
//! ```

use bitrix24_transport::Method;

pub use crate::visit::{EventVisitor, MethodVisitor};

/// The REST names of every generated method of the enabled scope features, sorted.
pub fn method_names() -> Vec<&'static str> {
    struct Names(Vec<&'static str>);
    impl MethodVisitor for Names {
        fn visit<M: Method + 'static>(&mut self) {
            self.0.push(M::NAME);
        }
    }
    let mut names = Names(Vec::new());
    crate::for_each_method(&mut names);
    names.0.sort_unstable();
    names.0.dedup();
    names.0
}
