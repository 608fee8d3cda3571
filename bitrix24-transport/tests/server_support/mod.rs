//! A minimal HTTP/1.1 server for the tests' own endpoints (an application's event handler,
//! a stand-in portal with a fixed reply): one request per connection, answered with
//! `Connection: close`, so the transport needs no server library of its own.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server read it.
#[derive(Debug)]
pub(crate) struct Request {
    /// The `Content-Type` header, when sent.
    pub(crate) content_type: Option<String>,
    pub(crate) body: Vec<u8>,
}

/// A reply: status, `Content-Type` (when any) and body.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) content_type: Option<&'static str>,
    pub(crate) body: Vec<u8>,
}

/// Serve on 127.0.0.1 until the runtime ends, answering each request with `answer`.
pub(crate) async fn serve<F>(answer: F) -> SocketAddr
where
    F: Fn(Request) -> Reply + Send + Sync + 'static,
{
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let answer = Arc::clone(&answer);
            tokio::spawn(async move {
                let _ = exchange(stream, &*answer).await;
            });
        }
    });
    addr
}

/// Read one request (headers, then `Content-Length` bytes of body) and write the reply.
async fn exchange(
    mut stream: TcpStream,
    answer: &(dyn Fn(Request) -> Reply + Send + Sync),
) -> std::io::Result<()> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        data.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let header = |name: &str| {
        head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    };
    let length: usize = header("content-length")
        .and_then(|value| value.parse().ok())
        .unwrap_or(0);
    while data.len() < head_end + length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        data.extend_from_slice(&chunk[..n]);
    }
    let body = data[head_end..].iter().take(length).copied().collect();
    let reply = answer(Request {
        content_type: header("content-type"),
        body,
    });
    let reason = match reply.status {
        200 => "OK",
        401 => "Unauthorized",
        _ => "Status",
    };
    let mut out = format!(
        "HTTP/1.1 {} {reason}\r\ncontent-length: {}\r\nconnection: close\r\n",
        reply.status,
        reply.body.len()
    );
    if let Some(content_type) = reply.content_type {
        out.push_str(&format!("content-type: {content_type}\r\n"));
    }
    out.push_str("\r\n");
    stream.write_all(out.as_bytes()).await?;
    stream.write_all(&reply.body).await?;
    stream.shutdown().await
}
