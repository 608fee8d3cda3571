//! The test portal's contacts, companies and leads through the real client: CRUD with
//! multifields, lists with filter, order and select, the fast export path, `*.fields`,
//! and `batch` with references.

mod support;

use bitrix24_testkit::{CrmEntity, UserField};
use bitrix24_transport::{ApiErrorCode, CallKind, Error};
use serde_json::{Value, json};
use support::{call, portal_and_client, refused};

fn ids(records: &Value) -> Vec<u64> {
    records
        .as_array()
        .expect("a list")
        .iter()
        .map(|record| {
            record["ID"]
                .as_str()
                .expect("ID")
                .parse()
                .expect("a number")
        })
        .collect()
}

/// `(ID, VALUE_TYPE, VALUE)` of a multifield's values.
fn values(record: &Value, field: &str) -> Vec<(String, String, String)> {
    record[field]
        .as_array()
        .map(|values| {
            values
                .iter()
                .map(|value| {
                    assert_eq!(value["TYPE_ID"], field);
                    let text = |key: &str| value[key].as_str().expect(key).to_owned();
                    (text("ID"), text("VALUE_TYPE"), text("VALUE"))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn contacts_add_get_update_delete_with_multifields() {
    let (portal, client) = portal_and_client().await;
    let id = call(
        &client,
        "crm.contact.add",
        json!({"fields": {"NAME": "John", "LAST_NAME": "Smith", "BIRTHDATE": "11.11.1999",
            "TYPE_ID": "PARTNER", "COMPANY_IDS": [12, 13], "UF_CRM_1720697698689": "Custom",
            "PHONE": [{"VALUE": "+13333333555", "VALUE_TYPE": "WORK"}, {"VALUE": "+15599888666", "VALUE_TYPE": "HOME"}],
            "EMAIL": [{"VALUE": "john@example.work"}], "HAS_PHONE": "N", "NOT_A_FIELD": 1}}),
    )
    .await;
    assert_eq!(id, json!(1));
    let contact = call(&client, "crm.contact.get", json!({"id": 1})).await;
    assert_eq!(Some(contact.clone()), portal.contact(1));
    assert_eq!(contact["ID"], "1");
    assert_eq!(contact["NAME"], "John");
    assert_eq!(contact["BIRTHDATE"], "1999-11-11T00:00:00+03:00");
    assert_eq!(contact["COMPANY_ID"], "12", "the first of COMPANY_IDS");
    assert!(contact.get("COMPANY_IDS").is_none());
    assert_eq!(contact["TYPE_ID"], "PARTNER");
    assert_eq!(contact["EXPORT"], "Y");
    assert_eq!(
        (
            &contact["HAS_PHONE"],
            &contact["HAS_EMAIL"],
            &contact["HAS_IMOL"]
        ),
        (&json!("Y"), &json!("Y"), &json!("N"))
    );
    assert_eq!(contact["FACE_ID"], Value::Null);
    assert_eq!(contact["UF_CRM_1720697698689"], "Custom");
    assert!(
        contact.get("WEB").is_none(),
        "empty multifields are left out"
    );
    assert!(contact.get("NOT_A_FIELD").is_none());
    assert!(contact["DATE_CREATE"].as_str().unwrap().ends_with("+03:00"));
    let phones = values(&contact, "PHONE");
    let email = values(&contact, "EMAIL");
    assert_eq!(
        phones
            .iter()
            .map(|(_, kind, value)| (kind.as_str(), value.as_str()))
            .collect::<Vec<_>>(),
        [("WORK", "+13333333555"), ("HOME", "+15599888666")]
    );
    assert_eq!(email[0].1, "WORK", "the default type");
    let mut value_ids: Vec<&str> = phones
        .iter()
        .chain(&email)
        .map(|(id, _, _)| id.as_str())
        .collect();
    value_ids.sort_unstable();
    assert_eq!(value_ids, ["1", "2", "3"], "each value has its own ID");

    // Change one phone, delete the other and the e-mail, add a website
    // (crm-contact-update.md).
    let updated = call(
        &client,
        "crm.contact.update",
        json!({"id": "1", "fields": {"LAST_NAME": "Doe", "PHONE": [
            {"ID": phones[0].0, "VALUE": "+10000000001", "VALUE_TYPE": "MOBILE"},
            {"ID": phones[1].0.parse::<u64>().unwrap(), "DELETE": "Y"}],
            "WEB": [{"VALUE": "https://example.com"}], "EMAIL": [{"ID": email[0].0, "VALUE": ""}]}}),
    )
    .await;
    assert_eq!(updated, json!(true));
    let contact = portal.contact(1).unwrap();
    assert_eq!(contact["LAST_NAME"], "Doe");
    assert_eq!(
        values(&contact, "PHONE"),
        [(phones[0].0.clone(), "MOBILE".into(), "+10000000001".into())]
    );
    assert_eq!(
        values(&contact, "WEB")[0],
        ("4".into(), "WORK".into(), "https://example.com".into())
    );
    assert!(contact.get("EMAIL").is_none());
    assert_eq!(contact["HAS_EMAIL"], "N");

    assert_eq!(
        call(&client, "crm.contact.delete", json!({"id": 1})).await,
        json!(true)
    );
    assert_eq!(portal.crm_count(CrmEntity::Contact), 0);
    assert_eq!(
        refused(&client, "crm.contact.get", json!({"id": 1})).await,
        ("".into(), "Not found".into())
    );
    assert_eq!(
        refused(
            &client,
            "crm.contact.update",
            json!({"id": 1, "fields": {}})
        )
        .await,
        ("".into(), "Contact is not found".into())
    );
    assert_eq!(
        refused(&client, "crm.contact.delete", json!({"id": 1})).await,
        ("ERROR_CORE".into(), "Element not found".into())
    );
    assert_eq!(
        refused(&client, "crm.contact.get", json!({"id": "x"})).await,
        ("".into(), "ID is not defined or invalid.".into())
    );
    assert_eq!(
        refused(&client, "crm.contact.add", json!({"fields": "x"})).await,
        ("".into(), "Parameter 'fields' must be array.".into())
    );
}

#[tokio::test]
async fn companies_and_leads_add_get_update_delete() {
    let (portal, client) = portal_and_client().await;
    let company = call(
        &client,
        "crm.company.add",
        json!({"fields": {"TITLE": "Acme", "REVENUE": 2500000.50, "IS_MY_COMPANY": "Y",
            "EMAIL": [{"VALUE": "info@acme.example", "VALUE_TYPE": "WORK"}]}}),
    )
    .await;
    let company = portal.company(company.as_u64().unwrap()).unwrap();
    assert_eq!(company["TITLE"], "Acme");
    assert_eq!(company["REVENUE"], "2500000.5", "a number as given");
    assert_eq!(
        (
            &company["COMPANY_TYPE"],
            &company["CURRENCY_ID"],
            &company["IS_MY_COMPANY"]
        ),
        (&json!("CUSTOMER"), &json!("USD"), &json!("Y"))
    );
    assert_eq!(company["HAS_EMAIL"], "Y");
    assert!(company.get("LAST_COMMUNICATION_TIME").is_some());
    assert_eq!(
        refused(
            &client,
            "crm.company.update",
            json!({"id": 9, "fields": {}})
        )
        .await,
        ("".into(), "Company is not found".into())
    );
    assert_eq!(
        refused(&client, "crm.company.delete", json!({"id": 9})).await,
        ("".into(), "Company is not found".into())
    );

    let lead = call(
        &client,
        "crm.lead.add",
        json!({"fields": {"NAME": "Erasmus", "OPPORTUNITY": "15000", "CONTACT_IDS": [2069],
            "IM": [{"VALUE": "imol|livechat|1|67|21", "VALUE_TYPE": "OPENLINE"}]}}),
    )
    .await;
    assert_eq!(lead, json!(1));
    let lead = call(&client, "crm.lead.get", json!({"ID": 1})).await;
    assert_eq!(lead["TITLE"], "Lead #1");
    assert_eq!(lead["OPPORTUNITY"], "15000.00");
    assert_eq!(lead["CONTACT_ID"], "2069");
    assert_eq!(
        (&lead["STATUS_ID"], &lead["STATUS_SEMANTIC_ID"]),
        (&json!("NEW"), &json!("P"))
    );
    assert_eq!(
        (&lead["DATE_CLOSED"], &lead["BIRTHDATE"]),
        (&json!(""), &json!(""))
    );
    assert_eq!(
        (&lead["HAS_IMOL"], &lead["HAS_PHONE"]),
        (&json!("Y"), &json!("N"))
    );
    call(
        &client,
        "crm.lead.update",
        json!({"id": 1, "fields": {"STATUS_ID": "CONVERTED"}}),
    )
    .await;
    let lead = portal.lead(1).unwrap();
    assert_eq!(lead["STATUS_SEMANTIC_ID"], "S");
    assert!(lead["DATE_CLOSED"].as_str().unwrap().ends_with("+03:00"));
    assert_eq!(lead["MOVED_TIME"], lead["DATE_MODIFY"]);
    assert!(portal.delete_crm_record(CrmEntity::Lead, 1));
    assert_eq!(
        refused(&client, "crm.lead.update", json!({"id": 1, "fields": {}})).await,
        ("".into(), "Not found".into())
    );
}

#[tokio::test]
async fn lists_filter_order_and_select_as_documented() {
    let (portal, client) = portal_and_client().await;
    for (name, last_name, email, assigned) in [
        ("Ivan", "Petrov", Some("special-for@example.com"), 1),
        ("Anastasia", "Ilyina", Some("special-for@example.com"), 6),
        ("Artem", "Isaev", Some("other@example.com"), 1),
        ("Inna", "Kuznetsova", None, 6),
        ("Igor", "Ivanov", Some("special-for@example.com"), 3),
    ] {
        let mut fields = json!({"NAME": name, "LAST_NAME": last_name, "ASSIGNED_BY_ID": assigned,
            "PHONE": [{"VALUE": "+1555"}]});
        if let Some(email) = email {
            fields["EMAIL"] = json!([{"VALUE": email, "VALUE_TYPE": "WORK"}]);
        }
        call(&client, "crm.contact.add", json!({ "fields": fields })).await;
    }
    portal.seed_contacts(20);
    // The documented example: a multifield matched exactly, LIKE, IN, order by two fields.
    let reply = client
        .call_raw(
            "crm.contact.list",
            json!({"filter": {"=%NAME": "I%", "EMAIL": "special-for@example.com",
                "@ASSIGNED_BY_ID": [1, 6], "!=LAST_NAME": ""},
                "order": {"LAST_NAME": "ASC", "NAME": "ASC"},
                "select": ["ID", "NAME", "LAST_NAME", "EMAIL", "ASSIGNED_BY_ID"]}),
            CallKind::Read,
        )
        .await
        .unwrap();
    assert_eq!((reply.total, reply.next), (Some(1), None));
    let only = &reply.result[0];
    assert_eq!(only["NAME"], "Ivan");
    assert_eq!(only["EMAIL"][0]["VALUE"], "special-for@example.com");
    assert_eq!(
        only.as_object().unwrap().len(),
        5,
        "just the selected fields: {only}"
    );
    let sorted = call(
        &client,
        "crm.contact.list",
        json!({"filter": {"<=ID": 5}, "order": {"LAST_NAME": "DESC"}, "select": ["ID", "EMAIL"]}),
    )
    .await;
    assert_eq!(ids(&sorted), [1, 4, 5, 3, 2]);
    assert!(
        sorted[1].get("EMAIL").is_none(),
        "no EMAIL key without e-mails"
    );
    // No select: `*` and `UF_*`, without the multifields.
    let everything = call(&client, "crm.contact.list", json!({"filter": {"ID": 2}})).await;
    assert_eq!(everything[0]["NAME"], "Anastasia");
    assert!(everything[0].get("PHONE").is_none() && everything[0].get("HAS_PHONE").is_some());
    assert_eq!(
        everything[0].as_object().unwrap().len(),
        portal.contact(2).unwrap().as_object().unwrap().len() - 2,
        "all of get but PHONE and EMAIL"
    );
    let masks = call(
        &client,
        "crm.contact.list",
        json!({"filter": {"ID": 2}, "select": ["*", "PHONE"]}),
    )
    .await;
    assert_eq!(masks[0]["PHONE"][0]["VALUE"], "+1555");
    let page = client
        .call_raw("crm.contact.list", json!({"start": 0}), CallKind::Read)
        .await
        .unwrap();
    assert_eq!((page.total, page.next), (Some(25), None));
    assert_eq!(
        refused(&client, "crm.contact.list", json!({"filter": "x"})).await,
        ("".into(), "Parameter 'filter' must be array.".into())
    );

    portal.seed_leads(60);
    let converted = client
        .call_raw(
            "crm.lead.list",
            json!({"filter": {"STATUS_ID": "CONVERTED", ">OPPORTUNITY": 100}, "select": ["ID", "STATUS_ID", "OPPORTUNITY", "DATE_CLOSED"]}),
            CallKind::Read,
        )
        .await
        .unwrap();
    let leads = converted.result.as_array().unwrap();
    assert!(!leads.is_empty() && leads.len() < 60);
    for lead in leads {
        assert_eq!(lead["STATUS_ID"], "CONVERTED");
        assert!(
            lead["OPPORTUNITY"]
                .as_str()
                .unwrap()
                .parse::<f64>()
                .unwrap()
                > 100.0
        );
        assert!(!lead["DATE_CLOSED"].as_str().unwrap().is_empty());
    }
    portal.seed_companies(7);
    let companies = call(
        &client,
        "crm.company.list",
        json!({"order": {"REVENUE": "DESC"}, "select": ["ID", "REVENUE", "WEB"]}),
    )
    .await;
    let revenues: Vec<f64> = companies
        .as_array()
        .unwrap()
        .iter()
        .map(|company| company["REVENUE"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(revenues.len(), 7);
    assert!(
        revenues.windows(2).all(|pair| pair[0] >= pair[1]),
        "{revenues:?}"
    );
    assert!(
        companies[0]["WEB"][0]["VALUE"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
}

#[tokio::test]
async fn the_fast_path_returns_every_record_exactly_once() {
    let (portal, client) = portal_and_client().await;
    for (entity, method) in [
        (CrmEntity::Contact, "crm.contact.list"),
        (CrmEntity::Company, "crm.company.list"),
        (CrmEntity::Lead, "crm.lead.list"),
    ] {
        portal.seed_crm(entity, 1_234);
        assert!(portal.delete_crm_record(entity, 600));
        let mut seen: Vec<u64> = Vec::new();
        let mut last = 0;
        loop {
            let page = client
                .call_raw(
                    method,
                    json!({"order": {"ID": "ASC"}, "filter": {">ID": last}, "select": ["ID"], "start": -1}),
                    CallKind::Read,
                )
                .await
                .unwrap();
            assert_eq!((page.total, page.next), (Some(0), None), "{method}");
            let page = ids(&page.result);
            seen.extend(&page);
            match page.last() {
                Some(id) if page.len() == 50 => last = *id,
                _ => break,
            }
        }
        let expected: Vec<u64> = (1..=1_234).filter(|id| *id != 600).collect();
        assert_eq!(seen, expected, "{method}");
    }
}

#[tokio::test]
async fn fields_describe_each_entity_as_documented() {
    let (portal, client) = portal_and_client().await;
    portal.add_crm_user_field(
        3,
        UserField::new("UF_CRM_HOBBY", "enumeration")
            .label("Hobby")
            .values(["Chess", "Golf"]),
    );
    let contact = call(&client, "crm.contact.fields", json!({})).await;
    assert_eq!(
        contact["NAME"],
        json!({"type": "string", "isRequired": true, "isReadOnly": false, "isImmutable": false,
            "isMultiple": false, "isDynamic": false, "title": "First Name"})
    );
    assert_eq!(contact["PHONE"]["type"], "crm_multifield");
    assert_eq!(contact["PHONE"]["isMultiple"], true);
    assert_eq!(contact["HONORIFIC"]["statusType"], "HONORIFIC");
    assert_eq!(contact["ID"]["isReadOnly"], true);
    assert!(contact.get("FACE_ID").is_none());
    assert_eq!(contact["UF_CRM_HOBBY"]["items"][1]["VALUE"], "Golf");
    assert_eq!(contact["UF_CRM_HOBBY"]["isDynamic"], true);
    let company = call(&client, "crm.company.fields", json!({})).await;
    assert_eq!(company["REVENUE"]["type"], "double");
    assert_eq!(company["TITLE"]["isRequired"], true);
    let lead = call(&client, "crm.lead.fields", json!({})).await;
    assert_eq!(lead["STATUS_ID"]["statusType"], "STATUS");
    assert_eq!(lead["DATE_CLOSED"]["type"], "datetime");
    // A user field written without being declared is known from then on.
    call(
        &client,
        "crm.lead.add",
        json!({"fields": {"UF_CRM_1704817278": "x"}}),
    )
    .await;
    let lead = call(&client, "crm.lead.fields", json!({})).await;
    assert_eq!(lead["UF_CRM_1704817278"]["type"], "string");
    assert_eq!(portal.lead(1).unwrap()["UF_CRM_1704817278"], "x");
    let listed = call(&client, "crm.lead.list", json!({"select": ["ID", "UF_*"]})).await;
    assert_eq!(listed, json!([{"ID": "1", "UF_CRM_1704817278": "x"}]));
}

#[tokio::test]
async fn batch_runs_the_entity_methods_with_references() {
    let (portal, client) = portal_and_client().await;
    // Commands run in the order of their names here: `json!` sorts object keys.
    let batch = call(
        &client,
        "batch",
        json!({"halt": 0, "cmd": {
            "a_company": "crm.company.add?fields[TITLE]=Initech",
            "b_contact": "crm.contact.add?fields[NAME]=Peter&fields[COMPANY_ID]=$result[a_company]&fields[EMAIL][0][VALUE]=peter%40initech.example",
            "c_get": "crm.contact.get?id=$result[b_contact]",
            "d_lead": "crm.lead.add?fields[TITLE]=From%20$result[c_get][NAME]&fields[CONTACT_ID]=$result[c_get][ID]",
            "e_list": "crm.contact.list?filter[EMAIL]=peter%40initech.example&select[]=ID&select[]=EMAIL",
            "f_missing": "crm.company.get?id=99"
        }}),
    )
    .await;
    let results = &batch["result"];
    assert_eq!(results["a_company"], json!(1));
    assert_eq!(results["c_get"]["COMPANY_ID"], "1");
    assert_eq!(
        results["c_get"]["EMAIL"][0]["VALUE"],
        "peter@initech.example"
    );
    assert_eq!(results["e_list"][0]["ID"], "1");
    assert_eq!(batch["result_total"]["e_list"], json!(1));
    assert_eq!(
        batch["result_error"]["f_missing"]["error_description"],
        "Not found"
    );
    let lead = portal.lead(1).unwrap();
    assert_eq!(
        (&lead["TITLE"], &lead["CONTACT_ID"]),
        (&json!("From Peter"), &json!("1"))
    );
    assert_eq!(
        portal.stats().calls_by_method["crm.contact.get"],
        1,
        "each command counts as a call"
    );
    let err = client
        .call_raw(
            "crm.contact.productrows.get",
            json!({"id": 1}),
            CallKind::Read,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api(api) if api.code == ApiErrorCode::MethodNotFound),
        "contacts have no product rows: {err:?}"
    );
}
