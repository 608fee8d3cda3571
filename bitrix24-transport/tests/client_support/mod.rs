//! Shared pieces of the client tests: quick retries, and `impl_method!` for the small
//! request types each test declares (the transport cannot use `#[bitrix_method]`, which
//! lives in a crate that depends on it).
// Reason: each test file uses a different subset of these helpers.
#![allow(dead_code, unused_macros)]

use std::time::Duration;

use bitrix24_transport::retry::RetryPolicy;

/// Quick retries so the fault tests run fast.
pub(crate) const FAST: RetryPolicy = RetryPolicy {
    max_attempts: 4,
    base_delay: Duration::from_millis(10),
    max_delay: Duration::from_millis(50),
    max_operation_wait: Duration::from_secs(5),
};

/// `impl_method!(DealGet, "crm.deal.get", Some("crm"), Read, Deal);`, or with the API
/// generation last: `impl_method!(TaskGet, "tasks.task.get", Some("task"), Read, Item<Task>, V3);`
macro_rules! impl_method {
    ($ty:ty, $name:literal, $scope:expr, $kind:ident, $response:ty) => {
        impl_method!($ty, $name, $scope, $kind, $response, Classic);
    };
    ($ty:ty, $name:literal, $scope:expr, $kind:ident, $response:ty, $api:ident) => {
        impl bitrix24_transport::Method for $ty {
            const NAME: &'static str = $name;
            const SCOPE: Option<&'static str> = $scope;
            const KIND: bitrix24_transport::CallKind = bitrix24_transport::CallKind::$kind;
            const API: bitrix24_transport::ApiVersion = bitrix24_transport::ApiVersion::$api;
            type Response = $response;
        }
    };
}
pub(crate) use impl_method;
