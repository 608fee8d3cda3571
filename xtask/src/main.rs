//! Project automation. `cargo xtask codegen [--check]` regenerates the committed
//! bindings in `bitrix24-types/src/generated/` from `specs/`; `cargo xtask import-docs`
//! imports specs from the official docs (see `bitrix24_codegen::import`); `cargo xtask
//! import-fields` writes a spec overlay for a portal's own CRM fields (see
//! `bitrix24_codegen::portal_fields`) by running the `xtask-fields` package, the one task
//! that needs an HTTP client, so the others build none.

mod codegen;
mod house;
mod import_docs;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  codegen           regenerate bitrix24-types/src/generated/ from specs/
  codegen --check   write nothing; fail and name the stale files if the output is out of date
  import-docs [--docs DIR] [--out DIR] [--fixtures DIR] [--overlays DIR] [--check]
                    import specs from the docs pages, merge the overlays, check that they build
                      --docs      the docs root (default ../shared/b24restdocs)
                      --out       the spec root to write (default specs)
                      --fixtures  where the docs' JSON replies go (default fixtures/docs)
                      --overlays  hand corrections (default spec-overlays; missing = none)
                      --check     write nothing; fail naming the files that differ from a fresh import
  house             no hand-written production file over 1,000 lines, no import circle
                    between a crate's production modules
  coverage [--specs DIR]
                    per scope: methods documented (when ../shared/b24restdocs is there),
                    specced, generated, and fields that are raw JSON; then how faithfully
                    the specs follow the docs (parameters, raw, kinds, names, money, dates,
                    value sets); --specs measures another spec tree (default specs);
                    --raw-fields lists the raw fields reachable from methods instead
  verify-fixtures DIR [--known-failures FILE]
                    decode the captured replies under DIR (a folder per method, plus batch/,
                    error/, oauth.token/) with the generated types (all scopes); one line per
                    file, then the counts; non-zero exit on a failure (not listed in FILE)
  import-fields --webhook URL --entity ENTITY [--entity-type-id N] [--out DIR] [--docs DIR] [--lang L]
                    write a spec overlay with the portal's own fields (UF_*) of ENTITY
                      --webhook         the portal's incoming webhook (default: BITRIX24_WEBHOOK_URL)
                      --entity          crm.deal, crm.lead, crm.contact, crm.company or crm.item
                      --entity-type-id  the smart process's entityTypeId (crm.item)
                      --out             the overlay root (default spec-overlays)
                      --docs            the docs root, to find the record types (default ../shared/b24restdocs)
                      --lang            the language of the labels (default en)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = project_root();
    match args.as_slice() {
        ["codegen"] => codegen::codegen(&root, false),
        ["codegen", "--check"] => codegen::codegen(&root, true),
        ["verify-fixtures", rest @ ..] => verify_fixtures(rest),
        ["coverage"] => coverage(None, false),
        ["coverage", "--raw-fields"] => coverage(None, true),
        ["coverage", "--specs", dir] => coverage(Some(dir), false),
        ["house"] => house(),
        ["import-docs", rest @ ..] => match import_docs::ImportArgs::parse(rest, &root) {
            Ok(args) => import_docs::import_docs(&args, &root),
            Err(message) => {
                eprintln!("import-docs: {message}");
                eprint!("{USAGE}");
                ExitCode::FAILURE
            }
        },
        ["import-fields", rest @ ..] => import_fields(rest),
        ["help" | "--help" | "-h"] => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprint!("{USAGE}");
            ExitCode::FAILURE
        }
    }
}

fn house() -> ExitCode {
    match house::check(&project_root()) {
        Ok(report) => {
            print!("{}", report.render());
            if report.is_clean() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(err) => {
            eprintln!("house: {err}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: xtask lives one level below it.
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn coverage(specs: Option<&str>, raw_fields: bool) -> ExitCode {
    let root = project_root();
    let cwd = std::env::current_dir().unwrap_or_else(|_| root.clone());
    let specs = specs.map_or_else(|| root.join("specs"), |dir| cwd.join(dir));
    let (loaded, errors) = bitrix24_codegen::load::load_dir(&specs);
    if !errors.is_empty() {
        eprintln!("{errors}");
        return ExitCode::FAILURE;
    }
    // Older spec trees may not pass today's linter: the figures need only the model's
    // names, so the lint errors are left out here.
    let model = match bitrix24_codegen::model::build(&loaded) {
        Ok(model) => Some(model),
        Err(errors) => {
            eprintln!("{errors}");
            None
        }
    };
    if raw_fields {
        // The work list only: no docs import, no figures.
        let Some(model) = model else {
            return ExitCode::FAILURE;
        };
        for field in bitrix24_codegen::depth::Depth::measure(&model).raw_fields {
            println!("{field}");
        }
        return ExitCode::SUCCESS;
    }
    let docs = root.join("../shared/b24restdocs");
    let report = docs
        .join("api-reference")
        .is_dir()
        .then(|| bitrix24_codegen::import::import_docs(&docs));
    let documented = report.as_ref().map(|report| &report.documented);
    let generated = root.join(bitrix24_codegen::OUTPUT_DIR);
    if let Some(model) = &model {
        match bitrix24_codegen::coverage::Coverage::measure(model, &generated, documented) {
            Ok(coverage) => {
                print!("{coverage}");
                println!("\n{}", bitrix24_codegen::depth::Depth::measure(model));
            }
            Err(err) => {
                eprintln!("coverage: cannot read {}: {err}", generated.display());
                return ExitCode::FAILURE;
            }
        }
    }
    if documented.is_none() {
        println!("(documented: `-`, the docs are not at {})", docs.display());
    }
    let accuracy = bitrix24_codegen::accuracy::Accuracy::measure(&loaded, report.as_ref());
    println!("\n{accuracy}");
    if model.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `cargo xtask verify-fixtures`: the decoding needs every generated type, so it runs as
/// an example of bitrix24-types with all scopes (keeping xtask's own build small).
fn verify_fixtures(args: &[&str]) -> ExitCode {
    let cwd = std::env::current_dir().unwrap_or_else(|_| project_root());
    // Paths are the caller's: make them absolute before cargo runs elsewhere.
    let args: Vec<String> = args
        .iter()
        .map(|arg| {
            if arg.starts_with("--") {
                (*arg).to_owned()
            } else {
                cwd.join(arg).display().to_string()
            }
        })
        .collect();
    let status = cargo_run(
        &[
            "--package",
            "bitrix24-types",
            "--features",
            "full,verify",
            "--example",
            "verify_fixtures",
        ],
        &args,
    );
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("verify-fixtures: cannot run cargo: {err}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask import-fields`: runs the `xtask-fields` package with the same arguments
/// (its paths are relative to the workspace root, as here), so only this task builds an
/// HTTP client.
fn import_fields(args: &[&str]) -> ExitCode {
    let status = cargo_run(&["--package", "xtask-fields"], args);
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        // Bad arguments: xtask-fields said which; show the usage too.
        Ok(status) if status.code() == Some(2) => {
            eprint!("{USAGE}");
            ExitCode::FAILURE
        }
        Ok(_) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("import-fields: cannot run cargo: {err}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo run --quiet CARGO_ARGS -- ARGS` in the workspace root, with the cargo that runs
/// xtask.
fn cargo_run(
    cargo_args: &[&str],
    args: &[impl AsRef<std::ffi::OsStr>],
) -> std::io::Result<std::process::ExitStatus> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    std::process::Command::new(cargo)
        .current_dir(project_root())
        .args(["run", "--quiet"])
        .args(cargo_args)
        .arg("--")
        .args(args)
        .status()
}
