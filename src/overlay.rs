//! Template overlays: a folder of a team's own templates, applied on top of the built-in ones.
//!
//! A file at the same relative path as a built-in template replaces it; any other file is added to the project.
//! The overlay's manifest, `scaffold-templates.toml`, records which built-in sources were exported and their
//! hashes (so a changed built-in can be reported as stale) and may exclude built-in files. Paths that are absolute,
//! contain `..`, or are symbolic links leading outside the overlay are rejected, so an overlay can never make
//! scaffold write outside the project folder.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};

use toml_edit::{DocumentMut, Item};

use crate::error::Error;
use crate::input_file::{read_text, toml_error};
use crate::jinja;
use crate::manifest::sha256_hex;
use crate::templates;

/// The overlay manifest's file name; it is read, never copied into a project.
pub const MANIFEST_NAME: &str = "scaffold-templates.toml";

/// The keys that `scaffold-templates.toml` may contain. `templates export` writes `scaffold` (the version that
/// exported) and `exported`; a team adds `exclude`.
const MANIFEST_KEYS: [&str; 3] = ["scaffold", "exported", "exclude"];

/// Built-in files an overlay may replace but not exclude, because the project does not build without them.
const UNEXCLUDABLE: [&str; 2] = ["go.mod", "go.sum"];

/// One file of an overlay, with its `/`-separated path relative to the overlay root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayFile {
    pub path: String,
    pub contents: Vec<u8>,
    /// Any execute permission bit is set, so the project's copy is made executable too.
    pub executable: bool,
}

/// A loaded and checked overlay folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overlay {
    /// Files sorted by path, without the manifest and without `.git`.
    pub files: Vec<OverlayFile>,
    /// Built-in templates the project must not get.
    pub excluded: Vec<String>,
    /// sha256 of each built-in source when it was exported, by path.
    pub exported: BTreeMap<String, String>,
}

impl Overlay {
    /// Reads the overlay at `root`, rejecting unsafe paths and invalid manifest entries.
    pub fn load(root: &Path) -> Result<Self, Error> {
        let invalid = |reason: String| {
            Error::InvalidInput(format!(
                "invalid template overlay `{}`: {reason}",
                root.display()
            ))
        };
        let metadata = fs::metadata(root).map_err(|error| {
            if error.kind() == std::io::ErrorKind::NotFound {
                Error::InvalidInput(format!(
                    "template overlay folder `{}` not found",
                    root.display()
                ))
            } else {
                invalid(error.to_string())
            }
        })?;
        if !metadata.is_dir() {
            return Err(invalid("it is not a folder".into()));
        }
        let canonical_root =
            fs::canonicalize(root).map_err(|source| Error::io("resolve", root, source))?;

        let mut files = Vec::new();
        collect(&canonical_root, root, Path::new(""), &mut files).map_err(invalid)?;
        files.sort_by(|a, b| a.path.cmp(&b.path));

        let mut overlay = Self {
            files,
            ..Self::default()
        };
        let manifest_path = root.join(MANIFEST_NAME);
        if manifest_path.exists() {
            overlay.read_manifest(&manifest_path).map_err(invalid)?;
        }
        Ok(overlay)
    }

