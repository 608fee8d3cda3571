//! `crm.item.*` typed by the object type the caller names.
//!
//! The universal item methods serve every CRM object type, told apart by `entityTypeId`
//! at run time; the generated `CrmItemGet` & co. return the common `Item` record. Here
//! the object type is a type ([`Leads`], [`Deals`], [`Contacts`], [`Companies`],
//! [`Quotes`], [`SmartInvoices`], or a [`SmartProcess`] by its portal-specific ID), and
//! it picks the record the methods read and write: `DealItem` for deals, with every field
//! of object-fields.md#deal, camelCase as `crm.item.*` sends them. A smart process's own
//! fields (`ufCrm5_...`) are the record's `extra`, as are a portal's user fields on the
//! other types.
//!
//! ```no_run
//! use bitrix24_types::items::{Deals, ItemAdd, ItemGet, ItemList, SmartProcess};
//! use bitrix24_types::crm::{DealItem, SmartProcessItem};
//! # async fn demo(client: bitrix24_types::Client) -> Result<(), bitrix24_types::Error> {
//! let deal: Option<DealItem> = client.call(&ItemGet::new(Deals, 42)).await?.result.item;
//!
//! let orders = SmartProcess(1032);
//! let added = ItemAdd::new(orders, SmartProcessItem { title: Some("Order 7".into()), ..Default::default() });
//! let id = client.call(&added).await?.result.item.and_then(|item| item.id);
//! let page = client.list(&ItemList::new(orders)).await?; // Page<SmartProcessItem>
//! # Ok(()) }
//! ```

use std::fmt;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::crm::{
    CompanyItem, ContactItem, DealItem, LeadItem, QuoteItem, SmartInvoiceItem, SmartProcessItem,
};
use crate::{ApiVersion, CallKind, IntoRecords, ListMethod, Method, Records};

/// A CRM object type: its `entityTypeId` and the record its items read as.
pub trait ItemType: Copy {
    /// One item of this type.
    type Record: Serialize + DeserializeOwned + fmt::Debug + Clone + Default;
    /// The `entityTypeId` the methods are called with.
    fn entity_type_id(self) -> u32;
}

