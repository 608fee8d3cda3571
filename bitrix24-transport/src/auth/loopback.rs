//! Which hosts a secret may travel to over plain `http://`: loopback ones.
//!
//! A webhook URL, a token endpoint, a portal address and a token reply's REST address
//! all accept `http://` only to a loopback host unless insecure http is allowed
//! explicitly; this is the one place that says what loopback is.

use std::net::IpAddr;

use reqwest::Url;

/// Whether the URL's host is loopback: 127.0.0.0/8, ::1 or `localhost`.
pub(crate) fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}
