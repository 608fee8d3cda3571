//! Check which of the methods an application uses this portal has, and print the
//! report as a table: available, missing (module absent or portal not updated), or not
//! allowed by the granted scopes (with the scope it needs).
//!
//! Uses the incoming webhook in `BITRIX24_WEBHOOK_URL` when it is set; otherwise starts
//! the built-in test portal playing an on-premise portal without the tasks module and a
//! method newer than it, called by a webhook granted `crm` and `user` only.

// crm.deal.* is deprecated upstream in favour of crm.item.*; it is still the best-known API.
#![allow(deprecated)]

use bitrix24_testkit::{PortalCapabilities, PortalConfig, TestPortal};
use bitrix24_types::Client;
use bitrix24_types::capability::MethodQuery;
use bitrix24_types::crm::{
    CrmDealAdd, CrmDealDelete, CrmDealFields, CrmDealGet, CrmDealList, CrmDealUpdate,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Keep the test portal alive for the whole run (dropping it stops the server).
    let mut portal = None;
    let client = match std::env::var("BITRIX24_WEBHOOK_URL") {
        Ok(url) => {
            // The URL holds the webhook code: never print it.
            println!("using the portal of BITRIX24_WEBHOOK_URL\n");
            Client::webhook(&url)?
        }
        Err(_) => {
            let started = TestPortal::start_with(PortalConfig {
                capabilities: PortalCapabilities {
                    granted_scopes: Some(vec!["crm".into(), "user".into()]),
                    absent_scopes: vec!["task".into(), "tasks".into()],
                    absent_methods: vec!["crm.item.batchImport".into()],
                    ..PortalCapabilities::default()
                },
                ..PortalConfig::default()
            })
            .await?;
            println!(
                "BITRIX24_WEBHOOK_URL is not set; using the test portal at {} \
                 (no tasks module, webhook granted crm and user)\n",
                started.base_url()
            );
            let client = Client::webhook(&started.webhook_url())?;
            portal = Some(started);
            client
        }
    };

    // The typed bindings know their names and scopes; other methods go by name.
    let mut methods = vec![
        MethodQuery::of::<CrmDealAdd>(),
        MethodQuery::of::<CrmDealGet>(),
        MethodQuery::of::<CrmDealUpdate>(),
        MethodQuery::of::<CrmDealDelete>(),
        MethodQuery::of::<CrmDealList>(),
        MethodQuery::of::<CrmDealFields>(),
    ];
    methods.extend(
        [
            ("crm.item.batchImport", "crm"),
            ("tasks.task.add", "task"),
            ("im.message.add", "im"),
            ("user.get", "user"),
            ("disk.folder.getchildren", "disk"),
        ]
        .map(|(name, scope)| MethodQuery::new(name).with_scope(scope)),
    );
    let report = client.check_capabilities(methods).await?;
    println!("{report}");
    if let Some(portal) = &portal {
        println!(
            "\n(the check took {} HTTP requests)",
            portal.stats().http_requests
        );
    }
    Ok(())
}
