//! The project manifest, `scaffold.toml`: the tool version, every answer, and the sha256 of every generated file.
//!
//! `scaffold new --answers scaffold.toml` reads the answers back, and with the same tool version reproduces the
//! project byte for byte.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};
use toml_edit::{Array, DocumentMut, Item, Table, value};

use crate::error::Error;
use crate::input_file::{ReadError, read_text};
use crate::plan::PlannedFile;
use crate::spec::ProjectSpec;
use crate::user_config::check_value_type;

/// The manifest's path, relative to the project root.
pub const FILE_NAME: &str = "scaffold.toml";

/// The changes of a template overlay to a project, as the manifest records them.
#[derive(Debug, Clone, Copy, Default)]
pub struct OverlayRecord<'a> {
    /// Files that came from the overlay.
    pub files: &'a [String],
    /// Built-in files that the overlay excluded.
    pub excluded: &'a [String],
}

/// Renders the manifest for `spec` and the files it lists; the manifest does not list itself. `overlay` lists the
/// changes of a template overlay, and `variables` are the `--set` values.
pub fn render(
    spec: &ProjectSpec,
    files: &[PlannedFile],
    overlay: OverlayRecord<'_>,
    variables: &BTreeMap<String, String>,
) -> String {
    let mut document = DocumentMut::new();
    document.decor_mut().set_prefix(
        "# Written by scaffold. `scaffold new --answers scaffold.toml` recreates this project from these answers.\n\
         # Keep this file: it records which files were generated and from what.\n",
    );

    let mut tool = Table::new();
    tool.insert("version", value(env!("CARGO_PKG_VERSION")));
    document.insert("scaffold", Item::Table(tool));

    let mut answers = Table::new();
    answers.insert("name", value(&spec.names.folder));
    answers.insert("module", value(spec.names.module_path.as_str()));
    answers.insert("database", value(spec.database.as_str()));
    answers.insert("git", value(spec.git));
    document.insert("answers", Item::Table(answers));

    if !variables.is_empty() {
        let mut table = Table::new();
        for (name, text) in variables {
            table.insert(name, value(text));
        }
        document.insert("variables", Item::Table(table));
    }
    if !overlay.files.is_empty() || !overlay.excluded.is_empty() {
        let mut table = Table::new();
        if !overlay.files.is_empty() {
            table.insert("files", value(overlay.files.iter().collect::<Array>()));
        }
        if !overlay.excluded.is_empty() {
            table.insert(
                "excluded",
                value(overlay.excluded.iter().collect::<Array>()),
            );
        }
        document.insert("overlay", Item::Table(table));
    }

    let mut hashes = Table::new();
    for file in files {
        hashes.insert(&file.path, value(sha256_hex(&file.contents)));
    }
    let mut hashes = Item::Table(hashes);
    if let Some(table) = hashes.as_table_mut() {
        table
            .decor_mut()
            .set_prefix("\n# sha256 of each file as generated.\n");
    }
    document.insert("files", hashes);
    document.to_string()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Answers read from a manifest or answers file, as text, with the version of scaffold that wrote them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnswersFile {
    pub written_by: Option<String>,
    /// Pairs of (key, value as text), in file order.
    pub values: Vec<(String, String)>,
    /// The `[variables]` table: values given with `--set`.
    pub variables: BTreeMap<String, String>,
    /// Files that came from a template overlay when the project was generated.
    pub overlay_files: Vec<String>,
    /// Built-in files that the overlay excluded.
    pub overlay_excluded: Vec<String>,
    /// The `[files]` table: the sha256 of each generated file, by path.
    pub file_hashes: BTreeMap<String, String>,
    /// One line per entry of the wrong type or with an unknown key, to be reported with every other problem.
    pub problems: Vec<String>,
}

/// Keys an `[answers]` table may contain, the same as the question keys.
const ANSWER_KEYS: [&str; 4] = ["name", "module", "database", "git"];

impl AnswersFile {
    /// Reads the `[answers]` table of `path`.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let invalid = |reason: String| {
            Error::InvalidInput(format!(
                "invalid answers file `{}`: {reason}",
                path.display()
            ))
        };
        let text = match read_text(path) {
            Ok(text) => text,
            Err(ReadError::NotFound) => {
                return Err(Error::InvalidInput(format!(
                    "answers file `{}` not found",
                    path.display()
                )));
            }
            Err(ReadError::NotRegularFile { folder: true }) => {
                return Err(invalid(
                    "it is a folder; give the scaffold.toml file inside it".into(),
                ));
            }
            Err(error) => {
                let reason = error
                    .reason()
                    .map_err(|source| Error::io("read the answers file", path, source))?;
                return Err(invalid(reason));
            }
        };
        let document = text
            .parse::<DocumentMut>()
            .map_err(|error| invalid(error.to_string().trim().to_owned()))?;
        let table = document
            .get("answers")
            .and_then(Item::as_table)
            .ok_or_else(|| invalid("it has no [answers] table".into()))?;

        let mut values = Vec::new();
        let mut problems = Vec::new();
        let origin = format!("(in answers file `{}`)", path.display());
        for (key, item) in table.iter() {
            if !ANSWER_KEYS.contains(&key) {
                problems.push(format!(
                    "unknown key `{key}` in [answers]; valid keys are {} {origin}",
                    ANSWER_KEYS.join(", ")
                ));
                continue;
            }
            // The types are those scaffold writes, so a hand edit such as git = "no" is caught here.
            if let Err(problem) = check_value_type(key, item, key == "git") {
                problems.push(format!("{problem} {origin}"));
                continue;
            }
            let text = match item.as_bool() {
                Some(flag) => flag.to_string(),
                None => item.as_str().unwrap_or_default().to_owned(),
            };
            values.push((key.to_owned(), text));
        }
        let mut variables = BTreeMap::new();
        let variable_items = document.get("variables").and_then(Item::as_table);
        for (key, item) in variable_items.into_iter().flat_map(|table| table.iter()) {
            match item.as_str() {
                Some(text) => {
                    variables.insert(key.to_owned(), text.to_owned());
                }
                None => problems.push(format!("`variables.{key}` must be a string {origin}")),
            }
        }
        let overlay_list = |key: &str| -> Vec<String> {
            document
                .get("overlay")
                .and_then(|overlay| overlay.get(key))
                .and_then(Item::as_array)
                .map(|paths| {
                    paths
                        .iter()
                        .filter_map(|path| path.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let overlay_files = overlay_list("files");
        let overlay_excluded = overlay_list("excluded");
        let file_hashes = document
            .get("files")
            .and_then(Item::as_table_like)
            .map(|table| {
                table
                    .iter()
                    .filter_map(|(path, hash)| Some((path.to_owned(), hash.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default();
        let written_by = document
            .get("scaffold")
            .and_then(|tool| tool.get("version"))
            .and_then(Item::as_str);
        Ok(Self {
            written_by: written_by.map(str::to_owned),
            values,
            variables,
            overlay_files,
            overlay_excluded,
            file_hashes,
            problems,
        })
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, text)| text.as_str())
    }
}
