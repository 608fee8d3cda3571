//! The HTTP plumbing under every request: sending one, and telling its failures apart.
//!
//! Both the [`Client`](crate::client::Client)'s REST calls and the OAuth token requests
//! (`auth`'s token endpoint) go through [`send`]. What a failed attempt means for a retry
//! is the one thing the two must agree on: whether anything reached the server
//! ([`SendError::NotSent`]) or the request was sent and its fate is open
//! ([`SendError::Timeout`], [`SendError::Dropped`]). No text made here holds a URL: a
//! webhook URL and a token request's query carry secrets.

use std::time::Duration;

use reqwest::{RequestBuilder, Url};

use crate::error::Error;
use crate::idempotency::IdempotencyKey;
use crate::record::Spares;

/// The header that carries the idempotency key.
const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// Why one attempt got no reply.
pub(crate) enum SendError {
    /// Nothing reached the portal: the connection was refused (nothing listens on the
    /// port, as while a portal or its proxy restarts). Proves the method did not run.
    Refused(String),
    /// Nothing reached the portal (DNS, TLS handshake, a connect timeout).
    NotSent(String),
    /// Sent; no reply within the timeout.
    Timeout,
    /// Sent; the connection failed.
    Dropped(String),
    /// The reply is larger than `limit` bytes (announced as `size`, or found so while
    /// reading); the rest was not read.
    TooLarge { limit: u64, size: Option<u64> },
}

impl SendError {
    /// The failure as an [`Error`] of a call of `method` (or `oauth/token`), its reason
    /// passed through `scrub` (which removes a secret the reason may quote).
    pub(crate) fn into_error(self, method: &str, scrub: impl FnOnce(String) -> String) -> Error {
        match self {
            Self::Refused(reason) | Self::NotSent(reason) => Error::Connect {
                method: method.to_owned(),
                reason: scrub(reason),
            },
            Self::Timeout => Error::Timeout {
                method: method.to_owned(),
            },
            Self::Dropped(reason) => Error::Transport {
                method: method.to_owned(),
                reason: scrub(reason),
            },
            Self::TooLarge { limit, size } => Error::ReplyTooLarge {
                method: method.to_owned(),
                limit,
                size,
            },
        }
    }
}

/// POST a JSON body to a REST method's URL, with the idempotency key when given; the
/// reply is read up to `limit` bytes, into a buffer of `spares` when there is one.
pub(crate) async fn post_json(
    http: &reqwest::Client,
    url: Url,
    body: Vec<u8>,
    timeout: Option<Duration>,
    key: Option<&IdempotencyKey>,
    limit: u64,
    spares: Option<&Spares>,
) -> Result<(u16, Vec<u8>), SendError> {
    let mut request = http
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(reqwest::header::ACCEPT, "application/json")
        .body(body);
    if let Some(key) = key {
        request = request.header(IDEMPOTENCY_KEY, key.as_str());
    }
    send(request, timeout, limit, spares).await
}

/// Send a request and read the whole reply: its status and body, at most `limit` bytes.
///
/// The body is read frame by frame into one buffer (sized once from `Content-Length`
/// when announced, or a buffer of an earlier reply no longer used from `spares`),
/// so a reply takes its own size in memory and no second copy; a reply
/// announced or found larger than `limit` stops the reading there.
pub(crate) async fn send(
    mut request: RequestBuilder,
    timeout: Option<Duration>,
    limit: u64,
    spares: Option<&Spares>,
) -> Result<(u16, Vec<u8>), SendError> {
    if let Some(timeout) = timeout {
        request = request.timeout(timeout);
    }
    let mut response = request.send().await.map_err(classify)?;
    let status = response.status().as_u16();
    let announced = response.content_length();
    if announced.is_some_and(|size| size > limit) {
        return Err(SendError::TooLarge {
            limit,
            size: announced,
        });
    }
    // An announced size is trusted for the first allocation only up to the limit; a
    // reply without one grows as it comes.
    let capacity = announced.map_or(INITIAL_CAPACITY, |size| size.min(limit));
    let capacity = usize::try_from(capacity).unwrap_or(usize::MAX);
    let mut body = match spares {
        Some(spares) => spares.take(capacity),
        None => Vec::with_capacity(capacity),
    };
    while let Some(frame) = response.chunk().await.map_err(classify)? {
        if (body.len() + frame.len()) as u64 > limit {
            return Err(SendError::TooLarge {
                limit,
                size: announced,
            });
        }
        body.extend_from_slice(&frame);
    }
    Ok((status, body))
}

/// The first buffer of a reply without `Content-Length`.
const INITIAL_CAPACITY: u64 = 16 * 1024;

fn classify(err: reqwest::Error) -> SendError {
    if err.is_connect() {
        if is_refused(&err) {
            SendError::Refused(describe(err))
        } else {
            SendError::NotSent(with_certificate_hint(describe(err)))
        }
    } else if err.is_timeout() {
        SendError::Timeout
    } else {
        SendError::Dropped(describe(err))
    }
}

/// Whether a connect error is a refused connection (an `io::Error` of that kind in its
/// causes), as opposed to a name that does not resolve or a certificate refused: those
/// do not go away by waiting.
fn is_refused(err: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::ConnectionRefused {
                return true;
            }
        }
        source = cause.source();
    }
    false
}

/// A refused portal certificate, explained: rustls says `invalid peer certificate:
/// UnknownIssuer`, and the fix is the root, never turning verification off.
fn with_certificate_hint(mut reason: String) -> String {
    if reason.contains("invalid peer certificate") {
        reason.push_str(
            " (a portal whose certificate is issued by its own certificate authority or is \
             self-signed needs that root added with ClientBuilder::add_root_certificate_pem)",
        );
    }
    reason
}

/// A reqwest error as text, without its URL (which may hold a secret), with its causes.
pub(crate) fn describe(err: reqwest::Error) -> String {
    let err = err.without_url();
    let mut text = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_refusals_point_at_the_root_option() {
        let hinted = with_certificate_hint("invalid peer certificate: UnknownIssuer".into());
        assert!(hinted.ends_with("added with ClientBuilder::add_root_certificate_pem)"));
        assert_eq!(with_certificate_hint("refused".into()), "refused");
    }
}
