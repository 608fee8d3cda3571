//! The cargo features of `bitrix24-types`: one per generated scope, plus `full`.
//!
//! `generated/mod.rs` gates each scope module with `#[cfg(feature = "SCOPE")]`, so the
//! features must exist in `bitrix24-types/Cargo.toml`. The generator owns one marked block
//! of that file (everything else in it is hand-written):
//!
//! ```toml
//! # @generated scope features (`cargo xtask codegen`): do not edit by hand.
//! crm = []
//! full = ["crm"]
//! # @generated end
//! ```

use crate::output::GeneratedFile;

/// Where the generator's block of features lives, relative to the workspace root.
pub const MANIFEST: &str = "bitrix24-types/Cargo.toml";

const BEGIN: &str = "# @generated scope features (`cargo xtask codegen`): do not edit by hand.";
const END: &str = "# @generated end";

/// The scope `common` is always compiled: its types are shared by every scope.
const ALWAYS_COMPILED: &str = "common";

/// The scopes that get a feature: every scope directory of the output but `common`, sorted.
pub fn scopes(files: &[GeneratedFile]) -> Vec<String> {
    let mut scopes: Vec<String> = files
        .iter()
        .filter_map(|file| file.path.split_once('/').map(|(scope, _)| scope))
        .filter(|scope| *scope != ALWAYS_COMPILED)
        .map(str::to_owned)
        .collect();
    scopes.sort();
    scopes.dedup();
    scopes
}

/// The block's text for `scopes`, markers included, ending in a newline.
pub fn block(scopes: &[String]) -> String {
    let mut out = format!("{BEGIN}\n");
    for scope in scopes {
        out.push_str(&format!("{scope} = []\n"));
    }
    let all: Vec<String> = scopes.iter().map(|scope| format!("\"{scope}\"")).collect();
    out.push_str(&format!("full = [{}]\n{END}\n", all.join(", ")));
    out
}

/// Why the manifest cannot take the block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingMarkers;

impl std::fmt::Display for MissingMarkers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{MANIFEST} has no generated features block: put the lines `{BEGIN}` and `{END}` \
             under [features]"
        )
    }
}

impl std::error::Error for MissingMarkers {}

/// `manifest` with its block replaced by [`block`]`(scopes)`; the rest is kept byte for byte.
pub fn update_manifest(manifest: &str, scopes: &[String]) -> Result<String, MissingMarkers> {
    let begin = manifest.find(BEGIN).ok_or(MissingMarkers)?;
    let end = manifest[begin..].find(END).ok_or(MissingMarkers)? + begin;
    let after = manifest[end + END.len()..]
        .strip_prefix('\n')
        .unwrap_or(&manifest[end + END.len()..]);
    Ok(format!("{}{}{after}", &manifest[..begin], block(scopes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> GeneratedFile {
        GeneratedFile {
            path: path.to_owned(),
            contents: String::new(),
        }
    }

    #[test]
    fn every_scope_but_common_gets_a_feature() {
        let files = [
            file("mod.rs"),
            file("common/mod.rs"),
            file("tasks/mod.rs"),
            file("crm/mod.rs"),
            file("crm/deals.rs"),
        ];
        assert_eq!(scopes(&files), ["crm", "tasks"]);
    }

    #[test]
    fn the_block_is_replaced_and_the_rest_kept() {
        let manifest =
            format!("[features]\ndefault = [\"crm\"]\n{BEGIN}\nold = []\n{END}\ntestkit = []\n");
        let updated = update_manifest(&manifest, &["crm".into(), "im".into()]).unwrap();
        assert_eq!(
            updated,
            format!(
                "[features]\ndefault = [\"crm\"]\n{BEGIN}\ncrm = []\nim = []\n\
                 full = [\"crm\", \"im\"]\n{END}\ntestkit = []\n"
            )
        );
        // Idempotent: updating the result changes nothing.
        assert_eq!(
            update_manifest(&updated, &["crm".into(), "im".into()]).unwrap(),
            updated
        );
    }

    #[test]
    fn a_manifest_without_markers_is_an_error() {
        let err = update_manifest("[features]\ncrm = []\n", &["crm".into()]).unwrap_err();
        assert!(err.to_string().contains("no generated features block"));
    }
}
