//! `cargo xtask import-docs`: specs imported from the docs pages with the overlays
//! merged, checked to build, then written (or compared with the committed tree).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Options of `cargo xtask import-docs`; relative paths are relative to the workspace root.
#[derive(Debug)]
pub(crate) struct ImportArgs {
    docs: PathBuf,
    out: PathBuf,
    fixtures: PathBuf,
    overlays: PathBuf,
    check: bool,
}

impl ImportArgs {
    /// Parse the arguments after `import-docs`; relative paths are relative to `root`.
    pub(crate) fn parse(args: &[&str], root: &Path) -> Result<Self, String> {
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

/// Run the import; `root` is the workspace root (the details go to its `target/`).
pub(crate) fn import_docs(args: &ImportArgs, root: &Path) -> ExitCode {
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
        let details = root.join("target/import-report.txt");
        let written = std::fs::create_dir_all(root.join("target"))
            .and_then(|()| std::fs::write(&details, details_text(&report) + &lint_text(&report)));
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
    let _ = writeln!(
        out,
        "\n## Pages with a scope that document no method ({})",
        report.not_methods.len()
    );
    for item in &report.not_methods {
        let _ = writeln!(out, "{item}");
    }
    out
}

/// The linter's warnings and the accuracy figures of the merged specs, with the items
/// behind each.
fn lint_text(report: &bitrix24_codegen::import::ImportReport) -> String {
    use std::fmt::Write as _;
    let (loaded, _) = bitrix24_codegen::load::load_texts(&report.files);
    let mut out = String::new();
    let warnings = bitrix24_codegen::model::lint(&loaded).warnings;
    let _ = writeln!(out, "\n## Lint warnings ({})", warnings.len());
    for warning in &warnings {
        let _ = writeln!(out, "{warning}");
    }
    let accuracy = bitrix24_codegen::accuracy::Accuracy::measure(&loaded, Some(report));
    let _ = writeln!(out, "\n## Accuracy\n{accuracy}");
    for (title, items) in accuracy.details() {
        let _ = writeln!(out, "\n### {title} ({})", items.len());
        for item in &items.items {
            let _ = writeln!(out, "{item}");
        }
    }
    out
}
