//! `cargo xtask import-fields`: a portal's own CRM fields as a spec overlay.
//!
//! The HTTP part lives here (a [`BlockingClient`] over the webhook); turning the replies
//! into an overlay is `bitrix24_codegen::portal_fields`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bitrix24_codegen::import::{self, overlay};
use bitrix24_codegen::portal_fields::{self, Entity, PortalField};
use bitrix24_transport::{BlockingClient, CallKind};
use serde_json::{Value, json};

/// Options of `cargo xtask import-fields`.
#[derive(Debug)]
pub(crate) struct FieldsArgs {
    /// The incoming webhook (holds a secret: never printed).
    pub(crate) webhook: String,
    pub(crate) entity: Entity,
    /// The overlay root to write into.
    pub(crate) out: PathBuf,
    /// The docs root, to find the imported spec file and its record types.
    pub(crate) docs: PathBuf,
    /// The language of the labels (`filter[LANG]`).
    pub(crate) lang: String,
}

impl FieldsArgs {
    /// Parse the arguments after `import-fields`; relative paths are relative to `root`.
    pub(crate) fn parse(args: &[&str], root: &Path) -> Result<Self, String> {
        let mut webhook = std::env::var("BITRIX24_WEBHOOK_URL").ok();
        let mut entity = None;
        let mut entity_type_id = None;
        let mut out = root.join("spec-overlays");
        let mut docs = root.join("../shared/b24restdocs");
        let mut lang = "en".to_owned();
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            let mut value = || {
                iter.next()
                    .copied()
                    .ok_or_else(|| format!("`{arg}` needs a value"))
            };
            match *arg {
                "--webhook" => webhook = Some(value()?.to_owned()),
                "--entity" => entity = Some(value()?.to_owned()),
                "--entity-type-id" => {
                    let text = value()?;
                    entity_type_id =
                        Some(text.parse::<u32>().map_err(|_| {
                            format!("`--entity-type-id` takes a number, not `{text}`")
                        })?);
                }
                "--out" => out = root.join(value()?),
                "--docs" => docs = root.join(value()?),
                "--lang" => lang = value()?.to_owned(),
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        let webhook = webhook.ok_or("`--webhook URL` (or BITRIX24_WEBHOOK_URL) is required")?;
        let entity = entity.ok_or("`--entity` is required (crm.deal, crm.lead, ...)")?;
        Ok(Self {
            webhook,
            entity: Entity::parse(&entity, entity_type_id)?,
            out,
            docs,
            lang,
        })
    }
}

/// Ask the portal for the entity's user fields.
pub(crate) fn fetch_fields(
    webhook: &str,
    entity: Entity,
    lang: &str,
) -> Result<Vec<PortalField>, String> {
    let client = BlockingClient::webhook(webhook).map_err(|err| err.to_string())?;
    let params = match entity.entity_type_id() {
        Some(id) => json!({"entityTypeId": id, "useOriginalUfNames": "N"}),
        None => json!({}),
    };
    let fields = client
        .call_raw(&entity.fields_method(), params, CallKind::Read)
        .map_err(|err| err.to_string())?
        .result;
    let userfields: Option<Value> = match entity.userfield_list_method() {
        Some(method) => Some(
            client
                .call_raw(&method, json!({"filter": {"LANG": lang}}), CallKind::Read)
                .map_err(|err| err.to_string())?
                .result,
        ),
        None => None,
    };
    portal_fields::read_fields(entity, &fields, userfields.as_ref(), lang)
        .map_err(|err| err.to_string())
}

/// Write the overlay for `fields` under `out`, merged into the file already there.
/// `imported` is the imported spec tree (relative path -> text) the overlay targets.
/// Returns the file written and the target types.
pub(crate) fn write_overlay(
    entity: Entity,
    fields: &[PortalField],
    imported: &BTreeMap<String, String>,
    out: &Path,
) -> Result<(PathBuf, Vec<String>), String> {
    let targets = portal_fields::find_targets(entity, imported)?;
    let path = out.join(&targets.path);
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => {
            Some(overlay::parse(&text).map_err(|err| format!("{}: {err}", path.display()))?)
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
        Err(err) => return Err(format!("{}: {err}", path.display())),
    };
    let merged = portal_fields::overlay(entity, fields, &targets, existing);
    let text = portal_fields::render(entity, &merged);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|err| format!("{}: {err}", parent.display()))?;
    }
    std::fs::write(&path, text).map_err(|err| format!("{}: {err}", path.display()))?;
    Ok((path, targets.types))
}

