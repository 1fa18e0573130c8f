//! The project manifest, `scaffold.toml`: the tool version, every answer, and the sha256 of every generated file.
//!
//! `scaffold new --answers scaffold.toml` reads the answers back, and with the same tool version reproduces the
//! project byte for byte.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use toml_edit::{Array, DocumentMut, Item, Table, value};

use crate::plan::PlannedFile;
use crate::spec::ProjectSpec;

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
