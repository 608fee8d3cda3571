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
use bitrix24_transport::event::EventPayload;

/// Receives each generated method as a type parameter.
pub trait MethodVisitor {
    /// Called once per generated method of every enabled scope feature.
    fn visit<M: Method + 'static>(&mut self);
}

/// Receives each generated event payload type (the `data` of one event) as a type
/// parameter.
///
/// ```
/// use bitrix24_types::EventVisitor;
/// use bitrix24_types::event::EventPayload;
///
/// /// The codes to bind handlers to, with the scope each needs.
/// struct Codes(Vec<(&'static str, Option<&'static str>)>);
///
/// impl EventVisitor for Codes {
///     fn visit<E: EventPayload + 'static>(&mut self) {
///         self.0.push((E::CODE, E::SCOPE));
///     }
/// }
///
/// let mut codes = Codes(Vec::new());
/// bitrix24_types::for_each_event(&mut codes);
/// # #[cfg(feature = "crm")]
/// assert!(codes.0.contains(&("ONCRMDEALADD", Some("crm"))));
/// ```
pub trait EventVisitor {
    /// Called once per generated event of every enabled scope feature.
    fn visit<E: EventPayload + 'static>(&mut self);
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
