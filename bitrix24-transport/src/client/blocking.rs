//! [`BlockingClient`] (feature `blocking`): the async [`Client`] behind a runtime of its
//! own, for programs without an async runtime.

use serde_json::Value;

use super::builder::{Auth, ClientBuilder};
use super::call::{CallOptions, Client};
use crate::auth::{Tokens, Webhook};
use crate::envelope::Response;
use crate::error::Error;
use crate::method::{CallKind, Method};

/// A blocking facade over [`Client`]: each call runs on a current-thread Tokio runtime
/// the facade owns. For programs without an async runtime; calling it from inside one
/// returns [`Error::Config`] instead of blocking the runtime.
#[derive(Debug)]
pub struct BlockingClient {
    client: Client,
    runtime: tokio::runtime::Runtime,
}

impl BlockingClient {
    /// Build the client and its runtime.
    pub fn new(builder: ClientBuilder) -> Result<Self, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| Error::Config {
                reason: format!("cannot start a runtime: {err}"),
            })?;
        let client = {
            let _entered = runtime.enter();
            builder.build()?
        };
        Ok(Self { client, runtime })
    }

    /// A blocking client with the defaults for a webhook URL.
    pub fn webhook(url: &str) -> Result<Self, Error> {
        Self::new(ClientBuilder::new(Auth::Webhook(Webhook::parse(url)?)))
    }

    /// The async client inside (clones share its pool, limiter and tokens).
    pub fn client(&self) -> &Client {
        &self.client
    }

    pub(crate) fn block_on<T>(
        &self,
        future: impl std::future::Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::Config {
                reason: "BlockingClient was called inside an async runtime; use Client there"
                    .into(),
            });
        }
        self.runtime.block_on(future)
    }

    /// [`Client::call`], blocking.
    pub fn call<M: Method>(&self, request: &M) -> Result<Response<M::Response>, Error> {
        self.block_on(self.client.call(request))
    }

    /// [`Client::call_with`], blocking.
    pub fn call_with<M: Method>(
        &self,
        request: &M,
        options: CallOptions,
    ) -> Result<Response<M::Response>, Error> {
        self.block_on(self.client.call_with(request, options))
    }

    /// [`Client::call_raw`], blocking.
    pub fn call_raw(
        &self,
        method: &str,
        params: Value,
        kind: CallKind,
    ) -> Result<Response<Value>, Error> {
        self.block_on(self.client.call_raw(method, params, kind))
    }

    /// [`Client::exchange_code`], blocking.
    pub fn exchange_code(&self, code: &str) -> Result<Tokens, Error> {
        self.block_on(self.client.exchange_code(code))
    }
}
