//! The typed `Deal` as the generator emitted it before `LenientDeserialize`: serde's own
//! derive, every field `default, deserialize_with = "wire::lenient"`, and the unknown keys
//! in a `#[serde(flatten)]` map. Kept in the benchmark to compare the two in one run.

use std::collections::BTreeMap;

use bitrix24_types::crm::StageSemantic;
use bitrix24_types::{chrono, serde_json, wire};
use serde::Deserialize;

/// Sent in requests and read from responses.
///
/// [Official documentation](https://apidocs.bitrix24.com/api-reference/crm/deals/crm-deal-get.html#deal)
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)] // Reason: only decoded, for the comparison.
pub(crate) struct Deal {
    /// `ID`: id, read-only.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) id: Option<u64>,
    /// `TITLE`: string.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) title: Option<String>,
    /// `TYPE_ID`: string.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) type_id: Option<String>,
    /// `CATEGORY_ID`: integer.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) category_id: Option<i64>,
    /// `STAGE_ID`: string.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) stage_id: Option<String>,
    /// `STAGE_SEMANTIC_ID`: `StageSemantic`, read-only. One of `P`, `S`, `F`.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) stage_semantic_id: Option<StageSemantic>,
    /// `IS_NEW`: char, read-only. One of `Y`, `N`.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) is_new: Option<bool>,
    /// `IS_RECURRING`: char. One of `Y`, `N`.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) is_recurring: Option<bool>,
    /// `IS_RETURN_CUSTOMER`: char. One of `Y`, `N`.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) is_return_customer: Option<bool>,
    /// `IS_REPEATED_APPROACH`: char. One of `Y`, `N`.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) is_repeated_approach: Option<bool>,
    /// `PROBABILITY`: integer.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) probability: Option<i64>,
    /// `CURRENCY_ID`: string.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) currency_id: Option<String>,
    /// `OPPORTUNITY`: decimal.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) opportunity: Option<wire::Decimal>,
    /// `IS_MANUAL_OPPORTUNITY`: char. One of `Y`, `N`.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) is_manual_opportunity: Option<bool>,
    /// `TAX_VALUE`: decimal.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) tax_value: Option<wire::Decimal>,
    /// `COMPANY_ID`: id.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) company_id: Option<u64>,
    /// `CONTACT_ID`: id. Deprecated: use `CONTACT_IDS`.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) contact_id: Option<u64>,
    /// `QUOTE_ID`: id, read-only.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) quote_id: Option<u64>,
    /// `BEGINDATE`: date.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) begindate: Option<chrono::NaiveDate>,
    /// `CLOSEDATE`: date.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) closedate: Option<chrono::NaiveDate>,
    /// `OPENED`: char. One of `Y`, `N`.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) opened: Option<bool>,
    /// `CLOSED`: char. One of `Y`, `N`.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) closed: Option<bool>,
    /// `COMMENTS`: text.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) comments: Option<String>,
    /// `ASSIGNED_BY_ID`: user.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) assigned_by_id: Option<u64>,
    /// `CREATED_BY_ID`: user, read-only.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) created_by_id: Option<u64>,
    /// `MODIFY_BY_ID`: user, read-only.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) modify_by_id: Option<u64>,
    /// `MOVED_BY_ID`: user, read-only.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) moved_by_id: Option<u64>,
    /// `DATE_CREATE`: datetime, read-only.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) date_create: Option<wire::DateTime>,
    /// `DATE_MODIFY`: datetime, read-only.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) date_modify: Option<wire::DateTime>,
    /// `MOVED_TIME`: datetime, read-only.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) moved_time: Option<wire::DateTime>,
    /// `SOURCE_ID`: string.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) source_id: Option<String>,
    /// `SOURCE_DESCRIPTION`: string.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) source_description: Option<String>,
    /// `LEAD_ID`: id, read-only.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) lead_id: Option<u64>,
    /// `ADDITIONAL_INFO`: string.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) additional_info: Option<String>,
    /// `LOCATION_ID`: id.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) location_id: Option<u64>,
    /// `ORIGINATOR_ID`: string.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) originator_id: Option<String>,
    /// `ORIGIN_ID`: string.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) origin_id: Option<String>,
    /// `UTM_SOURCE`: string.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) utm_source: Option<String>,
    /// `UTM_MEDIUM`: string.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) utm_medium: Option<String>,
    /// `UTM_CAMPAIGN`: string.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) utm_campaign: Option<String>,
    /// `UTM_CONTENT`: string.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) utm_content: Option<String>,
    /// `UTM_TERM`: string.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) utm_term: Option<String>,
    /// `LAST_ACTIVITY_TIME`: datetime, read-only.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) last_activity_time: Option<wire::DateTime>,
    /// `LAST_ACTIVITY_BY`: user, read-only.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) last_activity_by: Option<u64>,
    /// `CONTACT_IDS`: `id[]`.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) contact_ids: Option<Vec<u64>>,
    /// `TRACE`: string.
    #[serde(default, deserialize_with = "wire::lenient")]
    pub(crate) trace: Option<String>,
    /// Fields this spec does not list: the portal's user fields (`UF_*`)
    /// and fields added after the spec was written.
    #[serde(flatten)]
    pub(crate) extra: BTreeMap<String, serde_json::Value>,
}
