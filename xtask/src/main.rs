//! Project automation. `cargo xtask codegen [--check]` regenerates the committed
//! bindings in `bitrix24-types/src/generated/` from `specs/`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  codegen           regenerate bitrix24-types/src/generated/ from specs/
  codegen --check   write nothing; fail and name the stale files if the output is out of date
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen(false),
        ["codegen", "--check"] => codegen(true),
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
    if check {
        match bitrix24_codegen::check(&out, &files) {
            Ok(stale) if stale.is_empty() => {
                println!("codegen: {} files up to date", files.len());
                ExitCode::SUCCESS
            }
            Ok(stale) => {
                eprintln!("codegen: the generated bindings are stale:");
                for item in &stale {
                    eprintln!("  {}/{item}", bitrix24_codegen::OUTPUT_DIR);
                }
                eprintln!("run `cargo xtask codegen` and commit the result");
                ExitCode::FAILURE
            }
            Err(err) => {
                eprintln!("codegen: cannot read {}: {err}", out.display());
                ExitCode::FAILURE
            }
        }
    } else {
        match bitrix24_codegen::write(&out, &files) {
            Ok(report) => {
                for path in &report.written {
                    println!("wrote   {}/{path}", bitrix24_codegen::OUTPUT_DIR);
                }
                for path in &report.deleted {
                    println!("deleted {}/{path}", bitrix24_codegen::OUTPUT_DIR);
                }
                println!(
                    "codegen: {} written, {} unchanged, {} deleted",
                    report.written.len(),
                    report.unchanged,
                    report.deleted.len()
                );
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("codegen: cannot write {}: {err}", out.display());
                ExitCode::FAILURE
            }
        }
    }
}