/// Object types whose `entityTypeId` every portal shares (crm/data-types.md).
macro_rules! item_types {
    ($($(#[$doc:meta])* $name:ident = $id:literal => $record:ty;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub struct $name;

        impl ItemType for $name {
            type Record = $record;
            fn entity_type_id(self) -> u32 {
                $id
            }
        }
    )*};
}

item_types! {
    /// Leads (`entityTypeId` 1).
    Leads = 1 => LeadItem;
    /// Deals (`entityTypeId` 2).
    Deals = 2 => DealItem;
    /// Contacts (`entityTypeId` 3).
    Contacts = 3 => ContactItem;
    /// Companies (`entityTypeId` 4).
    Companies = 4 => CompanyItem;
    /// Quotes (estimates, `entityTypeId` 7).
    Quotes = 7 => QuoteItem;
    /// Smart invoices (`entityTypeId` 31).
    SmartInvoices = 31 => SmartInvoiceItem;
}

/// A smart process by its `entityTypeId` (from 128 up, different on every portal: read
/// it from `crm.type.list`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmartProcess(pub u32);

impl ItemType for SmartProcess {
    type Record = SmartProcessItem;
    fn entity_type_id(self) -> u32 {
        self.0
    }
}

/// `{"item": ...}`: what `crm.item.get`, `add` and `update` return.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(bound(deserialize = "R: DeserializeOwned"))]
pub struct ItemReply<R> {
    /// The item as the portal holds it now.
    #[serde(default)]
    pub item: Option<R>,
}

/// `{"items": [...]}`: what `crm.item.list` returns.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(bound(deserialize = "R: DeserializeOwned"))]
pub struct ItemsReply<R> {
    /// One page of items.
    #[serde(default)]
    pub items: Vec<R>,
}

impl<R> IntoRecords<R> for ItemsReply<R> {
    fn into_records(self) -> Vec<R> {
        self.items
    }
}

/// `crm.item.get` of one item of type `T`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase", bound = "")]
pub struct ItemGet<T: ItemType> {
    entity_type_id: u32,
    /// The item's ID.
    pub id: u64,
    #[serde(skip)]
    kind: PhantomData<T>,
}

impl<T: ItemType> ItemGet<T> {
    /// Item `id` of type `kind`.
    pub fn new(kind: T, id: u64) -> Self {
        Self {
            entity_type_id: kind.entity_type_id(),
            id,
            kind: PhantomData,
        }
    }
}

/// `crm.item.add` of one item of type `T`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase", bound = "")]
pub struct ItemAdd<T: ItemType> {
    entity_type_id: u32,
    /// The new item's fields (read-only ones are not sent).
    pub fields: T::Record,
    #[serde(skip)]
    kind: PhantomData<T>,
}

impl<T: ItemType> ItemAdd<T> {
    /// Add an item of type `kind` with `fields`.
    pub fn new(kind: T, fields: T::Record) -> Self {
        Self {
            entity_type_id: kind.entity_type_id(),
            fields,
            kind: PhantomData,
        }
    }
}

/// `crm.item.update` of one item of type `T`: the fields set are changed, the others kept.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase", bound = "")]
pub struct ItemUpdate<T: ItemType> {
    entity_type_id: u32,
    /// The item's ID.
    pub id: u64,
    /// The fields to change.
    pub fields: T::Record,
    #[serde(skip)]
    kind: PhantomData<T>,
}

impl<T: ItemType> ItemUpdate<T> {
    /// Change item `id` of type `kind` to `fields`.
    pub fn new(kind: T, id: u64, fields: T::Record) -> Self {
        Self {
            entity_type_id: kind.entity_type_id(),
            id,
            fields,
            kind: PhantomData,
        }
    }
}

/// `crm.item.list` of items of type `T`; `list`, `stream` and `export` page it (on the
/// fast path: `>id` and `start=-1`, as huge-data.md shows for this method).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase", bound = "")]
pub struct ItemList<T: ItemType> {
    entity_type_id: u32,
    /// Field names to return (`*` for all, `uf_*` for user fields); all when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub select: Option<Vec<String>>,
    /// Conditions keyed by field with the operator in front (`">=opportunity"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<serde_json::Map<String, serde_json::Value>>,
    /// Field -> `ASC` / `DESC`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<serde_json::Map<String, serde_json::Value>>,
    /// The page offset; set by `list`, `stream` and `export`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    #[serde(skip)]
    kind: PhantomData<T>,
}

impl<T: ItemType> ItemList<T> {
    /// Every item of type `kind`.
    pub fn new(kind: T) -> Self {
        Self {
            entity_type_id: kind.entity_type_id(),
            select: None,
            filter: None,
            order: None,
            start: None,
            kind: PhantomData,
        }
    }
}

impl<T: ItemType> Method for ItemGet<T> {
    const NAME: &'static str = "crm.item.get";
    const SCOPE: Option<&'static str> = Some("crm");
    const KIND: CallKind = CallKind::Read;
    const API: ApiVersion = ApiVersion::Classic;
    type Response = ItemReply<T::Record>;
}

impl<T: ItemType> Method for ItemAdd<T> {
    const NAME: &'static str = "crm.item.add";
    const SCOPE: Option<&'static str> = Some("crm");
    const KIND: CallKind = CallKind::Write;
    const API: ApiVersion = ApiVersion::Classic;
    type Response = ItemReply<T::Record>;
}

impl<T: ItemType> Method for ItemUpdate<T> {
    const NAME: &'static str = "crm.item.update";
    const SCOPE: Option<&'static str> = Some("crm");
    const KIND: CallKind = CallKind::IdempotentWrite;
    const API: ApiVersion = ApiVersion::Classic;
    type Response = ItemReply<T::Record>;
}

impl<T: ItemType> Method for ItemList<T> {
    const NAME: &'static str = "crm.item.list";
    const SCOPE: Option<&'static str> = Some("crm");
    const KIND: CallKind = CallKind::Read;
    const API: ApiVersion = ApiVersion::Classic;
    type Response = ItemsReply<T::Record>;
}

impl<T: ItemType> ListMethod for ItemList<T> {
    type Record = T::Record;
    const RECORDS: Records = Records::Key("items");
    const ID_FIELD: &'static str = "id";
    const FAST_PATH: bool = true;
    fn set_start(&mut self, start: Option<i64>) {
        self.start = start;
    }
}
