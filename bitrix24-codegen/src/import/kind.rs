//! The retry-relevant `kind` of an imported method: the kind rule of
//! [`crate::rules::kind`], which the model build also checks every spec against.

pub use crate::rules::kind::method_kind;