/// The whole command: fetch, find the targets in a fresh import of the docs (with the
/// overlays under `out` merged), write.
pub(crate) fn import_fields(args: &FieldsArgs) -> Result<String, String> {
    let fields = fetch_fields(&args.webhook, args.entity, &args.lang)?;
    let report = import::import_docs_with_overlays(&args.docs, &args.out)
        .map_err(|errors| errors.join("\n"))?;
    if report.files.is_empty() {
        return Err(format!(
            "no method pages under {}: pass the docs root with --docs",
            args.docs.display()
        ));
    }
    let (path, types) = write_overlay(args.entity, &fields, &report.files, &args.out)?;
    Ok(format!(
        "{}: {} fields of {} into {}",
        path.display(),
        fields.len(),
        args.entity,
        types.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitrix24_testkit::{TestPortal, UserField};

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "xtask-import-fields-{name}-{}-{}",
            std::process::id(),
            nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn nanos() -> u128 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    }

    /// The docs snapshot beside the workspace (CI has it), else none.
    fn docs_root() -> Option<PathBuf> {
        let docs = crate::project_root().join("../shared/b24restdocs");
        docs.join("api-reference").is_dir().then_some(docs)
    }

    /// The generated Rust of `path` (a spec file) after merging the overlays in `out`
    /// over the imported specs.
    fn generated(docs: &Path, out: &Path, spec_path: &str) -> String {
        let report = import::import_docs_with_overlays(docs, out).unwrap();
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        let model = import::build_model(&report.files).unwrap_or_else(|e| panic!("{e}"));
        let files = bitrix24_codegen::output::render(&model, "imported").unwrap();
        let rust = spec_path.replace(".yaml", ".rs");
        files
            .into_iter()
            .find(|file| file.path == rust)
            .unwrap_or_else(|| panic!("no {rust}"))
            .contents
    }

    /// The struct `name` in generated code, up to its closing brace.
    fn struct_text<'a>(code: &'a str, name: &str) -> &'a str {
        let start = code
            .find(&format!("pub struct {name} {{"))
            .unwrap_or_else(|| panic!("no struct {name}"));
        let end = code[start..].find("\n}\n").unwrap() + start;
        &code[start..end]
    }

    #[test]
    fn a_portals_fields_become_typed_fields_of_the_imported_record_types() {
        let Some(docs) = docs_root() else {
            eprintln!("skipped: no ../shared/b24restdocs beside the workspace");
            return;
        };
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let portal = runtime.block_on(TestPortal::start()).unwrap();
        portal.add_crm_user_field(
            2,
            UserField::new("UF_CRM_1724077760", "enumeration")
                .label("Radio [station]")
                .multiple()
                .values(["Love Radio", "Jazz FM"]),
        );
        portal.add_crm_user_field(2, UserField::new("UF_CRM_BUDGET", "money").label("Budget"));
        portal.add_crm_user_field(2, UserField::new("UF_CRM_MANAGER", "employee"));
        portal.add_crm_user_field(2, UserField::new("UF_CRM_SIGNED", "date").mandatory());
        portal.add_crm_user_field(2, UserField::new("UF_CRM_ROOMS", "resourcebooking"));
        portal.add_crm_user_field(
            1032,
            UserField::new("UF_CRM_7_1721812935209", "boolean").label("Approved"),
        );
        let out = temp_dir("deal");
        // A hand correction already in the overlay file stays.
        std::fs::create_dir_all(out.join("crm")).unwrap();
        std::fs::write(
            out.join("crm/deals.yaml"),
            "types:\n  CrmDealAddFields:\n    fields:\n      OPPORTUNITY: decimal\n      UF_CRM_DELETED_ON_PORTAL: string\n",
        )
        .unwrap();

        let run = |entity: &[&str]| {
            let webhook = portal.webhook_url();
            let mut args = vec!["--webhook", &webhook];
            args.extend(entity);
            args.extend([
                "--out",
                out.to_str().unwrap(),
                "--docs",
                docs.to_str().unwrap(),
            ]);
            import_fields(&FieldsArgs::parse(&args, &crate::project_root()).unwrap())
        };
        let summary = run(&["--entity", "crm.deal"]).unwrap();
        assert!(summary.contains("5 fields of crm.deal"), "{summary}");
        assert!(
            !summary.contains(&portal.webhook_url()),
            "no secret in the output"
        );

        let code = generated(&docs, &out, "crm/deals.yaml");
        // The record types the deal's add, update, get and list use: the import shares
        // the one `Deal` record between them.
        let targets = portal_fields::find_targets(
            Entity::parse("crm.deal", None).unwrap(),
            &import::import_docs(&docs).files,
        )
        .unwrap()
        .types;
        assert!(targets.contains(&"Deal".to_owned()), "{targets:?}");
        for record in &targets {
            let record = struct_text(&code, record);
            assert!(
                record.contains("pub uf_crm_1724077760: Option<Vec<DealUfCrm1724077760>>,"),
                "{record}"
            );
            assert!(
                record.contains("pub uf_crm_budget: Option<String>,"),
                "{record}"
            );
            assert!(
                record.contains("pub uf_crm_manager: Option<u64>,"),
                "{record}"
            );
            assert!(
                record.contains("pub uf_crm_signed: Option<chrono::NaiveDate>,"),
                "{record}"
            );
            assert!(
                record.contains("pub uf_crm_rooms: Option<serde_json::Value>,"),
                "{record}"
            );
            assert!(record.contains("/// Radio \\[station\\]"), "{record}");
            assert!(record.contains("/// Budget"), "{record}");
            assert!(!record.contains("uf_crm_deleted_on_portal"), "{record}");
        }
        assert!(
            struct_text(&code, "CrmDealAddFields")
                .contains("pub opportunity: Option<wire::Decimal>,"),
            "the hand correction is kept"
        );
        assert!(code.contains("pub enum DealUfCrm1724077760 {"), "{code}");
        assert!(code.contains("LoveRadio,"), "{code}");
        assert!(code.contains("JazzFm,"), "{code}");

        // A smart process: camelCase names, into the crm.item record types.
        let summary = run(&["--entity", "crm.item", "--entity-type-id", "1032"]).unwrap();
        assert!(summary.contains("1 fields of crm.item"), "{summary}");
        let (path, _) = portal_fields::find_targets(
            Entity::Item {
                entity_type_id: 1032,
            },
            &import::import_docs(&docs).files,
        )
        .map(|t| (t.path, t.types))
        .unwrap();
        let code = generated(&docs, &out, &path);
        assert!(
            code.contains("#[serde(rename = \"ufCrm7_1721812935209\""),
            "{code}"
        );
        assert!(
            code.contains("pub uf_crm7_1721812935209: Option<bool>,"),
            "{code}"
        );
        assert!(code.contains("/// Approved"), "{code}");

        let _ = std::fs::remove_dir_all(&out);
    }

    #[test]
    fn arguments_are_checked() {
        let root = crate::project_root();
        let err = FieldsArgs::parse(&["--webhook", "https://x/rest/1/y/"], &root).unwrap_err();
        assert!(err.contains("--entity"), "{err}");
        let err = FieldsArgs::parse(
            &["--webhook", "https://x/rest/1/y/", "--entity", "crm.item"],
            &root,
        )
        .unwrap_err();
        assert!(err.contains("entity-type-id"), "{err}");
        let args = FieldsArgs::parse(
            &[
                "--webhook",
                "https://x/rest/1/y/",
                "--entity",
                "crm.lead",
                "--out",
                "o",
            ],
            &root,
        )
        .unwrap();
        assert_eq!(args.entity, Entity::Lead);
        assert_eq!(args.out, root.join("o"));
        assert_eq!(args.lang, "en");
    }

    #[test]
    fn portal_errors_are_reported_without_the_secret() {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let portal = runtime.block_on(TestPortal::start()).unwrap();
        // The smart process does not exist on the portal.
        let err = fetch_fields(
            &portal.webhook_url(),
            Entity::Item {
                entity_type_id: 1036,
            },
            "en",
        )
        .unwrap_err();
        assert!(err.contains("NOT_FOUND"), "{err}");
        let secret = portal.webhook_url();
        let secret = secret.trim_end_matches('/').rsplit('/').next().unwrap();
        assert!(!err.contains(secret), "{err}");
    }
}
