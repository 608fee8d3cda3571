//! A directory of generated text files: listing it, writing it, comparing it.
//!
//! Shared by the bindings (`.rs` under `bitrix24-types/src/generated/`) and the imported
//! specs (`.yaml`): both are written atomically file by file, both delete the files of
//! their kind that are no longer produced, and both have a `--check` that writes nothing.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What [`write_tree`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// Files created or changed.
    pub written: Vec<String>,
    /// Files already up to date.
    pub unchanged: usize,
    /// Stale files removed.
    pub deleted: Vec<String>,
}

/// A difference between what is on disk and what would be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// The file's contents differ.
    Changed(String),
    /// A file would be written that is not there.
    Missing(String),
    /// A file is there that is no longer produced.
    Extra(String),
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stale::Changed(path) => write!(f, "{path}: out of date"),
            Stale::Missing(path) => write!(f, "{path}: missing"),
            Stale::Extra(path) => write!(f, "{path}: no longer generated"),
        }
    }
}

/// `path` relative to `base`, `/`-separated whatever the platform.
pub fn relative(base: &Path, path: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Every file ending in `.{ext}` under `dir` as (relative path, full path), sorted by the
/// relative path so nothing depends on the order the file system lists entries in.
/// A directory that does not exist has no files.
pub fn files_under(dir: &Path, ext: &str) -> io::Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut dirs = vec![dir.to_owned()];
    while let Some(current) = dirs.pop() {
        for entry in fs::read_dir(&current)? {
            let path = entry?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push((relative(dir, &path), path));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Write `files` (relative path, contents) under `out`, each atomically (temp file +
/// rename), skip the unchanged ones, and delete the `.{ext}` files no longer produced.
pub fn write_tree<'a>(
    out: &Path,
    ext: &str,
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> io::Result<WriteReport> {
    let mut report = WriteReport::default();
    let mut wanted = BTreeSet::new();
    for (path, contents) in files {
        wanted.insert(path.to_owned());
        let target = out.join(path);
        if fs::read_to_string(&target).is_ok_and(|old| old == contents) {
            report.unchanged += 1;
            continue;
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        let temp = target.with_extension(format!("{ext}.tmp"));
        fs::write(&temp, contents)?;
        fs::rename(&temp, &target)?;
        report.written.push(path.to_owned());
    }
    for (existing, path) in files_under(out, ext)? {
        if !wanted.contains(&existing) {
            fs::remove_file(path)?;
            report.deleted.push(existing);
        }
    }
    if out.exists() {
        remove_empty_dirs(out)?;
    }
    Ok(report)
}

/// Compare `files` with the `.{ext}` files under `out`; writes nothing.
pub fn check_tree<'a>(
    out: &Path,
    ext: &str,
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> io::Result<Vec<Stale>> {
    let mut stale = Vec::new();
    let mut wanted = BTreeSet::new();
    for (path, contents) in files {
        wanted.insert(path.to_owned());
        match fs::read_to_string(out.join(path)) {
            Ok(old) if old == contents => {}
            Ok(_) => stale.push(Stale::Changed(path.to_owned())),
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                stale.push(Stale::Missing(path.to_owned()));
            }
            Err(err) => return Err(err),
        }
    }
    for (existing, _) in files_under(out, ext)? {
        if !wanted.contains(&existing) {
            stale.push(Stale::Extra(existing));
        }
    }
    Ok(stale)
}

fn remove_empty_dirs(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            remove_empty_dirs(&path)?;
            if fs::read_dir(&path)?.next().is_none() {
                fs::remove_dir(&path)?;
            }
        }
    }
    Ok(())
}