    fn read_manifest(&mut self, path: &Path) -> Result<(), String> {
        let text = read_text(path).map_err(|error| {
            let reason = error.reason().unwrap_or_else(|error| error.to_string());
            format!("cannot read {MANIFEST_NAME}: {reason}")
        })?;
        let document: DocumentMut = text.parse().map_err(|error: toml_edit::TomlError| {
            format!(
                "{MANIFEST_NAME} is not valid TOML: {}",
                toml_error(&error, &text)
            )
        })?;
        for (key, _) in document.iter() {
            if !MANIFEST_KEYS.contains(&key) {
                return Err(format!(
                    "unknown key `{key}` in {MANIFEST_NAME}; valid keys are {}",
                    MANIFEST_KEYS.join(", ")
                ));
            }
        }
        if let Some(tool) = document.get("scaffold") {
            let valid = tool.as_table_like().is_some_and(|table| {
                table.iter().all(|(key, _)| key == "version")
                    && table.get("version").is_some_and(Item::is_str)
            });
            if !valid {
                return Err(format!(
                    "`scaffold` in {MANIFEST_NAME} must be a table with one string, `version`, as \
                     `scaffold templates export` writes it"
                ));
            }
        }
        if let Some(exported) = document.get("exported") {
            let exported = exported
                .as_table_like()
                .ok_or_else(|| format!("`exported` in {MANIFEST_NAME} must be a table"))?;
            for (key, item) in exported.iter() {
                let hash = item.as_str().ok_or_else(|| {
                    // TOML puts a line below [exported] into that table, wherever the team meant it to go.
                    let hint = match key {
                        "exclude" => {
                            "; `exclude` belongs above the [exported] table, at the top of the file"
                        }
                        _ => "",
                    };
                    format!("`exported.{key}` in {MANIFEST_NAME} must be a string{hint}")
                })?;
                self.exported.insert(key.to_owned(), hash.to_owned());
            }
        }
        let excluded = match document.get("exclude") {
            Some(item) => Some(item.as_array().ok_or_else(|| {
                format!("`exclude` in {MANIFEST_NAME} must be a list of paths, such as [\"docker-compose.yml\"]")
            })?),
            None => None,
        };
        for item in excluded.into_iter().flatten() {
            let path = item
                .as_str()
                .ok_or_else(|| format!("`exclude` in {MANIFEST_NAME} must list strings"))?;
            check_relative(path)?;
            if templates::find(path).is_none() {
                return Err(format!(
                    "{MANIFEST_NAME} excludes `{path}`, which is not a built-in template; see `scaffold templates list`"
                ));
            }
            if self.files.iter().any(|file| file.path == path) {
                return Err(format!(
                    "{MANIFEST_NAME} excludes `{path}`, but the overlay also contains `{path}`; remove one of them"
                ));
            }
            if UNEXCLUDABLE.contains(&path) {
                return Err(format!(
                    "{MANIFEST_NAME} excludes `{path}`, without which the project does not build; to change it, \
                     put your own `{path}` in the overlay instead"
                ));
            }
            if !self.excluded.iter().any(|excluded| excluded == path) {
                self.excluded.push(path.to_owned());
            }
        }
        Ok(())
    }

    pub fn file(&self, path: &str) -> Option<&OverlayFile> {
        self.files.iter().find(|file| file.path == path)
    }

    /// Returns the names in `variables` that no overlay template looks up, so that a misspelt `--set` name is
    /// reported instead of silently having no effect. Files that are not UTF-8 are copied, not rendered, and use
    /// none.
    pub fn unused_variables<'a>(
        &self,
        variables: impl IntoIterator<Item = &'a String>,
    ) -> Vec<&'a str> {
        let used: HashSet<String> = self
            .files
            .iter()
            .filter_map(|file| {
                Some((
                    file.path.as_str(),
                    std::str::from_utf8(&file.contents).ok()?,
                ))
            })
            .flat_map(|(path, source)| jinja::variables_used(path, source))
            .collect();
        variables
            .into_iter()
            .filter(|name| !used.contains(*name))
            .map(String::as_str)
            .collect()
    }

    /// Lists overlay files that replace a built-in template whose source changed since it was exported.
    pub fn stale_files(&self) -> Vec<&str> {
        self.files
            .iter()
            .filter_map(|file| {
                let exported = self.exported.get(&file.path)?;
                let built_in = templates::find(&file.path)?;
                (sha256_hex(built_in.source().as_bytes()) != *exported)
                    .then_some(file.path.as_str())
            })
            .collect()
    }
}

