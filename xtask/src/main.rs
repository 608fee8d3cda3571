//! Project automation. `cargo xtask codegen [--check]` regenerates the committed
//! bindings in `bitrix24-types/src/generated/` from `specs/`; `cargo xtask import-docs`
//! imports specs from the official docs (see `bitrix24_codegen::import`); `cargo xtask
//! import-fields` writes a spec overlay for a portal's own CRM fields (see
//! `bitrix24_codegen::portal_fields`) by running the `xtask-fields` package, the one task
//! that needs an HTTP client, so the others build none.

mod house;

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
  coverage          per scope: methods documented (when ../shared/b24restdocs is there),
                    specced, generated, and fields that are raw JSON
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
    match args.as_slice() {
        ["codegen"] => codegen(false),
        ["codegen", "--check"] => codegen(true),
        ["verify-fixtures", rest @ ..] => verify_fixtures(rest),
        ["coverage"] => coverage(),
        ["house"] => house(),
        ["import-docs", rest @ ..] => match ImportArgs::parse(rest) {
            Ok(args) => import_docs(&args),
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

fn codegen(check: bool) -> ExitCode {
    let root = project_root();
    let specs = root.join("specs");
    let out = root.join(bitrix24_codegen::OUTPUT_DIR);
    let files = match bitrix24_codegen::generate(&specs) {
        Ok(files) => files,
        Err(errors) => {
            eprintln!("{errors}");
            return ExitCode::FAILURE;
        }
    };
    // The scope features in bitrix24-types/Cargo.toml follow the generated scopes.
    let manifest_path = root.join(bitrix24_codegen::features::MANIFEST);
    let manifest = match std::fs::read_to_string(&manifest_path) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("codegen: cannot read {}: {err}", manifest_path.display());
            return ExitCode::FAILURE;
        }
    };
    let scopes = bitrix24_codegen::features::scopes(&files);
    let manifest_new = match bitrix24_codegen::features::update_manifest(&manifest, &scopes) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("codegen: {err}");
            return ExitCode::FAILURE;
        }
    };
    if check {
        let mut stale = match bitrix24_codegen::check(&out, &files) {
            Ok(stale) => stale
                .iter()
                .map(|item| format!("{}/{item}", bitrix24_codegen::OUTPUT_DIR))
                .collect::<Vec<_>>(),
            Err(err) => {
                eprintln!("codegen: cannot read {}: {err}", out.display());
                return ExitCode::FAILURE;
            }
        };
        if manifest_new != manifest {
            stale.push(format!(
                "{} (the scope features block)",
                bitrix24_codegen::features::MANIFEST
            ));
        }
        if stale.is_empty() {
            println!(
                "codegen: {} files and {} scope features up to date",
                files.len(),
                scopes.len()
            );
            ExitCode::SUCCESS
        } else {
            eprintln!("codegen: the generated bindings are stale:");
            for item in &stale {
                eprintln!("  {item}");
            }
            eprintln!("run `cargo xtask codegen` and commit the result");
            ExitCode::FAILURE
        }
    } else {
        // Generated files first: if writing them fails, the features still match the old ones.
        let report = match bitrix24_codegen::write(&out, &files) {
            Ok(report) => report,
            Err(err) => {
                eprintln!("codegen: cannot write {}: {err}", out.display());
                return ExitCode::FAILURE;
            }
        };
        for path in &report.written {
            println!("wrote   {}/{path}", bitrix24_codegen::OUTPUT_DIR);
        }
        for path in &report.deleted {
            println!("deleted {}/{path}", bitrix24_codegen::OUTPUT_DIR);
        }
        if manifest_new != manifest {
            if let Err(err) = std::fs::write(&manifest_path, &manifest_new) {
                eprintln!("codegen: cannot write {}: {err}", manifest_path.display());
                return ExitCode::FAILURE;
            }
            println!("wrote   {}", bitrix24_codegen::features::MANIFEST);
        }
        println!(
            "codegen: {} written, {} unchanged, {} deleted; {} scope features",
            report.written.len(),
            report.unchanged,
            report.deleted.len(),
            scopes.len()
        );
        ExitCode::SUCCESS
    }
}

