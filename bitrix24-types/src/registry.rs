//! The set of generated methods, as types: [`for_each_method`](crate::for_each_method)
//! hands each one to a [`MethodVisitor`].
//!
//! Tools that need every method (a capability check, decoding captured replies, property
//! tests) use it instead of a hand-kept list. The visitor is generic, so nothing per method
//! is compiled into an application that does not call it.
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

/// Receives each generated method as a type parameter.
pub trait MethodVisitor {
    /// Called once per generated method of every enabled scope feature.
    fn visit<M: Method + 'static>(&mut self);
}

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
