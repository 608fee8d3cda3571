//! Shared pieces of the list, export and bulk tests: list methods over the portal's
//! `crm.deal.list` (one with the fast path, one without), and a portal with a client.
// Reason: each test file uses a different subset of these helpers.
#![allow(dead_code)]

use std::collections::BTreeMap;

use bitrix24_testkit::{PortalConfig, TestPortal};
use bitrix24_transport::client::Client;
use bitrix24_transport::{ApiVersion, CallKind, ListMethod, Method, Records};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One deal as the tests read it (the portal sends IDs as strings).
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub(crate) struct Row {
    #[serde(rename = "ID")]
    pub(crate) id: String,
    #[serde(rename = "TITLE", default)]
    pub(crate) title: Option<String>,
}

impl Row {
    pub(crate) fn id(&self) -> u64 {
        self.id.parse().expect("a numeric ID")
    }
}

/// `crm.deal.list` with the documented fast path.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct DealList {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) select: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) filter: Option<BTreeMap<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) order: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) start: Option<i64>,
}

impl Method for DealList {
    const NAME: &'static str = "crm.deal.list";
    const SCOPE: Option<&'static str> = Some("crm");
    const KIND: CallKind = CallKind::Read;
    const API: ApiVersion = ApiVersion::Classic;
    type Response = Vec<Row>;
}

impl ListMethod for DealList {
    type Record = Row;
    const RECORDS: Records = Records::Result;
    const ID_FIELD: &'static str = "ID";
    const FAST_PATH: bool = true;
    fn set_start(&mut self, start: Option<i64>) {
        self.start = start;
    }
}

/// The same list, declared without the fast path (as for a method whose filter cannot
/// take `>ID`): exports read counted pages.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct CountedDealList(pub(crate) DealList);

impl Method for CountedDealList {
    const NAME: &'static str = "crm.deal.list";
    const SCOPE: Option<&'static str> = Some("crm");
    const KIND: CallKind = CallKind::Read;
    const API: ApiVersion = ApiVersion::Classic;
    type Response = Vec<Row>;
}

impl ListMethod for CountedDealList {
    type Record = Row;
    const RECORDS: Records = Records::Result;
    const ID_FIELD: &'static str = "ID";
    const FAST_PATH: bool = false;
    fn set_start(&mut self, start: Option<i64>) {
        self.0.start = start;
    }
}

/// A portal without a rate limit (the tests count requests, not time) and a client.
pub(crate) async fn portal_and_client() -> (TestPortal, Client) {
    let portal = TestPortal::start_with(PortalConfig {
        rate_limit: None,
        ..PortalConfig::default()
    })
    .await
    .unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    (portal, client)
}

/// The HTTP requests and `crm.deal.list` calls the portal has seen.
pub(crate) fn counts(portal: &TestPortal) -> (u64, u64) {
    let stats = portal.stats();
    let lists = stats
        .calls_by_method
        .get("crm.deal.list")
        .copied()
        .unwrap_or(0);
    (stats.http_requests, lists)
}
