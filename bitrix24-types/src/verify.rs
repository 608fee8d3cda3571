//! Check captured replies against the generated types: the engine of
//! `cargo xtask verify-fixtures DIR`.
//!
//! `DIR` holds a folder per method (`crm.deal.get/`, `tasks.task.list/`, ...), each with
//! `.json` files holding a whole reply (the envelope with `result`, `time`, ...) or only
//! the `result` value, plus three special folders:
//!
//! - `batch/`: whole `batch` replies;
//! - `error/`: error replies (`{"error": ..., "error_description": ...}`);
//! - `oauth.token/`: replies of the OAuth server to a code exchange or a refresh.
//!
//! In a method's folder a file named `v3-*.json` is a reply of the method's REST 3.0
//! twin (a method documented in both generations). A file passes when it decodes with
//! the generated response type; a failure names the JSON path and the reason.
//!
//! Behind the `verify` feature: it visits every generated method, which compiles a
//! decoder per response type.

use std::fmt;
use std::path::{Path, PathBuf};

use bitrix24_transport::auth::TokenResponse;
use bitrix24_transport::envelope::decode_named;
use bitrix24_transport::{ApiVersion, Method, decode_response};

use crate::MethodVisitor;

/// The result of checking one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileOutcome {
    /// The file, as given under the directory (`crm.deal.get/1.json`).
    pub file: String,
    /// `None` when it passed; otherwise `JSON path: reason`.
    pub failure: Option<String>,
}

/// Everything [`verify_dir`] found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// One entry per checked file, in path order.
    pub files: Vec<FileOutcome>,
    /// Folders that name no generated method (and are not a special folder); their files
    /// are not checked.
    pub unknown_folders: Vec<String>,
}

impl Report {
    /// Files that decoded.
    pub fn passed(&self) -> usize {
        self.files.iter().filter(|f| f.failure.is_none()).count()
    }

    /// Files that did not.
    pub fn failed(&self) -> usize {
        self.files.len() - self.passed()
    }
}

impl fmt::Display for Report {
    /// One line per file (`ok FILE` or `FAIL FILE: JSON path: reason`), then the counts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for outcome in &self.files {
            match &outcome.failure {
                None => writeln!(f, "ok {}", outcome.file)?,
                Some(reason) => writeln!(f, "FAIL {}: {reason}", outcome.file)?,
            }
        }
        write!(f, "{} passed, {} failed", self.passed(), self.failed())?;
        if !self.unknown_folders.is_empty() {
            write!(
                f,
                "; {} folders name no known method: {}",
                self.unknown_folders.len(),
                self.unknown_folders.join(", ")
            )?;
        }
        Ok(())
    }
}

/// Check every `.json` file under `dir` (see the module docs for the layout).
pub fn verify_dir(dir: &Path) -> std::io::Result<Report> {
    let mut report = Report::default();
    let mut folders: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    folders.retain(|path| path.is_dir());
    folders.sort();
    for folder in folders {
        let name = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        files.retain(|path| path.extension().is_some_and(|ext| ext == "json"));
        files.sort();
        let known =
            matches!(name.as_str(), "batch" | "error" | "oauth.token") || method_exists(&name);
        if !known {
            report.unknown_folders.push(name);
            continue;
        }
        for path in files {
            let file_name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let body = std::fs::read(&path)?;
            let failure = check_file(&name, &file_name, &body).err();
            report.files.push(FileOutcome {
                file: format!("{name}/{file_name}"),
                failure,
            });
        }
    }
    Ok(report)
}

/// Check one reply of the folder `folder`.
pub fn check_file(folder: &str, file_name: &str, body: &[u8]) -> Result<(), String> {
    match folder {
        "error" => match decode_named::<serde_json::Value>("error", body, None) {
            Err(Ok(_api_error)) => Ok(()),
            Ok(_) => Err(".: a success reply, not an error".to_owned()),
            Err(Err(err)) => Err(format!("{}: {}", err.path, err.reason)),
        },
        "batch" => match bitrix24_transport::batch::check_reply(body) {
            Ok(_) => Ok(()),
            Err(Ok(err)) => Err(format!(".: the batch call failed as a whole: {err}")),
            Err(Err(err)) => Err(format!("{}: {}", err.path, err.reason)),
        },
        "oauth.token" => {
            let mut de = serde_json::Deserializer::from_slice(body);
            serde_path_to_error::deserialize::<_, TokenResponse>(&mut de)
                .map(|_| ())
                .map_err(|err| format!("{}: {}", err.path(), err.inner()))
        }
        method => {
            // `v3-*` files are the REST 3.0 twin's; others the classic method's, or the
            // REST 3.0 one's when the method exists only there.
            let apis: &[ApiVersion] = if file_name.starts_with("v3-") {
                &[ApiVersion::V3]
            } else {
                &[ApiVersion::Classic, ApiVersion::V3]
            };
            let body = envelope_of(body)?;
            for api in apis {
                let mut decode = Decode {
                    method,
                    api: *api,
                    body: &body,
                    outcome: None,
                };
                crate::for_each_method(&mut decode);
                if let Some(outcome) = decode.outcome {
                    return outcome;
                }
            }
            Err(format!(
                ".: no generated method `{method}` of this API version"
            ))
        }
    }
}

/// A whole reply as it is; a bare `result` value wrapped as `{"result": ...}`.
fn envelope_of(body: &[u8]) -> Result<Vec<u8>, String> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|err| format!(".: not JSON: {err}"))?;
    let whole = value
        .as_object()
        .is_some_and(|object| object.contains_key("result") || object.contains_key("error"));
    if whole {
        Ok(body.to_vec())
    } else {
        Ok(serde_json::to_vec(&serde_json::json!({ "result": value })).unwrap_or_default())
    }
}

fn method_exists(name: &str) -> bool {
    struct Find<'a>(&'a str, bool);
    impl MethodVisitor for Find<'_> {
        fn visit<M: Method + 'static>(&mut self) {
            self.1 |= M::NAME == self.0;
        }
    }
    let mut find = Find(name, false);
    crate::for_each_method(&mut find);
    find.1
}

/// Decodes `body` with the response type of the method named `method` in `api`.
struct Decode<'a> {
    method: &'a str,
    api: ApiVersion,
    body: &'a [u8],
    outcome: Option<Result<(), String>>,
}

impl MethodVisitor for Decode<'_> {
    fn visit<M: Method + 'static>(&mut self) {
        if self.outcome.is_some() || M::NAME != self.method || M::API != self.api {
            return;
        }
        self.outcome = Some(match decode_response::<M>(self.body, None) {
            Ok(_) => Ok(()),
            Err(Ok(api_error)) => Err(format!(".: an error reply: {api_error}")),
            Err(Err(err)) => Err(format!("{}: {}", err.path, err.reason)),
        });
    }
}
