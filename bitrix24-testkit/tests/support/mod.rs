//! A raw HTTP/1.1 client over a Tokio `TcpStream` for the test-portal tests: one request
//! per connection (`Connection: close`), so a dropped connection shows as an error; and
//! the real client set up for a portal without limits.
// Reason: each test file uses a different subset of these helpers.
#![allow(dead_code)]

use std::io;

use bitrix24_testkit::{PortalConfig, TestPortal};
use bitrix24_transport::auth::Webhook;
use bitrix24_transport::{Auth, CallKind, Client, Error};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A reply as it came over the wire.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) content_type: Option<String>,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    /// The body as JSON; panics with the body text when it is not JSON.
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|err| {
            panic!("not JSON ({err}): {}", String::from_utf8_lossy(&self.body))
        })
    }

    /// The `error` code of an error reply.
    pub(crate) fn error(&self) -> String {
        self.json()["error"].as_str().unwrap_or("<none>").to_owned()
    }
}

/// Send one request to a full URL (`http://127.0.0.1:PORT/path?query`).
pub(crate) async fn send(
    method: &str,
    url: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> io::Result<Reply> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| io::Error::other("only http:// URLs"))?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let mut stream = TcpStream::connect(host).await?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(content_type) = content_type {
        head.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    parse(&raw)
}

fn parse(raw: &[u8]) -> io::Result<Reply> {
    if raw.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "the connection closed without a reply",
        ));
    }
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| io::Error::other("no end of head"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| io::Error::other("bad status line"))?;
    let mut content_type = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-type") {
            content_type = Some(value.to_owned());
        } else if name.eq_ignore_ascii_case("content-length") {
            if let Ok(length) = value.parse::<usize>() {
                body.truncate(length);
            }
        }
    }
    Ok(Reply {
        status,
        content_type,
        body,
    })
}

pub(crate) async fn get(url: &str) -> Reply {
    send("GET", url, None, b"").await.expect("GET failed")
}

pub(crate) async fn post_json(url: &str, body: &Value) -> Reply {
    try_post_json(url, body).await.expect("POST failed")
}

pub(crate) async fn try_post_json(url: &str, body: &Value) -> io::Result<Reply> {
    send(
        "POST",
        url,
        Some("application/json"),
        body.to_string().as_bytes(),
    )
    .await
}

pub(crate) async fn post_form(url: &str, body: &str) -> Reply {
    send(
        "POST",
        url,
        Some("application/x-www-form-urlencoded"),
        body.as_bytes(),
    )
    .await
    .expect("POST failed")
}

/// The real client on the portal's webhook, without its own rate limit: the tests that
/// use it start the portal unlimited.
pub(crate) fn client(portal: &TestPortal) -> Client {
    let webhook = Webhook::parse(&portal.webhook_url()).expect("the portal's webhook");
    Client::builder(Auth::Webhook(webhook))
        .rate_limit(None)
        .build()
        .expect("a webhook client")
}

/// A portal without a rate limit and the real client on its webhook.
pub(crate) async fn portal_and_client() -> (TestPortal, Client) {
    let portal = TestPortal::start_with(PortalConfig::unlimited())
        .await
        .expect("the portal starts");
    let client = client(&portal);
    (portal, client)
}

/// A method's result through the client; panics on an error.
pub(crate) async fn call(client: &Client, method: &str, params: Value) -> Value {
    client
        .call_raw(method, params, CallKind::Write)
        .await
        .unwrap_or_else(|err| panic!("{method}: {err}"))
        .result
}

/// The error code and description of a call that must fail.
pub(crate) async fn refused(client: &Client, method: &str, params: Value) -> (String, String) {
    match client.call_raw(method, params, CallKind::Write).await {
        Err(Error::Api(api)) => (
            api.code.as_wire().to_owned(),
            api.description.unwrap_or_default(),
        ),
        other => panic!("{method}: expected an API error, got {other:?}"),
    }
}
