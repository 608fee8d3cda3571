//! `cargo xtask import-fields ARGS`: xtask runs this binary (`cargo run -p xtask-fields --
//! ARGS`), so that only this task builds the HTTP client and TLS, not `cargo xtask
//! codegen`. The arguments are documented by `cargo xtask help`; relative paths are
//! relative to the workspace root. Exit status: 0 done, 1 failed, 2 bad arguments.

mod import_fields;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let args = match import_fields::FieldsArgs::parse(&args, &project_root()) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("import-fields: {message}");
            return ExitCode::from(2);
        }
    };
    match import_fields::import_fields(&args) {
        Ok(summary) => {
            println!("import-fields: {summary}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("import-fields: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: this package lives one level below it.
fn project_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}