/// Walks `dir` (relative to the overlay root), collecting files and rejecting links that leave the overlay.
fn collect(
    canonical_root: &Path,
    root: &Path,
    relative: &Path,
    out: &mut Vec<OverlayFile>,
) -> Result<(), String> {
    let dir = root.join(relative);
    let entries =
        fs::read_dir(&dir).map_err(|error| format!("cannot read `{}`: {error}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|error| format!("cannot read `{}`: {error}", dir.display()))?;
        let name = entry.file_name();
        let child = relative.join(&name);
        let display = child.to_string_lossy().into_owned();
        let Some(text) = child.to_str() else {
            return Err(format!("the path `{display}` is not valid UTF-8"));
        };
        if child == Path::new(MANIFEST_NAME) || name == ".git" {
            continue;
        }
        if child == Path::new(crate::manifest::FILE_NAME) {
            return Err(format!(
                "the overlay contains `{display}`, which scaffold writes itself for every project; remove it"
            ));
        }
        // Earlier versions read `\` as a separator, as Windows does, so a file named `..\x` landed outside the
        // project. Rejecting the name is safer than picking one reading of it.
        if name.to_string_lossy().chars().any(char::is_control) {
            return Err(format!(
                "{display:?} contains a control character, such as a newline, which template file names may not \
                 contain"
            ));
        }
        if name.to_string_lossy().contains('\\') {
            return Err(format!(
                "`{display}` contains a backslash, which template file names may not contain"
            ));
        }
        let file_type = entry
            .file_type()
            .map_err(|error| format!("cannot inspect `{display}`: {error}"))?;
        let path = root.join(&child);
        if file_type.is_symlink() {
            let target = fs::canonicalize(&path)
                .map_err(|error| format!("`{display}` is a broken symbolic link: {error}"))?;
            if !target.starts_with(canonical_root) {
                return Err(format!(
                    "`{display}` is a symbolic link to `{}`, outside the overlay",
                    target.display()
                ));
            }
            if target.is_dir() {
                return Err(format!(
                    "`{display}` is a symbolic link to a folder; only file links are supported"
                ));
            }
        } else if file_type.is_dir() {
            collect(canonical_root, root, &child, out)?;
            continue;
        }
        // Reading a named pipe blocks until another process writes to it, and Ctrl-C only sets a flag.
        let metadata = fs::metadata(&path).ok().filter(fs::Metadata::is_file);
        let Some(metadata) = metadata else {
            return Err(format!(
                "`{display}` is a named pipe, socket or device, not a regular file"
            ));
        };
        let contents =
            fs::read(&path).map_err(|error| format!("cannot read `{display}`: {error}"))?;
        out.push(OverlayFile {
            path: text.to_owned(),
            contents,
            executable: metadata.permissions().mode() & 0o111 != 0,
        });
    }
    Ok(())
}

/// Accepts only a relative path made of plain names, so it cannot point outside the project or the overlay.
pub fn check_relative(path: &str) -> Result<(), String> {
    let plain = !path.is_empty()
        && Path::new(path)
            .components()
            .all(|component| matches!(component, Component::Normal(_)));
    if plain && !path.contains('\\') {
        Ok(())
    } else {
        Err(format!(
            "`{path}` must be a relative path without `..`, `.` or a leading `/`"
        ))
    }
}

/// Explains a templates folder that starts with `~`, which a shell expands only at the start of a word, so that
/// quoted or stored paths reach scaffold unexpanded. scaffold does not expand it either, as no other program would.
pub fn unexpanded_home(folder: &str) -> Option<String> {
    folder.starts_with('~').then(|| {
        format!(
            "`~` in the templates folder `{folder}` is the home folder only to a shell, which did not expand it \
             here; use an absolute path instead"
        )
    })
}

/// Returns the overlay folder and what named it: the flag, else `SCAFFOLD_TEMPLATES`, else the user config.
pub fn locate(
    flag: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
    configured: Option<&str>,
) -> Option<(PathBuf, &'static str)> {
    flag.map(|folder| (folder.to_owned(), "--templates"))
        .or_else(|| {
            env("SCAFFOLD_TEMPLATES")
                .filter(|value| !value.is_empty())
                .map(|folder| (PathBuf::from(folder), "SCAFFOLD_TEMPLATES"))
        })
        .or_else(|| configured.map(|folder| (PathBuf::from(folder), "the `templates` config key")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_only() {
        assert!(check_relative("Dockerfile").is_ok());
        assert!(check_relative(".github/workflows/ci.yml").is_ok());
        for bad in ["", "/etc/passwd", "../x", "a/../../x", "./x", "a\\b"] {
            assert!(check_relative(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
