//! `cargo xtask codegen [--check]`: the bindings and the scope features of
//! `bitrix24-types/Cargo.toml` regenerated from `specs/`, or compared with them.

use std::path::Path;
use std::process::ExitCode;

/// `cargo xtask codegen [--check]` of the workspace at `root`.
pub(crate) fn codegen(root: &Path, check: bool) -> ExitCode {
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