fn coverage() -> ExitCode {
    let root = project_root();
    let (loaded, errors) = bitrix24_codegen::load::load_dir(&root.join("specs"));
    if !errors.is_empty() {
        eprintln!("{errors}");
        return ExitCode::FAILURE;
    }
    let model = match bitrix24_codegen::model::build(&loaded) {
        Ok(model) => model,
        Err(errors) => {
            eprintln!("{errors}");
            return ExitCode::FAILURE;
        }
    };
    let docs = root.join("../shared/b24restdocs");
    let report = docs
        .join("api-reference")
        .is_dir()
        .then(|| bitrix24_codegen::import::import_docs(&docs));
    let documented = report.as_ref().map(|report| &report.documented);
    let generated = root.join(bitrix24_codegen::OUTPUT_DIR);
    match bitrix24_codegen::coverage::Coverage::measure(&model, &generated, documented) {
        Ok(coverage) => {
            print!("{coverage}");
            if documented.is_none() {
                println!("(documented: `-`, the docs are not at {})", docs.display());
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("coverage: cannot read {}: {err}", generated.display());
            ExitCode::FAILURE
        }
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
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = std::process::Command::new(cargo)
        .current_dir(project_root())
        .args(["run", "--quiet", "--package", "bitrix24-types"])
        .args([
            "--features",
            "full,verify",
            "--example",
            "verify_fixtures",
            "--",
        ])
        .args(&args)
        .status();
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
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = std::process::Command::new(cargo)
        .current_dir(project_root())
        .args(["run", "--quiet", "--package", "xtask-fields", "--"])
        .args(args)
        .status();
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

/// Options of `cargo xtask import-docs`; relative paths are relative to the workspace root.
#[derive(Debug)]
struct ImportArgs {
    docs: PathBuf,
    out: PathBuf,
    fixtures: PathBuf,
    overlays: PathBuf,
    check: bool,
}

impl ImportArgs {
    fn parse(args: &[&str]) -> Result<Self, String> {
        let root = project_root();
        let mut parsed = Self {
            docs: root.join("../shared/b24restdocs"),
            out: root.join("specs"),
            fixtures: root.join(bitrix24_codegen::import::FIXTURES_DIR),
            overlays: root.join("spec-overlays"),
            check: false,
        };
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            let slot = match *arg {
                "--check" => {
                    parsed.check = true;
                    continue;
                }
                "--docs" => &mut parsed.docs,
                "--out" => &mut parsed.out,
                "--fixtures" => &mut parsed.fixtures,
                "--overlays" => &mut parsed.overlays,
                other => return Err(format!("unknown argument `{other}`")),
            };
            let value = iter
                .next()
                .ok_or_else(|| format!("`{arg}` needs a directory"))?;
            *slot = root.join(value);
        }
        Ok(parsed)
    }
}

fn import_docs(args: &ImportArgs) -> ExitCode {
    use bitrix24_codegen::import;
    let started = std::time::Instant::now();
    let report = match import::import_docs_with_overlays(&args.docs, &args.overlays) {
        Ok(report) => report,
        Err(errors) => {
            eprintln!("import-docs: the overlays cannot be read:");
            for error in errors {
                eprintln!("  {error}");
            }
            return ExitCode::FAILURE;
        }
    };
    let elapsed = started.elapsed();
    for error in &report.errors {
        eprintln!("import-docs: {error}");
    }
    println!("{}", report.summary());
    println!("import time:      {:.2?}", elapsed);
    let mut ok = report.errors.is_empty();
    match import::build_model(&report.files) {
        Ok(model) => {
            let methods: usize = model
                .scopes
                .values()
                .flat_map(|s| s.modules.values())
                .map(|m| m.methods.len())
                .sum();
            println!(
                "model:            ok, {} scopes, {methods} methods",
                model.scopes.len()
            );
        }
        Err(errors) => {
            ok = false;
            println!("model:            {} errors", errors.0.len());
            let mut kinds: std::collections::BTreeMap<String, usize> =
                std::collections::BTreeMap::new();
            for error in &errors.0 {
                *kinds.entry(error_kind(&error.message)).or_default() += 1;
            }
            let mut kinds: Vec<_> = kinds.into_iter().collect();
            kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            for (kind, count) in kinds.iter().take(10) {
                println!("  {count:5}  {kind}");
            }
            for error in errors.0.iter().take(20) {
                eprintln!("  {error}");
            }
        }
    }
    println!("reply fixtures:   {}", report.fixtures.len());
    let trees = [
        (&args.out, "yaml", &report.files),
        (&args.fixtures, "json", &report.fixtures),
    ];
    if args.check {
        for (dir, ext, files) in trees {
            let entries = files.iter().map(|(p, t)| (p.as_str(), t.as_str()));
            match bitrix24_codegen::tree::check_tree(dir, ext, entries) {
                Ok(stale) if stale.is_empty() => {
                    println!("{}: {} files up to date", dir.display(), files.len());
                }
                Ok(stale) => {
                    ok = false;
                    eprintln!("{} differs from a fresh import:", dir.display());
                    for item in &stale {
                        eprintln!("  {item}");
                    }
                }
                Err(err) => {
                    ok = false;
                    eprintln!("cannot read {}: {err}", dir.display());
                }
            }
        }
        if !ok {
            eprintln!(
                "run `cargo xtask import-docs` (then `cargo xtask codegen`) and commit the result"
            );
        }
    } else {
        if !ok {
            // Nothing is written from an import whose specs do not build: the committed
            // specs stay as they were.
            eprintln!("import-docs: nothing written");
            return ExitCode::FAILURE;
        }
        for (dir, ext, files) in trees {
            let entries = files.iter().map(|(p, t)| (p.as_str(), t.as_str()));
            match bitrix24_codegen::tree::write_tree(dir, ext, entries) {
                Ok(written) => println!(
                    "{}: {} written, {} unchanged, {} deleted",
                    dir.display(),
                    written.written.len(),
                    written.unchanged,
                    written.deleted.len()
                ),
                Err(err) => {
                    eprintln!("cannot write {}: {err}", dir.display());
                    return ExitCode::FAILURE;
                }
            }
        }
        let details = project_root().join("target/import-report.txt");
        let written = std::fs::create_dir_all(project_root().join("target"))
            .and_then(|()| std::fs::write(&details, details_text(&report)));
        match written {
            Ok(()) => println!("details:          {}", details.display()),
            Err(err) => eprintln!("cannot write {}: {err}", details.display()),
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// An error message with its names (in backticks) left out, to count kinds of errors.
fn error_kind(message: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for c in message.chars() {
        if c == '`' {
            in_code = !in_code;
            out.push_str(if in_code { "`" } else { "…`" });
        } else if !in_code {
            out.push(c);
        }
    }
    out
}

/// The lists behind the counts, for people.
fn details_text(report: &bitrix24_codegen::import::ImportReport) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", report.summary());
    let _ = writeln!(out, "## Unparsed tables ({})", report.unparsed_tables.len());
    for item in &report.unparsed_tables {
        let _ = writeln!(out, "{item}");
    }
    let _ = writeln!(out, "\n## Raw fallbacks ({})", report.raw_fallbacks.len());
    for item in &report.raw_fallbacks {
        let _ = writeln!(out, "{item}");
    }
    let _ = writeln!(out, "\n## Notes ({})", report.notes.len());
    for item in &report.notes {
        let _ = writeln!(out, "{item}");
    }
    out
}
