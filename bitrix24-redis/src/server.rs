//! [`RedisServer`]: a `redis-server` of its own on 127.0.0.1, for tests and examples.
//!
//! It listens on a free port, keeps nothing on disk, and is killed when dropped. A missing
//! `redis-server` is an error that says how to install it (tests must not pass by skipping).

use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};

/// A running `redis-server` on 127.0.0.1, stopped when dropped.
#[derive(Debug)]
pub struct RedisServer {
    child: Child,
    port: u16,
}

impl RedisServer {
    /// Start `redis-server` (from `PATH`) on a free port and wait until it accepts
    /// connections.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_on(free_port()?).await
    }

    /// Start it on `port` (a Redis coming back where it was, after [`RedisServer::stop`]).
    pub async fn start_on(port: u16) -> std::io::Result<Self> {
        let mut child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|err| {
                std::io::Error::new(
                    err.kind(),
                    format!(
                        "cannot start `redis-server` ({err}); install it, e.g. \
                         `apt-get install -y redis-server`"
                    ),
                )
            })?;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Ok(Self { child, port });
            }
            if let Some(status) = child.try_wait()? {
                return Err(std::io::Error::other(format!(
                    "redis-server exited at start ({status})"
                )));
            }
            if Instant::now() > deadline {
                let _ = child.start_kill();
                return Err(std::io::Error::other(
                    "redis-server did not accept connections within 10 s",
                ));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// `redis://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Freeze it (`SIGSTOP`): it keeps its connections and its data but answers nothing,
    /// like a Redis that hangs, until [`RedisServer::resume`].
    pub fn pause(&self) -> std::io::Result<()> {
        self.signal("-STOP")
    }

    /// Let a paused server go on (`SIGCONT`).
    pub fn resume(&self) -> std::io::Result<()> {
        self.signal("-CONT")
    }

    fn signal(&self, signal: &str) -> std::io::Result<()> {
        let pid = self
            .child
            .id()
            .ok_or_else(|| std::io::Error::other("redis-server has exited"))?;
        // `kill` the command: the crate forbids the unsafe a direct signal call needs.
        let status = std::process::Command::new("kill")
            .args([signal, &pid.to_string()])
            .status()?;
        if status.success() {
            Ok(())
        } else {
            Err(std::io::Error::other(format!(
                "kill {signal} {pid}: {status}"
            )))
        }
    }

    /// Stop it now (what dropping it does, but waiting for the process to exit).
    pub async fn stop(mut self) -> std::io::Result<()> {
        self.child.kill().await
    }
}

/// A port that was free a moment ago (bound to port 0, then released).
fn free_port() -> std::io::Result<u16> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
    Ok(listener.local_addr()?.port())
}
