//! What a write's page requires of a record its reads share: the record's fields are all
//! optional, `Method::REQUIRED` names those the write needs, and the client refuses a
//! request without them before anything is sent. Then the same record, written with its
//! labels by language and read back from the list, through the test portal.
#![cfg(feature = "crm")]

use bitrix24_testkit::TestPortal;
use bitrix24_types::crm::{
    CrmCompanyUserfieldListShowFilter, CrmDealUserfield, CrmDealUserfieldAdd, CrmDealUserfieldList,
    CrmDealUserfieldListFilterable, CrmDealUserfieldUfEnumElement,
};
use bitrix24_types::wire::Localized;
use bitrix24_types::{Client, Error, Method};

fn colour() -> CrmDealUserfield {
    let value = |text: &str| CrmDealUserfieldUfEnumElement {
        value: Some(text.into()),
        ..CrmDealUserfieldUfEnumElement::default()
    };
    CrmDealUserfield {
        field_name: Some("COLOUR".into()),
        user_type_id: Some("enumeration".into()),
        multiple: Some(true),
        edit_form_label: Some(Localized::by_language([("en", "Colour"), ("de", "Farbe")])),
        list: Some(vec![value("Red"), value("Teal")]),
        ..CrmDealUserfield::default()
    }
}

#[test]
fn the_add_lists_what_its_page_requires() {
    assert_eq!(
        CrmDealUserfieldAdd::REQUIRED,
        ["fields.USER_TYPE_ID", "fields.FIELD_NAME"]
    );
}

#[tokio::test]
async fn a_record_without_a_required_field_is_not_sent() {
    let portal = TestPortal::start().await.unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    let mut fields = colour();
    fields.field_name = None;
    let err = client
        .call(&CrmDealUserfieldAdd::new(fields))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Encode { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains("crm.deal.userfield.add"), "{message}");
    assert!(message.contains("`fields.FIELD_NAME`"), "{message}");
    assert_eq!(
        portal.stats().http_requests,
        0,
        "nothing reached the portal"
    );
}

#[tokio::test]
async fn a_user_field_written_as_its_record_is_listed_as_it() {
    let portal = TestPortal::start().await.unwrap();
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    let id = client
        .call(&CrmDealUserfieldAdd::new(colour()))
        .await
        .unwrap()
        .result;

    let list = CrmDealUserfieldList {
        filter: Some(CrmDealUserfieldListFilterable {
            user_type_id: Some("enumeration".into()),
            ..CrmDealUserfieldListFilterable::default()
        }),
        ..CrmDealUserfieldList::default()
    };
    let listed = client.call(&list).await.unwrap().result;
    assert_eq!(listed.len(), 1);
    let field = &listed[0];
    assert_eq!(field.id, Some(id));
    // The portal prefixes the code it was given.
    assert_eq!(field.field_name.as_deref(), Some("UF_CRM_COLOUR"));
    assert_eq!(field.multiple, Some(true));
    // The filter mode, which no Y/N flag would read ("E").
    assert_eq!(
        field.show_filter,
        Some(CrmCompanyUserfieldListShowFilter::Mask)
    );
    let items = field.list.as_deref().unwrap_or_default();
    let values: Vec<_> = items.iter().map(|item| item.value.as_deref()).collect();
    assert_eq!(values, [Some("Red"), Some("Teal")]);
    // The items' IDs, which only the list shows, are the record's too.
    assert!(items.iter().all(|item| item.id.is_some()));
    assert_eq!(portal.stats().http_requests, 2);
}
