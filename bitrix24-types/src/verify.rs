//! Check captured replies against the generated types: the engine of
//! `cargo xtask verify-fixtures DIR`.
//!
//! `DIR` holds a folder per method (`crm.deal.get/`, `tasks.task.list/`, ...), each with
//! `.json` files holding a whole reply (the envelope with `result`, `time`, ...) or only
//! the `result` value, plus three special folders:
//!
//! - `batch/`: whole `batch` replies;
//! - `error/`: error replies (`{"error": ..., "error_description": ...}`);
//! - `oauth.token/`: replies of the OAuth server to a code exchange or a refresh;
//! - `event.CODE/` (`event.ONCRMDEALADD/`): requests Bitrix24 sent to an event handler,
//!   form-encoded (`.txt`) or JSON (`.json`); their `data` must decode with the generated
//!   payload type of the event. The application token is not checked here.
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

use crate::{EventVisitor, MethodVisitor};

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
        let event = name
            .strip_prefix("event.")
            .filter(|code| event_exists(code));
        files.retain(|path| {
            path.extension()
                .is_some_and(|ext| ext == "json" || (event.is_some() && ext == "txt"))
        });
        files.sort();
        let known = matches!(name.as_str(), "batch" | "error" | "oauth.token")
            || event.is_some()
            || method_exists(&name);
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
        folder if folder.starts_with("event.") && event_exists(&folder["event.".len()..]) => {
            check_event(&folder["event.".len()..], file_name, body)
        }
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

/// An event request's `data`, decoded with the payload type of `code`.
fn check_event(code: &str, file_name: &str, body: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(body).map_err(|_| ".: not UTF-8".to_owned())?;
    let request: serde_json::Value = if file_name.ends_with(".txt") {
        bitrix24_wire::form::parse(text.trim())
    } else {
        serde_json::from_str(text).map_err(|err| format!(".: not JSON: {err}"))?
    };
    let sent = request.get("event").and_then(|event| event.as_str());
    if let Some(sent) = sent.filter(|sent| !sent.eq_ignore_ascii_case(code)) {
        return Err(format!("event: the request is `{sent}`, not `{code}`"));
    }
    let data = request
        .get("data")
        .cloned()
        .unwrap_or(serde_json::Value::Null);
    let mut decode = DecodeEvent {
        code,
        data,
        outcome: None,
    };
    crate::for_each_event(&mut decode);
    decode
        .outcome
        .unwrap_or_else(|| Err(format!(".: no generated event `{code}`")))
}

fn event_exists(code: &str) -> bool {
    struct Find<'a>(&'a str, bool);
    impl EventVisitor for Find<'_> {
        fn visit<E: bitrix24_transport::EventPayload + 'static>(&mut self) {
            self.1 |= E::CODE.eq_ignore_ascii_case(self.0);
        }
    }
    let mut find = Find(code, false);
    crate::for_each_event(&mut find);
    find.1
}

/// Decodes an event's `data` with the payload type of the event `code`.
struct DecodeEvent<'a> {
    code: &'a str,
    data: serde_json::Value,
    outcome: Option<Result<(), String>>,
}

impl EventVisitor for DecodeEvent<'_> {
    fn visit<E: bitrix24_transport::EventPayload + 'static>(&mut self) {
        if self.outcome.is_some() || !E::CODE.eq_ignore_ascii_case(self.code) {
            return;
        }
        // PHP drops empty arrays from forms: no `data` is an empty object.
        let data = match std::mem::take(&mut self.data) {
            serde_json::Value::Null => serde_json::json!({}),
            data => data,
        };
        self.outcome = Some(
            serde_path_to_error::deserialize::<_, E>(data)
                .map(|_| ())
                .map_err(|err| format!("data.{}: {}", err.path(), err.inner())),
        );
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
