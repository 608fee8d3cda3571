//! The visitor traits through which the generated code hands out its methods and events
//! as types (see [`registry`](crate::registry)). Kept apart from the registry because the
//! generated code implements its walk over them, and the registry's helpers walk it.

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
