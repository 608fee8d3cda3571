//! Decode captured replies with the generated types: `cargo xtask verify-fixtures DIR`
//! runs this (with every scope feature) and passes its arguments on.
//!
//! ```text
//! verify_fixtures DIR [--known-failures FILE]
//! ```
//!
//! Prints one line per file (`ok FILE` or `FAIL FILE: JSON path: reason`), then
//! `N passed, M failed` and the folders that name no known method. Exits non-zero when a
//! file fails. With `--known-failures`, the files listed there (one per line, `#`
//! comments) are expected to fail: only other failures count, and a listed file that
//! now passes is an error too, so the list only shrinks.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (dir, known) = match args.as_slice() {
        [dir] => (PathBuf::from(dir), None),
        [dir, flag, file] if flag == "--known-failures" => {
            (PathBuf::from(dir), Some(PathBuf::from(file)))
        }
        _ => {
            eprintln!("usage: verify_fixtures DIR [--known-failures FILE]");
            return ExitCode::from(2);
        }
    };
    let report = match bitrix24_types::verify::verify_dir(&dir) {
        Ok(report) => report,
        Err(err) => {
            eprintln!("verify-fixtures: cannot read {}: {err}", dir.display());
            return ExitCode::from(2);
        }
    };
    println!("{report}");
    let Some(known) = known else {
        return if report.failed() == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    };
    let listed: BTreeSet<String> = match std::fs::read_to_string(&known) {
        Ok(text) => text
            .lines()
            .map(|line| line.split('#').next().unwrap_or("").trim().to_owned())
            .filter(|line| !line.is_empty())
            .collect(),
        Err(err) => {
            eprintln!("verify-fixtures: cannot read {}: {err}", known.display());
            return ExitCode::from(2);
        }
    };
    let failing: BTreeSet<String> = report
        .files
        .iter()
        .filter(|f| f.failure.is_some())
        .map(|f| f.file.clone())
        .collect();
    let new: Vec<&String> = failing.difference(&listed).collect();
    let fixed: Vec<&String> = listed.difference(&failing).collect();
    println!(
        "known failures: {} listed; {} new failures; {} listed files now pass",
        listed.len(),
        new.len(),
        fixed.len()
    );
    for file in &new {
        eprintln!("new failure: {file}");
    }
    for file in &fixed {
        eprintln!("passes now, remove it from {}: {file}", known.display());
    }
    if new.is_empty() && fixed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
